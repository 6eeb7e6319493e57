"""Servers that misbehave on the API path, to prove the harness ends, reports and writes reports.

    python tests/hardening/faulty_targets.py KIND --port P

KIND is one of:
  hang                read the request, never answer, keep the connection open
  reset               read the request, then reset the connection (TCP RST)
  garbage             answer bytes that are not HTTP, then close
  wrong-content-type  answer a well-formed 200 text/html page to every request
  slow                wait --delay seconds, then trickle an answer one byte every 0.2 s (a 201
                      whose headers take minutes to arrive)
  huge-body           answer 400 application/json with a body of --size-mb megabytes, streamed
  trickle             answer a 400 JSON head at once, then its body one byte every --delay
                      seconds, for hours (every single read is quick; only a deadline ends it)

`GET /mock/health` answers 200 JSON normally, so a test can wait for the server to be ready.
Listens on 127.0.0.1 only; raw asyncio streams, so each fault happens at the socket level.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import socket
import struct

KINDS = ("hang", "reset", "garbage", "wrong-content-type", "slow", "huge-body", "trickle")
HEALTH = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 15\r\n\r\n"
    b'{"status":"ok"}'
)
MAX_HEAD = 1 << 20
MAX_BODY = 64 << 20


async def read_request(reader: asyncio.StreamReader) -> str | None:
    """Read one request (head and body); return its path, or None when the client went away."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
        return None
    lines = head.decode("latin-1").split("\r\n")
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length" and value.strip().isdigit():
            length = min(int(value.strip()), MAX_BODY)
    with contextlib.suppress(asyncio.IncompleteReadError, ConnectionError):
        await reader.readexactly(length)
    parts = lines[0].split()
    return parts[1] if len(parts) > 1 else "/"


async def misbehave(kind: str, writer: asyncio.StreamWriter, size_mb: int, delay: float) -> None:
    """Answer (or not) the way `kind` says; the caller closes the connection afterwards."""
    if kind == "hang":
        await asyncio.sleep(3600)
    elif kind == "reset":
        sock = writer.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        writer.transport.abort()
    elif kind == "garbage":
        writer.write(b"\x00\xff\xfeNOT HTTP AT ALL \x8f\x9f\r\n\r\n\x00garbage" * 8)
        await writer.drain()
    elif kind == "wrong-content-type":
        page = b"<html><body><h1>Welcome to nginx!</h1></body></html>"
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: "
            + str(len(page)).encode()
            + b"\r\n\r\n"
            + page
        )
        await writer.drain()
    elif kind == "slow":
        await asyncio.sleep(delay)
        for byte in b"HTTP/1.1 201 Created\r\nLocation: /core/casemgr/v3/activity/1001" * 100:
            writer.write(bytes([byte]))
            await writer.drain()
            await asyncio.sleep(0.2)
    elif kind == "huge-body":
        await send_huge(writer, size_mb)
    elif kind == "trickle":
        await trickle(writer, delay)


async def trickle(writer: asyncio.StreamWriter, interval: float) -> None:
    """A complete head promising a 1 MB body, then one byte of it every `interval` seconds."""
    writer.write(
        b"HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n"
        b"Content-Length: 1048576\r\n\r\n"
    )
    for byte in b'{"code":"400-152","developerMessage":"' + b"x" * (1 << 20):
        writer.write(bytes([byte]))
        await writer.drain()
        await asyncio.sleep(interval)


async def send_huge(writer: asyncio.StreamWriter, size_mb: int) -> None:
    """A JSON error body of `size_mb` MB: `{"code":"400-152","developerMessage":"xxxx..."}`."""
    head, tail = b'{"code":"400-152","developerMessage":"', b'"}'
    chunk = b"x" * (1 << 20)
    total = len(head) + size_mb * len(chunk) + len(tail)
    writer.write(
        b"HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n"
        b"Content-Length: " + str(total).encode() + b"\r\n\r\n" + head
    )
    for _ in range(size_mb):
        writer.write(chunk)
        await writer.drain()
    writer.write(tail)
    await writer.drain()


def handler(kind: str, size_mb: int, delay: float):  # type: ignore[no-untyped-def]
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while (path := await read_request(reader)) is not None:
                if path.split("?")[0] == "/mock/health":
                    writer.write(HEALTH)
                    await writer.drain()
                    continue
                await misbehave(kind, writer, size_mb, delay)
                break
        except (ConnectionError, OSError):
            pass
        finally:
            with contextlib.suppress(Exception):
                writer.close()

    return handle


async def serve(kind: str, port: int, size_mb: int, delay: float) -> None:
    server = await asyncio.start_server(
        handler(kind, size_mb, delay), "127.0.0.1", port, limit=MAX_HEAD
    )
    async with server:
        await server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("kind", choices=KINDS)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--size-mb", type=int, default=64, help="huge-body only")
    parser.add_argument(
        "--delay", type=float, default=5.0, help="slow: seconds before; trickle: between bytes"
    )
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.kind, args.port, args.size_mb, args.delay))


if __name__ == "__main__":
    main()
