@body
Feature: The request body
  One activity per request, in JSON or XML, of type email and subtype general, with at least a
  subject, attachments or content, and only the attributes the operation defines.

  @BODY-01
  Scenario Outline: The request body is mandatory (<type>)
    Given the actor is a user
    And the request has no body
    And the header "Content-Type" is "<type>"
    When the request is sent
    Then the request is refused with status 400 and code "400-264"

    Examples:
      | type             |
      | application/json |
      | application/xml  |

  @BODY-02
  Scenario: A body that is not well-formed JSON is refused
    Given the actor is a user
    And the raw body is:
      """
      {"department": {"name": "Service"}, "subject": 
      """
    When the request is sent
    Then the request is refused with status 400 and code "400-152"
    And the error names the attribute "requestBody"

  @BODY-02
  Scenario: A body that is not well-formed XML is refused
    Given the actor is a user
    And the body is sent as XML
    And the raw body is:
      """
      <activity><subject>unclosed</activity>
      """
    When the request is sent
    Then the request is refused with status 400 and code "400-152"
    And the error names the attribute "requestBody"

  @BODY-02
  Scenario: An XML body with a document type declaration is refused
    Given the actor is a user
    And the body is sent as XML
    And the raw body is:
      """
      <?xml version="1.0"?>
      <!DOCTYPE activity [<!ENTITY boom "boom">]>
      <activity><subject>&boom;</subject></activity>
      """
    When the request is sent
    Then the request is refused with status 400 and code "400-152"
    And the error names the attribute "requestBody"

  @BODY-02
  Scenario: A body that is not valid UTF-8 is refused
    Given the actor is a user
    And the raw body is not valid UTF-8
    When the request is sent
    Then the request is refused with status 400 and code "400-152"
    And the error names the attribute "requestBody"

  @BODY-03
  Scenario Outline: The body is one activity object, not <what>
    Given the actor is a user
    And the whole request body is <body>
    When the request is sent
    Then the request is refused with status 400 and code "400-152"

    Examples:
      | what              | body                                    |
      | a list            | [{"subject": "one"}, {"subject": "two"}] |
      | a string          | "an activity"                           |
      | a number          | 42                                      |

  @BODY-03
  Scenario: The body is one activity, not a list of two valid ones
    Given the actor is a user
    And a valid request body
    And two copies of that body are sent as one list
    When the request is sent
    Then the request is refused with status 400 and code "400-152"

  @BODY-03
  Scenario: An XML body is one activity, not a list of them
    Given the actor is a user
    And the body is sent as XML
    And the raw body is:
      """
      <activities><activity><subject>one</subject></activity><activity><subject>two</subject></activity></activities>
      """
    When the request is sent
    Then the request is refused with status 400 and code "400-152"

  @BODY-04
  Scenario Outline: type.value must be "email" (<format>)
    Given the actor is a user
    And a valid request body
    And the body is sent as <format>
    And the request sets "type.value" to "chat"
    When the request is sent
    Then the request is refused with status 400 and code "400-152"
    And the error names the attribute "type.value"

    Examples:
      | format |
      | JSON   |
      | XML    |

  @BODY-04
  Scenario Outline: type.value is required (<actor>)
    Given the actor is <actor>
    And a valid request body
    And the request omits "type.value"
    When the request is sent
    Then the request is refused with status 400 and code "400-146"
    And the error names the attribute "type.value"

    Examples:
      | actor      |
      | a user     |
      | a customer |

  @BODY-04
  Scenario: Without a type element the type is missing
    Given the actor is a user
    And a valid request body
    And the request omits "type"
    When the request is sent
    Then the request is refused with status 400 and code "400-146"

  @BODY-05
  Scenario Outline: type.subtype.value must be "general" (<format>)
    Given the actor is a user
    And a valid request body
    And the body is sent as <format>
    And the request sets "type.subtype.value" to "notification"
    When the request is sent
    Then the request is refused with status 400 and code "400-152"
    And the error names the attribute "type.subtype.value"

    Examples:
      | format |
      | JSON   |
      | XML    |

  @BODY-05
  Scenario: type.subtype.value is required
    Given the actor is a customer
    And a valid request body
    And the request omits "type.subtype.value"
    When the request is sent
    Then the request is refused with status 400 and code "400-146"
    And the error names the attribute "type.subtype.value"

  @BODY-05
  Scenario: Without a subtype element the subtype is missing
    Given the actor is a user
    And a valid request body
    And the request omits "type.subtype"
    When the request is sent
    Then the request is refused with status 400 and code "400-146"

  @BODY-06
  Scenario Outline: At least one of subject, attachments or content is required (<actor>)
    Given the actor is <actor>
    And a valid request body
    And the request omits "subject"
    When the request is sent
    Then the request is refused with status 400 and code "400-146"

    Examples:
      | actor      |
      | a user     |
      | a customer |

  @BODY-06
  Scenario Outline: Content alone, or attachments alone, is enough (<element>)
    Given the actor is a user
    And a valid request body
    And the request omits "subject"
    And the request sets "<path>" to <value>
    When the request is sent
    Then the response is 201 Created with a Location

    Examples:
      | element     | path                  | value                         |
      | content     | payload.email.content | {"text": "only a body here"}  |
      | attachments | attachments           | 1 attachments                 |
      | html        | payload.email.content | {"html": "<p>only markup</p>"} |

  @BODY-06
  Scenario Outline: An empty <element> does not count as one of subject, attachments or content
    Given the actor is a user
    And a valid request body
    And the request omits "subject"
    And the request sets "<path>" to <value>
    When the request is sent
    Then the request is refused with status 400 and code "400-146"

    Examples:
      | element     | path                  | value              |
      | subject     | subject               | ""                 |
      | content     | payload.email.content | {}                 |
      | attachments | attachments           | {"attachment": []} |

  @BODY-07
  Scenario Outline: A subject longer than 255 characters is refused (<format>)
    Given the actor is a user
    And a valid request body
    And the body is sent as <format>
    And the request sets "subject" to 256 characters
    When the request is sent
    Then the request is refused with status 400 and code "400-152"
    And the error names the attribute "subject"

    Examples:
      | format |
      | JSON   |
      | XML    |

  @BODY-07
  Scenario: A subject of 255 characters is accepted and stored whole
    Given the actor is a user
    And a valid request body
    And the request sets "subject" to 255 characters
    When the request is sent
    Then the response is 201 Created with a Location
    And the stored activity has "subject" equal to 255 characters

  @BODY-07
  Scenario: A subject of 255 two-byte characters is accepted and stored whole
    Given the actor is a user
    And a valid request body
    And the request sets "subject" to 255 characters of "é"
    When the request is sent
    Then the response is 201 Created with a Location
    And the stored activity has "subject" equal to 255 characters of "é"

  @BODY-08
  Scenario Outline: An attribute the operation does not define is refused (<path>, <format>)
    Given the actor is a user
    And a valid request body
    And the body is sent as <format>
    And the request sets "<path>" to "blue"
    When the request is sent
    Then the request is refused with status 400 and code "400-147"
    And the error names the attribute "<path>"

    Examples:
      | path                | format |
      | colour              | JSON   |
      | payload.email.tone  | JSON   |
      | colour              | XML    |

  @BODY-08
  Scenario: An attribute the operation does not define is refused inside a list item
    Given the actor is a user
    And a valid request body
    And the request sets "attachments.attachment" to the first attachment with {"colour": "blue"}
    When the request is sent
    Then the request is refused with status 400 and code "400-147"
    And the error names the attribute "attachments.attachment.colour"

  @BODY-09
  Scenario: A case id that does not exist is refused
    Given the actor is a user
    And a valid request body
    And the request sets "case.id" to "987654321"
    When the request is sent
    Then the request is refused with status 400 and code "400-194"

  @BODY-09
  Scenario: A case id that does not exist is refused to a customer
    Given the target runs with secure messaging on
    And the actor is a customer
    And a valid request body
    And the request sets "case.id" to "987654321"
    When the request is sent
    Then the request is refused with status 400 and code "400-194"

  @BODY-09
  Scenario Outline: An existing case id joins the activity to that case (<actor>)
    Given the actor is <actor>
    And a valid request body
    And the request sets "case.id" to the profile's case_id
    When the request is sent
    Then the response is 201 Created with a Location
    And the stored activity has "case.id" equal to the profile's case_id

    Examples:
      | actor                |
      | a user               |
      | a client application |

  @BODY-09
  Scenario: An existing case id joins a customer's activity to that case
    Given the target runs with secure messaging on
    And the actor is a customer
    And a valid request body
    And the request sets "case.id" to the profile's case_id
    When the request is sent
    Then the response is 201 Created with a Location
    And the stored activity has "case.id" equal to the profile's case_id

  @BODY-10
  Scenario: Without case.id a new case is created
    Given the actor is a user
    And a valid request body
    When the request is sent
    Then the response is 201 Created with a Location
    And the stored activity belongs to a new case

  @BODY-11
  Scenario: A custom attribute that is not configured is refused
    Given the actor is a user
    And a valid request body
    And the request sets "customAttributes" to {"customAttribute": [{"attribName": "noSuchAttribute", "attribValues": {"attribValue": [{"value": "x"}]}}]}
    When the request is sent
    Then the request is refused with status 400 and code "400-152"

  @BODY-11
  Scenario: A custom attribute that is not configured is refused to a customer
    Given the target runs with secure messaging on
    And the actor is a customer
    And a valid request body
    And the request sets "customAttributes" to {"customAttribute": [{"attribName": "noSuchAttribute", "attribValues": {"attribValue": [{"value": "x"}]}}]}
    When the request is sent
    Then the request is refused with status 400 and code "400-152"

  @BODY-11
  Scenario: An enumeration attribute with a value it does not allow is refused
    Given the actor is a user
    And a valid request body
    And the request sets "customAttributes.customAttribute" to the custom enumeration attribute with the value "not-an-allowed-value"
    When the request is sent
    Then the request is refused with status 400 and code "400-152"

  @BODY-11
  Scenario: An enumeration attribute whose second value is not allowed is refused
    Given the actor is a user
    And a valid request body
    And the request sets "customAttributes.customAttribute" to the custom enumeration attribute with its allowed value and "not-an-allowed-value"
    When the request is sent
    Then the request is refused with status 400 and code "400-152"

  @BODY-11
  Scenario Outline: Configured custom attributes with allowed values are accepted (<format>)
    Given the actor is a user
    And a valid request body
    And the body is sent as <format>
    And the request sets "customAttributes.customAttribute" to the configured custom attributes
    When the request is sent
    Then the response is 201 Created with a Location
    And the stored activity has "customAttributes.customAttribute"

    Examples:
      | format |
      | JSON   |
      | XML    |

  # Inferred: that another member of content is refused (the docs name text and html only).
  @BODY-12 @inferred
  Scenario: content carries only text and html
    Given the actor is a user
    And a valid request body
    And the request sets "payload.email.content" to {"text": "hello", "markdown": "*hello*"}
    When the request is sent
    Then the request is refused with status 400 and code "400-147"
    And the error names the attribute "payload.email.content.markdown"

  @BODY-12
  Scenario Outline: content with <which> is accepted and stored (<format>)
    Given the actor is a user
    And a valid request body
    And the body is sent as <format>
    And the request sets "payload.email.content" to <content>
    When the request is sent
    Then the response is 201 Created with a Location
    And the stored activity has "payload.email.content" equal to <content>

    Examples:
      | which         | format | content                                           |
      | text          | JSON   | {"text": "Plain words"}                           |
      | html          | JSON   | {"html": "<p>Some <b>bold</b> words</p>"}         |
      | text and html | JSON   | {"text": "Plain words", "html": "<p>Words</p>"}   |
      | text and html | XML    | {"text": "Plain words", "html": "<p>Words</p>"}   |

  @BODY-13
  Scenario Outline: replyTo holds a single valid address (<case>)
    Given the actor is a user
    And a valid request body
    And the request sets "payload.email.emailAddresses.replyTo" to <value>
    When the request is sent
    Then the request is refused with status 400 and code "400-152"
    And the error names the attribute "payload.email.emailAddresses.replyTo.address"

    Examples:
      | case          | value                                                      |
      | two addresses | {"address": ["one@client.example", "two@client.example"]}  |
      | invalid       | {"address": ["not an address"]}                            |

  @BODY-13
  Scenario: A single valid replyTo address is accepted
    Given the target runs with secure messaging on
    And the actor is a customer
    And a valid request body
    And the request sets "payload.email.emailAddresses.replyTo" to {"address": ["reply@client.example"]}
    When the request is sent
    Then the response is 201 Created with a Location

  @BODY-14
  Scenario Outline: payload.email.date must be a date-time (<value>)
    Given the actor is a user
    And a valid request body
    And the request sets "payload.email.date" to {"date": "<value>"}
    When the request is sent
    Then the request is refused with status 400 and code "400-152"
    And the error names the attribute "payload.email.date.date"

    Examples:
      | value               |
      | yesterday           |
      | 2015-13-45          |
      | 2015-12-26          |
      | 2015-12-26T19:00:00 |

  @BODY-14
  Scenario: A given date is stored
    Given the actor is a user
    And a valid request body
    And the request sets "payload.email.date" to {"date": "2015-12-26T19:00:00.000Z"}
    When the request is sent
    Then the response is 201 Created with a Location
    And the stored activity has "payload.email.date.date" as the instant "2015-12-26T19:00:00Z"

  @BODY-14
  Scenario: Without a date the email is dated at its creation
    Given the actor is a user
    And a valid request body
    When the request is sent
    Then the response is 201 Created with a Location
    And the stored activity's "payload.email.date.date" is within a minute of its "created"

  @BODY-15
  Scenario: An attachment without an altId is refused
    Given the actor is a user
    And a valid request body
    And the request sets "attachments" to {"attachment": [{"inline": false}]}
    When the request is sent
    Then the request is refused with status 400 and code "400-146"
    And the error names the attribute "attachments.attachment.altId"

  # Inferred: that an unknown altId is refused (a server may not track uploads it did not make).
  @BODY-15 @inferred
  Scenario: An attachment whose altId names no uploaded file is refused
    Given the actor is a user
    And a valid request body
    And the request sets "attachments" to {"attachment": [{"altId": "00000000-0000-4000-8000-000000000000"}]}
    When the request is sent
    Then the request is refused with status 400 and code "400-194"

  # Inferred: that an unknown altId is refused (a server may not track uploads it did not make).
  @BODY-15 @inferred
  Scenario: A second attachment whose altId names no uploaded file is refused
    Given the actor is a user
    And a valid request body
    And the request sets "attachments.attachment" to the first attachment and one with altId "00000000-0000-4000-8000-000000000000"
    When the request is sent
    Then the request is refused with status 400 and code "400-194"

  @BODY-15
  Scenario Outline: Attachments naming uploaded files are accepted (<actor>, <format>)
    Given the actor is <actor>
    And a valid request body
    And the body is sent as <format>
    And the request sets "attachments" to 2 attachments
    When the request is sent
    Then the response is 201 Created with a Location
    And the stored activity has "attachments.attachment"

    Examples:
      | actor      | format |
      | a user     | JSON   |
      | a user     | XML    |

  @BODY-15
  Scenario: A customer's attachments naming uploaded files are accepted
    Given the target runs with secure messaging on
    And the actor is a customer
    And a valid request body
    And the request sets "attachments" to 2 attachments
    When the request is sent
    Then the response is 201 Created with a Location

  @BODY-16
  Scenario: An inline attachment without a contentId is refused
    Given the actor is a user
    And a valid request body
    And the request sets "attachments" to 1 attachments
    And the request sets "attachments.attachment" to the first attachment with {"inline": true}
    When the request is sent
    Then the request is refused with status 400 and code "400-146"
    And the error names the attribute "attachments.attachment.contentId"

  @BODY-16
  Scenario: An inline attachment with a contentId is accepted
    Given the actor is a user
    And a valid request body
    And the request sets "payload.email.content" to {"html": "<p><img src=\"cid:logo@conformance.example\"></p>"}
    And the request sets "attachments.attachment" to the first attachment with {"inline": true, "contentId": "<logo@conformance.example>"}
    When the request is sent
    Then the response is 201 Created with a Location

  @BODY-17
  Scenario: More than 25 attachments are refused
    Given the actor is a user
    And a valid request body
    And the request sets "attachments" to 26 attachments
    When the request is sent
    Then the request is refused with status 400 and code "400-152"
    And the error names the attribute "attachments.attachment"

  @BODY-17
  Scenario: 25 attachments are accepted
    Given the actor is a user
    And a valid request body
    And the request sets "attachments" to 25 attachments
    When the request is sent
    Then the response is 201 Created with a Location

  @BODY-18
  Scenario Outline: An XML body is read like the JSON one (<actor>)
    Given the actor is <actor>
    And a valid request body
    And the body is sent as XML
    And the request sets "subject" to "sent as XML"
    And the request sets "payload.email.content" to {"text": "XML & <escaped> text"}
    When the request is sent
    Then the response is 201 Created with a Location
    And the stored activity has "subject" equal to "sent as XML"
    And the stored activity has "payload.email.content.text" equal to "XML & <escaped> text"

    Examples:
      | actor                |
      | a user               |
      | a client application |

  @BODY-18
  Scenario: A customer's XML body is read like the JSON one
    Given the target runs with secure messaging on
    And the actor is a customer
    And a valid request body
    And the body is sent as XML
    And the request sets "subject" to "sent as XML"
    When the request is sent
    Then the response is 201 Created with a Location
    And the stored activity has "subject" equal to "sent as XML"

  @BODY-18
  Scenario: An XML body in a namespace is read by local names
    Given the actor is a user
    And a valid request body
    And the body is sent as XML
    And the XML body is in the namespace "http://bindings.egain.com/ws/model/v12/gen/interaction/activity"
    When the request is sent
    Then the response is 201 Created with a Location

  @BODY-19
  Scenario Outline: A case id is accepted as a <kind>
    Given the actor is a user
    And a valid request body
    And the request sets "case.id" to <value>
    When the request is sent
    Then the response is 201 Created with a Location
    And the stored activity has "case.id" equal to the profile's case_id

    Examples:
      | kind   | value                              |
      | string | the profile's case_id              |
      | number | the profile's case_id as a number  |

  @BODY-19
  Scenario: A case id is accepted as an XML attribute
    Given the actor is a user
    And a valid request body
    And the body is sent as XML
    And the request sets "case.id" to the profile's case_id
    And the XML case is written as an id attribute
    When the request is sent
    Then the response is 201 Created with a Location
    And the stored activity has "case.id" equal to the profile's case_id

  @BODY-19
  Scenario: A customer's issue type id is accepted as a number
    Given the target runs with secure messaging on
    And the actor is a customer
    And a valid request body
    And the request sets "issueType.id" to the profile's issue_type as a number
    When the request is sent
    Then the response is 201 Created with a Location
    And the stored activity has "issueType.id" equal to the profile's issue_type

  @BODY-20
  Scenario Outline: A required text attribute may not be empty (<path>, <format>)
    Given the actor is a user
    And a valid request body
    And the body is sent as <format>
    And the request sets "<path>" to ""
    When the request is sent
    Then the request is refused with status 400 and code "400-387"
    And the error names the attribute "<path>"

    Examples:
      | path                                  | format |
      | department.name                       | JSON   |
      | payload.email.emailAddresses.receiver | JSON   |
      | payload.email.emailAddresses.from     | JSON   |
      | department.name                       | XML    |

  @BODY-20
  Scenario: A customer's message center id may not be empty
    Given the actor is a customer
    And a valid request body
    And the request sets "payload.email.messageCenter.id" to ""
    When the request is sent
    Then the request is refused with status 400 and code "400-387"
    And the error names the attribute "payload.email.messageCenter.id"
