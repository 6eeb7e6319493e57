"""One log line per request, and the record behind GET /mock/requests.

The error handler writes the vendor code and the rule id into the request's record (a mutable
object placed in the ASGI scope here, so it survives scope copies further down).
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TextIO

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mock_server.store import RequestLog, RequestRecord

RECORD_KEY = "mock.record"


@dataclass
class Outcome:
    """Filled in while the request is served."""

    status: int = 0
    code: str | None = None
    rule_id: str | None = None


def outcome_of(scope: dict[str, Any]) -> Outcome | None:
    return scope.get(RECORD_KEY)


class RequestRecorder:
    """Outermost mock middleware: times the request, logs it, keeps it for /mock/requests."""

    def __init__(
        self, app: ASGIApp, *, log: RequestLog, quiet: bool, stream: TextIO | None = None
    ) -> None:
        self.app = app
        self.log = log
        self.quiet = quiet
        self.stream = stream or sys.stderr

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        outcome = Outcome()
        scope[RECORD_KEY] = outcome
        started = time.perf_counter()

        async def send_(message: Message) -> None:
            if message["type"] == "http.response.start":
                outcome.status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_)
        finally:
            self._finish(scope, outcome, (time.perf_counter() - started) * 1000)

    def _finish(self, scope: Scope, outcome: Outcome, duration_ms: float) -> None:
        path = scope.get("path", "")
        record = RequestRecord(
            method=scope.get("method", ""),
            path=path,
            status=outcome.status,
            code=outcome.code,
            rule_id=outcome.rule_id,
            duration_ms=round(duration_ms, 2),
            time=datetime.now(UTC).isoformat(timespec="milliseconds"),
        )
        if not path.startswith("/mock/requests"):
            self.log.add(record)
        if not self.quiet:
            self._print(record, scope)

    def _print(self, record: RequestRecord, scope: Scope) -> None:
        client = scope.get("client") or ("-", 0)
        query = scope.get("query_string", b"").decode("latin-1")
        target = record.path + (f"?{query}" if query else "")
        why = f" {record.code} {record.rule_id or '-'}" if record.code else ""
        line = (
            f'{client[0]} "{record.method} {target}" {record.status}{why} '
            f"{record.duration_ms:.1f}ms\n"
        )
        try:
            self.stream.write(line)
            self.stream.flush()
        except (OSError, ValueError):  # a closed stderr must not break serving
            pass
