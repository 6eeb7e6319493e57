@grants
Feature: Customer grants
  A customer may act for another customer it holds a grant on, through the customer query
  parameter; the application picks that customer's email address.

  @GRT-01
  Scenario: A customer with a grant creates the activity for the granted customer
    Given the target runs with secure messaging on
    And the actor is a customer
    And a valid request body
    And the query parameter "customer" is the profile's granted_customer
    When the request is sent
    Then the response is 201 Created with a Location
    And the stored activity has "customer.id" equal to the profile's granted_customer
    And the stored activity has "sentOnBehalf" equal to true

  @GRT-02
  Scenario: A customer without a grant on the named customer is refused with 400
    Given the actor is a customer
    And a valid request body
    And the query parameter "customer" is the profile's ungranted_customer
    When the request is sent
    Then the request is refused with status 400 and code "400-244"
    And the error names the query parameter "customer"

  @GRT-01
  Scenario: With departmentalization off, a grant on a customer of another department counts
    Given the target runs with secure messaging on
    And the target runs with customer departmentalization off
    And the actor is a customer
    And a valid request body
    And the query parameter "customer" is the profile's other_department_granted_customer
    When the request is sent
    Then the response is 201 Created with a Location
    And the stored activity has "customer.id" equal to the profile's other_department_granted_customer

  @GRT-02
  Scenario: With departmentalization on, a grant on a customer of another department does not count
    Given the target runs with customer departmentalization on
    And the actor is a customer
    And a valid request body
    And the query parameter "customer" is the profile's other_department_granted_customer
    When the request is sent
    Then the request is refused with status 400 and code "400-244"
    And the error names the query parameter "customer"

  @GRT-03
  Scenario: Without the customer parameter the activity is the logged-in customer's own
    Given the target runs with secure messaging on
    And the actor is a customer
    And a valid request body
    When the request is sent
    Then the response is 201 Created with a Location
    And the stored activity has "customer.id" equal to the profile's customer_id
    And the stored activity has "sentOnBehalf" equal to false

  @GRT-04
  Scenario: Acting for another customer, the from address must not be sent
    Given the actor is a customer
    And a valid request body
    And the query parameter "customer" is the profile's granted_customer
    And the request sets "payload.email.emailAddresses.from" to the profile's customer_email
    When the request is sent
    Then the request is refused with status 400 and code "400-147"
    And the error names the attribute "payload.email.emailAddresses.from"

  @GRT-04
  Scenario Outline: Acting for another customer, no from address may be sent (<which>)
    Given the actor is a customer
    And a valid request body
    And the query parameter "customer" is the profile's granted_customer
    And the request sets "payload.email.emailAddresses.from" to <value>
    When the request is sent
    Then the request is refused with status 400 and code "400-147"
    And the error names the attribute "payload.email.emailAddresses.from"

    Examples:
      | which                    | value                                 |
      | an address new to all    | a fresh email address                 |
      | another customer's       | the profile's existing_customer_email |

  @GRT-05
  Scenario: Acting for a granted customer without an email address fails
    Given the actor is a customer
    And a valid request body
    And the query parameter "customer" is the profile's granted_customer_without_email
    When the request is sent
    Then the request is refused with status 400 and code "400-244"
    And the error names the query parameter "customer"

  @GRT-05
  Scenario: Acting for a granted customer with an email address uses that address
    Given the target runs with secure messaging on
    And the actor is a customer
    And a valid request body
    And the query parameter "customer" is the profile's granted_customer
    When the request is sent
    Then the response is 201 Created with a Location
    And the stored activity has "payload.email.emailAddresses.from"

  @GRT-05
  Scenario: Acting for a granted customer, the address used is that customer's, not one's own
    Given the target runs with secure messaging on
    And the actor is a customer
    And a valid request body
    And the query parameter "customer" is the profile's granted_customer
    When the request is sent
    Then the response is 201 Created with a Location
    And the stored activity has "payload.email.emailAddresses.from" equal to the profile's granted_customer_email
