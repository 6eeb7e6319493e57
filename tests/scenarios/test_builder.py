"""The request builder: valid baselines per actor, dotted edits, JSON and XML forms."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from defusedxml import ElementTree

from conformance import requests_builder as build
from conformance.profile import load_profile
from tests.scenarios.conftest import MOCK_PROFILE


@pytest.fixture
def profile():  # type: ignore[no-untyped-def]
    return load_profile(MOCK_PROFILE)


def test_a_users_baseline_names_department_from_and_receiver(profile) -> None:  # type: ignore[no-untyped-def]
    body = build.baseline("user", profile)
    assert body["department"] == {"name": "Service"}
    assert body["type"] == {"value": "email", "subtype": {"value": "general"}}
    addresses = body["payload"]["email"]["emailAddresses"]
    assert addresses == {"receiver": "help@shop.example", "from": "bruno@client.example"}
    assert "customer" not in body


def test_without_a_known_customer_the_baseline_creates_one(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(
        "base_url: http://h/core/casemgr/v3\n"
        "data: {department: D, alias: a@d.example, new_address_domain: new.example}\n"
    )
    body = build.baseline("client", load_profile(path))
    assert re.fullmatch(
        r"conformance-[0-9a-f]{8}@new\.example", body["payload"]["email"]["emailAddresses"]["from"]
    )
    assert body["customer"]["type"] == {"value": "individual"}


def test_a_customers_baseline_goes_through_the_message_center(profile) -> None:  # type: ignore[no-untyped-def]
    body = build.baseline("customer", profile)
    assert body["payload"] == {"email": {"messageCenter": {"id": "Service"}}}
    assert "department" not in body


def test_a_missing_profile_key_is_named(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("base_url: http://h/core/casemgr/v3\n")
    with pytest.raises(build.MissingData) as caught:
        build.baseline("user", load_profile(path))
    assert caught.value.key == "data.department"


def test_set_and_remove_dotted_paths() -> None:
    body: dict = {"payload": {"email": {"emailAddresses": {"from": "a@b.example"}}}}
    build.set_path(body, "payload.email.content.text", "hi")
    build.set_path(body, "case.id", 1060)
    build.remove_path(body, "payload.email.emailAddresses.from")
    build.remove_path(body, "no.such.path")
    assert body == {
        "payload": {"email": {"emailAddresses": {}, "content": {"text": "hi"}}},
        "case": {"id": 1060},
    }
    assert build.get_path(body, "payload.email.content.text") == "hi"
    assert build.get_path(body, "payload.missing") is None


def test_json_keeps_unicode() -> None:
    assert json.loads(build.to_json({"subject": "café ☕"})) == {"subject": "café ☕"}
    assert "café" in build.to_json({"subject": "café"})


def test_xml_follows_the_architecture_shape() -> None:
    body = {
        "subject": "a < b & c",
        "secure": True,
        "payload": {
            "email": {"emailAddresses": {"to": {"address": ["x@a.example", "y@a.example"]}}}
        },
        "attachments": {"attachment": [{"altId": "1", "inline": False}, {"altId": "2"}]},
        "case": {"id": 1060},
    }
    text = build.to_xml(body)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?><activity>')
    root = ElementTree.fromstring(text.encode())
    assert root.findtext("subject") == "a < b & c"
    assert root.findtext("secure") == "true"
    assert [a.text for a in root.findall("payload/email/emailAddresses/to/address")] == [
        "x@a.example",
        "y@a.example",
    ]
    attachments = root.findall("attachments/attachment")
    assert [a.findtext("altId") for a in attachments] == ["1", "2"]
    assert attachments[0].findtext("inline") == "false"
    assert root.findtext("case/id") == "1060"


def test_xml_namespace_and_id_attributes() -> None:
    text = build.to_xml({"case": {"id": "1060"}}, namespace="urn:v12", as_attributes=("case",))
    root = ElementTree.fromstring(text.encode())
    assert root.tag == "{urn:v12}activity"
    assert root.find("{urn:v12}case").get("id") == "1060"


def test_only_an_object_has_an_xml_form() -> None:
    with pytest.raises(TypeError):
        build.to_xml([1, 2])  # type: ignore[arg-type]


def test_attachments_cycle_through_the_profiles_alt_ids() -> None:
    element = build.attachments(("a", "b"), 3)
    assert element == {"attachment": [{"altId": "a"}, {"altId": "b"}, {"altId": "a"}]}
