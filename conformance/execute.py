"""Run the planned stages (scenarios, fuzzing) and gather one RunResult with its metadata."""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import platform
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from conformance.breaker import Breaker
from conformance.display import Display
from conformance.results import CheckResult, Outcome, RunMeta, RunResult
from conformance.run_plan import RunPlan
from conformance.settings import PROJECT_ROOT

VERSIONED = (
    "egain-email-activity-conformance",
    "schemathesis",
    "hypothesis",
    "pytest-bdd",
    "requests",
)


def execute(plan: RunPlan, display: Display, breaker: Breaker | None = None) -> RunResult:
    """Run the stages and gather one RunResult; `breaker` is shared by both stages."""
    breaker = breaker if breaker is not None else Breaker()
    started_at = datetime.now(UTC)
    started = time.monotonic()
    checks: list[CheckResult] = []
    durations: dict[str, float] = {}
    fuzz_stats: dict[str, Any] = {}
    if "scenarios" in plan.stages:
        checks += _timed(durations, "scenarios", lambda: _scenarios(plan, display, breaker))
    if "fuzz" in plan.stages:
        found, fuzz_stats = _timed(durations, "fuzz", lambda: _fuzz(plan, display, breaker))
        checks += found
    if breaker.open:
        display.line(f"stopped sending: {breaker.note()}")
    warnings = _warnings(plan, checks, fuzz_stats)
    meta = RunMeta(
        target_name=plan.inputs.profile.name,
        base_url=plan.inputs.profile.base_url,
        spec_digest=hashlib.sha256(plan.inputs.spec_bytes).hexdigest(),
        started=started_at.strftime("%Y-%m-%d %H:%M:%S UTC"),
        duration_s=round(time.monotonic() - started, 2),
        versions=_versions(),
        seed=plan.seed if "fuzz" in plan.stages else None,
        stages=plan.stages,
        stage_durations=durations,
        spec_path=_shown_path(plan.inputs.harness.spec_path),
        documented_statuses=_documented_statuses(plan),
        max_examples=plan.max_examples if "fuzz" in plan.stages else None,
        time_budget_s=plan.time_budget_s if "fuzz" in plan.stages else None,
        mode=plan.inputs.profile.mode,
        fail_on_difference=plan.fail_on_difference,
        selection=plan.selection.describe(plan.inputs.catalog),
        warnings=warnings,
    )
    return RunResult(
        meta=meta, checks=tuple(checks), fuzz_stats=fuzz_stats, target_stopped=breaker.note()
    )


def _warnings(
    plan: RunPlan, checks: Sequence[CheckResult], fuzz_stats: dict[str, Any]
) -> tuple[str, ...]:
    """A stage whose requests mostly ended at one early gate tested almost nothing: say so."""
    from conformance.gates import gate_warning, tally
    from conformance.report.render import scenario_exchanges

    found = []
    if "scenarios" in plan.stages:
        found.append(gate_warning("scenarios", tally(scenario_exchanges(checks))))
    found.append(str(fuzz_stats.get("warning", "")))
    return tuple(w for w in found if w)


def _documented_statuses(plan: RunPlan) -> tuple[int, ...]:
    """Statuses the spec declares for the operations this run sends requests to."""
    operations = plan.knowledge.api.operation_ids(plan.inputs.profile.read_back)
    statuses = plan.knowledge.statuses
    return tuple(sorted({s for op in operations for s in statuses.get(op, ())}))


def _timed(durations: dict[str, float], stage: str, work: Callable[[], Any]) -> Any:
    started = time.monotonic()
    try:
        return work()
    finally:
        durations[stage] = round(time.monotonic() - started, 2)


def _scenarios(plan: RunPlan, display: Display, breaker: Breaker) -> list[CheckResult]:
    from conformance.scenarios import run_scenarios

    with display.working("scenarios", None):
        found = run_scenarios(
            plan.inputs,
            quiet=True,
            breaker=breaker,
            markers=plan.selection.marker_expression(plan.inputs.catalog),
        )
    found = tuple(c for c in found if all(plan.selection.covers(r) for r in c.rule_ids))
    display.line(f"scenarios: {_outcomes(found)}")
    return list(found)


def _fuzz(
    plan: RunPlan, display: Display, breaker: Breaker
) -> tuple[list[CheckResult], dict[str, Any]]:
    from conformance.fuzzing import cases, stage
    from conformance.fuzzing.evidence import judged

    token = plan.inputs.profile.tokens.user
    if not token:
        skipped = CheckResult(
            id="fuzz-not-run",
            kind="fuzz",
            name="Fuzzing",
            outcome=Outcome.NOT_APPLICABLE,
            area="fuzzing",
            message="not applicable: the profile has no tokens.user",
        )
        display.line("fuzzing: not run, the profile has no tokens.user")
        return [skipped], {}
    target = cases.FuzzTarget(
        base_url=plan.inputs.profile.base_url,
        token=token,
        timeout_s=plan.inputs.profile.timeout_seconds,
        read_back=plan.inputs.profile.read_back,
        data=dataclasses.asdict(plan.inputs.profile.data),
        transport=plan.inputs.harness.transport,
    )
    options = cases.FuzzOptions(
        max_examples=plan.max_examples, time_budget_s=plan.time_budget_s, seed=plan.seed
    )
    with display.working("fuzzing", 1) as progress:
        outcome = stage.run_fuzz(
            plan.schema, target, plan.knowledge, options, progress=progress, breaker=breaker
        )
    stats = outcome.stats
    display.line(
        f"fuzzing: {stats['cases_total']} cases, {stats['findings']} finding(s), "
        f"seed {plan.seed} ({stats['duration_s']} s)"
        + (f"; stopped: {stats['stopped']}" if stats.get("stopped") else "")
    )
    return [judged(check, plan.inputs.spec_checks) for check in outcome.checks], stats


def _outcomes(checks: Sequence[CheckResult]) -> str:
    counts = {o: sum(1 for c in checks if c.outcome == o) for o in Outcome}
    return (
        f"{len(checks)} checks: {counts[Outcome.PASSED]} passed, "
        f"{counts[Outcome.FAILED]} deviating, {counts[Outcome.DIFFERENCE]} different, "
        f"{counts[Outcome.NOT_APPLICABLE]} not applicable, {counts[Outcome.ERROR]} error"
    )


def _versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in VERSIONED:
        with contextlib.suppress(metadata.PackageNotFoundError):
            versions[name] = metadata.version(name)
    return versions


def _shown_path(path: Path) -> str:
    with contextlib.suppress(ValueError):
        return str(path.resolve().relative_to(PROJECT_ROOT))
    return str(path)
