@actors
Feature: Actors and their permissions
  Users need the 'Manage partition resources' privilege; client applications need nothing more;
  every authenticated customer may create an activity.

  @ACT-01
  Scenario: A request without an Authorization header is refused with 401
    Given the actor is anonymous
    And a valid request body
    When the request is sent
    Then the request is refused with status 401 and code "401-101"

  @ACT-01
  Scenario: Without an Authorization header the 401 is answered in XML when XML is accepted
    Given the actor is anonymous
    And a valid request body
    And the header "Accept" is "application/xml"
    When the request is sent
    Then the request is refused with status 401 and code "401-101"
    And the error is XML

  @ACT-02
  Scenario Outline: An invalid or expired bearer token is refused with 401 (<value>)
    Given a valid request body
    And the Authorization header is "<value>"
    When the request is sent
    Then the request is refused with status 401 and code "401-101"

    Examples:
      | value                          |
      | Bearer no-such-token           |
      | Bearer                         |
      | Basic dXNlcjpwYXNzd29yZA==     |

  @ACT-03
  Scenario: A user without the 'Manage partition resources' privilege is refused with 403
    Given the actor is a user without the privilege
    And a valid request body
    When the request is sent
    Then the request is refused with status 403 and code "403-178"

  @ACT-03
  Scenario: The 403 for a user without the privilege is answered in XML when XML is accepted
    Given the actor is a user without the privilege
    And a valid request body
    And the header "Accept" is "application/xml"
    When the request is sent
    Then the request is refused with status 403 and code "403-178"
    And the error is XML

  @ACT-04
  Scenario Outline: A user with the privilege creates the activity (<format>)
    Given the actor is a user
    And a valid request body
    And the body is sent as <format>
    When the request is sent
    Then the response is 201 Created with a Location

    Examples:
      | format |
      | JSON   |
      | XML    |

  @ACT-05
  Scenario: A client application needs no additional permission
    Given the actor is a client application
    And a valid request body
    When the request is sent
    Then the response is 201 Created with a Location

  @ACT-06
  Scenario Outline: An authenticated customer creates an activity for self (<format>)
    Given the target runs with secure messaging on
    And the actor is a customer
    And a valid request body
    And the body is sent as <format>
    When the request is sent
    Then the response is 201 Created with a Location

    Examples:
      | format |
      | JSON   |
      | XML    |
