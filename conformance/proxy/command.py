"""`conformance proxy`: watch live traffic in front of a target and judge every exchange.

    conformance proxy --target PROFILE [--listen 127.0.0.1:8090] [--report-dir DIR]
                      [--annotate] [--base-url URL] [--spec PATH]

Clients send to the proxy instead of the profile's base_url. The reports (HTML, JSON, JUnit) are
written when the proxy stops (Ctrl-C, SIGTERM) and on demand: `GET /_conformance/report`
writes them and answers the JSON results; `/_conformance/report.html` answers the HTML.
Exit code as `conformance run`: 0 no deviation seen, 1 a deviation, 2 a usage error.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import urlsplit

from conformance import yamldoc
from conformance.catalog import Catalog
from conformance.client import MAX_BODY_BYTES
from conformance.errors import ConfigError
from conformance.inputs import RunInputs, load_inputs
from conformance.profile import Profile
from conformance.settings import PROJECT_ROOT, HarnessSettings

if TYPE_CHECKING:  # the forwarder's libraries load when the proxy starts, not for every command
    from conformance.proxy.forward import Scope, Send

DEFAULT_LISTEN = "127.0.0.1:8090"
DEFAULT_REPORT_DIR = PROJECT_ROOT / "reports" / "proxy"
TICK_S = 1.0
# h11 drops a request head larger than this (400, connection closed; httptools has no limit);
# the forwarder answers a head over forward.MAX_HEADER_BYTES with a clear 431.
MAX_HEAD_BYTES = 1024 * 1024


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--target",
        type=Path,
        required=True,
        metavar="PROFILE",
        help="target profile (YAML): its base_url is where traffic goes",
    )
    parser.add_argument(
        "--listen",
        default=DEFAULT_LISTEN,
        metavar="HOST:PORT",
        help=f"where the proxy listens (default {DEFAULT_LISTEN})",
    )
    parser.add_argument(
        "--report-dir",
        type=Path,
        default=DEFAULT_REPORT_DIR,
        metavar="DIR",
        help="where report.html, results.json, junit.xml go (default reports/proxy)",
    )
    parser.add_argument(
        "--annotate",
        action="store_true",
        help="add an x-conformance-violations header to each judged answer",
    )
    parser.add_argument("--base-url", help="override the profile's base_url")
    parser.add_argument("--spec", type=Path, help="OpenAPI document (default openapi/openapi.yaml)")


@dataclass(frozen=True)
class ProxyPlan:
    """Everything the proxy needs, read and checked before it listens: the same inputs a run
    reads (profile, catalog, spec), read once, and where to listen and report."""

    inputs: RunInputs
    host: str
    port: int
    report_dir: Path
    annotate: bool

    @property
    def profile(self) -> Profile:
        return self.inputs.profile

    @property
    def catalog(self) -> Catalog:
        return self.inputs.catalog


def plan(args: argparse.Namespace) -> ProxyPlan:
    harness = HarnessSettings(spec_path=args.spec) if args.spec else HarnessSettings()
    inputs = load_inputs(args.target, base_url=args.base_url, harness=harness)
    host, port = parse_listen(args.listen)
    return ProxyPlan(inputs, host, port, args.report_dir, args.annotate)


def parse_listen(text: str) -> tuple[str, int]:
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit() or not 0 < int(port) < 65536:
        raise ConfigError(f"--listen {text!r}: expected HOST:PORT, e.g. {DEFAULT_LISTEN}")
    return host.strip("[]") or "127.0.0.1", int(port)


def request_cap(profile: Profile) -> int:
    """The largest request body forwarded: twice the target's maximum email size (a body over
    it must reach the target, which refuses it: LIM-03), and never below the harness's cap."""
    limit = (profile.settings.max_email_size_mb or 0) * 1024 * 1024
    return max(MAX_BODY_BYTES, 2 * limit)


class Proxy:
    """The session, the forwarder and its control paths for one plan; serve() runs it."""

    def __init__(self, plan: ProxyPlan) -> None:
        from conformance.proxy.forward import Forwarder, Limits
        from conformance.proxy.judge import Judge
        from conformance.proxy.session import Session

        self.plan = plan
        profile = plan.profile
        base_path = urlsplit(profile.base_url).path
        spec = yamldoc.parse(plan.inputs.spec_text)
        judge = Judge(plan.catalog, spec, profile, base_path)
        self.session = Session(judge, profile.name, profile.base_url, plan.inputs.spec_bytes)
        self.app = Forwarder(
            profile.base_url,
            self.session,
            Limits(profile.timeout_seconds, request_cap(profile), MAX_BODY_BYTES),
            plan.annotate,
            self.control,
        )

    def write(self) -> dict[str, Path]:
        from conformance.report import write_reports

        return write_reports(self.session.result(), self.plan.catalog, self.plan.report_dir)

    def document(self) -> dict[str, Any]:
        from conformance.report import results_document

        return results_document(self.session.result(), self.plan.catalog)

    async def control(self, scope: Scope, send: Send) -> None:
        """GET /_conformance/report (writes the reports, answers the JSON), report.html."""
        from conformance.report.render import render_html

        path = scope["path"]
        if path == "/_conformance/report":
            self.write()
            body, kind = json.dumps(self.document()).encode(), b"application/json"
        elif path == "/_conformance/report.html":
            body = render_html(self.session.result(), self.plan.catalog, None).encode()
            kind = b"text/html; charset=utf-8"
        elif path == "/_conformance/health":
            body, kind = b'{"ok": true}', b"application/json"
        else:
            body, kind = b'{"error": "unknown proxy path"}', b"application/json"
        status = 404 if body.startswith(b'{"error"') else 200
        headers = [(b"content-type", kind), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    def server(self) -> Any:  # uvicorn.Server
        import uvicorn

        class Server(uvicorn.Server):
            @contextlib.contextmanager
            def capture_signals(self) -> Iterator[None]:
                """Ctrl-C and SIGTERM stop serving; unlike uvicorn's, the signal is not raised
                again afterwards, so the reports are written and the exit code is ours."""
                if threading.current_thread() is not threading.main_thread():
                    yield
                    return
                stops = (signal.SIGINT, signal.SIGTERM)
                previous = {sig: signal.signal(sig, self.handle_exit) for sig in stops}
                try:
                    yield
                finally:
                    for sig, handler in previous.items():
                        signal.signal(sig, handler)

        config = uvicorn.Config(
            self.app, host=self.plan.host, port=self.plan.port, lifespan="on",
            log_level="warning", access_log=False, server_header=False, date_header=False,
            timeout_keep_alive=30, http="h11", h11_max_incomplete_event_size=MAX_HEAD_BYTES,
        )  # fmt: skip
        return Server(config)

    @contextlib.contextmanager
    def running(self, start_timeout_s: float = 20.0) -> Iterator[str]:
        """The proxy served from a thread of this process (tests, benchmarks); yields its URL."""
        server = self.server()
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + start_timeout_s
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("the proxy did not start")
            time.sleep(0.02)
        try:
            yield f"http://{self.plan.host}:{self.plan.port}"
        finally:
            server.should_exit = True
            thread.join(timeout=10)

    def summary(self) -> str:
        c = self.session.counts
        return (
            f"{c['exchanges']} exchanges, {c['judged']} judged, {c['deviations']} deviating "
            f"root cause(s), {c['mistakes']} client mistake(s), {c['faults']} fault(s)"
        )


def run(args: argparse.Namespace, out: TextIO = sys.stdout) -> int:
    proxy = Proxy(plan(args))
    p = proxy.plan
    out.write(f"proxy on http://{p.host}:{p.port} -> {p.profile.base_url} (Ctrl-C to stop)\n")
    out.flush()
    stop = threading.Event()
    if out.isatty():
        threading.Thread(target=_ticker, args=(proxy.summary, out, stop), daemon=True).start()
    try:
        proxy.server().run()  # returns on SIGINT / SIGTERM, after in-flight exchanges finish
    except SystemExit as exc:  # uvicorn's answer to an address it cannot bind (it logged why)
        raise ConfigError(f"cannot listen on {p.host}:{p.port}") from exc
    finally:
        stop.set()
    result = proxy.session.result()
    paths = proxy.write()
    out.write(f"\n{proxy.summary()}\nreport: {paths['html']} (also results.json, junit.xml)\n")
    return 1 if result.failures else 0


def _ticker(summary: Callable[[], str], out: TextIO, stop: threading.Event) -> None:
    while not stop.wait(TICK_S):
        out.write(f"\r{summary()}  ")
        out.flush()
