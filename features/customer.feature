@customer
Feature: Elements for customers
  A customer reaches the application through an active alias (receiver) or message center of
  its own department; the application derives the department, picks or records the sender,
  and the email is always secure.

  @CUS-01
  Scenario Outline: A customer must send a receiver or a message center (<format>)
    Given the actor is a customer
    And a valid request body
    And the body is sent as <format>
    And the request omits "payload.email.messageCenter"
    When the request is sent
    Then the request is refused with status 400 and code "400-146"

    Examples:
      | format |
      | JSON   |
      | XML    |

  @CUS-01
  Scenario: A message center without an id counts as none
    Given the actor is a customer
    And a valid request body
    And the request omits "payload.email.messageCenter.id"
    When the request is sent
    Then the request is refused with status 400 and code "400-146"
    And the error names the attribute "payload.email.messageCenter.id"

  @CUS-01
  Scenario: A customer may send a receiver alias instead of a message center
    Given the target runs with secure messaging on
    And the actor is a customer
    And a valid request body
    And the request omits "payload.email.messageCenter"
    And the request sets "payload.email.emailAddresses.receiver" to the profile's alias
    When the request is sent
    Then the response is 201 Created with a Location

  @CUS-02
  Scenario: The department is derived from the message center
    Given the target runs with secure messaging on
    And the actor is a customer
    And a valid request body
    When the request is sent
    Then the response is 201 Created with a Location
    And the stored activity has "department.name" equal to the profile's department

  @CUS-02
  Scenario: The department is derived from the receiver alias
    Given the target runs with secure messaging on
    And the actor is a customer
    And a valid request body
    And the request omits "payload.email.messageCenter"
    And the request sets "payload.email.emailAddresses.receiver" to the profile's alias
    When the request is sent
    Then the response is 201 Created with a Location
    And the stored activity has "department.name" equal to the profile's department

  @CUS-02
  Scenario: With departmentalization off, an email to the other department's alias is filed in that department
    Given the target runs with secure messaging on
    And the target runs with customer departmentalization off
    And the actor is a customer
    And a valid request body
    And the request omits "payload.email.messageCenter"
    And the request sets "payload.email.emailAddresses.receiver" to the profile's other_department_alias
    When the request is sent
    Then the response is 201 Created with a Location
    And the stored activity has "department.name" equal to the profile's other_department

  @CUS-02
  Scenario: With departmentalization off, an email through the other department's message center is filed in that department
    Given the target runs with secure messaging on
    And the target runs with customer departmentalization off
    And the actor is a customer
    And a valid request body
    And the request sets "payload.email.messageCenter.id" to the profile's other_department_message_center
    When the request is sent
    Then the response is 201 Created with a Location
    And the stored activity has "department.name" equal to the profile's other_department

  @CUS-03
  Scenario: A customer may not name the department
    Given the actor is a customer
    And a valid request body
    And the request sets "department.name" to the profile's department
    When the request is sent
    Then the request is refused with status 400 and code "400-147"
    And the error names the attribute "department"

  @CUS-04
  Scenario Outline: The message center must exist and be active (<which>)
    Given the actor is a customer
    And a valid request body
    And the request sets "payload.email.messageCenter.id" to <value>
    When the request is sent
    Then the request is refused with status 400 and code "400-152"
    And the error names the attribute "payload.email.messageCenter.id"

    Examples:
      | which    | value                                   |
      | inactive | the profile's inactive_message_center   |
      | unknown  | "No Such Message Center"                |

  @CUS-05
  Scenario: With departmentalization on, another department's message center is refused
    Given the target runs with customer departmentalization on
    And the actor is a customer
    And a valid request body
    And the request sets "payload.email.messageCenter.id" to the profile's other_department_message_center
    When the request is sent
    Then the request is refused with status 400 and code "400-152"
    And the error names the attribute "payload.email.messageCenter.id"

  @CUS-05
  Scenario: With departmentalization off, another department's message center is accepted
    Given the target runs with secure messaging on
    And the target runs with customer departmentalization off
    And the actor is a customer
    And a valid request body
    And the request sets "payload.email.messageCenter.id" to the profile's other_department_message_center
    When the request is sent
    Then the response is 201 Created with a Location

  @CUS-06
  Scenario Outline: A customer's receiver must be an active alias (<which>)
    Given the actor is a customer
    And a valid request body
    And the request omits "payload.email.messageCenter"
    And the request sets "payload.email.emailAddresses.receiver" to <value>
    When the request is sent
    Then the request is refused with status 400 and code "400-152"
    And the error names the attribute "payload.email.emailAddresses.receiver"

    Examples:
      | which    | value                        |
      | inactive | the profile's inactive_alias |
      | unknown  | "nobody-here@unknown.example" |

  @CUS-07
  Scenario: With departmentalization on, another department's alias is refused to a customer
    Given the target runs with customer departmentalization on
    And the actor is a customer
    And a valid request body
    And the request omits "payload.email.messageCenter"
    And the request sets "payload.email.emailAddresses.receiver" to the profile's other_department_alias
    When the request is sent
    Then the request is refused with status 400 and code "400-152"
    And the error names the attribute "payload.email.emailAddresses.receiver"

  @CUS-07
  Scenario: With departmentalization off, another department's alias is accepted from a customer
    Given the target runs with secure messaging on
    And the target runs with customer departmentalization off
    And the actor is a customer
    And a valid request body
    And the request omits "payload.email.messageCenter"
    And the request sets "payload.email.emailAddresses.receiver" to the profile's other_department_alias
    When the request is sent
    Then the response is 201 Created with a Location

  @CUS-08
  Scenario: Without from, the application uses the customer's own address
    Given the target runs with secure messaging on
    And the actor is a customer
    And a valid request body
    When the request is sent
    Then the response is 201 Created with a Location
    And the stored activity has "payload.email.emailAddresses.from" equal to the profile's customer_email

  @CUS-08
  Scenario: The customer's own address may be sent as from
    Given the target runs with secure messaging on
    And the actor is a customer
    And a valid request body
    And the request sets "payload.email.emailAddresses.from" to the profile's customer_email
    When the request is sent
    Then the response is 201 Created with a Location
    And the stored activity has "payload.email.emailAddresses.from" equal to the profile's customer_email

  @CUS-09
  Scenario: A from address of another customer is refused
    Given the actor is a customer
    And a valid request body
    And the request sets "payload.email.emailAddresses.from" to the profile's existing_customer_email
    When the request is sent
    Then the request is refused with status 400 and code "400-152"
    And the error names the attribute "payload.email.emailAddresses.from"

  @CUS-10
  Scenario: An unknown from address becomes the customer's new contact point
    Given the target runs with secure messaging on
    And the actor is a customer
    And a valid request body
    And the request sets "payload.email.emailAddresses.from" to a fresh email address
    When the request is sent
    Then the response is 201 Created with a Location
    And the stored activity has "payload.email.emailAddresses.from" equal to the fresh email address
    And the stored activity has "customer.id" equal to the profile's customer_id
    When a user sends a request from the same address without a customer element
    Then the response is 201 Created with a Location

  @CUS-11
  Scenario: With departmentalization on, an address known only in another department is new to the customer
    Given the target runs with secure messaging on
    And the target runs with customer departmentalization on
    And the actor is a customer
    And a valid request body
    And the request sets "payload.email.emailAddresses.from" to the profile's other_department_customer_email_2
    When the request is sent
    Then the response is 201 Created with a Location

  @CUS-11
  Scenario: With departmentalization off, an address of another department's customer belongs to someone else
    Given the target runs with customer departmentalization off
    And the actor is a customer
    And a valid request body
    And the request sets "payload.email.emailAddresses.from" to the profile's other_department_customer_email_2
    When the request is sent
    Then the request is refused with status 400 and code "400-152"
    And the error names the attribute "payload.email.emailAddresses.from"

  @CUS-12
  Scenario: issueType may not be sent without a message center
    Given the actor is a customer
    And a valid request body
    And the request omits "payload.email.messageCenter"
    And the request sets "payload.email.emailAddresses.receiver" to the profile's alias
    And the request sets "issueType.id" to the profile's issue_type
    When the request is sent
    Then the request is refused with status 400 and code "400-152"
    And the error names the attribute "issueType.id"

  @CUS-12 @CUS-13
  Scenario Outline: An issue type of the message center is accepted (<format>)
    Given the target runs with secure messaging on
    And the actor is a customer
    And a valid request body
    And the body is sent as <format>
    And the request sets "issueType.id" to the profile's issue_type
    When the request is sent
    Then the response is 201 Created with a Location
    And the stored activity has "issueType.id" equal to the profile's issue_type

    Examples:
      | format |
      | JSON   |
      | XML    |

  @CUS-13
  Scenario: An issue type of another message center is refused
    Given the actor is a customer
    And a valid request body
    And the request sets "issueType.id" to the profile's issue_type_of_other_message_center
    When the request is sent
    Then the request is refused with status 400 and code "400-152"
    And the error names the attribute "issueType.id"

  @CUS-13
  Scenario: An issue type that does not exist is refused
    Given the actor is a customer
    And a valid request body
    And the request sets "issueType.id" to "999999999"
    When the request is sent
    Then the request is refused with status 400 and code "400-152"
    And the error names the attribute "issueType.id"

  @CUS-14
  Scenario Outline: An activity created by a customer is always secure (<format>)
    Given the target runs with secure messaging on
    And the actor is a customer
    And a valid request body
    And the body is sent as <format>
    When the request is sent
    Then the response is 201 Created with a Location
    And the stored activity has "secure" equal to true

    Examples:
      | format |
      | JSON   |
      | XML    |

  @CUS-14
  Scenario: An activity a customer sends to a receiver alias is secure too
    Given the target runs with secure messaging on
    And the actor is a customer
    And a valid request body
    And the request omits "payload.email.messageCenter"
    And the request sets "payload.email.emailAddresses.receiver" to the profile's alias
    When the request is sent
    Then the response is 201 Created with a Location
    And the stored activity has "secure" equal to true

  @CUS-15
  Scenario: With secure messaging off, a customer cannot create an email
    Given the target runs with secure messaging off
    And the actor is a customer
    And a valid request body
    When the request is sent
    Then the request is refused with status 400 and code "400-152"
    And the error names the attribute "secure"

  @CUS-15
  Scenario: With secure messaging off, a customer cannot email a receiver alias either
    Given the target runs with secure messaging off
    And the actor is a customer
    And a valid request body
    And the request omits "payload.email.messageCenter"
    And the request sets "payload.email.emailAddresses.receiver" to the profile's alias
    When the request is sent
    Then the request is refused with status 400 and code "400-152"
    And the error names the attribute "secure"

  @CUS-15
  Scenario: With secure messaging on, a customer creates an email
    Given the target runs with secure messaging on
    And the actor is a customer
    And a valid request body
    When the request is sent
    Then the response is 201 Created with a Location

  @CUS-16
  Scenario Outline: A customer may not send <path>
    Given the actor is a customer
    And a valid request body
    And the request sets "<path>" to <value>
    When the request is sent
    Then the request is refused with status 400 and code "400-147"
    And the error names the attribute "<path>"

    Examples:
      | path                            | value                                      |
      | secure                          | true                                       |
      | payload.email.emailAddresses.to | {"address": ["one@client.example"]}        |
      | payload.email.emailAddresses.cc | {"address": ["one@client.example"]}        |
      | customer                        | {"type": {"value": "individual"}}          |
