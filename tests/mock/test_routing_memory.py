"""Remembered routing answers exactly as Connexion's routing does (see
connexion_internals.RoutingWithMemory, a layer of the fast stack only)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from mock_server.app import create_app
from mock_server.connexion_internals import RoutingWithMemory
from tests.mock.asgi import asgi_call, header
from tests.mock.conftest import USER, user_body
from tests.support import MOCK_STACK, mock_settings

pytestmark = pytest.mark.skipif(MOCK_STACK == "stock", reason="a layer of the fast stack")
BASE = "/core/casemgr/v3"
CREATE = BASE + "/activity/email/general"
HEADERS = [
    (b"authorization", f"Bearer {USER}".encode()),
    (b"content-type", b"application/json"),
    (b"accept", b"application/json"),
]


def send(app: Any, path: str, method: str = "POST", body: bytes = b"") -> tuple[int, bytes, Any]:
    start, *rest = asgi_call(app, path, HEADERS, body, method=method)
    return start["status"], b"".join(m.get("body", b"") for m in rest), start


def memory_of(app: Any) -> RoutingWithMemory:
    return next(m for m in app.middleware.middleware_stack if isinstance(m, RoutingWithMemory))


def test_a_remembered_path_still_answers_other_methods_and_paths_as_before() -> None:
    app = create_app(mock_settings(quiet=True))
    body = json.dumps(user_body()).encode()
    for _ in range(2):  # the second create takes the remembered route
        status, _, start = send(app, CREATE, body=body)
        assert status == 201
    first = header(start, b"location")[0].decode()
    assert send(app, CREATE, method="GET")[0] == 405
    assert send(app, CREATE + "/", body=body)[0] == 307  # Starlette redirects to CREATE
    assert send(app, BASE + "/nowhere", body=body)[0] == 404
    status, read, _ = send(app, first, method="GET")
    assert status == 200 and json.loads(read)["activity"][0]["id"] == first.rsplit("/", 1)[1]
    known = memory_of(app)._known
    assert list(known) == [("POST", CREATE, "")]  # not the GET with a path parameter
    assert known[("POST", CREATE, "")]["operation_id"] == "create-incoming-email-activity"


def test_memory_is_bounded() -> None:
    app = create_app(mock_settings(quiet=True))
    send(app, CREATE, body=json.dumps(user_body()).encode())
    memory = memory_of(app)
    memory._known = {(str(i), "/", ""): {} for i in range(memory.MAX)}
    send(app, CREATE, body=json.dumps(user_body()).encode())
    assert len(memory._known) == memory.MAX
