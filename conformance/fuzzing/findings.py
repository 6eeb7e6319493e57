"""The stage's state as cases are judged, and its translation into results and stats."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import requests
import schemathesis
from schemathesis.core.failures import Failure

from conformance.fuzzing.cases import FuzzOptions, FuzzTarget
from conformance.fuzzing.checks import (
    CHECK_TITLES,
    RULES_BY_CHECK,
    IgnoredBearerAuth,
    check_name,
    rules_for,
)
from conformance.fuzzing.schema import SeedKnowledge
from conformance.gates import answer_of, gate_warning
from conformance.results import CheckResult, Exchange, Outcome, error_code_of, trim

Progress = Callable[[str, int, int], None]  # (label, cases done, cases planned)


@dataclass
class RecordedFinding:
    check: CheckResult
    count: int = 1


@dataclass
class FuzzRun:
    """Mutable state of one fuzzing stage (kept out of the pure results)."""

    schema: schemathesis.BaseSchema
    target: FuzzTarget
    knowledge: SeedKnowledge
    options: FuzzOptions
    progress: Progress | None
    session: requests.Session
    deadline: float
    checks: list[schemathesis.CheckFunction]
    findings: dict[str, RecordedFinding] = field(default_factory=dict)
    statuses: Counter[int] = field(default_factory=Counter)
    codes: Counter[str] = field(default_factory=Counter)
    answers: Counter[str] = field(default_factory=Counter)  # every case's, keyed as gates.tally
    cases: Counter[str] = field(default_factory=Counter)
    checks_run: Counter[str] = field(default_factory=Counter)
    stopped: str = ""
    lost_target: str = ""
    done: int = 0
    planned: int = 0


def tally_answer(
    run: FuzzRun, operation_id: str, mode: str, response: schemathesis.Response
) -> None:
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


def record(
    run: FuzzRun, operation_id: str, mode: str, failure: Failure, exchange: Exchange
) -> None:
    check = check_name(failure)
    status = exchange.status
    fingerprint = f"fuzz:{operation_id}:{check}:{failure.code}:{status}"
    if fingerprint in run.findings:
        run.findings[fingerprint].count += 1
        return
    exchanges = [exchange]
    if isinstance(failure, IgnoredBearerAuth):
        exchanges.append(failure.probe)
    run.findings[fingerprint] = RecordedFinding(
        CheckResult(
            id=f"fuzz-{len(run.findings) + 1:03d}",
            kind="fuzz",
            name=f"{failure.title} ({operation_id}, {mode} case, {check})",
            outcome=Outcome.FAILED,
            rule_ids=rules_for(check, status, operation_id == run.knowledge.api.vendor.id),
            area="fuzzing",
            message=trim(failure.message or failure.title, 2000),
            expected=CHECK_TITLES.get(check, check),
            actual=f"HTTP {status}" if status is not None else "no response",
            exchanges=tuple(exchanges),
            fingerprint=fingerprint,
        )
    )


def results_of(run: FuzzRun, operation_ids: list[str]) -> tuple[CheckResult, ...]:
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


def _summary(run: FuzzRun, operation_id: str, check: str) -> CheckResult | None:
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


def _summary_rules(run: FuzzRun, operation_id: str, check: str) -> tuple[str, ...]:
    """Only claim a rule passed when the cases exercised it."""
    saw_error = any(status >= 400 for status in run.statuses)
    saw_success = any(200 <= status < 300 for status in run.statuses)
    if check in ("not_a_server_error", "vendor_error_body"):
        return RULES_BY_CHECK[check]
    if check == "response_schema_conformance" and saw_error:
        return ("PRT-02",)
    vendor = operation_id == run.knowledge.api.vendor.id
    if check == "auth_enforced" and saw_success and vendor:
        return RULES_BY_CHECK[check]
    return ()


def _lost_target(run: FuzzRun) -> CheckResult:
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


def stats_of(run: FuzzRun, operation_ids: list[str], duration_s: float) -> dict[str, Any]:
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
