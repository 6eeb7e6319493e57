@protocol
Feature: Protocol
  Only POST is defined on the path; every error uses the vendor's error body; a client's
  mistake never causes a server error.

  @PRT-01
  Scenario Outline: <method> on the path is refused with 405
    Given the actor is a user
    And a valid request body
    When the request is sent with method "<method>"
    Then the request is refused with status 405 and code "405-100"

    Examples:
      | method |
      | GET    |
      | PUT    |
      | PATCH  |
      | DELETE |

  @PRT-01
  Scenario: POST on the path is accepted
    Given the actor is a user
    And a valid request body
    When the request is sent with method "POST"
    Then the response is 201 Created with a Location

  @PRT-02
  Scenario Outline: An error carries the documented code and message (<format>)
    Given the actor is a user
    And the request has no body
    And the header "Accept" is "<accept>"
    When the request is sent
    Then the request is refused with status 400 and code "400-264"
    And the error message is the documented one for its code

    Examples:
      | format | accept           |
      | JSON   | application/json |
      | XML    | application/xml  |

  @PRT-02
  Scenario: An error naming an attribute uses the documented message
    Given the actor is a user
    And a valid request body
    And the request omits "payload.email.emailAddresses.receiver"
    When the request is sent
    Then the request is refused with status 400 and code "400-146"
    And the error message is the documented one for its code

  @PRT-03
  Scenario Outline: A client's mistake never causes a server error (<mistake>)
    Given the actor is a user
    And a valid request body
    And the request sets "<path>" to <value>
    When the request is sent
    Then the response is not a server error

    Examples:
      | mistake                 | path                                  | value                      |
      | subject is an object    | subject                               | {"nested": {"deep": true}} |
      | department is a string  | department                            | "Service"                  |
      | payload is a list       | payload                               | [1, 2, 3]                  |
      | from is a number        | payload.email.emailAddresses.from     | 12345                      |
      | case id is an object    | case.id                               | {"id": "1060"}             |
      | attachments is null     | attachments                           | null                       |
      | unicode subject         | subject                               | "\u0000\ud83d\ude00"       |

  @PRT-03
  Scenario Outline: A malformed whole body never causes a server error (<body>)
    Given the actor is a user
    And the whole request body is <body>
    When the request is sent
    Then the response is not a server error

    Examples:
      | body |
      | null |
      | {}   |
      | []   |
      | true |

  @PRT-03
  Scenario: Invalid UTF-8 never causes a server error
    Given the actor is a user
    And the raw body is not valid UTF-8
    When the request is sent
    Then the response is not a server error
