@effects
Feature: What a successful create answers and stores

  @EFF-01
  Scenario Outline: Success is 201 with no body and the documented Location (<actor>, accepting <accept>)
    Given the actor is <actor>
    And a valid request body
    And the header "Accept" is "<accept>"
    When the request is sent
    Then the response is 201 Created with a Location
    And the Location is the documented activity path

    Examples:
      | actor                | accept           |
      | a user               | application/json |
      | a user               | application/xml  |
      | a client application | application/json |

  @EFF-01
  Scenario: A customer's success is 201 with no body and the documented Location
    Given the target runs with secure messaging on
    And the actor is a customer
    And a valid request body
    When the request is sent
    Then the response is 201 Created with a Location
    And the Location is the documented activity path

  @EFF-01
  Scenario: The Location names the activity that was created
    Given the actor is a user
    And a valid request body
    When the request is sent
    Then the response is 201 Created with a Location
    And the stored activity has "subject" equal to the value sent in "subject"

  @EFF-02
  Scenario Outline: A new email is inbound and awaits assignment (<actor>)
    Given the actor is <actor>
    And a valid request body
    When the request is sent
    Then the response is 201 Created with a Location
    And the stored activity has "mode.value" equal to "inbound"
    And the stored activity has "status.value" equal to "awaiting_assignment"
    And the stored activity has "status.substatus.value" equal to "ready_for_assignment"
    And the stored activity has "type.value" equal to "email"
    And the stored activity has "type.subtype.value" equal to "general"

    Examples:
      | actor                |
      | a user               |
      | a client application |

  @EFF-02
  Scenario: A new email from a customer is inbound and awaits assignment
    Given the target runs with secure messaging on
    And the actor is a customer
    And a valid request body
    When the request is sent
    Then the response is 201 Created with a Location
    And the stored activity has "mode.value" equal to "inbound"
    And the stored activity has "status.value" equal to "awaiting_assignment"

  @EFF-04
  Scenario: A created activity reads back in the vendor's Get-activity shape
    Given the actor is a user
    And a valid request body
    When the request is sent
    Then the response is 201 Created with a Location
    And the activity read back is in the vendor's Get-activity shape

  @EFF-03
  Scenario Outline: The stored activity keeps what was sent (<format>)
    Given the actor is a user
    And a valid request body
    And the body is sent as <format>
    And the request sets "subject" to "Printer jams on page two"
    And the request sets "payload.email.content" to {"text": "It jams.", "html": "<p>It jams.</p>"}
    When the request is sent
    Then the response is 201 Created with a Location
    And the stored activity has "subject" equal to "Printer jams on page two"
    And the stored activity has "payload.email.emailAddresses.from" equal to the value sent in "payload.email.emailAddresses.from"
    And the stored activity has "payload.email.alias.value" equal to the profile's alias
    And the stored activity has "payload.email.content" equal to {"text": "It jams.", "html": "<p>It jams.</p>"}
    And the stored activity has "department.name" equal to the profile's department

    Examples:
      | format |
      | JSON   |
      | XML    |
