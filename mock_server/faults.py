"""Errors and latency on demand (mock extensions, Prism's conventions), for the create only.

- `Prefer: code=500` answers the documented error of that status (the spec's first example of
  it, or the one `example=NAME` names) in the vendor body and the media type Accept asks for,
  without touching the store; `Prefer: delay=MS` delays this one request. Preferences the mock
  does not know (`return=minimal`, `respond-async`...) are ignored, as RFC 7240 asks.
- `POST /mock/faults` arms a fault for the next N creates (`{"status": 500, "count": 3}`,
  `{"delay_ms": 800, "count": 2}`, `{"drop": true, "count": 1}`); `DELETE /mock/faults`
  disarms it; `GET /mock/state` shows it (`faults`).
- `--latency 200` or `--latency 100-400` (MOCK_LATENCY) delays every vendor request.

A forced answer is decided before any check runs and never reaches the store; the request log
says what forced it (`forced`). Bad control input is a vendor-format 400 `400-900`.

The hot path pays one header scan (shared with the Edge's Origin scan) and one attribute read
when nothing is asked or armed.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mock_server.errors import ApiError
from mock_server.settings import Latency

CONTROL_CODE = "400-900"  # the mock's own: "Invalid mock control: {0}"
MAX_DELAY_MS = 60_000
MAX_COUNT = 10_000


def control_error(message: str) -> ApiError:
    return ApiError(400, CONTROL_CODE, (message,), None)


@dataclass(frozen=True)
class ForcedError:
    """One documented error answer of the create operation (from the spec's examples)."""

    status: int
    code: str
    developer_message: str


@dataclass(frozen=True)
class Plan:
    """What to do with one create instead of, or before, serving it."""

    delay_ms: float = 0.0
    error: ForcedError | None = None
    drop: bool = False
    why: str = ""
    refusal: ApiError | None = None  # a bad Prefer: answered with this 400


class ErrorBook:
    """The documented error answers of the create, by status and example name (from the spec)."""

    @classmethod
    def none(cls) -> ErrorBook:
        """No documented errors: every Prefer code is refused (an Edge tested on its own)."""
        return cls({"paths": {"/": {"post": {"x-vendor-statuses": []}}}, "components": {}}, "/")

    def __init__(self, spec: Mapping[str, Any], operation_path: str) -> None:
        operation = spec["paths"][operation_path]["post"]
        responses = spec["components"].get("responses", {})
        self.statuses = tuple(int(s) for s in operation["x-vendor-statuses"] if int(s) >= 400)
        self.examples: dict[int, dict[str, ForcedError]] = {}
        for status in self.statuses:
            response = operation["responses"][str(status)]
            if "$ref" in response:
                response = responses[response["$ref"].rsplit("/", 1)[-1]]
            examples = response["content"]["application/json"]["examples"]
            self.examples[status] = {
                name: ForcedError(status, str(e["value"]["code"]), e["value"]["developerMessage"])
                for name, e in examples.items()
            }

    def error(self, status: int, example: str | None) -> ForcedError:
        if status not in self.examples:
            listed = ", ".join(str(s) for s in self.statuses)
            raise control_error(
                f"code={status} is not a documented error status of this operation ({listed})"
            )
        found = self.examples[status]
        if example is None:
            return next(iter(found.values()))
        if example not in found:
            raise control_error(
                f"example={example} is not an example of status {status} ({', '.join(found)})"
            )
        return found[example]


def parse_prefer(value: str) -> dict[str, str]:
    """RFC 7240 preferences as name -> value (lower-case names; tokens split on ',' and ';')."""
    found: dict[str, str] = {}
    for token in value.replace(";", ",").split(","):
        name, _, raw = token.strip().partition("=")
        if name:
            found.setdefault(name.strip().lower(), raw.strip().strip('"'))
    return found


def _delay(raw: str, what: str) -> int:
    if not raw.isdecimal() or int(raw) > MAX_DELAY_MS:
        raise control_error(f"{what}={raw} must be whole milliseconds from 0 to {MAX_DELAY_MS}")
    return int(raw)


@dataclass
class _Armed:
    status: int | None
    delay_ms: int
    drop: bool
    remaining: int
    count: int

    def describe(self) -> dict[str, Any]:
        shown: dict[str, Any] = {"count": self.count, "remaining": self.remaining}
        if self.status is not None:
            shown["status"] = self.status
        if self.delay_ms:
            shown["delay_ms"] = self.delay_ms
        if self.drop:
            shown["drop"] = True
        return shown


class Controls:
    """The armed fault and the latency setting of one app; read by the Edge on every request."""

    def __init__(self, errors: ErrorBook, latency: Latency | None = None) -> None:
        self.errors = errors
        self.latency = latency
        self._armed: _Armed | None = None
        self._lock = threading.Lock()
        self._random = random.Random()
        # The Edge's fast-path test: False unless a fault is armed or a latency is set.
        self.active = latency is not None

    # ------------------------------------------------------------------ faults
    def arm(self, body: Any) -> dict[str, Any]:
        """Validate a POST /mock/faults body and arm it (replacing any armed fault)."""
        if not isinstance(body, dict):
            raise control_error("the fault must be a JSON object")
        known = {"status", "delay_ms", "drop", "count"}
        unknown = sorted(set(body) - known)
        if unknown:
            raise control_error(f"unknown fault member(s): {', '.join(unknown)}")
        count = body.get("count", 1)
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_COUNT:
            raise control_error(f"count must be a whole number from 1 to {MAX_COUNT}")
        status = body.get("status")
        if status is not None:
            if isinstance(status, bool) or not isinstance(status, int):
                raise control_error("status must be a whole number")
            self.errors.error(status, None)  # a documented error status, else the 400
        delay = body.get("delay_ms", 0)
        if isinstance(delay, bool) or not isinstance(delay, int) or not 0 <= delay <= MAX_DELAY_MS:
            raise control_error(f"delay_ms must be whole milliseconds from 0 to {MAX_DELAY_MS}")
        drop = body.get("drop", False)
        if not isinstance(drop, bool):
            raise control_error("drop must be true or false")
        if drop and status is not None:
            raise control_error("a fault either drops the connection or answers a status")
        if status is None and not delay and not drop:
            raise control_error("a fault needs status, delay_ms or drop: true")
        with self._lock:
            self._armed = _Armed(status, delay, drop, count, count)
            self.active = True
            return self._armed.describe()

    def disarm(self) -> None:
        with self._lock:
            self._armed = None
            self.active = self.latency is not None

    def describe(self) -> dict[str, Any]:
        with self._lock:
            armed = self._armed.describe() if self._armed else None
        latency = None
        if self.latency is not None:
            latency = {"min_ms": self.latency.min_ms, "max_ms": self.latency.max_ms}
        return {"armed": armed, "latency": latency}

    # ------------------------------------------------------------------ per request
    def plan(self, prefer: str | None, is_create: bool) -> Plan | None:
        """The plan for one request, or None to serve it as usual. Raises the 400 of a bad
        Prefer. Only a create consumes an armed fault or honours Prefer."""
        delay = 0.0
        why: list[str] = []
        if self.latency is not None:
            delay = self._latency_ms(self.latency)
            why.append(f"latency {delay:.0f}ms")
        if not is_create:
            return Plan(delay, why=", ".join(why)) if why else None
        error: ForcedError | None = None
        drop = False
        if prefer is not None:
            asked = parse_prefer(prefer)
            if "delay" in asked:
                delay += _delay(asked["delay"], "delay")
                why.append(f"Prefer delay={asked['delay']}")
            if "code" in asked:
                raw = asked["code"]
                if not raw.isdecimal():
                    raise control_error(f"code={raw} must be an HTTP status")
                error = self.errors.error(int(raw), asked.get("example"))
                why.append(f"Prefer code={raw}")
        armed = self._take()
        if armed is not None:
            delay += armed.delay_ms
            if armed.delay_ms:
                why.append(f"fault delay_ms={armed.delay_ms}")
            if armed.status is not None and error is None:
                error = self.errors.error(armed.status, None)
                why.append(f"fault status={armed.status}")
            if armed.drop:
                drop = True
                why.append("fault drop")
        if not why:
            return None
        return Plan(delay, None if drop else error, drop, ", ".join(why))

    def _take(self) -> _Armed | None:
        with self._lock:
            armed = self._armed
            if armed is None:
                return None
            armed.remaining -= 1
            if armed.remaining <= 0:
                self._armed = None
                self.active = self.latency is not None
            return armed

    def _latency_ms(self, latency: Latency) -> float:
        if latency.min_ms == latency.max_ms:
            return float(latency.min_ms)
        return self._random.uniform(latency.min_ms, latency.max_ms)
