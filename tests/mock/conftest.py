"""One reference mock per session, over real HTTP, reset before every test."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml

from tests.support import MOCK_STACK, running_mock

ROOT = Path(__file__).resolve().parents[2]
RULES = yaml.safe_load((ROOT / "openapi" / "rules.yaml").read_text(encoding="utf-8"))
EXPECT = {rule["id"]: rule["expect"] for rule in RULES["rules"]}
CREATE = "/activity/email/general"

USER = "user-admin-token"
VIEWER = "user-viewer-token"
CLIENT = "client-token"
CUSTOMER = "customer-ana-token"

USER_BODY: dict[str, Any] = {
    "department": {"name": "Service"},
    "type": {"value": "email", "subtype": {"value": "general"}},
    "subject": "printer jams",
    "payload": {
        "email": {"emailAddresses": {"from": "ana@client.example", "receiver": "help@shop.example"}}
    },
}
CUSTOMER_BODY: dict[str, Any] = {
    "type": {"value": "email", "subtype": {"value": "general"}},
    "subject": "refund",
    "payload": {"email": {"content": {"text": "Please refund order 42"},
                          "messageCenter": {"id": "Service"}}},
}  # fmt: skip


def user_body(**changes: Any) -> dict[str, Any]:
    """USER_BODY with dotted-path changes; a value of None removes the attribute."""
    return _changed(USER_BODY, changes)


def customer_body(**changes: Any) -> dict[str, Any]:
    return _changed(CUSTOMER_BODY, changes)


def _changed(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    body = copy.deepcopy(base)
    for dotted, value in changes.items():
        *parents, name = dotted.split("__")
        node = body
        for part in parents:
            node = node.setdefault(part, {})
        if value is None:
            node.pop(name, None)
        else:
            node[name] = value
    return body


class Api:
    """A small client for the running mock: sends creates, reads state and the request log."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.root = base.rsplit("/core/", 1)[0]
        self.session = requests.Session()

    def create(
        self,
        body: Any = None,
        token: str | None = USER,
        headers: dict[str, str] | None = None,
        params: Any = None,
        xml: str | bytes | None = None,
    ) -> requests.Response:
        sent = {"Authorization": f"Bearer {token}"} if token else {}
        data: Any = None
        if xml is not None:
            sent["Content-Type"] = "application/xml"
            data = xml.encode() if isinstance(xml, str) else xml
        elif body is not None:
            sent["Content-Type"] = "application/json"
            data = json.dumps(body).encode()
        sent.update(headers or {})
        return self.session.post(self.base + CREATE, data=data, headers=sent, params=params,
                                 timeout=30)  # fmt: skip

    def reset(self, **settings: Any) -> None:
        body = {"settings": settings} if settings else {}
        response = self.session.post(self.root + "/mock/reset", json=body, timeout=10)
        assert response.status_code == 200, response.text

    def state(self) -> dict[str, Any]:
        return self.session.get(self.root + "/mock/state", timeout=10).json()

    def last_request(self) -> dict[str, Any]:
        items = self.session.get(self.root + "/mock/requests?limit=1", timeout=10).json()
        return items["requests"][-1]

    def activity(self, response: requests.Response, token: str = USER) -> dict[str, Any]:
        assert response.status_code == 201, response.text
        got = self.session.get(
            self.root + response.headers["Location"],
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
        assert got.status_code == 200, got.text
        return got.json()["activity"][0]

    def customer(self, customer_id: str) -> dict[str, Any]:
        return next(c for c in self.state()["customers"] if c["id"] == customer_id)


def expect_rule(
    api: Api,
    response: requests.Response,
    rule_id: str,
    attribute: str | None = None,
    logged: str | None = None,
) -> None:
    """The status and code rules.yaml gives; the request log names the rule that refused it.

    `logged` is for rules about how an error is presented (HDR-05, HDR-07, PRT-02): the
    refusal itself is another rule's (BODY-01).
    """
    expect = EXPECT[rule_id]
    assert response.status_code == expect["status"], (rule_id, response.text)
    if expect.get("code"):
        body = response.json()
        assert body["code"] == expect["code"], (rule_id, body)
        if attribute is not None:
            assert f"'{attribute}'" in body["developerMessage"], (rule_id, body)
        assert api.last_request()["rule_id"] == (logged or rule_id), (rule_id, body)


def pytest_report_header() -> str:
    return f"mock: Connexion's {MOCK_STACK} stack (MOCK_CONNEXION_STACK)"


@pytest.fixture(scope="session")
def mock_base() -> Iterator[str]:
    with running_mock() as base:
        yield base


@pytest.fixture
def api(mock_base: str) -> Api:
    client = Api(mock_base)
    client.reset()
    return client
