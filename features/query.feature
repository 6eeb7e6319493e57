@query
Feature: Query parameters
  The only query parameter is customer, and only a customer may send it.

  @QRY-01
  Scenario: An unsupported query parameter is refused, naming it
    Given the actor is a user
    And a valid request body
    And the query parameter "colour" is "blue"
    When the request is sent
    Then the request is refused with status 400 and code "400-101"
    And the error names the query parameter "colour"

  @QRY-01
  Scenario: An unsupported query parameter from a customer is refused, naming it
    Given the actor is a customer
    And a valid request body
    And the query parameter "page" is "2"
    When the request is sent
    Then the request is refused with status 400 and code "400-101"
    And the error names the query parameter "page"

  @QRY-01
  Scenario: A request without query parameters is accepted
    Given the actor is a user
    And a valid request body
    When the request is sent
    Then the response is 201 Created with a Location

  @QRY-02
  Scenario Outline: <actor> may not send the customer query parameter
    Given the actor is <actor>
    And a valid request body
    And the query parameter "customer" is the profile's granted_customer
    When the request is sent
    Then the request is refused with status 400 and code "400-101"
    And the error names the query parameter "customer"

    Examples:
      | actor                |
      | a user               |
      | a client application |

  @QRY-02
  Scenario: A customer may send the customer query parameter
    Given the target runs with secure messaging on
    And the actor is a customer
    And a valid request body
    And the query parameter "customer" is the profile's granted_customer
    When the request is sent
    Then the response is 201 Created with a Location

  @QRY-03
  Scenario Outline: A customer query parameter that is not a customer id is refused (<value>)
    Given the actor is a customer
    And a valid request body
    And the query parameter "customer" is "<value>"
    When the request is sent
    Then the request is refused with status 400 and code "400-244"
    And the error names the query parameter "customer"

    Examples:
      | value     |
      | abc       |
      | 12x       |
      | 999999999 |

  # Our choice: the seed shows 'customer=' as an example; a server may refuse it as an invalid value.
  @QRY-03 @choice
  Scenario: An empty customer query parameter counts as absent
    Given the target runs with secure messaging on
    And the actor is a customer
    And a valid request body
    And the query parameter "customer" is ""
    When the request is sent
    Then the response is 201 Created with a Location
