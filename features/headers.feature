@headers
Feature: Request headers
  The operation reads Accept-Language, Accept and Content-Type, each with a documented default,
  and answers errors in the format the client accepts.

  @HDR-01
  Scenario Outline: An unknown Accept-Language locale is refused with 406 (<locale>)
    Given the actor is a user
    And a valid request body
    And the header "Accept-Language" is "<locale>"
    When the request is sent
    Then the request is refused with status 406 and code "406-100"

    Examples:
      | locale |
      | xx-XX  |
      | fr     |
      | en_US  |

  @HDR-01
  Scenario: An unknown locale is refused in XML when XML is accepted
    Given the actor is a user
    And a valid request body
    And the header "Accept-Language" is "tlh-KL"
    And the header "Accept" is "application/xml"
    When the request is sent
    Then the request is refused with status 406 and code "406-100"
    And the error is XML

  @HDR-02
  Scenario Outline: Every documented locale is accepted (<locale>)
    Given the actor is a user
    And a valid request body
    And the header "Accept-Language" is "<locale>"
    When the request is sent
    Then the response is 201 Created with a Location

    Examples:
      | locale |
      | en-US  |
      | es-ES  |
      | fr-FR  |
      | it-IT  |
      | de-DE  |
      | nl-NL  |
      | pt-BR  |
      | pt-PT  |
      | da-DK  |
      | ru-RU  |
      | fr-CA  |
      | zh-CN  |
      | ja-JP  |
      | ko-KR  |
      | sv-SE  |

  @HDR-03
  Scenario Outline: A missing <header> header takes its documented default
    Given the actor is a user
    And a valid request body
    And the request has no "<header>" header
    When the request is sent
    Then the response is 201 Created with a Location

    Examples:
      | header          |
      | Accept-Language |
      | Accept          |
      | Content-Type    |

  @HDR-03
  Scenario: Without an Accept header an error is answered in JSON
    Given the actor is a user
    And the request has no body
    And the request has no "Accept" header
    When the request is sent
    Then the request is refused with status 400 and code "400-264"
    And the error is JSON

  @HDR-04
  Scenario Outline: An Accept header other than JSON or XML is refused with 406 (<accept>)
    Given the actor is a user
    And a valid request body
    And the header "Accept" is "<accept>"
    When the request is sent
    Then the request is refused with status 406 and code "406-101"

    Examples:
      | accept     |
      | text/html  |
      | image/png  |
      | text/plain |

  @HDR-04
  Scenario Outline: A JSON or XML Accept header is accepted (<accept>)
    Given the actor is a user
    And a valid request body
    And the header "Accept" is "<accept>"
    When the request is sent
    Then the response is 201 Created with a Location

    Examples:
      | accept           |
      | application/json |
      | application/xml  |

  @HDR-05
  Scenario Outline: An error is answered in <format> when <format> is accepted
    Given the actor is a user
    And the request has no body
    And the header "Accept" is "<accept>"
    When the request is sent
    Then the request is refused with status 400 and code "400-264"
    And the error is <format>

    Examples:
      | format | accept           |
      | JSON   | application/json |
      | XML    | application/xml  |

  @HDR-05 @choice
  # Our choice: the documented enum names single media types; a q-list is read as HTTP says
  # (the best quality wins, q=0 refuses a type, JSON wins ties).
  Scenario Outline: An error is answered in XML when a q-list prefers XML (<accept>)
    Given the actor is a user
    And the request has no body
    And the header "Accept" is "<accept>"
    When the request is sent
    Then the request is refused with status 400 and code "400-264"
    And the error is XML

    Examples:
      | accept                                        |
      | application/xml, application/json;q=0         |
      | application/json;q=0.5, application/xml;q=0.9 |

  @HDR-05
  Scenario: An error about an XML body is answered in XML when XML is accepted
    Given the actor is a user
    And a valid request body
    And the body is sent as XML
    And the request omits "payload.email.emailAddresses.receiver"
    And the header "Accept" is "application/xml"
    When the request is sent
    Then the request is refused with status 400 and code "400-146"
    And the error is XML
    And the error names the attribute "payload.email.emailAddresses.receiver"

  @HDR-06
  # Our choice: the vendor documents 400 (not 415) for this operation; the body cannot be read.
  Scenario Outline: A Content-Type the operation does not read is refused with 400 (<type>)
    Given the actor is a user
    And a valid request body
    And the header "Content-Type" is "<type>"
    When the request is sent
    Then the request is refused with status 400 and code "400-152"
    And the error names the attribute "requestBody"

    Examples:
      | type                              |
      | text/plain                        |
      | application/x-www-form-urlencoded |
      | multipart/form-data; boundary=x   |

  # Our choice: a server may read an empty Content-Type as a missing one (the default, JSON).
  @HDR-06 @choice
  Scenario: An empty Content-Type is refused with 400, unlike a missing one
    Given the actor is a user
    And a valid request body
    And the header "Content-Type" is ""
    When the request is sent
    Then the request is refused with status 400 and code "400-152"
    And the error names the attribute "requestBody"

  @HDR-06
  Scenario Outline: JSON and XML media types are read (<type>)
    Given the actor is a user
    And a valid request body
    And the body is sent as <format>
    And the header "Content-Type" is "<type>"
    When the request is sent
    Then the response is 201 Created with a Location

    Examples:
      | format | type                            |
      | JSON   | application/json; charset=utf-8 |
      | XML    | application/xml                 |

    # Our choice: text/xml is not in the documented Content-Type enum.
    @choice
    Examples:
      | format | type     |
      | XML    | text/xml |

  @HDR-07
  Scenario Outline: A userMessage is sent when X-egain-error-message is yes (<format>)
    Given the actor is a user
    And the request has no body
    And the header "X-egain-error-message" is "yes"
    And the header "Accept" is "<accept>"
    When the request is sent
    Then the request is refused with status 400 and code "400-264"
    And the error has a userMessage

    Examples:
      | format | accept           |
      | JSON   | application/json |
      | XML    | application/xml  |

  @HDR-07
  Scenario: No userMessage is sent without X-egain-error-message
    Given the actor is a user
    And the request has no body
    When the request is sent
    Then the request is refused with status 400 and code "400-264"
    And the error has no userMessage

  @HDR-07
  Scenario: No userMessage is sent in XML without X-egain-error-message
    Given the actor is a user
    And the request has no body
    And the header "Accept" is "application/xml"
    When the request is sent
    Then the request is refused with status 400 and code "400-264"
    And the error has no userMessage

  @HDR-07
  Scenario: No userMessage is sent when X-egain-error-message is not yes
    Given the actor is a user
    And the request has no body
    And the header "X-egain-error-message" is "no"
    When the request is sent
    Then the request is refused with status 400 and code "400-264"
    And the error has no userMessage
