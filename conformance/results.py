"""Pure data of a conformance run: what was sent, what came back, what it means.

Every output (HTML, JSON, JUnit) is rendered from one RunResult; nothing here does I/O.
"""

from __future__ import annotations

import functools
import hashlib
import json
import shlex
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from defusedxml import ElementTree

TRIM_AT = 4000  # characters of a body kept in a result
QUOTED_BODY_BYTES = 4000  # a sent body up to this size is quoted in its curl line, else a file
BODIES_DIR = "bodies"  # beside the report: the sent bodies too large (or binary) to quote
# Headers curl sends unless told not to; switched off where the request did not send them.
CURL_DEFAULTS = ("Accept", "User-Agent")
CURL_BODY_DEFAULTS = ("Content-Type", "Expect")  # curl adds these to a request with a body


def trim(text: str, limit: int = TRIM_AT) -> str:
    """Keep reports readable when a server answers megabytes."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... [{len(text) - limit} more characters]"


def error_code_of(body: bytes | str) -> str | None:
    """The vendor `code` of a JSON or XML error body, or None when it has none."""
    raw = (body.encode("utf-8") if isinstance(body, str) else body).strip()
    try:
        if raw.startswith(b"<"):
            return xml_error(raw).get("code", "").strip() or None
        doc = json.loads(raw.decode("utf-8", errors="replace"))
    except (ValueError, ElementTree.ParseError):
        return None
    code = doc.get("code") if isinstance(doc, dict) else None
    return code if isinstance(code, str) else None


def xml_error(content: bytes) -> dict[str, Any]:
    """An XML error body as the JSON one's dict, by local names (any namespace, or none).

    Raises ValueError (also defusedxml's refusals of DTDs and entities) or ParseError."""
    root = ElementTree.fromstring(content)
    if _local(root.tag) != "error":
        raise ValueError(f"root element is <{_local(root.tag)}>, not <error>")
    body: dict[str, Any] = {}
    for child in root:
        name = _local(child.tag)
        if name == "details":
            body["details"] = [{_local(kv.tag): kv.text or "" for kv in detail} for detail in child]
        else:
            body[name] = child.text or ""
    return body


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


class Outcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"  # a deviation: a documented item broken
    DIFFERENCE = "difference"  # only inferred items or choices answered otherwise
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
    # Exactly the bytes sent (`request_body` is a trimmed preview); in JSON, its size and digest.
    sent_body: bytes = field(default=b"", repr=False)

    @functools.cached_property
    def body_file(self) -> str:
        """Where the report keeps the sent body (relative to the report's directory), or "" when
        its curl line quotes it."""
        if _quotable(self.sent_body):
            return ""
        return f"{BODIES_DIR}/{hashlib.sha256(self.sent_body).hexdigest()}.bin"

    def curl(self) -> str:
        """A shell command that sends exactly this request: the same headers and no others, the
        same bytes (a body too large to quote read from `body_file`: run it in the report's
        directory)."""
        head = ["--head"] if self.method == "HEAD" else ["-X", self.method]
        parts = ["curl", "-i", *head, self.url, "--globoff", "--path-as-is"]
        parts += _curl_headers(self.request_headers, self.sent_body)
        if self.body_file:
            parts += ["--data-binary", "@" + self.body_file]
        elif self.sent_body:
            parts += ["--data-binary", self.sent_body.decode("utf-8")]
        return " ".join(shlex.quote(p) for p in parts)


def _quotable(body: bytes) -> bool:
    """Whether a shell argument carries `body` exactly (curl reads a file for a leading @)."""
    if len(body) > QUOTED_BODY_BYTES or b"\0" in body or body.startswith(b"@"):
        return False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _curl_headers(headers: dict[str, str], body: bytes) -> list[str]:
    """`-H` for each header as sent (`Name;` sends an empty one), `Name:` for each curl would
    add itself; a Content-Length that matches the body is left to curl, which sends the same."""
    parts: list[str] = []
    for name, value in headers.items():
        if not (body and name.lower() == "content-length" and value == str(len(body))):
            parts += ["-H", f"{name}: {value}" if value else f"{name};"]
    sent = {name.lower() for name in headers}
    added = CURL_DEFAULTS + (CURL_BODY_DEFAULTS if body else ())
    return parts + [arg for name in added if name.lower() not in sent for arg in ("-H", f"{name}:")]


@dataclass(frozen=True)
class Finding:
    """One expected item the target answered otherwise, and how sure the docs are of it."""

    rule_id: str
    item: str  # evidence.ITEMS: outcome, status, code, message, attribute, media, effect...
    level: str  # evidence.Level: documented, inferred, choice
    cause: str  # what was wrong, worded the same wherever it happens: the root cause
    message: str = ""  # this occurrence, in full
    expected: str = ""
    actual: str = ""

    @property
    def key(self) -> str:
        """The root cause: rule, item and what was wrong."""
        return f"{self.rule_id}|{self.item}|{self.cause}"

    @property
    def is_deviation(self) -> bool:
        return self.level == "documented"


def outcome_of(findings: Sequence[Finding]) -> Outcome:
    """Failed when a documented item broke, a difference when only others did, else passed."""
    if any(f.is_deviation for f in findings):
        return Outcome.FAILED
    return Outcome.DIFFERENCE if findings else Outcome.PASSED


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
    fingerprint: str = ""  # stable identity of the check, for baselines
    findings: tuple[Finding, ...] = ()  # each item answered otherwise (none when passed)
    count: int = 1  # exchanges behind a check of every response, or generated cases

    @property
    def identity(self) -> str:
        """The check's stable identity: its fingerprint, else kind and id."""
        return self.fingerprint or f"{self.kind}:{self.id}"

    def identities(self, strict: bool = False) -> tuple[str, ...]:
        """One per root cause that fails the run (differences too when `strict`), so a baseline
        that knows one cause of a check never hides another."""
        if self.outcome == Outcome.ERROR:
            return (self.identity,)
        failing = [f for f in self.findings if f.is_deviation or strict]
        if not failing and self.is_deviation:
            return (self.identity,)
        return tuple(dict.fromkeys(f"{self.identity}#{f.key}" for f in failing))

    @property
    def is_deviation(self) -> bool:
        return self.outcome in (Outcome.FAILED, Outcome.ERROR)

    @property
    def is_difference(self) -> bool:
        return self.outcome == Outcome.DIFFERENCE


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
    mode: str = "vendor"  # reference: a difference fails the run as a deviation does
    fail_on_difference: bool = False
    selection: dict[str, Any] = field(default_factory=dict)  # rules, areas, left_out
    warnings: tuple[str, ...] = ()  # a stage that tested (almost) nothing, and why

    @property
    def strict(self) -> bool:
        """Whether differences fail the run."""
        return self.mode == "reference" or self.fail_on_difference


@dataclass(frozen=True)
class ClientMistake:
    """Requests that broke the spec, for whoever sent them (the validation proxy's own list):
    a client's bug, never the server's deviation."""

    rule_id: str  # the rule the request broke; "" for a schema refusal no rule covers
    sent: str  # what the client sent, worded the same wherever it happens
    count: int
    details: tuple[str, ...] = ()  # a few occurrences, in full
    exchanges: tuple[Exchange, ...] = ()

    @property
    def message(self) -> str:
        return f"your client sent {self.sent}"


@dataclass(frozen=True)
class RunResult:
    meta: RunMeta
    checks: tuple[CheckResult, ...]
    fuzz_stats: dict[str, Any] = field(default_factory=dict)
    # `conformance proxy` only: the clients' mistakes, and what traffic was seen and judged.
    client_mistakes: tuple[ClientMistake, ...] = ()
    traffic: dict[str, Any] = field(default_factory=dict)
    # Why the harness stopped sending to the target mid-run (its breaker opened); "" if it did not.
    # Such a run never conforms, baseline or not: most of its checks were never sent.
    target_stopped: str = ""

    @property
    def failures(self) -> tuple[CheckResult, ...]:
        """The checks that fail the run: deviations, and differences in strict runs."""
        return tuple(c for c in self.checks if self.fails(c))

    def fails(self, check: CheckResult) -> bool:
        return check.is_deviation or (self.meta.strict and check.outcome == Outcome.DIFFERENCE)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self, dict_factory=_jsonable)


def _jsonable(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """asdict's factory: bytes (a sent body) as their size and digest."""
    return {key: _digest(value) if isinstance(value, bytes) else value for key, value in pairs}


def _digest(data: bytes) -> dict[str, Any]:
    return {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}


class RuleStatus(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    DIFFERENT = "different"
    NOT_APPLICABLE = "not_applicable"
    NOT_CHECKED = "not_checked"
    LEFT_OUT = "left_out"  # not in this run's --rule/--area selection


def rule_status(checks: Sequence[CheckResult]) -> RuleStatus:
    """A rule's verdict from the checks tagged with it.

    Failed if any check failed (or could not run), different if a check only differed from the
    reference where the docs are silent, passed if the others passed, not applicable
    when every check was not applicable, not checked when no check names the rule.
    """
    if not checks:
        return RuleStatus.NOT_CHECKED
    if any(c.is_deviation for c in checks):
        return RuleStatus.FAILED
    if any(c.outcome == Outcome.DIFFERENCE for c in checks):
        return RuleStatus.DIFFERENT
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


@dataclass(frozen=True)
class CauseGroup:
    """Every occurrence of one root cause (rule, item, what was wrong) in a run."""

    key: str
    finding: Finding  # the first occurrence
    checks: tuple[CheckResult, ...]
    exchanges: int  # exchanges behind it (a check of every response counts each)

    @property
    def is_deviation(self) -> bool:
        return self.finding.is_deviation


def cause_groups(checks: Iterable[CheckResult]) -> tuple[CauseGroup, ...]:
    """The run's findings grouped by root cause, deviations first, in order of appearance."""
    found: dict[str, list[tuple[Finding, CheckResult]]] = {}
    for check in checks:
        for finding in check.findings:
            found.setdefault(finding.key, []).append((finding, check))
    groups = []
    for key, pairs in found.items():
        distinct = tuple({id(c): c for _, c in pairs}.values())
        exchanges = sum(c.count for c in distinct)
        groups.append(CauseGroup(key, pairs[0][0], distinct, exchanges))
    return tuple(sorted(groups, key=lambda g: not g.is_deviation))
