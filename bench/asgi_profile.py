"""In-process cost per request: the mock's ASGI app (and the floor's) called N times directly.

No sockets, no uvicorn, no load generator: on a shared, noisy machine this is the steadiest way
to compare two versions of the mock side by side, and the script to run under pyinstrument.

    .venv/bin/python bench/asgi_profile.py                     # json, xml, rejected; mock + floor
    .venv/bin/python bench/asgi_profile.py -n 3000 --workloads json --no-validate-responses
    .venv/bin/python -m pyinstrument bench/asgi_profile.py --workloads json --servers mock

Figures are microseconds per request (best of --rounds), with the mock/floor ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import logging
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from conformance.settings import HarnessSettings  # noqa: E402
from conformance.spec import load_api  # noqa: E402
from tests.mock.asgi import http_scope  # noqa: E402

API = load_api(HarnessSettings().spec_path)
PATH = API.base_path + API.vendor.path
JSON_BODY = (
    b'{"department": {"name": "Service"}, '
    b'"type": {"value": "email", "subtype": {"value": "general"}}, '
    b'"subject": "printer jams", '
    b'"payload": {"email": {"emailAddresses": {"from": "bruno@client.example", '
    b'"receiver": "help@shop.example"}, "content": {"text": "It jams on page two."}}}}'
)
XML_BODY = (
    b"<activity><department><name>Service</name></department>"
    b"<type><value>email</value><subtype><value>general</value></subtype></type>"
    b"<subject>printer jams</subject>"
    b"<payload><email><emailAddresses><from>bruno@client.example</from>"
    b"<receiver>help@shop.example</receiver></emailAddresses>"
    b"<content><text>It jams on page two.</text></content></email></payload></activity>"
)
REJECTED_BODY = (
    b'{"department": {"name": "Service"}, '
    b'"type": {"value": "email", "subtype": {"value": "general"}}, '
    b'"subject": "printer jams", "colour": "blue", '
    b'"payload": {"email": {"emailAddresses": {"from": "bruno@client.example", '
    b'"receiver": "help@shop.example"}}}}'
)
WORKLOADS = {  # name -> (content type, body, expected status)
    "json": (b"application/json", JSON_BODY, 201),
    "xml": (b"application/xml", XML_BODY, 201),
    "rejected": (b"application/json", REJECTED_BODY, 400),
}


def scope_for(content_type: bytes, body: bytes) -> dict[str, Any]:
    """The scope uvicorn would build for wrk's request."""
    headers = [
        (b"host", b"127.0.0.1:8080"),
        (b"authorization", b"Bearer user-admin-token"),
        (b"content-type", content_type),
        (b"accept", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    return http_scope(PATH, headers)


async def call(app: Any, content_type: bytes, body: bytes) -> int:
    """One request through the app; the status it answered."""
    sent = False
    status = 0

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope_for(content_type, body), receive, send)
    return status


async def lifespan_start(app: Any) -> None:
    """Run the app's startup so Connexion builds its middleware stack as uvicorn would."""
    queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    started = asyncio.Event()
    await queue.put({"type": "lifespan.startup"})

    async def send(message: dict[str, Any]) -> None:
        if message["type"].startswith("lifespan.startup"):
            started.set()

    asyncio.get_running_loop().create_task(app({"type": "lifespan"}, queue.get, send))
    await started.wait()


async def per_request_us(app: Any, workload: str, n: int, rounds: int) -> float:
    content_type, body, expected = WORKLOADS[workload]
    status = await call(app, content_type, body)
    if status != expected:
        raise SystemExit(f"{workload}: expected {expected}, got {status}")
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        for _ in range(n):
            await call(app, content_type, body)
        best = min(best, (time.perf_counter() - started) / n * 1e6)
    return best


def mock_app(validate_responses: bool, stack: str = "fast") -> Any:
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    logging.getLogger("connexion.operations.openapi3").setLevel(logging.ERROR)
    from mock_server.app import create_app
    from mock_server.settings import MockSettings

    settings = MockSettings(quiet=True, validate_responses=validate_responses)
    return create_app(dataclasses.replace(settings, connexion_stack=stack))


def floor_app() -> Any:
    import floor_app as floor

    return floor.build_app()


async def main(args: argparse.Namespace) -> None:
    builders: dict[str, Callable[[], Any]] = {
        "mock": lambda: mock_app(args.validate_responses),
        "mock-stock": lambda: mock_app(args.validate_responses, "stock"),  # Connexion's stock
        "floor": floor_app,
    }
    servers = args.servers.split(",")
    figures: dict[tuple[str, str], float] = {}
    apps = {name: builders[name]() for name in servers}
    for app in apps.values():
        await lifespan_start(app)
    from mock_server.gc_tuning import tune_collector

    tune_collector()  # as both servers run: after start-up, the collector tuned for serving
    for workload in args.workloads.split(","):
        for name, app in apps.items():
            if name == "floor" and workload == "rejected":
                continue
            us = await per_request_us(app, workload, args.n, args.rounds)
            figures[(name, workload)] = us
            print(f"{name:10} {workload:9} {us:8.1f} us/request", flush=True)
    for workload in args.workloads.split(","):
        if ("mock", workload) in figures and ("floor", workload) in figures:
            ratio = figures[("floor", workload)] / figures[("mock", workload)]
            print(f"mock/floor {workload:9} {ratio:.2f}x (throughput ratio)")


def parse() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("-n", type=int, default=2000, help="requests per round")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--workloads", default="json,xml,rejected")
    p.add_argument("--servers", default="mock,floor", help="also mock-stock")
    p.add_argument("--validate-responses", action=argparse.BooleanOptionalAction, default=True)
    return p.parse_args()


if __name__ == "__main__":
    asyncio.run(main(parse()))
