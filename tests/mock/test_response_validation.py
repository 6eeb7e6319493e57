"""The mock checks its own answers against the spec (validate_responses, on by default).

A handler that broke the spec would otherwise teach frontend developers a wrong contract; with
the check on, such an answer becomes a vendor 500 the moment it is made.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from connexion.lifecycle import ConnexionResponse

from mock_server.app import create_app
from mock_server.handlers import Handlers
from tests.mock.asgi import asgi_call, header
from tests.mock.conftest import USER, user_body
from tests.support import mock_settings

PATH = "/core/casemgr/v3/activity/email/general"
HEADERS = [
    (b"authorization", f"Bearer {USER}".encode()),
    (b"content-type", b"application/json"),
    (b"accept", b"application/json"),
]


def create(validate: bool = True) -> tuple[int, dict[str, Any]]:
    app = create_app(mock_settings(quiet=True, validate_responses=validate))
    start, body = asgi_call(app, PATH, HEADERS, json.dumps(user_body()).encode())
    return start["status"], {"start": start, "body": body.get("body", b"")}


def answer_with(monkeypatch: pytest.MonkeyPatch, response: ConnexionResponse) -> None:
    async def broken(self: Handlers) -> ConnexionResponse:
        return response

    monkeypatch.setattr(Handlers, "create_incoming_email_activity", broken)


def test_a_spec_conforming_create_passes_twice() -> None:
    app = create_app(mock_settings(quiet=True))
    for _ in range(2):  # the second answer uses the plan cached by the first
        start, _ = asgi_call(app, PATH, HEADERS, json.dumps(user_body()).encode())
        assert start["status"] == 201
        assert header(start, b"location")


def test_a_201_without_its_required_location_becomes_a_vendor_500(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    answer_with(monkeypatch, ConnexionResponse(status_code=201, body=b""))
    status, sent = create()
    assert status == 500
    assert json.loads(sent["body"])["code"] == "500-100"
    status, _ = create(validate=False)
    assert status == 201  # the check, not the handler, refused it


def test_a_201_of_a_media_type_the_spec_does_not_produce_becomes_a_vendor_500(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    answer_with(
        monkeypatch,
        ConnexionResponse(
            status_code=201, body=b"ok", content_type="text/plain", headers={"Location": "/x/1"}
        ),
    )
    status, sent = create()
    assert status == 500
    assert json.loads(sent["body"])["code"] == "500-100"


def test_a_201_with_a_body_that_is_not_json_becomes_a_vendor_500(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The 201 declares no body; one sent anyway is read as JSON (the operation's first type)."""
    answer_with(
        monkeypatch,
        ConnexionResponse(status_code=201, body=b"not json", headers={"Location": "/x"}),
    )
    status, sent = create()
    assert status == 500
    assert json.loads(sent["body"])["code"] == "500-100"
