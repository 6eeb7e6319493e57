"""Finish a run: the baseline diff, the reports, one line per root cause and the verdict."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from conformance import baseline as baselines
from conformance.display import Display
from conformance.errors import EXIT_DEVIATION, EXIT_OK
from conformance.results import Outcome, RunResult
from conformance.run_plan import RunPlan

LISTED_FAILURES = 25  # a dead target fails every check: the report lists them all


def finish(plan: RunPlan, result: RunResult, display: Display) -> int:
    from conformance.report import verdict, write_reports

    diff = None
    if plan.baseline is not None:
        diff = baselines.diff(
            result.failures, plan.baseline, str(plan.baseline_path), result.meta.strict
        )
    paths = write_reports(result, plan.inputs.catalog, plan.report_dir, diff)
    outcome = verdict(result, diff)
    _list_causes(result, diff, display)
    for warning in result.meta.warnings:
        display.line(warning)
    display.verdict(outcome.conforms, f"{outcome.headline} ({outcome.detail})")
    display.line(
        f"report: {_shown(paths['html'])} (also {paths['json'].name}, {paths['junit'].name})"
    )
    return EXIT_OK if outcome.conforms else EXIT_DEVIATION


def _list_causes(result: RunResult, diff: baselines.BaselineDiff | None, display: Display) -> None:
    """One line per root cause, deviations first; a dead target fails every check, so at most
    LISTED_FAILURES lines (the report lists them all)."""
    from conformance.report.render import group_rows

    rows = group_rows(result, diff, True) + group_rows(result, diff, False)
    lines = [_cause_line(row) for row in rows] + [
        f"ERROR {','.join(c.rule_ids) or '-'} {c.name}: {c.message[:120]}"
        for c in result.checks
        if c.outcome == Outcome.ERROR
    ]
    for line in lines[:LISTED_FAILURES]:
        display.line(line)
    if len(lines) > LISTED_FAILURES:
        display.line(f"... and {len(lines) - LISTED_FAILURES} more (see the report)")


def _cause_line(row: dict[str, Any]) -> str:
    group = row["group"]
    tag = "KNOWN" if row["known"] else ("DEVIATION" if group.is_deviation else "DIFFERENCE")
    checks = len(group.checks)
    return (
        f"{tag} {group.finding.rule_id} {group.finding.item}: {group.finding.cause} "
        f"({checks} check{'s' if checks != 1 else ''}, {group.exchanges} exchanges)"
    )


def _shown(path: Path) -> str:
    with contextlib.suppress(ValueError):
        return str(path.resolve().relative_to(Path.cwd()))
    return str(path)
