"""The `customer` element: the vendor's Customer model (shared/notes/customer-model.md) and the
shapes of the vendor's own examples, accepted whole; known members typed; department refused.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from mock_server import xmlcodec
from tests.mock.conftest import USER, Api, expect_rule, user_body

FROM = "payload__email__emailAddresses__from"
C = "customer.contacts.contact."
NEW = "full.model@newclient.example"


def _priority(level: str = "high") -> dict[str, str]:
    return {"value": level}


# Every member of the contact table of the notes.
CONTACT: dict[str, Any] = {
    "contactOrder": 1,
    "customAttributes": {"customAttribute": [{"attribName": "tier",
                                              "attribValues": {"attribValue": [{"value": "A"}]}}]},
    "dateOfBirth": "1990-04-01T00:00:00.000Z",
    "dependents": "2",
    "educationLevel": {"value": "post graduate"},
    "email": [{"emailAddress": "other.address@newclient.example", "priority": _priority()}],
    "emergencyContact": "Rui 555-0101",
    "employmentStatus": {"value": "full-time"},
    "endGreeting": "Best",
    "externalId": "ext-77",
    "firstName": "Nina",
    "firstNameFurigana": "ニナ",
    "gender": {"value": "female"},
    "hasDirectCallingConsent": "yes",
    "hasDirectMailingConsent": "no",
    "hasHoldingDataConsent": "yes",
    "hobbies": "sailing",
    "identification": {"type": "passport", "value": "P1234567"},
    "incomeLevel": "high",
    "initials": "N.S.",
    "interests": "boats",
    "jobTitle": "Buyer",
    "lastName": "Souza",
    "lastNameFurigana": "ソウザ",
    "loginId": "nina.souza",
    "maritalStatus": {"value": "single"},
    "middleName": "Maria",
    "middleNameFurigana": "マリア",
    "occupation": "Purchasing",
    "phone": [{"areaCode": "11", "countryCode": "55", "extension": "12", "phoneNo": "5550100",
               "priority": _priority("medium"), "type": {"value": "mobile"}}],
    "postal": [{"address1": "Rua A 1", "address2": "Apt 2", "city": "Sao Paulo",
                "completeAddress": "Rua A 1, Apt 2, Sao Paulo", "country": "BR",
                "priority": _priority("low"), "region": "SE", "state": "SP",
                "type": {"value": "billto"}, "zip": "01000-000"}],
    "priority": "1",
    "race": "n/a",
    "salutation": "Ms.",
    "secretAnswer": "blue",
    "secretQuestion": "colour?",
    "smoker": False,
    "social": [{"priority": _priority(), "socialId": "@nina", "type": {"value": "instagram"}}],
    "spouseName": "Rui",
    "startGreeting": "Hello",
    "suffix": {"value": "jr."},
    "systemCreated": False,
    "type": {"value": "primary"},
    "website": [{"priority": _priority(), "url": "https://nina.example/",
                 "websiteType": {"value": "personal"}}],
}  # fmt: skip

# Every member of the top-level table of the notes.
CUSTOMER: dict[str, Any] = {
    "corporate": {"currency": "BRL", "numberOfEmployees": "40", "region": "LATAM",
                  "registrationNumber": "12.345", "revenues": "2M", "sector": "Retail"},
    "customAttributes": {"customAttribute": [
        {"attribName": "segment", "attribValues": {"attribValue": [{"value": "B2B"}]}}]},
    "customerName": "Souza Trading",
    "entitlements": "gold-support",
    "group": {"affiliation": "guild", "currency": "BRL", "income": "1M", "numberOfMembers": "12",
              "region": "SE", "registrationNumber": "G-9", "type": {"value": "cooperative"}},
    "howReferred": {"value": "Partner"},
    "industry": {"value": "Retail"},
    "level": {"value": "gold"},
    "marketSegment": "SMB",
    "pin": "4321",
    "role": {"value": "Reseller"},
    "type": {"value": "corporate"},
    "contacts": {"contact": [CONTACT]},
}  # fmt: skip


def _create(api: Api, element: dict[str, Any], address: str = NEW) -> dict[str, Any]:
    response = api.create(user_body(**{FROM: address}, customer=element))
    assert response.status_code == 201, response.text
    return api.activity(response)


def test_the_full_customer_model_is_accepted_and_kept(api: Api) -> None:
    activity = _create(api, copy.deepcopy(CUSTOMER))
    created = api.customer(activity["customer"]["id"])
    assert created["type"] == "corporate" and created["customer_name"] == "Souza Trading"
    for name in ("corporate", "group", "customAttributes", "entitlements", "howReferred",
                 "industry", "level", "marketSegment", "pin", "role"):  # fmt: skip
        assert created["extra"][name] == CUSTOMER[name], name
    contact = created["contacts"][0]
    assert contact["first_name"] == "Nina" and contact["last_name"] == "Souza"
    assert contact["emails"] == [NEW]  # the from address is the new contact point
    for name, value in CONTACT.items():
        if name not in ("firstName", "lastName"):
            assert contact["extra"][name] == value, name
    # the read-back shows the new customer as sent, with its id
    shown = activity["customer"]
    assert shown["id"] == created["id"] and shown["type"]["value"] == "corporate"
    assert shown["contacts"]["contact"][0]["postal"][0]["zip"] == "01000-000"
    assert shown["group"] == CUSTOMER["group"]


def test_the_vendor_example_shapes_are_accepted(api: Api) -> None:
    """customer.type.group, contacts.contact[] with contactOrder, postal address_1/address_2."""
    element = {
        "type": {"value": "group", "group": {"affiliation": "club", "numberOfMembers": "9"}},
        "customerName": "Harbour Club",
        "contacts": {"contact": [
            {"contactOrder": 1, "firstName": "Ana", "lastName": "Lima",
             "postal": [{"address_1": "Quay 3", "address_2": "Shed 4", "city": "Porto"}]},
            {"contactOrder": 2, "firstName": "Rui", "unknownMember": {"kept": True}},
        ]},
        "somethingNew": ["a", {"b": 1}],
    }  # fmt: skip
    activity = _create(api, copy.deepcopy(element), "harbour@newclient.example")
    created = api.customer(activity["customer"]["id"])
    assert created["type"] == "group"
    assert created["extra"]["type"]["group"] == element["type"]["group"]
    assert created["extra"]["somethingNew"] == element["somethingNew"]
    first, second = created["contacts"]
    assert first["extra"]["postal"][0]["address_1"] == "Quay 3"
    assert second["extra"]["unknownMember"] == {"kept": True}
    assert activity["customer"]["somethingNew"] == element["somethingNew"]


def test_a_model_contact_under_group_is_the_new_customers_contact(api: Api) -> None:
    element = {"type": {"value": "group"}, "group": {"contact": {"firstName": "Lia"}}}
    activity = _create(api, element, "lia@newclient.example")
    contact = api.customer(activity["customer"]["id"])["contacts"][0]
    assert contact["first_name"] == "Lia" and contact["emails"] == ["lia@newclient.example"]


@pytest.mark.parametrize(
    ("element", "attribute"),
    [
        ({"type": {"value": "person"}}, "customer.type.value"),
        ({"howReferred": {"value": "website"}}, "customer.howReferred.value"),
        ({"role": {"value": "Buyer"}}, "customer.role.value"),
        ({"customerName": 7}, "customer.customerName"),
        ({"group": {"numberOfMembers": 12}}, "customer.group.numberOfMembers"),
        ({"type": {"group": {"region": []}}}, "customer.type.group.region"),
        ({"contacts": {"contact": [{"salutation": "Dr."}]}}, C + "salutation"),
        ({"contacts": {"contact": [{"firstName": "x" * 125}]}}, C + "firstName"),
        ({"contacts": {"contact": [{"contactOrder": "1"}]}}, C + "contactOrder"),
        ({"contacts": {"contact": [{"smoker": "no"}]}}, C + "smoker"),
        ({"contacts": {"contact": [{"gender": {"value": "unknown"}}]}},
         "customer.contacts.contact.gender.value"),
        ({"contacts": {"contact": [{"email": [{"emailAddress": "not-an-address"}]}]}},
         "customer.contacts.contact.email.emailAddress"),
        ({"contacts": {"contact": [{"website": [{"url": "no scheme here"}]}]}},
         "customer.contacts.contact.website.url"),
        ({"contacts": {"contact": [{"postal": [{"zip": "9" * 51}]}]}},
         "customer.contacts.contact.postal.zip"),
        ({"contacts": {"contact": [{"dateOfBirth": "1990-04-01"}]}},
         C + "dateOfBirth"),
        ({"contacts": {"contact": {"firstName": "not a list"}}}, "customer.contacts.contact"),
    ],
)  # fmt: skip
def test_known_members_keep_their_types(api: Api, element: dict[str, Any], attribute: str) -> None:
    response = api.create(user_body(**{FROM: "typed@newclient.example"}, customer=element))
    assert response.status_code == 400, response.text
    assert response.json()["code"] == "400-152", response.text
    assert f"'{attribute}'" in response.json()["developerMessage"]
    assert api.last_request()["rule_id"] == "UC-06"


def test_department_inside_customer_is_still_refused(api: Api) -> None:
    for department in ({"name": "Sales"}, "Sales", {}):
        body = user_body(**{FROM: "dept@newclient.example"},
                         customer={**CUSTOMER, "department": department})  # fmt: skip
        expect_rule(api, api.create(body), "UC-08", "customer.department")


def test_the_full_customer_model_in_xml(api: Api) -> None:
    """The same element as XML: integers and booleans of known members are converted."""
    element = copy.deepcopy(CUSTOMER)
    body = user_body(**{FROM: "xml.model@newclient.example"}, customer=element)
    xml = xmlcodec.dump(body, "activity")
    response = api.create(xml=xml)
    assert response.status_code == 201, response.text
    created = api.customer(api.activity(response)["customer"]["id"])
    contact = created["contacts"][0]
    assert contact["extra"]["contactOrder"] == 1 and contact["extra"]["smoker"] is False
    assert contact["extra"]["postal"][0]["city"] == "Sao Paulo"
    assert created["extra"]["group"]["type"] == {"value": "cooperative"}


def test_secure_as_the_strings_the_seed_quotes(api: Api) -> None:
    for sent, stored in (("true", True), ("false", False), (True, True), (False, False)):
        assert api.activity(api.create(user_body(secure=sent)))["secure"] is stored
    xml = xmlcodec.dump(user_body(secure="true"), "activity")
    assert api.activity(api.create(xml=xml), token=USER)["secure"] is True
