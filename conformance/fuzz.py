"""Fuzzing stage: Schemathesis generates requests from the spec; the seed's rules judge the answers.

Positive (schema-valid) and negative (schema-invalid) cases are sent to the target with the
profile's user token. Schemathesis's checks find server errors, undocumented statuses, wrong
content types, missing headers, responses that break the spec, accepted invalid data and ignored
authentication. What the seed adds: a schema-valid request that a business rule refuses with a
documented vendor error (status in the operation's responses, `code` in the rule catalog) is the
server doing its job, not a finding; an error body without a documented code is one (PRT-02).

Runs are bounded (examples per operation and mode, and a time budget) and reproducible (one
seed drives Hypothesis); every finding carries the exchange and a curl command.

Every case goes out with the documented Accept and Accept-Language (`sent_headers`), so a case
is refused for what it is about, not at the header gate. The stats count how every case ended
(`answers`, as `conformance.gates.tally`) and carry `warning`, loud and non-empty when most cases
ended at one early gate (authentication, Accept, not found...): such a run tested almost nothing.

Cases are sent through a session from `conformance.client.make_session`, the harness's one HTTP
seam: each gets the profile's timeout as a wall-clock deadline (connect plus whole response) and
the run's breaker, which ends the stage once the target stopped answering. Schemathesis's own
`request-timeout` setting is only a requests timeout (per socket read); it is not used, the
`timeout` passed to `case.call` (the same seconds) overrides it and the adapter enforces the
deadline. What the seam cannot cover: time Schemathesis and Hypothesis spend generating a case
(bounded by the stage's time budget, checked between cases, not mid-case).
"""

from __future__ import annotations

import copy
import json
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import hypothesis
import requests
import schemathesis
from hypothesis import strategies as st
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi import checks as oas_checks

from conformance.breaker import Breaker
from conformance.client import make_session
from conformance.errors import ConfigError, TargetStopped
from conformance.gates import NO_ANSWER, answer_of, gate_warning
from conformance.results import CheckResult, Exchange, Outcome, error_code_of, trim

VENDOR_OPERATION = "create-incoming-email-activity"
READ_BACK_OPERATION = "get-activity-by-id"
MODES = (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE)
# Statuses a schema-invalid request may get: Schemathesis's defaults plus the spec's 413.
REJECTION_STATUSES = ["400", "401", "403", "404", "405", "406", "413", "415", "422", "5xx"]
DROPPED_HEADERS = {"content-length", "connection", "accept-encoding"}
# Headers pinned to valid values in negative cases. The spec's enums are stricter than the
# negotiation the seed and the design describe: `*/*` and q-lists are honoured in Accept and
# Accept-Language, and an empty header takes its default (HDR-03). An off-enum value of theirs is
# not negative data; the scenarios (HDR-01..HDR-06) check these headers exactly.
LENIENT_HEADERS = {
    "Accept": "application/json",
    "Accept-Language": "en-US",
}
# The documented values every case is sent with when it carries none of its own (positive and
# negative alike). Schemathesis leaves the optional Accept and Accept-Language out of many
# positive cases, and the requests session it sends through lays its own `Accept: */*` over the
# case's value (pinned ones included) unless `case.call` is given one: without these, cases went
# out with `Accept: */*` and often no locale, which a strict server refuses with 406 before it
# reads the body, and the stage tested nothing. A value the case was generated with (from the
# spec's enums: application/xml, a locale) is kept.
DOCUMENTED_HEADERS = LENIENT_HEADERS

Progress = Callable[[str, int, int], None]  # (label, cases done, cases planned)


@dataclass(frozen=True)
class FuzzTarget:
    """What the fuzzing stage needs from the target profile."""

    base_url: str
    token: str
    timeout_s: float = 10.0
    read_back: bool = False
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class FuzzOptions:
    max_examples: int = 50  # per operation and generation mode
    time_budget_s: float = 120.0  # for the whole stage
    seed: int = 0


@dataclass(frozen=True)
class SeedKnowledge:
    """What the seed documents: the vendor codes (rule catalog) and each operation's statuses."""

    codes: frozenset[str]
    statuses: Mapping[str, frozenset[int]]  # operationId -> statuses the spec declares


@dataclass(frozen=True)
class FuzzOutcome:
    checks: tuple[CheckResult, ...]
    stats: dict[str, Any]


class VendorErrorBody(Failure):
    """An error response whose body does not carry a documented vendor error code."""

    code = "EG201"
    checks = ("vendor_error_body",)
    kind_title = "Error response without a documented vendor code"


class ValidTokenRefused(Failure):
    """A schema-valid request with the privileged user token was refused as unauthorised."""

    code = "EG401"
    checks = ("valid_token_accepted",)
    kind_title = "Valid user token refused"


class IgnoredBearerAuth(Failure):
    """The operation answered 2xx to the same request without a token or with an invalid one.

    Schemathesis's own ignored_auth check skips OAuth2 schemes, which are all this API has.
    """

    code = "EG402"
    checks = ("auth_enforced",)
    kind_title = "Authentication not enforced"

    def __init__(self, *, operation: str, message: str, probe: Exchange) -> None:
        super().__init__(operation=operation, message=message)
        self.probe = probe


class ResponseTimeout(Failure):
    code = "EG501"
    checks = ("response_timeout",)
    kind_title = "No response within the profile's timeout"


# Which catalog rule each check speaks for (response_schema_conformance: see _rules_for).
RULES_BY_CHECK: dict[str, tuple[str, ...]] = {
    "not_a_server_error": ("PRT-03",),
    "vendor_error_body": ("PRT-02",),
    "auth_enforced": ("ACT-01", "ACT-02"),
    "valid_token_accepted": ("ACT-04",),
    "content_type_conformance": ("HDR-05",),
    "response_headers_conformance": ("EFF-01",),
}
CHECK_TITLES = {
    "not_a_server_error": "no 5xx answer",
    "status_code_conformance": "only documented status codes",
    "content_type_conformance": "documented content types",
    "response_headers_conformance": "documented response headers",
    "response_schema_conformance": "responses valid against the spec",
    "negative_data_rejection": "schema-invalid requests are rejected",
    "auth_enforced": "authentication is enforced (no token, invalid token)",
    "vendor_error_body": "errors carry a documented vendor code",
    "valid_token_accepted": "a valid user token is accepted",
}


# ------------------------------------------------------------------ spec and seed knowledge
def load_schema(spec_path: Path) -> schemathesis.BaseSchema:
    """The spec as a Schemathesis schema; an unreadable or invalid spec is a ConfigError."""
    config = schemathesis.Config.from_dict(
        {"checks": {"negative_data_rejection": {"expected-statuses": REJECTION_STATUSES}}}
    )
    try:
        return schemathesis.openapi.from_path(str(spec_path), config=config)
    except Exception as exc:  # Schemathesis raises several types for a bad document
        raise ConfigError(f"cannot read the spec {spec_path}: {_first_line(exc)}") from exc


def knowledge_from(schema: schemathesis.BaseSchema, codes: Iterable[str]) -> SeedKnowledge:
    statuses: dict[str, frozenset[int]] = {}
    for path_item in schema.raw_schema.get("paths", {}).values():
        for operation in path_item.values():
            if isinstance(operation, dict) and "operationId" in operation:
                declared = operation.get("responses", {})
                statuses[operation["operationId"]] = frozenset(
                    int(s) for s in declared if str(s).isdigit()
                )
    return SeedKnowledge(codes=frozenset(codes), statuses=statuses)


def baseline_body(data: Mapping[str, Any]) -> dict[str, Any] | None:
    """A valid user request built from the profile's data, so positive cases can reach 201."""
    sender = data.get("existing_customer_email") or data.get("customer_email")
    if not (data.get("department") and data.get("alias") and sender):
        return None
    return {
        "department": {"name": data["department"]},
        "type": {"value": "email", "subtype": {"value": "general"}},
        "subject": "conformance fuzzing",
        "payload": {"email": {"emailAddresses": {"from": sender, "receiver": data["alias"]}}},
    }


def anchored(generated: Any, anchor: Mapping[str, Any]) -> Any:
    """The generated body with the anchor's elements laid over it (the anchor wins)."""
    if not isinstance(generated, dict):
        return copy.deepcopy(dict(anchor))
    merged = dict(generated)
    for key, value in anchor.items():
        if isinstance(value, Mapping):
            merged[key] = anchored(generated.get(key), value)
        else:
            merged[key] = value
    return merged


# ------------------------------------------------------------------ checks the seed adds
def vendor_error_problem(status: int, body: bytes, knowledge: SeedKnowledge) -> str | None:
    """Why an error answer is not a documented vendor error, or None when it is one."""
    if status < 400:
        return None
    code = error_code_of(body)
    if code is None:
        return f"{status} answer has no vendor error body with a `code`"
    if not code.startswith(f"{status}-"):
        return f"code {code} does not belong to status {status}"
    if code not in knowledge.codes:
        return f"code {code} is not a documented vendor code"
    return None


def _seed_checks(knowledge: SeedKnowledge) -> list[schemathesis.CheckFunction]:
    def vendor_error_body(ctx: Any, response: schemathesis.Response, case: Any) -> bool | None:
        problem = vendor_error_problem(response.status_code, response.content, knowledge)
        if problem:
            raise VendorErrorBody(operation=case.operation.label, message=problem)
        return None

    def valid_token_accepted(ctx: Any, response: schemathesis.Response, case: Any) -> bool | None:
        positive = case.meta is not None and not case.meta.generation.mode.is_negative
        if positive and response.status_code in (401, 403):
            raise ValidTokenRefused(
                operation=case.operation.label,
                message=f"schema-valid request with the user token got {response.status_code}",
            )
        return None

    probed: set[str] = set()

    def auth_enforced(ctx: Any, response: schemathesis.Response, case: Any) -> bool | None:
        label = case.operation.label
        if not 200 <= response.status_code < 300 or label in probed:
            return None
        probed.add(label)  # one confirmation per operation and run is enough
        for scenario, token in (("no token", None), ("an invalid token", "conformance-invalid")):
            probe = resend(response.request, token, ctx.internals.transport_kwargs or {})
            if probe.status is None:
                return None  # no answer (timeout, breaker open): no evidence either way
            if probe.status != 401:
                raise IgnoredBearerAuth(
                    operation=label,
                    message=f"the same request with {scenario} got {probe.status or probe.error}, "
                    "expected 401",
                    probe=probe,
                )
        return None

    return [vendor_error_body, valid_token_accepted, auth_enforced]


def _checks(knowledge: SeedKnowledge) -> list[schemathesis.CheckFunction]:
    builtin = [
        schemathesis.checks.not_a_server_error,
        oas_checks.status_code_conformance,
        oas_checks.content_type_conformance,
        oas_checks.response_headers_conformance,
        oas_checks.response_schema_conformance,
        oas_checks.negative_data_rejection,
    ]
    return [*builtin, *_seed_checks(knowledge)]


def check_name(failure: Failure) -> str:
    return failure.checks[0] if failure.checks else type(failure).__name__


def rules_for(check: str, status: int | None, operation_id: str) -> tuple[str, ...]:
    """The catalog rules a finding of `check` speaks for (empty when none fits)."""
    if status is not None and status >= 500 and check in ("not_a_server_error", "response_timeout"):
        return ("PRT-03",)
    if check == "response_schema_conformance":
        return ("PRT-02",) if (status or 0) >= 400 else ()
    if operation_id != VENDOR_OPERATION and check == "response_headers_conformance":
        return ()
    return RULES_BY_CHECK.get(check, ())


# ------------------------------------------------------------------ exchanges
def exchange_from(response: schemathesis.Response) -> Exchange:
    request = response.request
    body = request.body or b""
    text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else str(body)
    return Exchange(
        method=str(request.method),
        url=str(request.url),
        request_headers={
            k: v for k, v in request.headers.items() if k.lower() not in DROPPED_HEADERS
        },
        request_body=trim(text),
        status=response.status_code,
        response_headers={k: ", ".join(v) for k, v in response.headers.items()},
        response_body=trim(response.content.decode("utf-8", errors="replace")),
        elapsed_ms=round(response.elapsed * 1000, 1),
    )


def resend(
    request: requests.PreparedRequest, token: str | None, transport: Mapping[str, Any]
) -> Exchange:
    """Send a recorded request again with another bearer token (None: no Authorization)."""
    probe = request.copy()
    probe.headers.pop("Authorization", None)
    if token is not None:
        probe.headers["Authorization"] = f"Bearer {token}"
    timeout = transport.get("timeout", 10)
    session = transport.get("session") or make_session(timeout)
    started = time.monotonic()
    try:
        answer = session.send(probe, timeout=timeout)
    except (requests.RequestException, TargetStopped) as exc:
        return Exchange(str(probe.method), str(probe.url), dict(probe.headers), "", error=str(exc))
    elapsed = time.monotonic() - started
    headers = {k: [v] for k, v in answer.headers.items()}
    return exchange_from(
        schemathesis.Response(answer.status_code, headers, answer.content, probe, elapsed, True)
    )


# ------------------------------------------------------------------ the run
class _Stop(Exception):
    """Ends a Hypothesis run early: time budget spent or target gone."""


class _BudgetSpent(_Stop):
    pass


class _TargetGone(_Stop):
    pass


@dataclass
class _Finding:
    check: CheckResult
    count: int = 1


@dataclass
class _Run:
    """Mutable state of one fuzzing stage (kept out of the pure results)."""

    schema: schemathesis.BaseSchema
    target: FuzzTarget
    knowledge: SeedKnowledge
    options: FuzzOptions
    progress: Progress | None
    session: requests.Session
    deadline: float
    checks: list[schemathesis.CheckFunction]
    findings: dict[str, _Finding] = field(default_factory=dict)
    statuses: Counter[int] = field(default_factory=Counter)
    codes: Counter[str] = field(default_factory=Counter)
    answers: Counter[str] = field(default_factory=Counter)  # every case's, keyed as gates.tally
    cases: Counter[str] = field(default_factory=Counter)
    checks_run: Counter[str] = field(default_factory=Counter)
    stopped: str = ""
    lost_target: str = ""
    done: int = 0
    planned: int = 0


def run_fuzz(
    schema: schemathesis.BaseSchema,
    target: FuzzTarget,
    knowledge: SeedKnowledge,
    options: FuzzOptions,
    *,
    progress: Progress | None = None,
    session: requests.Session | None = None,
    breaker: Breaker | None = None,
) -> FuzzOutcome:
    """Fuzz the vendor operation (and the read-back GET when the target has it).

    `breaker` is the run's (shared with the scenario stage); a `session` given is used as it is.
    """
    started = time.monotonic()
    operation_ids = [VENDOR_OPERATION, *([READ_BACK_OPERATION] if target.read_back else [])]
    operations = [_operation(schema, oid) for oid in operation_ids]
    run = _Run(
        schema=schema,
        target=target,
        knowledge=knowledge,
        options=options,
        progress=progress,
        session=session or make_session(target.timeout_s, breaker),
        deadline=started + options.time_budget_s,
        checks=_checks(knowledge),
        planned=len(operations) * len(MODES) * options.max_examples,
    )
    for index, (operation_id, operation) in enumerate(zip(operation_ids, operations, strict=True)):
        for mode_index, mode in enumerate(MODES):
            if run.stopped:
                break
            seed = options.seed + 2 * index + mode_index
            _drive(run, operation_id, _strategy(operation, mode, target), seed)
    checks = _results(run, operation_ids)
    return FuzzOutcome(checks=checks, stats=_stats(run, operation_ids, time.monotonic() - started))


def _operation(schema: schemathesis.BaseSchema, operation_id: str) -> Any:
    try:
        return schema.find_operation_by_id(operation_id)  # type: ignore[attr-defined]
    except Exception as exc:
        raise ConfigError(
            f"the spec has no operation {operation_id!r}: {_first_line(exc)}"
        ) from exc


def _strategy(operation: Any, mode: schemathesis.GenerationMode, target: FuzzTarget) -> Any:
    pinned = LENIENT_HEADERS if mode.is_negative else None
    plain = operation.as_strategy(generation_mode=mode, headers=pinned)
    anchor = baseline_body(target.data) if operation.method.upper() == "POST" else None
    if mode.is_negative or anchor is None:
        return plain

    def lay_anchor(case: Any) -> Any:
        if case.media_type == "application/json":
            case.body = anchored(case.body, anchor)
        return case

    fixed = operation.as_strategy(body=anchor, media_type="application/json")
    return st.one_of(plain, plain.map(lay_anchor), fixed)


def _drive(run: _Run, operation_id: str, strategy: Any, seed: int) -> None:
    @hypothesis.settings(
        max_examples=run.options.max_examples,
        deadline=None,
        database=None,
        phases=[hypothesis.Phase.generate],
        suppress_health_check=list(hypothesis.HealthCheck),
        verbosity=hypothesis.Verbosity.quiet,
        report_multiple_bugs=False,
    )
    @hypothesis.seed(seed)
    @hypothesis.given(case=strategy)
    def fuzz(case: Any) -> None:
        _one_case(run, operation_id, case)

    done_before = run.done
    try:
        fuzz()
    except _BudgetSpent:
        run.stopped = "time budget spent"
    except _TargetGone as exc:
        run.stopped = run.lost_target = str(exc)
    except hypothesis.errors.Unsatisfiable:
        pass  # the strategy produced no usable case; the stats show zero cases for it
    run.planned -= run.options.max_examples - (run.done - done_before)  # fewer than planned


def _one_case(run: _Run, operation_id: str, case: Any) -> None:
    if time.monotonic() > run.deadline:
        raise _BudgetSpent()
    mode = case.meta.generation.mode.value if case.meta is not None else "positive"
    headers = sent_headers(case.headers, run.target.token)
    kwargs = {"session": run.session, "timeout": run.target.timeout_s}
    try:
        response = case.call(base_url=run.target.base_url, headers=headers, **kwargs)
    except TargetStopped as exc:
        raise _TargetGone(str(exc)) from exc
    except requests.Timeout:
        _record_timeout(run, operation_id, case, headers)
        return
    except requests.ConnectionError as exc:
        raise _TargetGone(f"the target stopped answering: {_first_line(exc)}") from exc
    _tally(run, operation_id, mode, response)
    transport = {"base_url": run.target.base_url, "headers": headers, **kwargs}
    try:
        case.validate_response(
            response, checks=run.checks, headers=headers, transport_kwargs=transport
        )
    except FailureGroup as group:
        for failure in group.exceptions:
            _record(run, operation_id, mode, failure, exchange_from(response))
    except Failure as failure:
        _record(run, operation_id, mode, failure, exchange_from(response))
    except requests.ConnectionError as exc:  # a probe of ignored_auth lost the target
        raise _TargetGone(f"the target stopped answering: {_first_line(exc)}") from exc


def sent_headers(case_headers: Mapping[str, str] | None, token: str) -> dict[str, str]:
    """The headers passed to `case.call`: each documented one (the case's own value if it has
    one, else the documented value), and the token.

    The case's own values are passed again on purpose: Schemathesis lays the session's headers
    under the ones passed here and over the case's, so an Accept left out here would go out as
    requests' session default `*/*` even when the case carries one.
    """
    own = {name.lower(): value for name, value in (case_headers or {}).items()}
    documented = {k: own.get(k.lower(), v) for k, v in DOCUMENTED_HEADERS.items()}
    return {**documented, "Authorization": f"Bearer {token}"}


def _tally(run: _Run, operation_id: str, mode: str, response: schemathesis.Response) -> None:
    run.cases[f"{operation_id} {mode}"] += 1
    run.statuses[response.status_code] += 1
    run.answers[answer_of(response.status_code, response.content)] += 1
    if response.status_code >= 400:
        code = error_code_of(response.content)
        if code:
            run.codes[code] += 1
    for check in run.checks:
        run.checks_run[f"{operation_id}:{check.__name__}"] += 1
    run.done += 1
    if run.progress:
        run.progress(f"fuzzing {operation_id} ({mode})", run.done, run.planned)


def _record(run: _Run, operation_id: str, mode: str, failure: Failure, exchange: Exchange) -> None:
    check = check_name(failure)
    status = exchange.status
    fingerprint = f"fuzz:{operation_id}:{check}:{failure.code}:{status}"
    if fingerprint in run.findings:
        run.findings[fingerprint].count += 1
        return
    exchanges = [exchange]
    if isinstance(failure, IgnoredBearerAuth):
        exchanges.append(failure.probe)
    run.findings[fingerprint] = _Finding(
        CheckResult(
            id=f"fuzz-{len(run.findings) + 1:03d}",
            kind="fuzz",
            name=f"{failure.title} ({operation_id}, {mode} case, {check})",
            outcome=Outcome.FAILED,
            rule_ids=rules_for(check, status, operation_id),
            area="fuzzing",
            message=trim(failure.message or failure.title, 2000),
            expected=CHECK_TITLES.get(check, check),
            actual=f"HTTP {status}" if status is not None else "no response",
            exchanges=tuple(exchanges),
            fingerprint=fingerprint,
        )
    )


def _record_timeout(run: _Run, operation_id: str, case: Any, headers: dict[str, str]) -> None:
    curl = case.as_curl_command(headers=headers, base_url=run.target.base_url)
    failure = ResponseTimeout(
        operation=case.operation.label,
        message=f"no answer within {run.target.timeout_s} s; reproduce with: {curl}",
    )
    request = case.as_transport_kwargs(base_url=run.target.base_url, headers=headers)
    body = request.get("data") or request.get("json") or ""
    exchange = Exchange(
        method=case.method.upper(),
        url=str(request.get("url", "")),
        request_headers={k: str(v) for k, v in (request.get("headers") or {}).items()},
        request_body=body if isinstance(body, str) else json.dumps(body),
        error=f"timeout after {run.target.timeout_s} s",
    )
    run.answers[NO_ANSWER] += 1
    _record(run, operation_id, "?", failure, exchange)


def _results(run: _Run, operation_ids: list[str]) -> tuple[CheckResult, ...]:
    """Findings, one passed summary per clean check, and the lost target if it went away."""
    found = [f.check for f in run.findings.values()]
    counts = {f.check.fingerprint: f.count for f in run.findings.values()}
    found = [
        _with_count(check, counts[check.fingerprint]) if counts[check.fingerprint] > 1 else check
        for check in found
    ]
    summaries = [
        summary
        for oid in operation_ids
        for check in run.checks
        if (summary := _summary(run, oid, check.__name__)) is not None
    ]
    lost = [_lost_target(run)] if run.lost_target else []
    return (*found, *summaries, *lost)


def _with_count(check: CheckResult, count: int) -> CheckResult:
    return replace(check, message=f"{check.message}\n(seen in {count} generated cases)")


def _summary(run: _Run, operation_id: str, check: str) -> CheckResult | None:
    """A passed result for a check that found nothing in the cases it judged."""
    judged = run.checks_run[f"{operation_id}:{check}"]
    if judged == 0 or any(
        f.check.fingerprint.startswith(f"fuzz:{operation_id}:{check}:")
        for f in run.findings.values()
    ):
        return None
    rule_ids = _summary_rules(run, operation_id, check)
    return CheckResult(
        id=f"fuzz-{operation_id}-{check}",
        kind="fuzz",
        name=f"Fuzzing {operation_id}: {CHECK_TITLES.get(check, check)}",
        outcome=Outcome.PASSED,
        rule_ids=rule_ids,
        area="fuzzing",
        message=f"no finding in {judged} generated cases",
        fingerprint=f"fuzz:{operation_id}:{check}",
    )


def _summary_rules(run: _Run, operation_id: str, check: str) -> tuple[str, ...]:
    """Only claim a rule passed when the cases exercised it."""
    saw_error = any(status >= 400 for status in run.statuses)
    saw_success = any(200 <= status < 300 for status in run.statuses)
    if check in ("not_a_server_error", "vendor_error_body"):
        return RULES_BY_CHECK[check]
    if check == "response_schema_conformance" and saw_error:
        return ("PRT-02",)
    if check == "auth_enforced" and saw_success and operation_id == VENDOR_OPERATION:
        return RULES_BY_CHECK[check]
    return ()


def _lost_target(run: _Run) -> CheckResult:
    return CheckResult(
        id="fuzz-target-lost",
        kind="fuzz",
        name="Fuzzing stopped: the target stopped answering",
        outcome=Outcome.ERROR,
        rule_ids=("PRT-03",),
        area="fuzzing",
        message=run.lost_target,
        fingerprint="fuzz:target-lost",
    )


def _stats(run: _Run, operation_ids: list[str], duration_s: float) -> dict[str, Any]:
    """The stage's figures. `answers`: how every case sent ended (as `gates.tally`, timeouts as
    "no answer"); `warning`: `gates.gate_warning` over them ("" when the cases got past the
    early gates)."""
    answers = dict(run.answers.most_common())
    return {
        "operations": operation_ids,
        "cases": dict(run.cases),
        "cases_total": sum(run.cases.values()),
        "statuses": {str(k): v for k, v in sorted(run.statuses.items())},
        "codes": dict(sorted(run.codes.items())),
        "answers": answers,
        "warning": gate_warning("fuzzing", answers),
        "findings": len(run.findings),
        "duration_s": round(duration_s, 2),
        "seed": run.options.seed,
        "max_examples": run.options.max_examples,
        "time_budget_s": run.options.time_budget_s,
        "stopped": run.stopped,
        "checks": sorted({c.__name__ for c in run.checks}),
    }


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


__all__ = [
    "FuzzOptions",
    "FuzzOutcome",
    "FuzzTarget",
    "SeedKnowledge",
    "baseline_body",
    "knowledge_from",
    "load_schema",
    "run_fuzz",
    "sent_headers",
    "vendor_error_problem",
]
