"""Call an ASGI app in-process, once, and collect what it sends (no server, no sockets)."""

from __future__ import annotations

import asyncio
from typing import Any

Messages = list[dict[str, Any]]


def http_scope(
    path: str, headers: list[tuple[bytes, bytes]], method: str = "POST"
) -> dict[str, Any]:
    """The scope uvicorn builds for one HTTP/1.1 request from 127.0.0.1."""
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8080),
        "state": {},
    }


def asgi_call(
    app: Any,
    path: str,
    headers: list[tuple[bytes, bytes]],
    body: bytes = b"",
    method: str = "POST",
) -> Messages:
    scope = http_scope(path, headers, method)
    sent: Messages = []
    chunks = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive() -> dict[str, Any]:
        return chunks.pop() if chunks else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    return sent


def header(start: dict[str, Any], name: bytes) -> list[bytes]:
    """The values of one header in an http.response.start message."""
    return [value for key, value in start["headers"] if key.lower() == name]
