"""A small exact-count load generator: N keep-alive connections send one request each in turn.

wrk runs for a duration; the memory figure needs an exact number of creates, so this one counts.
Raw HTTP/1.1 over asyncio streams (uvloop when installed) keeps the client cheap.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
from dataclasses import dataclass, field


@dataclass
class LoadResult:
    statuses: collections.Counter[int] = field(default_factory=collections.Counter)
    locations: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def build_request(host: str, port: int, path: str, headers: dict[str, str], body: bytes) -> bytes:
    """The raw bytes of one POST with a Content-Length."""
    lines = [f"POST {path} HTTP/1.1", f"Host: {host}:{port}", f"Content-Length: {len(body)}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, dict[str, str]]:
    head = await reader.readuntil(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in header_lines:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip(), 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    else:
        await reader.readexactly(int(headers.get("content-length", "0")))
    return int(status_line.split()[1]), headers


async def _connection(
    host: str, port: int, request: bytes, quota: int, result: LoadResult, keep_locations: bool
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        for _ in range(quota):
            writer.write(request)
            status, headers = await _read_response(reader)
            result.statuses[status] += 1
            if keep_locations and "location" in headers:
                result.locations.append(headers["location"])
    except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
        result.errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()


async def _run(
    host: str, port: int, request: bytes, total: int, connections: int, keep_locations: bool
) -> LoadResult:
    result = LoadResult()
    quotas = [
        total // connections + (1 if i < total % connections else 0) for i in range(connections)
    ]
    await asyncio.gather(
        *(_connection(host, port, request, q, result, keep_locations) for q in quotas if q)
    )
    return result


def send_many(
    host: str, port: int, request: bytes, total: int, connections: int, keep_locations: bool = False
) -> LoadResult:
    """Send `request` exactly `total` times over `connections` keep-alive connections."""
    try:
        import uvloop

        return uvloop.run(_run(host, port, request, total, connections, keep_locations))
    except ImportError:
        return asyncio.run(_run(host, port, request, total, connections, keep_locations))
