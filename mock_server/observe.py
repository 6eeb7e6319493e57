"""One log line per request, and the record behind GET /mock/requests.

The error answer writes the vendor code and the rule id into the request's Outcome (a mutable
object placed in the ASGI scope by the Edge, so it survives scope copies further down).
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from typing import TextIO

from starlette.types import Scope

from mock_server.store import RequestLog, RequestRecord

RECORD_KEY = "mock.record"


@dataclass
class Outcome:
    """Filled in while the request is served."""

    status: int = 0
    code: str | None = None
    rule_id: str | None = None
    forced: str | None = None  # what forced or delayed the answer (faults.py), if anything


class Journal:
    """Keeps each request for /mock/requests and, unless quiet, prints one line for it."""

    def __init__(self, log: RequestLog, *, quiet: bool, stream: TextIO | None = None) -> None:
        self.log = log
        self.quiet = quiet
        self.stream = stream or sys.stderr

    def record(self, scope: Scope, outcome: Outcome, seconds: float) -> None:
        path = scope["path"]
        record = RequestRecord(
            scope["method"], path, outcome.status, outcome.code, outcome.rule_id,
            round(seconds * 1000, 2), time.time(), outcome.forced,
        )  # fmt: skip
        if not path.startswith("/mock/requests"):
            self.log.add(record)
        if not self.quiet:
            self._print(record, scope)

    def _print(self, record: RequestRecord, scope: Scope) -> None:
        client = scope.get("client") or ("-", 0)
        query = scope.get("query_string", b"").decode("latin-1")
        target = record.path + (f"?{query}" if query else "")
        why = f" {record.code} {record.rule_id or '-'}" if record.code else ""
        if record.forced:
            why += f" [forced: {record.forced}]"
        line = (
            f'{client[0]} "{record.method} {target}" {record.status}{why} '
            f"{record.duration_ms:.1f}ms\n"
        )
        try:
            self.stream.write(line)
            self.stream.flush()
        except (OSError, ValueError):  # a closed stderr must not break serving
            pass
