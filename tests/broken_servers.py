"""Deliberately broken servers: the reference mock with exactly one documented rule broken.

    python tests/broken_servers.py NAME --port P [--host H] [mock flags...]

Each NAME wraps `mock_server.app.create_app(...)` in a small ASGI middleware that breaks one
rule of openapi/rules.yaml (see BROKEN); everything else, /mock/health included, is the mock's.
The project's tests run the conformance scenarios against each and show that the scenarios of
that rule fail and no other does. Keep this command line stable: the harness tests reuse it.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import warnings
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

ADMIN_TOKEN = b"Bearer user-admin-token"
VIEWER_TOKEN = b"Bearer user-viewer-token"
CUSTOMER_TOKEN = b"Bearer customer-ana-token"
API_BASE = "/core/casemgr/v3"


def _header(scope: Scope, name: bytes) -> bytes | None:
    return next((v for k, v in scope.get("headers", []) if k.lower() == name), None)


def _set_header(scope: Scope, name: bytes, value: bytes) -> None:
    headers = [(k, v) for k, v in scope.get("headers", []) if k.lower() != name]
    scope["headers"] = [*headers, (name, value)]


class NoPrivilegeCheck:
    """ACT-03: a user without 'Manage partition resources' is treated as one who has it."""

    rule = "ACT-03"

    def __init__(self, app: App) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and _header(scope, b"authorization") == VIEWER_TOKEN:
            _set_header(scope, b"authorization", ADMIN_TOKEN)
        await self.app(scope, receive, send)


class AcceptAnyLocale:
    """HDR-01: any Accept-Language is read as en-US, so an unknown locale is not refused."""

    rule = "HDR-01"

    def __init__(self, app: App) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and _header(scope, b"accept-language") is not None:
            _set_header(scope, b"accept-language", b"en-US")
        await self.app(scope, receive, send)


class NoSubjectLimit:
    """BODY-07: a subject over 255 characters is cut to 255 before the mock sees it."""

    rule = "BODY-07"
    XML_SUBJECT = re.compile(rb"(<(?:\w+:)?subject>)(.*?)(</(?:\w+:)?subject>)", re.S)

    def __init__(self, app: App) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive)
        body = self._cut(body)
        _set_header(scope, b"content-length", str(len(body)).encode())
        await self.app(scope, _replay(body), send)

    def _cut(self, body: bytes) -> bytes:
        try:
            data = json.loads(body)
        except ValueError:
            return self.XML_SUBJECT.sub(lambda m: m[1] + self._cut_text(m[2]) + m[3], body)
        if isinstance(data, dict) and isinstance(data.get("subject"), str):
            data["subject"] = data["subject"][:255]
            return json.dumps(data).encode()
        return body

    @staticmethod
    def _cut_text(text: bytes) -> bytes:
        return text.decode("utf-8", "replace")[:255].encode()


class WrongLocation:
    """EFF-01: the Location of a 201 lacks the base path (/activity/{id})."""

    rule = "EFF-01"

    def __init__(self, app: App) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_wrong(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [
                    (k, v.replace(API_BASE.encode(), b"", 1) if k.lower() == b"location" else v)
                    for k, v in message.get("headers", [])
                ]
            await send(message)

        await self.app(scope, receive, send_wrong)


class CustomerNotSecure:
    """CUS-14: an activity a customer created is stored (and read back) as not secure."""

    rule = "CUS-14"

    def __init__(self, app: App) -> None:
        self.app = app
        self.by_customer: set[str] = set()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
        elif scope["method"] == "POST" and _header(scope, b"authorization") == CUSTOMER_TOKEN:
            await self.app(scope, receive, self._remember(send))
        elif scope["method"] == "GET" and scope["path"].rsplit("/", 1)[-1] in self.by_customer:
            await self._altered(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    def _remember(self, send: Send) -> Send:
        async def remember(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 201:
                location = dict(message.get("headers", [])).get(b"location", b"")
                self.by_customer.add(location.decode().rsplit("/", 1)[-1])
            await send(message)

        return remember

    @staticmethod
    def alter(activity: dict[str, Any]) -> None:
        activity["secure"] = False

    async def _altered(self, scope: Scope, receive: Receive, send: Send) -> None:
        start: Message = {}
        chunks: list[bytes] = []

        async def collect(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            else:
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, collect)
        body = b"".join(chunks)
        try:
            data = json.loads(body)
            for activity in data.get("activity", []):
                self.alter(activity)
            body = json.dumps(data).encode()
        except (ValueError, AttributeError):
            pass
        start["headers"] = [
            (k, str(len(body)).encode() if k.lower() == b"content-length" else v)
            for k, v in start.get("headers", [])
        ]
        await send(start)
        await send({"type": "http.response.body", "body": body, "more_body": False})


class CustomerOwnDepartment(CustomerNotSecure):
    """CUS-02: an activity a customer created is filed under the customer's own department
    (Service, customer 1000's), whatever alias or message center it came through. With
    departmentalization on that is always right; run it with it off to see the rule broken."""

    rule = "CUS-02"

    @staticmethod
    def alter(activity: dict[str, Any]) -> None:
        activity["department"] = {"name": "Service"}


class ContentSizeTextOnly:
    """LIM-01: the content size counts the text only, so an html over the body size limit (or
    text and html that only together are over it) is let through. The mock's own size function
    is swapped for one that ignores html; nothing else changes."""

    rule = "LIM-01"

    def __init__(self, app: App) -> None:
        from mock_server import rules

        def text_only(body: Any) -> int:
            content = rules._get(body, "payload.email.content") or {}
            return len(str(content.get("text") or "").encode("utf-8"))

        rules.content_size = text_only
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)


class ProblemJsonErrors:
    """PRT-02: errors of the vendor API path answer RFC 7807 problem+json, not the vendor body.

    It breaks the error format of every error at once, so the scenario suite's "only one rule
    fails" test does not use it; the plain Schemathesis test does, to show it is not vacuous.
    """

    rule = "PRT-02"

    def __init__(self, app: App) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(API_BASE):
            await self.app(scope, receive, send)
            return
        status = 0

        async def send_problem(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                if status < 400:
                    await send(message)
            elif status < 400:
                await send(message)
            elif not message.get("more_body"):
                await _send_problem(send, status)

        await self.app(scope, receive, send_problem)


async def _send_problem(send: Send, status: int) -> None:
    body = json.dumps({"type": "about:blank", "title": "Bad Request", "status": status}).encode()
    headers = [(b"content-type", b"application/problem+json"),
               (b"content-length", str(len(body)).encode())]  # fmt: skip
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


BROKEN: dict[str, Any] = {
    "no-privilege-check": NoPrivilegeCheck,
    "accept-any-locale": AcceptAnyLocale,
    "no-subject-limit": NoSubjectLimit,
    "wrong-location": WrongLocation,
    "customer-not-secure": CustomerNotSecure,
    "customer-own-department": CustomerOwnDepartment,
    "content-size-text-only": ContentSizeTextOnly,
    "problem-json-errors": ProblemJsonErrors,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("name", choices=sorted(BROKEN))
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    args, mock_flags = parser.parse_known_args(argv)
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    import uvicorn

    from mock_server.__main__ import settings_from
    from mock_server.app import create_app

    settings = settings_from(["--host", args.host, "--port", str(args.port), "--quiet",
                              *mock_flags], {})  # fmt: skip
    app = BROKEN[args.name](create_app(settings))
    uvicorn.run(app, host=args.host, port=args.port, access_log=False, log_level="warning")
    return 0


if __name__ == "__main__":
    sys.exit(main())
