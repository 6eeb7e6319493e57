"""The fast stack (connexion_internals) and Connexion's stock stack answer byte for byte alike.

Both apps are called in-process with the same requests, one through every answer the mock can
give before or after a handler: routing (404, 405, redirect), security (no, unknown, malformed
token), the vendor checks, response validation, the Edge's error bodies in JSON and XML, CORS,
forced errors, the read-back and Swagger UI. Only the speed may differ.
"""

from __future__ import annotations

import importlib.metadata
import json
import logging
import re
import sys
from typing import Any

import pytest

import mock_server
from mock_server import connexion_internals
from mock_server.__main__ import settings_from
from mock_server.app import create_app
from mock_server.settings import MockSettings
from tests.mock.asgi import Messages, asgi_call
from tests.mock.conftest import CUSTOMER, USER, VIEWER, user_body

BASE = "/core/casemgr/v3"
CREATE = BASE + "/activity/email/general"
JSON = (b"content-type", b"application/json")
PREFLIGHT = (b"access-control-request-method", b"POST")
# A stored activity's creation time is the only thing that may differ: it is the clock's.
INSTANT = re.compile(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


def bearer(token: str) -> tuple[bytes, bytes]:
    return (b"authorization", f"Bearer {token}".encode())


def body(**changes: Any) -> bytes:
    return json.dumps(user_body(**changes)).encode()


# (method, path, headers, body): one request for each way an answer is made.
REQUESTS: list[tuple[str, str, list[tuple[bytes, bytes]], bytes]] = [
    ("POST", CREATE, [bearer(USER), JSON], body()),
    ("POST", CREATE, [bearer(USER), JSON], body()),  # the second one: what was built once
    ("GET", BASE + "/activity/1001", [bearer(USER)], b""),
    ("GET", BASE + "/activity/1001", [bearer(USER), (b"accept", b"application/xml")], b""),
    ("GET", BASE + "/activity/999", [bearer(USER)], b""),
    ("POST", CREATE, [JSON], body()),
    ("POST", CREATE, [bearer("nobody"), JSON], body()),
    ("POST", CREATE, [(b"authorization", b"Bearer"), JSON], body()),
    ("POST", CREATE, [(b"authorization", b"Basic dTpw"), JSON], body()),
    ("POST", CREATE, [bearer("nobody"), JSON, (b"accept", b"application/xml")], body()),
    ("POST", CREATE, [bearer(USER), JSON, (b"accept", b"text/csv")], body()),
    ("POST", CREATE, [bearer(USER), JSON, (b"accept-language", b"xx-YY")], body()),
    ("POST", CREATE, [bearer(VIEWER), JSON], body()),
    ("POST", CREATE + "?nope=1", [bearer(USER), JSON], body()),
    ("POST", CREATE, [bearer(USER), (b"content-type", b"text/plain")], body()),
    ("POST", CREATE, [bearer(USER), JSON], b""),
    ("POST", CREATE, [bearer(USER), JSON], b"{not json"),
    ("POST", CREATE, [bearer(USER), JSON], body(subject=None)),
    ("POST", CREATE, [bearer(USER), JSON], body(extra="x")),
    ("POST", CREATE, [bearer(CUSTOMER), JSON], body()),
    ("POST", CREATE, [bearer(USER), JSON, (b"prefer", b"code=500")], body()),
    ("POST", CREATE, [bearer(USER), JSON, (b"origin", b"http://localhost:3000")], body()),
    ("OPTIONS", CREATE, [(b"origin", b"http://localhost:3000"), PREFLIGHT], b""),
    ("GET", CREATE, [bearer(USER)], b""),
    ("POST", CREATE + "/", [bearer(USER), JSON], body()),
    ("POST", BASE + "/nowhere", [bearer(USER), JSON], body()),
    ("GET", BASE + "/ui/", [], b""),
    ("GET", BASE + "/openapi.json", [], b""),
    ("GET", "/mock/health", [], b""),
]


def answers(stack: str) -> tuple[list[Messages], set[str]]:
    """The answers to REQUESTS, and the modules of the layers that made them."""
    app = create_app(MockSettings(quiet=True, connexion_stack=stack))  # type: ignore[arg-type]
    got = [
        [timeless(m) for m in asgi_call(app, path, headers, sent, method)]
        for method, path, headers, sent in REQUESTS
    ]
    return got, layers(app)


def timeless(message: dict[str, Any]) -> dict[str, Any]:
    if "body" not in message:
        return message
    return {**message, "body": INSTANT.sub(b"<instant>", message["body"])}


def layers(app: Any) -> set[str]:
    """The modules of the middleware layers the app was built with (at its first request)."""
    asgi_call(app, "/mock/health", [], method="GET")
    return {type(m).__module__ for m in app.middleware.middleware_stack}


def test_stock_and_fast_answer_every_request_alike() -> None:
    (fast, fast_layers), (stock, stock_layers) = answers("fast"), answers("stock")
    assert connexion_internals.__name__ in fast_layers
    assert connexion_internals.__name__ not in stock_layers
    statuses = [messages[0]["status"] for messages in fast]
    assert {201, 200, 307, 400, 401, 403, 404, 405, 406, 500} <= set(statuses), statuses
    for request, one, other in zip(REQUESTS, fast, stock, strict=True):
        assert one == other, request[:3]


def test_another_connexion_release_falls_back_to_the_stock_stack(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(importlib.metadata, "version", lambda name: "3.4.0")
    monkeypatch.delitem(sys.modules, connexion_internals.__name__)  # imported anew
    monkeypatch.delattr(mock_server, "connexion_internals")
    with caplog.at_level(logging.WARNING, logger="mock_server"):
        app = create_app(MockSettings(quiet=True))
    assert connexion_internals.__name__ not in layers(app)
    assert [r.getMessage() for r in caplog.records] == [
        "mock-server: Connexion's stock stack (slower): Connexion 3.4.0 is installed; "
        "the fast stack is written for 3.3.x"
    ]
    status = asgi_call(app, CREATE, [bearer(USER), JSON], body())[0]["status"]
    assert status == 201


def test_the_stack_is_a_flag_or_a_variable_and_fast_by_default() -> None:
    assert settings_from([], {}).connexion_stack == "fast"
    assert settings_from([], {"MOCK_CONNEXION_STACK": "stock"}).connexion_stack == "stock"
    flagged = settings_from(["--connexion-stack", "fast"], {"MOCK_CONNEXION_STACK": "stock"})
    assert flagged.connexion_stack == "fast"
    with pytest.raises(SystemExit):
        settings_from([], {"MOCK_CONNEXION_STACK": "quick"})
