@user-client
Feature: Elements for users and client applications
  A user or client application names the department, the sender (from) and the receiving
  alias; an unknown sender is created as a new customer from the customer element.

  @UC-01
  Scenario Outline: department.name is required for <actor> (<format>)
    Given the actor is <actor>
    And a valid request body
    And the body is sent as <format>
    And the request omits "department.name"
    When the request is sent
    Then the request is refused with status 400 and code "400-146"
    And the error names the attribute "department.name"

    Examples:
      | actor                | format |
      | a user               | JSON   |
      | a client application | JSON   |
      | a user               | XML    |

  @UC-01
  Scenario: Without a department element, department.name is missing
    Given the actor is a user
    And a valid request body
    And the request omits "department"
    When the request is sent
    Then the request is refused with status 400 and code "400-146"
    And the error names the attribute "department.name"

  @UC-02
  Scenario Outline: department.name must name an existing department (<format>)
    Given the actor is a user
    And a valid request body
    And the body is sent as <format>
    And the request sets "department.name" to "No Such Department"
    When the request is sent
    Then the request is refused with status 400 and code "400-152"
    And the error names the attribute "department.name"

    Examples:
      | format |
      | JSON   |
      | XML    |

  @UC-02
  Scenario: The profile's department is accepted
    Given the actor is a client application
    And a valid request body
    When the request is sent
    Then the response is 201 Created with a Location
    And the stored activity has "department.name" equal to the profile's department

  @UC-03
  Scenario Outline: The from address is required for <actor>
    Given the actor is <actor>
    And a valid request body
    And the request omits "payload.email.emailAddresses.from"
    When the request is sent
    Then the request is refused with status 400 and code "400-146"
    And the error names the attribute "payload.email.emailAddresses.from"

    Examples:
      | actor                |
      | a user               |
      | a client application |

  # With a customer element, so that a server that skips the check creates a customer for the
  # address (201) instead of refusing it for want of the element (UC-07).
  @UC-04
  Scenario Outline: The from address must be a single valid email address (<actor>: <value>)
    Given the actor is <actor>
    And a valid request body
    And the request sets "payload.email.emailAddresses.from" to "<value>"
    And the request sets "customer" to {"type": {"value": "individual"}, "contacts": {"contact": [{"firstName": "Nova"}]}}
    When the request is sent
    Then the request is refused with status 400 and code "400-152"
    And the error names the attribute "payload.email.emailAddresses.from"

    Examples:
      | actor                | value                                 |
      | a user               | not-an-address                        |
      | a user               | ana@client.example, bo@client.example |
      | a user               | Ana <ana@client.example>              |
      | a client application | not-an-address                        |

  @UC-04
  Scenario: A customer's from address must be a single valid email address
    Given the actor is a customer
    And a valid request body
    And the request sets "payload.email.emailAddresses.from" to "not-an-address"
    When the request is sent
    Then the request is refused with status 400 and code "400-152"
    And the error names the attribute "payload.email.emailAddresses.from"

  @UC-04
  Scenario: The from address in XML must be valid too
    Given the actor is a user
    And a valid request body
    And the body is sent as XML
    And the request sets "payload.email.emailAddresses.from" to "two@x.example;three@x.example"
    And the request sets "customer" to {"type": {"value": "individual"}, "contacts": {"contact": [{"firstName": "Nova"}]}}
    When the request is sent
    Then the request is refused with status 400 and code "400-152"
    And the error names the attribute "payload.email.emailAddresses.from"

  @UC-05
  Scenario: A known from address attaches the activity to its customer
    Given the actor is a user
    And a valid request body
    And the request sets "payload.email.emailAddresses.from" to the profile's existing_customer_email
    And the request omits "customer"
    When the request is sent
    Then the response is 201 Created with a Location
    And the stored activity has "customer.id" equal to the profile's existing_customer_id

  @UC-05
  Scenario: A known from address attaches a client application's activity to its customer
    Given the actor is a client application
    And a valid request body
    And the request sets "payload.email.emailAddresses.from" to the profile's existing_customer_email
    And the request omits "customer"
    When the request is sent
    Then the response is 201 Created with a Location
    And the stored activity has "customer.id" equal to the profile's existing_customer_id

  @UC-06
  Scenario Outline: An unknown from address with a customer element creates a customer (<format>)
    Given the actor is a client application
    And a valid request body
    And the body is sent as <format>
    And the request sets "payload.email.emailAddresses.from" to a fresh email address
    And the request sets "customer" to {"type": {"value": "individual"}, "contacts": {"contact": [{"firstName": "Nova", "lastName": "Cliente"}]}}
    When the request is sent
    Then the response is 201 Created with a Location
    And the stored activity has "customer.id"
    When the request is sent again without "customer"
    Then the response is 201 Created with a Location

    Examples:
      | format |
      | JSON   |
      | XML    |

  @UC-06
  Scenario: An unknown from address with a customer element creates a customer for a user
    Given the actor is a user
    And a valid request body
    And the request sets "payload.email.emailAddresses.from" to a fresh email address
    And the request sets "customer" to {"type": {"value": "individual"}, "contacts": {"contact": [{"firstName": "Nova", "lastName": "Cliente"}]}}
    When the request is sent
    Then the response is 201 Created with a Location
    And the stored activity has "customer.id"

  @UC-06
  Scenario Outline: A new customer in the shapes of the vendor's own example (<format>)
    Given the actor is a user
    And a valid request body
    And the body is sent as <format>
    And the request sets "payload.email.emailAddresses.from" to a fresh email address
    And the request sets "customer" to {"type": {"value": "group", "group": {"affiliation": "sailing", "numberOfMembers": "12"}}, "customerName": "Harbour Club", "contacts": {"contact": [{"contactOrder": 1, "firstName": "Rui", "lastName": "Costa", "postal": [{"address_1": "Quay 3", "address_2": "Shed 4", "city": "Porto"}]}, {"contactOrder": 2, "firstName": "Lia"}]}}
    When the request is sent
    Then the response is 201 Created with a Location
    And the stored activity has "customer.id"

    Examples:
      | format |
      | JSON   |
      | XML    |

  @UC-06
  Scenario: A new customer may carry the members of the vendor's Customer model
    Given the actor is a client application
    And a valid request body
    And the request sets "payload.email.emailAddresses.from" to a fresh email address
    And the request sets "customer" to {"type": {"value": "corporate"}, "customerName": "Souza Trading", "corporate": {"sector": "Retail", "numberOfEmployees": "40"}, "howReferred": {"value": "Partner"}, "role": {"value": "Reseller"}, "level": {"value": "gold"}, "industry": {"value": "Retail"}, "marketSegment": "SMB", "entitlements": "gold-support", "pin": "4321", "contacts": {"contact": [{"salutation": "Ms.", "firstName": "Nina", "lastName": "Souza", "gender": {"value": "female"}, "smoker": false, "dateOfBirth": "1990-04-01T00:00:00.000Z", "suffix": {"value": "jr."}, "maritalStatus": {"value": "single"}, "email": [{"emailAddress": "nina.other@newclient.example", "priority": {"value": "high"}}], "phone": [{"phoneNo": "5550100", "type": {"value": "mobile"}}], "postal": [{"address1": "Rua A 1", "city": "Sao Paulo", "type": {"value": "billto"}}], "social": [{"socialId": "@nina", "type": {"value": "instagram"}}], "website": [{"url": "https://nina.example/"}]}]}}
    When the request is sent
    Then the response is 201 Created with a Location
    And the stored activity has "customer.id"

  @UC-06 @inferred
  Scenario Outline: A member the Customer model names keeps its type and enum (<attribute>)
    Given the actor is a user
    And a valid request body
    And the request sets "payload.email.emailAddresses.from" to a fresh email address
    And the request sets "customer" to <element>
    When the request is sent
    Then the request is refused with status 400 and code "400-152"
    And the error names the attribute "<attribute>"

    Examples:
      | attribute                             | element                                                     |
      | customer.type.value                   | {"type": {"value": "person"}}                               |
      | customer.contacts.contact.salutation  | {"contacts": {"contact": [{"salutation": "Dr."}]}}          |
      | customer.contacts.contact.contactOrder | {"contacts": {"contact": [{"contactOrder": "first"}]}}     |

  @UC-07
  Scenario: An unknown from address without a customer element is refused
    Given the actor is a user
    And a valid request body
    And the request sets "payload.email.emailAddresses.from" to a fresh email address
    And the request omits "customer"
    When the request is sent
    Then the request is refused with status 400 and code "400-146"
    And the error names the attribute "customer"

  @UC-07
  Scenario: An unknown from address without a customer element is refused to a client application
    Given the actor is a client application
    And a valid request body
    And the request sets "payload.email.emailAddresses.from" to a fresh email address
    And the request omits "customer"
    When the request is sent
    Then the request is refused with status 400 and code "400-146"
    And the error names the attribute "customer"

  @UC-08
  Scenario: The customer element may not carry a department
    Given the actor is a user
    And a valid request body
    And the request sets "payload.email.emailAddresses.from" to a fresh email address
    And the request sets "customer" to {"type": {"value": "individual"}, "department": {"name": "Sales"}}
    When the request is sent
    Then the request is refused with status 400 and code "400-147"
    And the error names the attribute "customer.department"

  @UC-08
  Scenario: The customer element of a client application may not carry a department
    Given the actor is a client application
    And a valid request body
    And the request sets "payload.email.emailAddresses.from" to a fresh email address
    And the request sets "customer" to {"type": {"value": "individual"}, "department": {"name": "Sales"}}
    When the request is sent
    Then the request is refused with status 400 and code "400-147"
    And the error names the attribute "customer.department"

  @UC-09
  Scenario: The customer element is ignored when the from address belongs to a customer
    Given the actor is a user
    And a valid request body
    And the request sets "payload.email.emailAddresses.from" to the profile's existing_customer_email
    And the request sets "customer" to {"type": {"value": "corporate"}, "customerName": "Ignored Ltd"}
    When the request is sent
    Then the response is 201 Created with a Location
    And the stored activity has "customer.id" equal to the profile's existing_customer_id

  # Seen through UC-07's refusal: without a customer element, an unknown address is refused.
  # (Not by creating a customer for it: that would make the address known here for every later
  # run against the same target.)
  @UC-10
  Scenario: With departmentalization on, an address known only in another department is unknown
    Given the target runs with customer departmentalization on
    And the actor is a user
    And a valid request body
    And the request sets "payload.email.emailAddresses.from" to the profile's other_department_customer_email
    And the request omits "customer"
    When the request is sent
    Then the request is refused with status 400 and code "400-146"
    And the error names the attribute "customer"

  @UC-10
  Scenario: With departmentalization on, an address known only in another department is unknown to a client application
    Given the target runs with customer departmentalization on
    And the actor is a client application
    And a valid request body
    And the request sets "payload.email.emailAddresses.from" to the profile's other_department_customer_email
    And the request omits "customer"
    When the request is sent
    Then the request is refused with status 400 and code "400-146"
    And the error names the attribute "customer"

  @UC-10
  Scenario: With departmentalization off, an address of another department's customer is found
    Given the target runs with customer departmentalization off
    And the actor is a user
    And a valid request body
    And the request sets "payload.email.emailAddresses.from" to the profile's other_department_customer_email
    And the request omits "customer"
    When the request is sent
    Then the response is 201 Created with a Location

  # The other department does not know the new customer: the same request there makes another.
  @UC-11
  Scenario: With departmentalization on, a new customer belongs to the activity's department
    Given the target runs with customer departmentalization on
    And the actor is a user
    And a valid request body
    And the request sets "payload.email.emailAddresses.from" to a fresh email address
    And the request sets "customer" to {"type": {"value": "individual"}, "contacts": {"contact": [{"firstName": "Nova"}]}}
    When the request is sent
    Then the response is 201 Created with a Location
    And the stored activity has "customer.id"
    When the request is sent again to the other department
    Then the response is 201 Created with a Location
    And the stored activity has "customer.id" other than the first activity's "customer.id"

  @UC-11
  Scenario: With departmentalization off, a new customer is shared across departments
    Given the target runs with customer departmentalization off
    And the actor is a user
    And a valid request body
    And the request sets "payload.email.emailAddresses.from" to a fresh email address
    And the request sets "customer" to {"type": {"value": "individual"}, "contacts": {"contact": [{"firstName": "Nova"}]}}
    When the request is sent
    Then the response is 201 Created with a Location
    When the request is sent again to the other department without "customer"
    Then the response is 201 Created with a Location

  @UC-12
  Scenario Outline: The receiver is required for <actor> (<format>)
    Given the actor is <actor>
    And a valid request body
    And the body is sent as <format>
    And the request omits "payload.email.emailAddresses.receiver"
    When the request is sent
    Then the request is refused with status 400 and code "400-146"
    And the error names the attribute "payload.email.emailAddresses.receiver"

    Examples:
      | actor                | format |
      | a user               | JSON   |
      | a client application | JSON   |
      | a user               | XML    |

  @UC-13
  Scenario Outline: The receiver must be an active alias of the department (<which>)
    Given the actor is a user
    And a valid request body
    And the request sets "payload.email.emailAddresses.receiver" to the profile's <which>
    When the request is sent
    Then the request is refused with status 400 and code "400-152"
    And the error names the attribute "payload.email.emailAddresses.receiver"

    Examples:
      | which                  |
      | inactive_alias         |
      | other_department_alias |

  @UC-13
  Scenario: A client application's receiver must be an alias of the department
    Given the actor is a client application
    And a valid request body
    And the request sets "payload.email.emailAddresses.receiver" to the profile's other_department_alias
    When the request is sent
    Then the request is refused with status 400 and code "400-152"
    And the error names the attribute "payload.email.emailAddresses.receiver"

  @UC-13
  Scenario: An unknown receiver address is refused
    Given the actor is a user
    And a valid request body
    And the request sets "payload.email.emailAddresses.receiver" to "nobody-here@unknown.example"
    When the request is sent
    Then the request is refused with status 400 and code "400-152"
    And the error names the attribute "payload.email.emailAddresses.receiver"

  @UC-13
  Scenario: The receiver alias is stored with the activity
    Given the actor is a user
    And a valid request body
    When the request is sent
    Then the response is 201 Created with a Location
    And the stored activity has "payload.email.alias.value" equal to the profile's alias

  @UC-14
  Scenario Outline: secure true creates a secure email (<actor>, <format>)
    Given the target runs with secure messaging on
    And the actor is <actor>
    And a valid request body
    And the body is sent as <format>
    And the request sets "secure" to true
    When the request is sent
    Then the response is 201 Created with a Location
    And the stored activity has "secure" equal to true

    Examples:
      | actor                | format |
      | a user               | JSON   |
      | a client application | JSON   |
      | a user               | XML    |

  @UC-14
  Scenario: secure false creates an email that is not secure
    Given the actor is a user
    And a valid request body
    And the request sets "secure" to false
    When the request is sent
    Then the response is 201 Created with a Location
    And the stored activity has "secure" equal to false

  @UC-14
  Scenario: The default of secure is false
    Given the actor is a user
    And a valid request body
    When the request is sent
    Then the response is 201 Created with a Location
    And the stored activity has "secure" equal to false

  @UC-15
  Scenario Outline: secure must be a boolean (<value>)
    Given the actor is a user
    And a valid request body
    And the request sets "secure" to <value>
    When the request is sent
    Then the request is refused with status 400 and code "400-152"
    And the error names the attribute "secure"

    Examples:
      | value  |
      | "yes"  |
      | "TRUE" |
      | 1      |
      | {}     |

  @UC-15 @choice
  Scenario Outline: secure as the strings the seed quotes (<value>)
    Given the target runs with secure messaging on
    And the actor is a user
    And a valid request body
    And the request sets "secure" to <value>
    When the request is sent
    Then the response is 201 Created with a Location
    And the stored activity has "secure" equal to <stored>

    Examples:
      | value   | stored |
      | "true"  | true   |
      | "false" | false  |

  @UC-15
  Scenario: secure from a client application must be a boolean
    Given the actor is a client application
    And a valid request body
    And the request sets "secure" to "yes"
    When the request is sent
    Then the request is refused with status 400 and code "400-152"
    And the error names the attribute "secure"

  @UC-15
  Scenario: secure in XML must be true or false
    Given the actor is a user
    And a valid request body
    And the body is sent as XML
    And the request sets "secure" to "maybe"
    When the request is sent
    Then the request is refused with status 400 and code "400-152"
    And the error names the attribute "secure"

  @UC-16
  Scenario Outline: With secure messaging off, a secure email cannot be created (<actor>)
    Given the target runs with secure messaging off
    And the actor is <actor>
    And a valid request body
    And the request sets "secure" to true
    When the request is sent
    Then the request is refused with status 400 and code "400-152"
    And the error names the attribute "secure"

    Examples:
      | actor                |
      | a user               |
      | a client application |

  @UC-16
  Scenario: With secure messaging off, a user still creates a non-secure email
    Given the target runs with secure messaging off
    And the actor is a user
    And a valid request body
    When the request is sent
    Then the response is 201 Created with a Location

  @UC-16
  Scenario: With secure messaging off, secure false is accepted
    Given the target runs with secure messaging off
    And the actor is a user
    And a valid request body
    And the request sets "secure" to false
    When the request is sent
    Then the response is 201 Created with a Location
    And the stored activity has "secure" equal to false

  @UC-16
  Scenario: With secure messaging on, a user creates a secure email
    Given the target runs with secure messaging on
    And the actor is a client application
    And a valid request body
    And the request sets "secure" to true
    When the request is sent
    Then the response is 201 Created with a Location

  @UC-17
  Scenario Outline: Every <field> address must be valid (<format>)
    Given the actor is a user
    And a valid request body
    And the body is sent as <format>
    And the request sets "payload.email.emailAddresses.<field>" to {"address": ["ok@client.example", "not an address"]}
    When the request is sent
    Then the request is refused with status 400 and code "400-152"
    And the error names the attribute "payload.email.emailAddresses.<field>.address"

    Examples:
      | field | format |
      | to    | JSON   |
      | cc    | JSON   |
      | to    | XML    |

  @UC-17
  Scenario: Every to address from a client application must be valid
    Given the actor is a client application
    And a valid request body
    And the request sets "payload.email.emailAddresses.to" to {"address": ["ok@client.example", "not an address"]}
    When the request is sent
    Then the request is refused with status 400 and code "400-152"
    And the error names the attribute "payload.email.emailAddresses.to.address"

  @UC-17
  Scenario: Valid to and cc addresses are accepted and stored
    Given the actor is a user
    And a valid request body
    And the request sets "payload.email.emailAddresses.to" to {"address": ["one@client.example", "two@client.example"]}
    And the request sets "payload.email.emailAddresses.cc" to {"address": ["three@client.example"]}
    When the request is sent
    Then the response is 201 Created with a Location
    And the stored activity has "payload.email.emailAddresses.to" equal to {"address": ["one@client.example", "two@client.example"]}

  @UC-18
  Scenario Outline: A user may not send the customer element <path>
    Given the actor is <actor>
    And a valid request body
    And the request sets "<path>.id" to the profile's <key>
    When the request is sent
    Then the request is refused with status 400 and code "400-147"
    And the error names the attribute "<path>"

    Examples:
      | actor                | path                        | key            |
      | a user               | payload.email.messageCenter | message_center |
      | a client application | issueType                   | issue_type     |
