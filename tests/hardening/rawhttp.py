"""Raw HTTP/1.1 for hardening tests: bytes a polite client library would refuse to send.

`exchange` sends one request over a fresh socket and parses the answer with http.client;
`send_many` drives N keep-alive connections concurrently (asyncio) for load tests.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import socket
import threading
from collections import Counter
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


def request_bytes(
    method: str,
    path: str,
    port: int,
    headers: dict[str, str] | None = None,
    body: bytes = b"",
    extra_head: bytes = b"",
) -> bytes:
    """A request with Host and Content-Length; `extra_head` is appended to the header block raw."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", f"Content-Length: {len(body)}"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    head = "\r\n".join(lines).encode("latin-1") + b"\r\n" + extra_head
    return head + b"\r\n" + body


def exchange(port: int, raw: bytes, timeout: float = 30.0) -> Answer:
    """Send `raw` over a new connection and read one answer, even if the server answers early.

    The request is written from a thread, so a server that answers (and stops reading) before
    the whole body is sent is still heard.
    """
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        writer = threading.Thread(target=_send_all, args=(sock, raw), daemon=True)
        writer.start()
        response = http.client.HTTPResponse(sock)
        try:
            response.begin()
            body = response.read()
        finally:
            response.close()
        writer.join(timeout)
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, body)


def _send_all(sock: socket.socket, raw: bytes) -> None:
    with contextlib.suppress(OSError):
        sock.sendall(raw)


@dataclass
class LoadResult:
    statuses: Counter[int] = field(default_factory=Counter)
    locations: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


async def _read_answer(reader: asyncio.StreamReader) -> tuple[int, dict[str, str]]:
    head = await reader.readuntil(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines:
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        while size := int((await reader.readuntil(b"\r\n")).strip(), 16):
            await reader.readexactly(size + 2)
        await reader.readexactly(2)
    else:
        await reader.readexactly(int(headers.get("content-length", "0")))
    return int(status_line.split()[1]), headers


async def _connection(port: int, raw: bytes, quota: int, result: LoadResult) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        for _ in range(quota):
            writer.write(raw)
            status, headers = await _read_answer(reader)
            result.statuses[status] += 1
            if status == 201:
                result.locations.append(headers.get("location", ""))
    except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
        result.errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()


async def _send_many(port: int, raw: bytes, total: int, connections: int) -> LoadResult:
    result = LoadResult()
    quotas = [total // connections + (i < total % connections) for i in range(connections)]
    await asyncio.gather(*(_connection(port, raw, q, result) for q in quotas if q))
    return result


def send_many(
    port: int, raw: bytes, total: int, connections: int, timeout: float = 240.0
) -> LoadResult:
    """Send `raw` exactly `total` times over `connections` concurrent keep-alive connections."""
    return asyncio.run(asyncio.wait_for(_send_many(port, raw, total, connections), timeout))
