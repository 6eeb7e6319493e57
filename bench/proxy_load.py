"""Load through the proxy: every answer byte-identical to the upstream's, none lost or duplicated.

    .venv/bin/python bench/proxy_load.py [--connections 64] [--requests 5000]

An upstream (this file, `--upstream PORT`, uvicorn in its own process) answers each request
from its `X-Load-Id` alone: a 201 with a Location, or an error whose body (up to 64 KiB, sent
in chunks) and headers derive from the id, so the client knows byte for byte what the upstream
sent; it counts the ids it saw. `conformance proxy` runs in front of it (its own process) and
judges every exchange. The client (asyncio, keep-alive connections, each sending its share in
turn, each request with a unique id) compares each answer's status, headers and body hash with
the upstream's. Prints requests, mismatches, lost and duplicated, the proxy's RSS (start, end,
peak); exits 1 on any mismatch, loss or duplicate. tests/proxy/test_load.py runs it bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.support import BASE_PATH, free_port, proxy_argv, running_process  # noqa: E402

OPERATION = f"{BASE_PATH}/activity/email/general"
PROFILE = ROOT / "mock_server" / "data" / "profile.yaml"
TOKEN = "user-admin-token"
BODY = json.dumps(
    {
        "department": {"name": "Service"},
        "subject": "load",
        "type": {"value": "email", "subtype": {"value": "general"}},
    }
).encode()
CHUNK = 4096
MESSAGE = "Invalid value is provided in the request body for the following attribute:'{0}'."


# ------------------------------------------------------------------ the upstream
def answer_for(load_id: int) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    """What the upstream answers request `load_id`: status, headers, body (all from the id)."""
    if load_id % 3 == 0:
        headers = [(b"location", f"{BASE_PATH}/activity/{load_id}".encode())]
        return (
            201,
            [*headers, (b"content-length", b"0"), (b"x-load-id", str(load_id).encode())],
            b"",
        )
    pad = hashlib.sha256(str(load_id).encode()).hexdigest() * (1 + (load_id % 7) * 300)
    body = json.dumps(
        {
            "code": "400-152",
            "developerMessage": MESSAGE.format(f"x{load_id}"),
            "details": [{"key": "pad", "value": pad[: 64 * 1024]}],
        }
    ).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"x-load-id", str(load_id).encode()),
    ]
    return 400, headers, body


class Upstream:
    """ASGI app: answers from the id; GET /load/stats counts the ids seen and the duplicates."""

    def __init__(self) -> None:
        self.seen: Counter[int] = Counter()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        while (await receive()).get("more_body"):
            pass
        if scope["path"] in ("/load/stats", "/mock/health"):
            dup = sum(n - 1 for n in self.seen.values() if n > 1)
            body = json.dumps(
                {"requests": self.seen.total(), "ids": len(self.seen), "duplicated": dup}
            )
            await _send(send, 200, [(b"content-type", b"application/json")], body.encode())
            return
        load_id = int(dict(scope["headers"]).get(b"x-load-id", b"-1"))
        self.seen[load_id] += 1
        await _send(send, *answer_for(load_id))


async def _send(send: Any, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    for start in range(0, max(len(body), 1), CHUNK * 4):
        more = start + CHUNK * 4 < len(body)
        await send(
            {
                "type": "http.response.body",
                "body": body[start : start + CHUNK * 4],
                "more_body": more,
            }
        )


# ------------------------------------------------------------------ the client
@dataclass
class Figures:
    connections: int
    requests: int
    answered: int = 0
    mismatches: int = 0
    lost: int = 0
    duplicated: int = 0
    upstream_saw: int = 0
    seconds: float = 0.0
    proxy_rss_kib: dict[str, int] = field(default_factory=dict)
    samples: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (
            not (self.mismatches or self.lost or self.duplicated) and self.answered == self.requests
        )


def request(load_id: int, port: int) -> bytes:
    head = (
        f"POST {OPERATION} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Authorization: Bearer {TOKEN}\r\nContent-Type: application/json\r\n"
        f"X-Load-Id: {load_id}\r\nContent-Length: {len(BODY)}\r\n\r\n"
    )
    return head.encode() + BODY


async def read_answer(reader: asyncio.StreamReader) -> tuple[int, dict[str, str], bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    return status, headers, body


def mismatch(load_id: int, status: int, headers: dict[str, str], body: bytes) -> str | None:
    want_status, want_headers, want_body = answer_for(load_id)
    expected = {k.decode(): v.decode() for k, v in want_headers}
    if status != want_status:
        return f"{load_id}: status {status}, upstream sent {want_status}"
    if hashlib.sha256(body).digest() != hashlib.sha256(want_body).digest():
        return f"{load_id}: body differs ({len(body)} bytes, upstream sent {len(want_body)})"
    if headers != expected:
        return f"{load_id}: headers {headers}, upstream sent {expected}"
    return None


async def connection(port: int, ids: range, figures: Figures) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        for load_id in ids:
            writer.write(request(load_id, port))
            await writer.drain()
            status, headers, body = await read_answer(reader)
            figures.answered += 1
            if (problem := mismatch(load_id, status, headers, body)) is not None:
                figures.mismatches += 1
                if len(figures.samples) < 5:
                    figures.samples.append(problem)
    except (ConnectionError, asyncio.IncompleteReadError) as exc:
        figures.samples.append(f"connection broke: {exc!r}")
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()


async def drive(port: int, connections: int, per_connection: int, figures: Figures) -> None:
    await asyncio.gather(
        *(
            connection(port, range(c * per_connection, (c + 1) * per_connection), figures)
            for c in range(connections)
        )
    )


def rss_kib(pid: int) -> dict[str, int]:
    status = Path(f"/proc/{pid}/status").read_text()
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    return {key: int(fields[key].split()[0]) for key in ("VmRSS", "VmHWM")}


# ------------------------------------------------------------------ the run
@contextlib.contextmanager
def servers(tmp: Path) -> Iterator[tuple[int, int, int]]:
    """The upstream and the proxy in front of it, each its own process.

    Yields the proxy's port, the proxy's pid and the upstream's port."""
    upstream_port, proxy_port = free_port(), free_port()
    profile = yaml.safe_load(PROFILE.read_text())
    profile["base_url"] = f"http://127.0.0.1:{upstream_port}{BASE_PATH}"
    (tmp / "profile.yaml").write_text(yaml.safe_dump(profile))
    upstream = [sys.executable, __file__, "--upstream", str(upstream_port)]
    proxy = proxy_argv(tmp / "profile.yaml", proxy_port, tmp / "report")
    with (
        running_process(upstream, f"http://127.0.0.1:{upstream_port}/mock/health", 30),
        running_process(proxy, f"http://127.0.0.1:{proxy_port}/_conformance/health", 30) as p,
    ):
        yield proxy_port, p.pid, upstream_port


def run(connections: int, per_connection: int) -> Figures:
    import requests

    figures = Figures(connections, connections * per_connection)
    with tempfile.TemporaryDirectory() as tmp, servers(Path(tmp)) as (port, pid, upstream_port):
        start_rss = rss_kib(pid)["VmRSS"]
        started = time.monotonic()
        asyncio.run(drive(port, connections, per_connection, figures))
        figures.seconds = round(time.monotonic() - started, 2)
        figures.proxy_rss_kib = {
            "start": start_rss,
            "end": rss_kib(pid)["VmRSS"],
            "peak": rss_kib(pid)["VmHWM"],
        }
        stats = requests.get(f"http://127.0.0.1:{upstream_port}/load/stats", timeout=30).json()
    figures.upstream_saw = stats["requests"]
    figures.duplicated = stats["duplicated"]
    figures.lost = figures.requests - stats["ids"]  # ids the upstream never saw
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="bench/proxy_load.py", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--requests", type=int, default=5000, help="per connection")
    parser.add_argument("--upstream", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.upstream:
        import uvicorn

        uvicorn.run(
            Upstream(),
            host="127.0.0.1",
            port=args.upstream,
            log_level="warning",
            access_log=False,
            lifespan="off",
            server_header=False,
            date_header=False,
        )
        return 0
    figures = run(args.connections, args.requests)
    print(json.dumps({**asdict(figures), "ok": figures.ok}, indent=2))
    rate = figures.answered / figures.seconds if figures.seconds else 0
    print(
        f"{figures.answered} of {figures.requests} answered in {figures.seconds} s ({rate:.0f}/s); "
        f"{figures.mismatches} mismatches, {figures.lost} lost, {figures.duplicated} duplicated; "
        f"proxy RSS {figures.proxy_rss_kib} KiB"
    )
    return 0 if figures.ok else 1


if __name__ == "__main__":
    sys.exit(main())
