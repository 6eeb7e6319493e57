"""Every rule of openapi/rules.yaml, driven over HTTP against the running mock.

One check per rule id (both outcomes where a rule has two, both positions of a setting where it
matters). `test_every_rule_has_a_check` fails when the catalog gains a rule the mock's tests
do not exercise.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
import yaml

from mock_server.data import Actor, load_seed
from mock_server.settings import DEFAULT_DATA
from tests.mock.conftest import (
    CLIENT,
    CUSTOMER,
    EXPECT,
    ROOT,
    USER,
    VIEWER,
    Api,
    customer_body,
    expect_rule,
    user_body,
)

LOCALES = (
    "en-US", "es-ES", "fr-FR", "it-IT", "de-DE", "nl-NL", "pt-BR", "pt-PT",
    "da-DK", "ru-RU", "fr-CA", "zh-CN", "ja-JP", "ko-KR", "sv-SE",
)  # fmt: skip
FROM = "payload__email__emailAddresses__from"
RECEIVER = "payload__email__emailAddresses__receiver"
CHECKS: dict[str, Callable[[Api], None]] = {}


def check(rule_id: str) -> Callable[[Callable[[Api], None]], Callable[[Api], None]]:
    def register(func: Callable[[Api], None]) -> Callable[[Api], None]:
        CHECKS[rule_id] = func
        return func

    return register


# ------------------------------------------------------------------ headers


@check("HDR-01")
def _(api: Api) -> None:
    expect_rule(api, api.create(user_body(), headers={"Accept-Language": "xx-XX"}), "HDR-01")
    for locale in ("en", "en_US", "en-GB", "*;q=0"):
        response = api.create(user_body(), headers={"Accept-Language": locale})
        expect_rule(api, response, "HDR-01")
    browser = api.create(user_body(), headers={"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.8"})
    assert browser.status_code == 201


@check("HDR-02")
def _(api: Api) -> None:
    for locale in LOCALES:
        assert api.create(user_body(), headers={"Accept-Language": locale}).status_code == 201


@check("HDR-03")
def _(api: Api) -> None:
    import json

    response = api.session.post(
        api.base + "/activity/email/general",
        data=json.dumps(user_body()).encode(),
        headers={"Authorization": f"Bearer {USER}", "Accept": None, "Accept-Language": None},
    )
    assert "content-type" not in {k.lower() for k in response.request.headers}
    expect_rule(api, response, "HDR-03")


@check("HDR-04")
def _(api: Api) -> None:
    expect_rule(api, api.create(user_body(), headers={"Accept": "text/html"}), "HDR-04")
    assert api.create(user_body(), headers={"Accept": "*/*"}).status_code == 201
    assert api.create(user_body(), headers={"Accept": "application/xml;q=0.5"}).status_code == 201


@check("HDR-05")
def _(api: Api) -> None:
    xml = api.create(None, headers={"Accept": "application/xml"})
    assert xml.headers["content-type"].startswith("application/xml")
    assert "<code>400-264</code>" in xml.text and "<developerMessage>" in xml.text
    expect_rule(api, api.create(None), "HDR-05", logged="BODY-01")


@check("HDR-06")
def _(api: Api) -> None:
    for media in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data"):
        response = api.create(None, headers={"Content-Type": media})
        expect_rule(api, response, "HDR-06", "requestBody")
    # An empty Content-Type is not a missing one (HDR-03): it names no readable media type.
    empty = api.create(user_body(), headers={"Content-Type": ""})
    expect_rule(api, empty, "HDR-06", "requestBody")


@check("HDR-07")
def _(api: Api) -> None:
    plain = api.create(None)
    assert "userMessage" not in plain.json()
    asked = api.create(None, headers={"X-egain-error-message": "yes", "Accept-Language": "de-DE"})
    expect_rule(api, asked, "HDR-07", logged="BODY-01")
    assert asked.json()["userMessage"].startswith("Die Anfrage ist leer")
    fallback = api.create(None, headers={"X-egain-error-message": "yes",
                                         "Accept-Language": "ja-JP"})  # fmt: skip
    assert fallback.json()["userMessage"].startswith("The request is empty")


# ------------------------------------------------------------------ query


@check("QRY-01")
def _(api: Api) -> None:
    response = api.create(user_body(), params={"foo": "1", "bar": "2"})
    expect_rule(api, response, "QRY-01", "foo, bar")


@check("QRY-02")
def _(api: Api) -> None:
    expect_rule(api, api.create(user_body(), params={"customer": "1001"}), "QRY-02", "customer")
    response = api.create(user_body(), token=CLIENT, params={"customer": "1001"})
    expect_rule(api, response, "QRY-02")
    assert api.create(user_body(), params={"customer": ""}).status_code == 201


@check("QRY-03")
def _(api: Api) -> None:
    for value in ("abc", "99999", "-1"):
        response = api.create(customer_body(), token=CUSTOMER, params={"customer": value})
        expect_rule(api, response, "QRY-03", "customer")


# ------------------------------------------------------------------ actors


@check("ACT-01")
def _(api: Api) -> None:
    expect_rule(api, api.create(user_body(), token=None), "ACT-01")


@check("ACT-02")
def _(api: Api) -> None:
    expect_rule(api, api.create(user_body(), token="expired-token"), "ACT-02")
    for malformed in ("Basic dTpw", "Bearer", "Bearer   ", "Token user-admin-token"):
        sent = api.create(user_body(), token=None, headers={"Authorization": malformed})
        expect_rule(api, sent, "ACT-02")
    scheme_case = api.create(user_body(), token=None, headers={"Authorization": f"bEaReR {USER}"})
    assert scheme_case.status_code == 201  # the scheme name is case-insensitive (RFC 7235)


@check("ACT-03")
def _(api: Api) -> None:
    response = api.create(user_body(), token=VIEWER)
    expect_rule(api, response, "ACT-03")
    assert api.state()["activities"] == []


@check("ACT-04")
def _(api: Api) -> None:
    activity = api.activity(api.create(user_body()))
    assert activity["createdBy"] == {"id": "u1", "type": "user", "name": "Agent Admin"}


@check("ACT-05")
def _(api: Api) -> None:
    activity = api.activity(api.create(user_body(), token=CLIENT))
    assert activity["createdBy"]["type"] == "client"


@check("ACT-06")
def _(api: Api) -> None:
    expect_rule(api, api.create(customer_body(), token=CUSTOMER), "ACT-06")


# ------------------------------------------------------------------ grants


@check("GRT-01")
def _(api: Api) -> None:
    response = api.create(customer_body(), token=CUSTOMER, params={"customer": "1001"})
    activity = api.activity(response)
    assert activity["customer"]["id"] == "1001"
    assert activity["sentOnBehalf"] is True
    assert activity["payload"]["email"]["emailAddresses"]["from"] == "bruno@client.example"


@check("GRT-02")
def _(api: Api) -> None:
    response = api.create(customer_body(), token=CUSTOMER, params={"customer": "1003"})
    expect_rule(api, response, "GRT-02", "customer")
    # a grant on a customer of another department (1005, Sales) counts only without
    # departmentalization ("within one department when departmentalization is on")
    response = api.create(customer_body(), token=CUSTOMER, params={"customer": "1005"})
    expect_rule(api, response, "GRT-02", "customer")
    api.reset(customer_departmentalization=False)
    response = api.create(customer_body(), token=CUSTOMER, params={"customer": "1005"})
    assert api.activity(response)["customer"]["id"] == "1005"


@check("GRT-03")
def _(api: Api) -> None:
    activity = api.activity(api.create(customer_body(), token=CUSTOMER))
    assert activity["customer"]["id"] == "1000"
    assert activity["sentOnBehalf"] is False


@check("GRT-04")
def _(api: Api) -> None:
    body = customer_body(**{FROM: "ana@client.example"})
    response = api.create(body, token=CUSTOMER, params={"customer": "1001"})
    expect_rule(api, response, "GRT-04", "payload.email.emailAddresses.from")


@check("GRT-05")
def _(api: Api) -> None:
    response = api.create(customer_body(), token=CUSTOMER, params={"customer": "1002"})
    expect_rule(api, response, "GRT-05", "customer")
    assert api.customer("1002")["contacts"][0]["emails"] == []


# ------------------------------------------------------------------ user / client application


@check("UC-01")
def _(api: Api) -> None:
    expect_rule(api, api.create(user_body(department=None)), "UC-01", "department.name")
    response = api.create(user_body(department={}), token=CLIENT)
    expect_rule(api, response, "UC-01", "department.name")


@check("UC-02")
def _(api: Api) -> None:
    response = api.create(user_body(department__name="Nowhere"))
    expect_rule(api, response, "UC-02", "department.name")
    assert api.create(user_body(department__name="sERVICE")).status_code == 201


@check("UC-03")
def _(api: Api) -> None:
    response = api.create(user_body(**{FROM: None}))
    expect_rule(api, response, "UC-03", "payload.email.emailAddresses.from")


@check("UC-04")
def _(api: Api) -> None:
    for bad in ("not-an-address", "ana@client.example, bruno@client.example",
                "Ana <ana@client.example>", "ana@localhost"):  # fmt: skip
        response = api.create(user_body(**{FROM: bad}))
        expect_rule(api, response, "UC-04", "payload.email.emailAddresses.from")


@check("UC-05")
def _(api: Api) -> None:
    before = len(api.state()["customers"])
    activity = api.activity(api.create(user_body(**{FROM: "bruno@client.example"})))
    assert activity["customer"]["id"] == "1001"
    assert len(api.state()["customers"]) == before


@check("UC-06")
def _(api: Api) -> None:
    body = user_body(**{FROM: "nina@new.example"},
                     customer={"type": {"value": "individual"},
                               "contacts": {"contact": [{"firstName": "Nina"}]}})  # fmt: skip
    activity = api.activity(api.create(body))
    created = api.customer(activity["customer"]["id"])
    assert created["contacts"][0]["emails"] == ["nina@new.example"]
    assert created["contacts"][0]["first_name"] == "Nina"
    points = [p for p in api.state()["contactPoints"] if p["address"] == "nina@new.example"]
    assert [p["customerId"] for p in points] == [created["id"]]


@check("UC-07")
def _(api: Api) -> None:
    expect_rule(api, api.create(user_body(**{FROM: "nobody@new.example"})), "UC-07", "customer")
    assert not [p for p in api.state()["contactPoints"] if p["address"] == "nobody@new.example"]


@check("UC-08")
def _(api: Api) -> None:
    body = user_body(**{FROM: "nina@new.example"}, customer={"department": {"name": "Sales"}})
    expect_rule(api, api.create(body), "UC-08", "customer.department")


@check("UC-09")
def _(api: Api) -> None:
    before = len(api.state()["customers"])
    body = user_body(**{FROM: "bruno@client.example"}, customer={"customerName": "Ignored"})
    activity = api.activity(api.create(body))
    assert activity["customer"]["id"] == "1001"
    assert len(api.state()["customers"]) == before


@check("UC-10")
def _(api: Api) -> None:
    other_department = user_body(**{FROM: "carla@client.example"})
    expect_rule(api, api.create(other_department), "UC-10", "customer")
    api.reset(customer_departmentalization=False)
    assert api.activity(api.create(other_department))["customer"]["id"] == "1003"


@check("UC-11")
def _(api: Api) -> None:
    body = user_body(**{FROM: "nina@new.example"}, customer={"type": {"value": "individual"}})
    on = api.customer(api.activity(api.create(body))["customer"]["id"])
    assert on["department"] == "Service"
    api.reset(customer_departmentalization=False)
    off = api.customer(api.activity(api.create(body))["customer"]["id"])
    assert off["department"] is None


@check("UC-12")
def _(api: Api) -> None:
    response = api.create(user_body(**{RECEIVER: None}))
    expect_rule(api, response, "UC-12", "payload.email.emailAddresses.receiver")


@check("UC-13")
def _(api: Api) -> None:
    for alias in ("old-help@shop.example", "sales@shop.example", "unknown@shop.example"):
        response = api.create(user_body(**{RECEIVER: alias}))
        expect_rule(api, response, "UC-13", "payload.email.emailAddresses.receiver")
    assert api.create(user_body(**{RECEIVER: "HELP@shop.example"})).status_code == 201


@check("UC-14")
def _(api: Api) -> None:
    assert api.activity(api.create(user_body(secure=True)))["secure"] is True
    assert api.activity(api.create(user_body(secure=False)))["secure"] is False
    assert api.activity(api.create(user_body()))["secure"] is False


@check("UC-15")
def _(api: Api) -> None:
    for value in ("yes", "TRUE", "True", "", 1, 0, {}, ["true"]):
        expect_rule(api, api.create(user_body(secure=value)), "UC-15", "secure")
    # 'Must be "true" or "false"': the strings the seed quotes mean what the booleans do
    assert api.activity(api.create(user_body(secure="true")))["secure"] is True
    assert api.activity(api.create(user_body(secure="false")))["secure"] is False


@check("UC-16")
def _(api: Api) -> None:
    api.reset(secure_messaging=False)
    expect_rule(api, api.create(user_body(secure=True)), "UC-16", "secure")
    assert api.create(user_body(secure=False)).status_code == 201


@check("UC-17")
def _(api: Api) -> None:
    for field in ("to", "cc"):
        body = user_body(**{f"payload__email__emailAddresses__{field}":
                            {"address": ["ok@x.example", "bad address"]}})  # fmt: skip
        attribute = f"payload.email.emailAddresses.{field}.address"
        expect_rule(api, api.create(body), "UC-17", attribute)
    good = user_body(payload__email__emailAddresses__to={"address": ["a@x.example", "b@y.example"]})
    assert api.create(good).status_code == 201


@check("UC-18")
def _(api: Api) -> None:
    body = user_body(payload__email__messageCenter={"id": "Service"})
    expect_rule(api, api.create(body), "UC-18", "payload.email.messageCenter")
    expect_rule(api, api.create(user_body(issueType={"id": "301"})), "UC-18", "issueType")


# ------------------------------------------------------------------ customer


@check("CUS-01")
def _(api: Api) -> None:
    body = customer_body(payload__email__messageCenter=None)
    expect_rule(api, api.create(body, token=CUSTOMER), "CUS-01")


@check("CUS-02")
def _(api: Api) -> None:
    by_center = api.activity(api.create(customer_body(), token=CUSTOMER))
    assert by_center["department"] == {"name": "Service"}
    body = customer_body(payload__email__messageCenter=None, **{RECEIVER: "help@shop.example"})
    by_alias = api.activity(api.create(body, token=CUSTOMER))
    assert by_alias["department"] == {"name": "Service"}
    assert by_alias["payload"]["email"]["alias"]["id"] == "201"


@check("CUS-03")
def _(api: Api) -> None:
    body = customer_body(department={"name": "Service"})
    expect_rule(api, api.create(body, token=CUSTOMER), "CUS-03", "department")


@check("CUS-04")
def _(api: Api) -> None:
    for center in ("Archive", "Nowhere"):
        body = customer_body(payload__email__messageCenter={"id": center})
        expect_rule(api, api.create(body, token=CUSTOMER), "CUS-04",
                    "payload.email.messageCenter.id")  # fmt: skip


@check("CUS-05")
def _(api: Api) -> None:
    body = customer_body(payload__email__messageCenter={"id": "Sales"})
    expect_rule(api, api.create(body, token=CUSTOMER), "CUS-05", "payload.email.messageCenter.id")
    api.reset(customer_departmentalization=False)
    assert api.activity(api.create(body, token=CUSTOMER))["department"] == {"name": "Sales"}


@check("CUS-06")
def _(api: Api) -> None:
    body = customer_body(payload__email__messageCenter=None, **{RECEIVER: "old-help@shop.example"})
    expect_rule(api, api.create(body, token=CUSTOMER), "CUS-06",
                "payload.email.emailAddresses.receiver")  # fmt: skip


@check("CUS-07")
def _(api: Api) -> None:
    body = customer_body(payload__email__messageCenter=None, **{RECEIVER: "sales@shop.example"})
    expect_rule(api, api.create(body, token=CUSTOMER), "CUS-07")
    api.reset(customer_departmentalization=False)
    assert api.create(body, token=CUSTOMER).status_code == 201


@check("CUS-08")
def _(api: Api) -> None:
    activity = api.activity(api.create(customer_body(), token=CUSTOMER))
    assert activity["payload"]["email"]["emailAddresses"]["from"] == "ana@client.example"


@check("CUS-09")
def _(api: Api) -> None:
    body = customer_body(**{FROM: "bruno@client.example"})
    expect_rule(
        api, api.create(body, token=CUSTOMER), "CUS-09", "payload.email.emailAddresses.from"
    )
    own = customer_body(**{FROM: "ANA@client.example"})
    assert api.create(own, token=CUSTOMER).status_code == 201


@check("CUS-10")
def _(api: Api) -> None:
    body = customer_body(**{FROM: "ana.home@new.example"})
    activity = api.activity(api.create(body, token=CUSTOMER))
    assert activity["payload"]["email"]["emailAddresses"]["from"] == "ana.home@new.example"
    assert "ana.home@new.example" in api.customer("1000")["contacts"][0]["emails"]


@check("CUS-11")
def _(api: Api) -> None:
    body = customer_body(**{FROM: "davi@client.example"})
    expect_rule(api, api.create(body, token=CUSTOMER), "CUS-11")
    assert "davi@client.example" in api.customer("1000")["contacts"][0]["emails"]
    api.reset(customer_departmentalization=False)
    response = api.create(body, token=CUSTOMER)
    assert response.status_code == 400 and response.json()["code"] == "400-152"
    assert api.last_request()["rule_id"] == "CUS-11"
    assert "davi@client.example" not in api.customer("1000")["contacts"][0]["emails"]


@check("CUS-12")
def _(api: Api) -> None:
    body = customer_body(payload__email__messageCenter=None, issueType={"id": "301"},
                         **{RECEIVER: "help@shop.example"})  # fmt: skip
    expect_rule(api, api.create(body, token=CUSTOMER), "CUS-12", "issueType.id")


@check("CUS-13")
def _(api: Api) -> None:
    expect_rule(api, api.create(customer_body(issueType={"id": "303"}), token=CUSTOMER), "CUS-13")
    activity = api.activity(api.create(customer_body(issueType={"id": 301}), token=CUSTOMER))
    assert activity["issueType"] == {"id": "301", "name": "Billing"}


@check("CUS-14")
def _(api: Api) -> None:
    assert api.activity(api.create(customer_body(), token=CUSTOMER))["secure"] is True


@check("CUS-15")
def _(api: Api) -> None:
    api.reset(secure_messaging=False)
    expect_rule(api, api.create(customer_body(), token=CUSTOMER), "CUS-15", "secure")


@check("CUS-16")
def _(api: Api) -> None:
    refused = {
        "secure": customer_body(secure=True),
        "customer": customer_body(customer={"customerName": "x"}),
        "payload.email.emailAddresses.to": customer_body(
            payload__email__emailAddresses__to={"address": ["a@x.example"]}),
        "payload.email.emailAddresses.cc": customer_body(
            payload__email__emailAddresses__cc={"address": ["a@x.example"]}),
    }  # fmt: skip
    for attribute, body in refused.items():
        expect_rule(api, api.create(body, token=CUSTOMER), "CUS-16", attribute)


# ------------------------------------------------------------------ body


@check("BODY-01")
def _(api: Api) -> None:
    expect_rule(api, api.create(None), "BODY-01")
    expect_rule(api, api.create(None, headers={"Content-Type": "application/json"}), "BODY-01")


@check("BODY-02")
def _(api: Api) -> None:
    bad = api.session.post(api.base + "/activity/email/general", data=b'{"type": ',
                           headers={"Authorization": f"Bearer {USER}",
                                    "Content-Type": "application/json"})  # fmt: skip
    expect_rule(api, bad, "BODY-02", "requestBody")
    expect_rule(api, api.create(xml="<activity><subject>x</activity>"), "BODY-02", "requestBody")


@check("BODY-03")
def _(api: Api) -> None:
    response = api.create([user_body(), user_body()])
    expect_rule(api, response, "BODY-03", "requestBody")
    assert api.state()["activities"] == []


@check("BODY-04")
def _(api: Api) -> None:
    expect_rule(api, api.create(user_body(type__value="sms")), "BODY-04", "type.value")


@check("BODY-05")
def _(api: Api) -> None:
    body = user_body(type__subtype__value="special")
    expect_rule(api, api.create(body), "BODY-05", "type.subtype.value")


@check("BODY-06")
def _(api: Api) -> None:
    expect_rule(api, api.create(user_body(subject=None)), "BODY-06")
    with_content = user_body(subject=None, payload__email__content={"html": "<p>hi</p>"})
    assert api.create(with_content).status_code == 201


@check("BODY-07")
def _(api: Api) -> None:
    expect_rule(api, api.create(user_body(subject="x" * 256)), "BODY-07", "subject")
    assert api.create(user_body(subject="x" * 255)).status_code == 201


@check("BODY-08")
def _(api: Api) -> None:
    expect_rule(api, api.create(user_body(priority="1")), "BODY-08", "priority")
    expect_rule(api, api.create(user_body(type__color="red")), "BODY-08", "type.color")


@check("BODY-09")
def _(api: Api) -> None:
    response = api.create(user_body(case={"id": "99999"}))
    expect_rule(api, response, "BODY-09", "99999")
    assert api.activity(api.create(user_body(case={"id": "1060"})))["case"] == {"id": "1060"}


@check("BODY-10")
def _(api: Api) -> None:
    first = api.activity(api.create(user_body()))["case"]["id"]
    second = api.activity(api.create(user_body()))["case"]["id"]
    assert first != second and first not in ("1060", "1061")
    assert {c["id"] for c in api.state()["cases"]} >= {first, second}


@check("BODY-11")
def _(api: Api) -> None:
    def attrs(name: str, value: str) -> dict:
        return {
            "customAttribute": [
                {"attribName": name, "attribValues": {"attribValue": [{"value": value}]}}
            ]
        }

    unknown = user_body(customAttributes=attrs("shoeSize", "42"))
    expect_rule(api, api.create(unknown), "BODY-11", "customAttributes.customAttribute.attribName")
    wrong = user_body(customAttributes=attrs("contactReason", "weather"))
    expect_rule(api, api.create(wrong), "BODY-11")
    for good in (attrs("contactReason", "billing"), attrs("orderNumber", "anything")):
        assert api.create(user_body(customAttributes=good)).status_code == 201


@check("BODY-12")
def _(api: Api) -> None:
    body = user_body(payload__email__content={"text": "a", "rtf": "b"})
    expect_rule(api, api.create(body), "BODY-12", "payload.email.content.rtf")


@check("BODY-13")
def _(api: Api) -> None:
    two = {"address": ["a@x.example", "b@x.example"]}
    for reply_to in (two, {"address": ["not valid"]}):
        body = user_body(payload__email__emailAddresses__replyTo=reply_to)
        expect_rule(api, api.create(body), "BODY-13")
    one = user_body(payload__email__emailAddresses__replyTo={"address": ["a@x.example"]})
    assert api.create(one).status_code == 201


@check("BODY-14")
def _(api: Api) -> None:
    body = user_body(payload__email__date={"date": "yesterday"})
    expect_rule(api, api.create(body), "BODY-14", "payload.email.date.date")
    activity = api.activity(api.create(user_body()))
    assert activity["payload"]["email"]["date"]["date"] == activity["created"]
    dated = user_body(payload__email__date={"date": "2015-12-26T19:00:00.000Z"})
    stored = api.activity(api.create(dated))["payload"]["email"]["date"]["date"]
    assert stored == "2015-12-26T19:00:00.000Z"


UPLOADS = ("8f14e45f-ceea-4c6b-9f1e-3b2a1c0d5e01", "8f14e45f-ceea-4c6b-9f1e-3b2a1c0d5e02")


@check("BODY-15")
def _(api: Api) -> None:
    missing = user_body(attachments={"attachment": [{"inline": False}]})
    expect_rule(api, api.create(missing), "BODY-15", "attachments.attachment.altId")
    unknown = user_body(attachments={"attachment": [{"altId": "no-such-upload"}]})
    response = api.create(unknown)
    assert response.status_code == 400 and response.json()["code"] == "400-194"
    assert "no-such-upload" in response.json()["developerMessage"]
    assert api.last_request()["rule_id"] == "BODY-15"
    good = user_body(attachments={"attachment": [{"altId": UPLOADS[0]}]})
    stored = api.activity(api.create(good))["attachments"]["attachment"]
    assert stored[0]["name"] == "invoice.pdf" and stored[0]["size"] == 20480


@check("BODY-16")
def _(api: Api) -> None:
    inline = user_body(attachments={"attachment": [{"altId": UPLOADS[1], "inline": True}]})
    expect_rule(api, api.create(inline), "BODY-16", "attachments.attachment.contentId")
    with_id = user_body(attachments={"attachment": [
        {"altId": UPLOADS[1], "inline": True, "contentId": "<logo@shop.example>"}]})  # fmt: skip
    assert api.create(with_id).status_code == 201


@check("BODY-17")
def _(api: Api) -> None:
    many = user_body(attachments={"attachment": [{"altId": UPLOADS[1]}] * 26})
    expect_rule(api, api.create(many), "BODY-17", "attachments.attachment")
    assert api.create(user_body(attachments={"attachment": [{"altId": UPLOADS[1]}] * 25})).ok


@check("BODY-18")
def _(api: Api) -> None:
    xml = """<?xml version="1.0" encoding="UTF-8"?>
    <activity xmlns="http://bindings.egain.com/ws/model/v12/gen/interaction/activity">
      <department><name>Service</name></department>
      <type><value>email</value><subtype><value>general</value></subtype></type>
      <subject>XML printer</subject><secure>true</secure><case id="1060"/>
      <payload><email><emailAddresses><from>ana@client.example</from>
        <receiver>help@shop.example</receiver>
        <to><address>a@x.example</address><address>b@x.example</address></to>
      </emailAddresses></email></payload>
    </activity>"""
    activity = api.activity(api.create(xml=xml))
    assert activity["subject"] == "XML printer" and activity["secure"] is True
    assert activity["case"] == {"id": "1060"}
    assert activity["payload"]["email"]["emailAddresses"]["to"] == {
        "address": ["a@x.example", "b@x.example"]}  # fmt: skip


@check("BODY-19")
def _(api: Api) -> None:
    assert api.activity(api.create(user_body(case={"id": 1060})))["case"] == {"id": "1060"}
    body = customer_body(issueType={"id": 301}, case={"id": 1061})
    assert api.create(body, token=CUSTOMER).status_code == 201


@check("BODY-20")
def _(api: Api) -> None:
    expect_rule(api, api.create(user_body(department__name="")), "BODY-20", "department.name")
    body = user_body(**{FROM: ""})
    expect_rule(api, api.create(body), "BODY-20", "payload.email.emailAddresses.from")


# ------------------------------------------------------------------ limits


@check("LIM-01")
def _(api: Api) -> None:
    over = user_body(payload__email__content={"text": "a" * (64 * 1024 - 10), "html": "b" * 11})
    expect_rule(api, api.create(over), "LIM-01", "payload.email.content")
    at_limit = user_body(payload__email__content={"text": "é" * (32 * 1024)})
    assert api.create(at_limit).status_code == 201
    bytes_over = user_body(payload__email__content={"text": "é" * (32 * 1024) + "x"})
    expect_rule(api, api.create(bytes_over), "LIM-01")  # 32,769 characters, 65,537 bytes
    api.reset(max_body_size_kb=1)
    small = user_body(payload__email__content={"text": "a" * 1025})
    expect_rule(api, api.create(small), "LIM-01")


@check("LIM-02")
def _(api: Api) -> None:
    body = user_body(
        attachments={"attachment": [{"altId": "8f14e45f-ceea-4c6b-9f1e-3b2a1c0d5e03"}]}
    )
    expect_rule(api, api.create(body), "LIM-02", "attachments")
    api.reset(max_email_size_mb=12)
    assert api.create(body).status_code == 201


@check("LIM-03")
def _(api: Api) -> None:
    api.reset(max_email_size_mb=0.01)  # 10 KiB
    big = user_body(payload__email__content={"text": "a" * 11_000})
    expect_rule(api, api.create(big), "LIM-03", "requestBody")

    def chunks():  # no Content-Length: the cap applies while reading
        yield b'{"subject": "'
        for _ in range(20):
            yield b"a" * 1000
        yield b'"}'

    streamed = api.session.post(api.base + "/activity/email/general", data=chunks(),
                                headers={"Authorization": f"Bearer {USER}",
                                         "Content-Type": "application/json"})  # fmt: skip
    expect_rule(api, streamed, "LIM-03", "requestBody")


# ------------------------------------------------------------------ effects


@check("EFF-01")
def _(api: Api) -> None:
    import re

    response = api.create(user_body())
    assert response.status_code == 201 and response.content == b""
    assert re.fullmatch(r"/core/casemgr/v3/activity/[0-9]+", response.headers["Location"])


@check("EFF-02")
def _(api: Api) -> None:
    activity = api.activity(api.create(user_body()))
    assert activity["mode"] == {"value": "inbound"}
    assert activity["status"] == {"value": "awaiting_assignment",
                                  "substatus": {"value": "ready_for_assignment"}}  # fmt: skip


@check("EFF-04")
def _(api: Api) -> None:
    from openapi_schema_validator import OAS30Validator

    spec = yaml.safe_load((ROOT / "openapi" / "openapi.yaml").read_text(encoding="utf-8"))
    schema = {**spec["components"]["schemas"]["ActivityList"], "components": spec["components"]}
    created = api.create(user_body())
    got = api.session.get(api.root + created.headers["Location"],
                          headers={"Authorization": f"Bearer {USER}"}, timeout=10)  # fmt: skip
    assert got.status_code == 200
    assert [e.message for e in OAS30Validator(schema).iter_errors(got.json())] == []
    assert got.json()["activity"][0]["id"] == created.headers["Location"].rsplit("/", 1)[1]


@check("EFF-03")
def _(api: Api) -> None:
    body = user_body(payload__email__content={"text": "t", "html": "<p>h</p>"})
    activity = api.activity(api.create(body))
    email = activity["payload"]["email"]
    assert activity["subject"] == "printer jams"
    assert activity["department"] == {"name": "Service"}
    assert email["emailAddresses"]["from"] == "ana@client.example"
    assert email["emailAddresses"]["receiver"] == "help@shop.example"
    assert email["alias"] == {"id": "201", "name": "Help desk", "value": "help@shop.example"}
    assert email["content"] == {"text": "t", "html": "<p>h</p>"}


# ------------------------------------------------------------------ protocol


@check("PRT-01")
def _(api: Api) -> None:
    for method in ("GET", "PUT", "PATCH", "DELETE"):
        response = api.session.request(method, api.base + "/activity/email/general",
                                       headers={"Authorization": f"Bearer {USER}"})  # fmt: skip
        expect_rule(api, response, "PRT-01")


@check("PRT-02")
def _(api: Api) -> None:
    for response in (api.create(None), api.create(user_body(), token=None),
                     api.session.get(api.base + "/nowhere")):  # fmt: skip
        assert response.headers["content-type"] == "application/json"
        assert set(response.json()) <= {"code", "developerMessage", "details", "userMessage"}
        assert len(response.json()["developerMessage"]) <= 255
    expect_rule(api, api.create(None), "PRT-02", logged="BODY-01")


@check("PRT-03")
def _(api: Api) -> None:
    hostile = [b"\xff\xfe\x00bad", b"[1, 2", b"null", b"1e999999", b'{"a": NaN}',
               b"[" * 100_000, b'{"subject": 5}', b'{"type": "email"}',
               b'{"subject": "\\u0000"}', b'{"subject": "\\ud83d"}']  # fmt: skip
    for raw in hostile:
        response = api.session.post(api.base + "/activity/email/general", data=raw,
                                    headers={"Authorization": f"Bearer {USER}",
                                             "Content-Type": "application/json"})  # fmt: skip
        assert response.status_code == EXPECT["PRT-03"]["status"], (raw[:20], response.text)
        assert response.json()["code"].startswith("400-")


@pytest.mark.parametrize("rule_id", list(EXPECT))
def test_rule(api: Api, rule_id: str) -> None:
    """The mock behaves as the catalog says for this rule."""
    assert rule_id in CHECKS, f"{rule_id} has no check in tests/mock/test_rules.py"
    CHECKS[rule_id](api)


def test_every_rule_has_a_check() -> None:
    assert sorted(set(EXPECT) - set(CHECKS)) == []
    assert sorted(set(CHECKS) - set(EXPECT)) == []


def test_the_profiles_tokens_are_the_actors_it_says() -> None:
    """mock_server/data/profile.yaml names a token per role; the data file, read by the mock's
    own loader, must make each that role (and these tests use the same tokens)."""
    profile = yaml.safe_load(DEFAULT_DATA.with_name("profile.yaml").read_text(encoding="utf-8"))
    tokens, seed = profile["tokens"], load_seed(DEFAULT_DATA)
    roles = ("user", "user_without_privilege", "client", "customer")
    assert [tokens[role] for role in roles] == [USER, VIEWER, CLIENT, CUSTOMER]
    actors = {role: seed.tokens.get(token) for role, token in tokens.items()}
    users = {user.id: user for user in seed.users}
    user, viewer = actors["user"], actors["user_without_privilege"]
    assert user is not None and user.kind == "user" and users[user.id].may_manage_partition
    assert viewer is not None and viewer.kind == "user"
    assert not users[viewer.id].may_manage_partition
    client = actors["client"]
    assert client is not None and client.kind == "client"
    assert client.id in {c.id for c in seed.clients}
    assert actors["customer"] == Actor("customer", profile["data"]["customer_id"])
