"""The request log: one record per request for GET /mock/requests, and one line for stderr.

The error answer writes the vendor code and the rule id into the request's Outcome (a mutable
object placed in the ASGI scope by the Edge, so it survives scope copies further down).
"""

from __future__ import annotations

import sys
import threading
import time
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple, TextIO

from starlette.types import Scope

RECORD_KEY = "mock.record"


class RequestRecord(NamedTuple):
    """One served request; a tuple because one is made for every request."""

    method: str
    path: str
    status: int
    code: str | None
    rule_id: str | None
    duration_ms: float
    at: float  # seconds since the epoch
    forced: str | None = None  # what forced or delayed the answer (mock_server/faults.py)

    def as_json(self) -> dict[str, Any]:
        """The /mock/requests item; `time` is ISO 8601 UTC to the millisecond."""
        item = self._asdict()
        at = datetime.fromtimestamp(item.pop("at"), UTC)
        item["time"] = at.isoformat(timespec="milliseconds")
        return item


class RequestLog:
    """The last N requests, newest last, for GET /mock/requests."""

    def __init__(self, size: int) -> None:
        self._items: deque[RequestRecord] = deque(maxlen=size)
        self._lock = threading.Lock()

    def add(self, record: RequestRecord) -> None:
        with self._lock:
            self._items.append(record)

    def last(self, limit: int) -> list[RequestRecord]:
        with self._lock:
            items = list(self._items)
        return items[-limit:] if limit > 0 else []

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


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
