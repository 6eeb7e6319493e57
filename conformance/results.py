"""Pure data of a conformance run: what was sent, what came back, what it means.

Every output (HTML, JSON, JUnit) is rendered from one RunResult; nothing here does I/O.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

TRIM_AT = 4000  # characters of a body kept in a result
# Transport headers curl sets itself; copying them could contradict the body it sends.
CURL_COMPUTES = frozenset(
    {"content-length", "connection", "accept-encoding", "host", "transfer-encoding"}
)


def trim(text: str, limit: int = TRIM_AT) -> str:
    """Keep reports readable when a server answers megabytes."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... [{len(text) - limit} more characters]"


def error_code_of(body: bytes | str) -> str | None:
    """The vendor `code` of a JSON or XML error body, or None when it has none."""
    text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body
    text = text.strip()
    if text.startswith("<"):
        match = re.search(r"<(?:\w+:)?code>\s*([^<\s]+)\s*</(?:\w+:)?code>", text)
        return match.group(1) if match else None
    try:
        doc = json.loads(text)
    except ValueError:
        return None
    code = doc.get("code") if isinstance(doc, dict) else None
    return code if isinstance(code, str) else None


class Outcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    NOT_APPLICABLE = "not_applicable"
    ERROR = "error"  # the check itself could not run to an answer (e.g. the target hung up)


@dataclass(frozen=True)
class Exchange:
    """One HTTP request and its response (or the transport error instead of a response)."""

    method: str
    url: str
    request_headers: dict[str, str]
    request_body: str
    status: int | None = None
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: str = ""
    elapsed_ms: float = 0.0
    error: str | None = None
    truncated_at: int | None = None  # bytes kept when the harness stopped reading a larger body

    def curl(self) -> str:
        """A shell command that sends the same request."""
        parts = ["curl", "-i", "-X", self.method, self.url]
        for name, value in self.request_headers.items():
            if name.lower() not in CURL_COMPUTES:
                parts += ["-H", f"{name}: {value}"]
        if self.request_body:
            parts += ["--data-binary", self.request_body]
        return " ".join(shlex.quote(p) for p in parts)


@dataclass(frozen=True)
class CheckResult:
    """One scenario, or one fuzzing finding, and its verdict."""

    id: str
    kind: str  # "scenario" | "fuzz"
    name: str
    outcome: Outcome
    rule_ids: tuple[str, ...] = ()
    area: str = ""
    message: str = ""
    expected: str = ""
    actual: str = ""
    exchanges: tuple[Exchange, ...] = ()
    duration_s: float = 0.0
    fingerprint: str = ""  # stable identity of a deviation, for baselines

    @property
    def identity(self) -> str:
        """The deviation's stable identity: its fingerprint, else kind and id."""
        return self.fingerprint or f"{self.kind}:{self.id}"

    @property
    def is_deviation(self) -> bool:
        return self.outcome in (Outcome.FAILED, Outcome.ERROR)


@dataclass(frozen=True)
class RunMeta:
    target_name: str
    base_url: str
    spec_digest: str
    started: str
    duration_s: float
    versions: dict[str, str]
    seed: int | None = None
    stages: tuple[str, ...] = ()
    stage_durations: dict[str, float] = field(default_factory=dict)
    spec_path: str = ""
    documented_statuses: tuple[int, ...] = ()  # statuses the spec declares for the operation
    max_examples: int | None = None
    time_budget_s: float | None = None


@dataclass(frozen=True)
class RunResult:
    meta: RunMeta
    checks: tuple[CheckResult, ...]
    fuzz_stats: dict[str, Any] = field(default_factory=dict)
    # Why the harness stopped sending to the target mid-run (its breaker opened); "" if it did not.
    # Such a run never conforms, baseline or not: most of its checks were never sent.
    target_stopped: str = ""

    @property
    def failures(self) -> tuple[CheckResult, ...]:
        return tuple(c for c in self.checks if c.outcome in (Outcome.FAILED, Outcome.ERROR))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class RuleStatus(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    NOT_APPLICABLE = "not_applicable"
    NOT_CHECKED = "not_checked"


def rule_status(checks: Sequence[CheckResult]) -> RuleStatus:
    """A rule's verdict from the checks tagged with it.

    Failed if any check failed (or could not run), passed if the others passed, not applicable
    when every check was not applicable, not checked when no check names the rule.
    """
    if not checks:
        return RuleStatus.NOT_CHECKED
    if any(c.is_deviation for c in checks):
        return RuleStatus.FAILED
    if any(c.outcome == Outcome.PASSED for c in checks):
        return RuleStatus.PASSED
    return RuleStatus.NOT_APPLICABLE


def checks_by_rule(
    checks: Iterable[CheckResult], rule_ids: Iterable[str]
) -> dict[str, list[CheckResult]]:
    """Every rule id (in catalog order) with the checks that name it."""
    grouped: dict[str, list[CheckResult]] = {rid: [] for rid in rule_ids}
    for check in checks:
        for rid in check.rule_ids:
            grouped.setdefault(rid, []).append(check)
    return grouped
