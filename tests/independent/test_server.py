"""The independent server keeps documented facts, makes its own choices, and lists real rules."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import yaml

from tests.support import ROOT, free_port, serve

OPERATION = "/core/casemgr/v3/activity/email/general"
HEADERS = {
    "Accept": "application/json",
    "Accept-Language": "en-US",
    "Content-Type": "application/json",
    "Authorization": "Bearer indep-agent-7f3a",
}
BODY = {
    "department": {"name": "Support"},
    "type": {"value": "email", "subtype": {"value": "general"}},
    "subject": "printer jams",
    "payload": {
        "email": {
            "emailAddresses": {
                "from": "tomas@buyers.example",
                "receiver": "support@indie-desk.example",
            }
        }
    },
}


@pytest.fixture(scope="module")
def root() -> Iterator[str]:
    port = free_port()
    argv = [sys.executable, "-m", "tests.independent.server", "--host", "127.0.0.1"]
    with serve([*argv, "--port", str(port)], port, health_path="/health") as url:
        yield url


def post(root: str, body: object = BODY, **headers: str) -> requests.Response:
    return requests.post(root + OPERATION, json=body, headers={**HEADERS, **headers}, timeout=10)


def test_created_with_location_and_read_back(root: str) -> None:
    response = post(root)
    assert response.status_code == 201
    assert response.content == b""
    location = response.headers["Location"]
    assert location.startswith("/core/casemgr/v3/activity/")
    read = requests.get(root + location, headers=HEADERS, timeout=10)
    activity = read.json()["activity"][0]
    assert activity["id"] == location.rsplit("/", 1)[1]
    assert int(activity["id"]) >= 500000
    assert activity["customer"]["id"] == "7001"
    assert activity["mode"]["value"] == "inbound"
    assert activity["secure"] is False


def test_unknown_token_is_401_101(root: str) -> None:
    response = post(root, Authorization="Bearer nobody")
    assert response.status_code == 401
    assert response.json()["code"] == "401-101"


def test_user_without_privilege_is_403_178(root: str) -> None:
    response = post(root, Authorization="Bearer indep-reader-2c9d")
    assert (response.status_code, response.json()["code"]) == (403, "403-178")


def test_unknown_locale_is_406_100_in_xml_when_asked(root: str) -> None:
    response = post(root, **{"Accept-Language": "xx-XX", "Accept": "application/xml"})
    assert response.status_code == 406
    assert response.headers["Content-Type"].startswith("application/xml")
    assert b"<code>406-100</code>" in response.content


def test_empty_body_is_400_264_with_user_message_only_when_asked(root: str) -> None:
    plain = requests.post(root + OPERATION, headers=HEADERS, timeout=10)
    asked = requests.post(
        root + OPERATION, headers={**HEADERS, "X-egain-error-message": "yes"}, timeout=10
    )
    assert plain.json()["code"] == asked.json()["code"] == "400-264"
    assert "userMessage" not in plain.json()
    assert asked.json()["userMessage"]


def test_missing_from_is_400_146(root: str) -> None:
    addresses = {"receiver": "support@indie-desk.example"}
    body = {**BODY, "payload": {"email": {"emailAddresses": addresses}}}
    response = post(root, body)
    assert response.json()["code"] == "400-146"
    assert "payload.email.emailAddresses.from" in response.json()["developerMessage"]


def test_customer_email_is_always_secure(root: str) -> None:
    body = {
        "type": {"value": "email", "subtype": {"value": "general"}},
        "subject": "refund",
        "payload": {"email": {"messageCenter": {"id": "Support Portal"}}},
    }
    response = post(root, body, Authorization="Bearer indep-maria-90b4")
    assert response.status_code == 201
    read = requests.get(root + response.headers["Location"], headers=HEADERS, timeout=10)
    assert read.json()["activity"][0]["secure"] is True


def test_choice_unknown_attributes_are_ignored(root: str) -> None:
    assert post(root, {**BODY, "colour": "blue"}).status_code == 201


def test_choice_other_methods_are_plain_text_405(root: str) -> None:
    response = requests.put(root + OPERATION, headers=HEADERS, timeout=10)
    assert response.status_code == 405
    assert response.headers["Allow"] == "POST"
    assert response.headers["Content-Type"].startswith("text/plain")


def test_list_breaks_names_only_catalog_rules() -> None:
    listed = subprocess.run(
        [sys.executable, "-m", "tests.independent.server", "--list-breaks"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    catalog = yaml.safe_load(Path(ROOT / "openapi" / "rules.yaml").read_text())
    known = {rule["id"] for rule in catalog["rules"]}
    ids = [line.split("\t")[0] for line in listed]
    assert ids
    assert all("\t" in line for line in listed)
    assert set(ids) <= known


def test_unknown_break_exits_2() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tests.independent.server", "--break", "NOPE-99"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert "NOPE-99" in done.stderr


def test_break_and_body_on_201_change_only_what_they_say() -> None:
    port = free_port()
    argv = [sys.executable, "-m", "tests.independent.server", "--host", "127.0.0.1"]
    flags = ["--port", str(port), "--break", "ACT-03", "--body-on-201"]
    with serve([*argv, *flags], port, health_path="/health") as url:
        response = post(url, Authorization="Bearer indep-reader-2c9d")
        assert response.status_code == 201
        assert response.json() == {"id": response.headers["Location"].rsplit("/", 1)[1]}
        assert post(url, Authorization="Bearer nobody").status_code == 401


CUS_02_CASES = [((), "Billing"), (("--break", "CUS-02"), "Support")]


@pytest.mark.parametrize(("flags", "department"), CUS_02_CASES)
def test_customer_email_is_filed_under_the_aliass_department(
    flags: tuple[str, ...], department: str
) -> None:
    """Departmentalization off: customer 7000 (Support) writes to the Billing alias."""
    port = free_port()
    argv = [sys.executable, "-m", "tests.independent.server", "--port", str(port), *flags]
    argv += ["--setting", "customer_departmentalization=false"]
    body = {
        "type": {"value": "email", "subtype": {"value": "general"}},
        "subject": "invoice",
        "payload": {"email": {"emailAddresses": {"receiver": "billing@indie-desk.example"}}},
    }
    with serve(argv, port, health_path="/health") as url:
        response = post(url, body, Authorization="Bearer indep-maria-90b4")
        assert response.status_code == 201
        read = requests.get(url + response.headers["Location"], headers=HEADERS, timeout=10)
        assert read.json()["activity"][0]["department"]["name"] == department
