"""The Edge layer on its own: vendor errors for any exception, Vary, and the request log."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from starlette.types import Receive, Scope, Send

from mock_server.edge import Edge
from mock_server.errors import ApiError, CodeBook
from mock_server.request_log import Journal, RequestLog
from mock_server.settings import MockSettings
from tests.mock.asgi import Messages, asgi_call, header

JSON = [(b"accept", b"application/json")]


def edge_around(app: Any, log: RequestLog | None = None) -> Edge:
    return Edge(
        app,
        journal=Journal(log or RequestLog(10), quiet=True),
        codes=CodeBook.load(MockSettings().rules_file),
        cors={"allow_origin_regex": r"http://localhost(:\d+)?", "allow_methods": ["POST"]},
        base_path="/core/casemgr/v3",
        create_path="/activity/email/general",
    )


def call(app: Any, headers: list[tuple[bytes, bytes]] | None = None) -> Messages:
    return asgi_call(app, "/core/casemgr/v3/activity/email/general", headers or JSON)


async def crashes(scope: Scope, receive: Receive, send: Send) -> None:
    raise RuntimeError("a bug in the mock")


def test_an_unexpected_exception_is_a_vendor_500_without_a_trace(
    caplog: pytest.LogCaptureFixture,
) -> None:
    log = RequestLog(10)
    with caplog.at_level(logging.ERROR, logger="mock_server"):
        start, body = call(edge_around(crashes, log))
    assert start["status"] == 500
    assert header(start, b"content-type") == [b"application/json"]
    assert json.loads(body["body"])["code"] == "500-100"
    assert b"Traceback" not in body["body"] and b"RuntimeError" not in body["body"]
    assert "a bug in the mock" in caplog.text  # the trace goes to the server's log
    assert [(r.status, r.code) for r in log.last(10)] == [(500, "500-100")]


def test_an_api_error_is_its_vendor_body_in_xml_when_asked() -> None:
    async def refuses(scope: Scope, receive: Receive, send: Send) -> None:
        raise ApiError(406, "406-101", (), "HDR-04")

    start, body = call(edge_around(refuses), [(b"accept", b"application/xml")])
    assert start["status"] == 406
    assert body["body"].startswith(b'<?xml version="1.0" encoding="UTF-8"?><error><code>406-101')


def test_an_exception_after_the_answer_started_sends_nothing_more(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def breaks_midway(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        raise RuntimeError("broken while sending")

    with caplog.at_level(logging.ERROR, logger="mock_server"):
        sent = call(edge_around(breaks_midway))
    assert [m["type"] for m in sent] == ["http.response.start"]
    assert "broken while sending" in caplog.text


def test_vary_origin_is_added_to_the_app_s_own_vary() -> None:
    async def varies(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"vary", b"Accept")]})  # fmt: skip
        await send({"type": "http.response.body", "body": b""})

    start = call(edge_around(varies))[0]
    assert header(start, b"vary") == [b"Accept, Origin"]


def test_an_error_to_an_allowed_origin_carries_cors_headers() -> None:
    headers = [(b"accept", b"application/json"), (b"origin", b"http://localhost:5173")]
    start = call(edge_around(crashes), headers)[0]
    assert start["status"] == 500
    assert header(start, b"access-control-allow-origin") == [b"http://localhost:5173"]
    assert header(start, b"vary") == [b"Origin"]
