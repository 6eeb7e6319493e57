"""Render one RunResult as the HTML report, the JSON results file and JUnit XML.

Rendering is a dumb step: everything shown is computed here from the results and the rule
catalog (`summarize`), then handed to a jinja2 template or serialised. No I/O but the writes.
"""

from __future__ import annotations

import hashlib
import json
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from conformance import gates
from conformance.baseline import BaselineDiff
from conformance.catalog import AREAS, Catalog, Rule
from conformance.results import (
    CauseGroup,
    CheckResult,
    Exchange,
    Outcome,
    RuleStatus,
    RunResult,
    cause_groups,
    checks_by_rule,
    error_code_of,
    rule_status,
)

TEMPLATES = Path(__file__).resolve().parent / "templates"
FILES = {"html": "report.html", "json": "results.json", "junit": "junit.xml"}
SHOWN_BODY = 2000  # characters of a body shown in the HTML report
SAMPLE_CHECKS = 3  # checks shown in full under one root cause
STATUS_LABELS = {
    RuleStatus.PASSED: "passed",
    RuleStatus.FAILED: "deviates",
    RuleStatus.DIFFERENT: "differs",
    RuleStatus.LEFT_OUT: "left out",
    RuleStatus.NOT_APPLICABLE: "not applicable",
    RuleStatus.NOT_CHECKED: "not checked",
}


@dataclass(frozen=True)
class Verdict:
    conforms: bool
    blocking: tuple[CheckResult, ...]  # checks that fail the run (new ones with a baseline)
    headline: str
    detail: str


def verdict(result: RunResult, baseline_diff: BaselineDiff | None = None) -> Verdict:
    """Conforms when nothing fails the run: no deviation (and, in a strict run, no difference);
    with a baseline only new root causes do. The detail counts deviations, differences and
    passes, each deviation or difference once per root cause."""
    failing = result.failures
    blocking = baseline_diff.new if baseline_diff is not None else failing
    known = len(failing) - len(blocking)
    counts = _verdict_counts(result)
    if result.target_stopped:
        return Verdict(False, blocking or failing, "Does not conform", _stopped_detail(result))
    if blocking:
        detail = counts + (f"; {known} failing check(s) known from the baseline" if known else "")
        return Verdict(False, blocking, "Does not conform", detail)
    if known:
        return Verdict(True, (), "Conforms", f"{counts}; no new deviation, {known} known")
    return Verdict(True, (), "Conforms", counts)


def _verdict_counts(result: RunResult) -> str:
    groups = cause_groups(result.checks)
    deviations = sum(1 for g in groups if g.is_deviation)
    differences = len(groups) - deviations
    passed = sum(1 for c in result.checks if c.outcome == Outcome.PASSED)
    errors = sum(1 for c in result.checks if c.outcome == Outcome.ERROR)
    text = f"{deviations} deviation(s), {differences} difference(s), {passed} checks passed"
    text += f", {errors} could not run" if errors else ""
    if differences and result.meta.strict:
        why = "reference mode" if result.meta.mode == "reference" else "--fail-on-difference"
        text += f" (differences fail the run: {why})"
    return text


def _stopped_detail(result: RunResult) -> str:
    unsent = sum(1 for c in result.checks if c.outcome == Outcome.ERROR)
    return (
        f"the target stopped answering and the run stopped sending to it: "
        f"{len(result.failures)} failing check(s), {unsent} of them checks that could not run"
    )


def group_rows(
    result: RunResult, baseline_diff: BaselineDiff | None, deviations: bool
) -> list[dict[str, Any]]:
    """Root causes to show: each with its count, a few checks and their exchanges."""
    known = baseline_diff.known_identities if baseline_diff else set()
    rows = []
    for group in cause_groups(result.checks):
        if group.is_deviation != deviations:
            continue
        identities = {f"{c.identity}#{group.key}" for c in group.checks}
        rows.append(
            {
                "group": group,
                "anchor": "cause-" + hashlib.sha1(group.key.encode()).hexdigest()[:10],
                "known": bool(identities) and identities <= known,
                "samples": group.checks[:SAMPLE_CHECKS],
                "fails": group.is_deviation or result.meta.strict,
            }
        )
    return rows


# ------------------------------------------------------------------ the model shown
def rule_rows(result: RunResult, catalog: Catalog) -> list[dict[str, Any]]:
    grouped = checks_by_rule(result.checks, catalog.ids)
    left_out = set(result.meta.selection.get("left_out", ()))
    return [
        _rule_row(rule, grouped.get(rule.id, []), rule.id in left_out) for rule in catalog.rules
    ]


def _rule_row(rule: Rule, checks: list[CheckResult], left_out: bool = False) -> dict[str, Any]:
    status = RuleStatus.LEFT_OUT if left_out and not checks else rule_status(checks)
    return {
        "rule": rule,
        "status": status.value,
        "status_label": STATUS_LABELS[status],
        "expect": f"{rule.status}" + (f" {rule.code}" if rule.code else ""),
        "checks": checks,
        "evidence": _evidence(status, checks),
    }


def _evidence(status: RuleStatus, checks: list[CheckResult]) -> str:
    if status == RuleStatus.LEFT_OUT:
        return "left out of this run by its --rule/--area selection"
    if status == RuleStatus.NOT_CHECKED:
        return "no scenario or fuzzing check covers this rule in this run"
    if status == RuleStatus.NOT_APPLICABLE:
        reasons = sorted({c.message for c in checks if c.message})
        return "; ".join(reasons) or "not applicable to this target"
    counts = Counter(c.outcome.value for c in checks)
    return ", ".join(f"{n} {outcome.replace('_', ' ')}" for outcome, n in sorted(counts.items()))


def area_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for area in AREAS:
        statuses = Counter(r["status"] for r in rows if r["rule"].area == area)
        out.append({"area": area, "total": sum(statuses.values()), **_status_counts(statuses)})
    return out


def _status_counts(statuses: Counter[str]) -> dict[str, int]:
    return {s.value: statuses.get(s.value, 0) for s in RuleStatus}


def coverage(result: RunResult, catalog: Catalog, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Rules checked of total; statuses and vendor codes seen against documented ones."""
    statuses, codes = _seen(result)
    documented_statuses = set(result.meta.documented_statuses) | {r.status for r in catalog.rules}
    checked = sum(1 for r in rows if r["status"] in ("passed", "failed", "different"))
    return {
        "rules_checked": checked,
        "rules_total": len(rows),
        "statuses": [
            {"status": s, "documented": s in documented_statuses, "seen": statuses.get(s, 0)}
            for s in sorted(documented_statuses | set(statuses))
        ],
        "codes": [
            {
                "code": c,
                "message": catalog.codes.get(c, ""),
                "documented": c in catalog.codes,
                "seen": codes.get(c, 0),
            }
            for c in sorted(set(catalog.codes) | set(codes))
        ],
    }


def _seen(result: RunResult) -> tuple[Counter[int], Counter[str]]:
    statuses: Counter[int] = Counter()
    codes: Counter[str] = Counter()
    for check in result.checks:
        for exchange in check.exchanges:
            if exchange.status is None:
                continue
            statuses[exchange.status] += 1
            if exchange.status >= 400 and (code := error_code_of(exchange.response_body)):
                codes[code] += 1
    statuses.update({int(k): int(v) for k, v in result.fuzz_stats.get("statuses", {}).items()})
    codes.update({str(k): int(v) for k, v in result.fuzz_stats.get("codes", {}).items()})
    return statuses, codes


def summarize(
    result: RunResult, catalog: Catalog, baseline_diff: BaselineDiff | None = None
) -> dict[str, Any]:
    """Everything the report shows, computed once for the three outputs."""
    rows = rule_rows(result, catalog)
    rule_statuses = Counter(r["status"] for r in rows)
    return {
        "verdict": verdict(result, baseline_diff),
        "check_counts": _outcome_counts(result.checks),
        "rule_counts": _status_counts(rule_statuses),
        "areas": area_rows(rows),
        "rules": rows,
        "deviations": group_rows(result, baseline_diff, deviations=True),
        "differences": group_rows(result, baseline_diff, deviations=False),
        "unrun": [c for c in result.checks if c.outcome == Outcome.ERROR],
        "stage_answers": stage_answers(result),
        "fuzz_checks": [c for c in result.checks if c.kind == "fuzz"],
        "coverage": coverage(result, catalog, rows),
        "baseline": baseline_diff,
        "titles": {rule.id: rule.title for rule in catalog.rules},
    }


def stage_answers(result: RunResult) -> dict[str, dict[str, int]]:
    """What each stage's requests were answered: status and vendor code, most common first."""
    answers = {}
    if "scenarios" in result.meta.stages:
        answers["scenarios"] = gates.tally(scenario_exchanges(result.checks))
    if result.fuzz_stats.get("answers"):
        answers["fuzzing"] = dict(result.fuzz_stats["answers"])
    return answers


def scenario_exchanges(checks: Iterable[CheckResult]) -> list[Exchange]:
    return [e for c in checks if c.kind == "scenario" for e in c.exchanges]


def _outcome_counts(checks: Iterable[CheckResult]) -> dict[str, int]:
    counts = Counter(c.outcome.value for c in checks)
    return {o.value: counts.get(o.value, 0) for o in Outcome}


# ------------------------------------------------------------------ the three outputs
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html", "j2"], default=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["clip"] = _clip
    env.filters["pretty"] = _pretty
    return env


def _clip(text: str, limit: int = SHOWN_BODY) -> str:
    return (
        text if len(text) <= limit else f"{text[:limit]}\n… [{len(text) - limit} more characters]"
    )


def _pretty(text: str) -> str:
    """Indent a JSON body for reading; anything else as it is."""
    try:
        return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    except ValueError:
        return text


def render_html(result: RunResult, catalog: Catalog, baseline_diff: BaselineDiff | None) -> str:
    model = summarize(result, catalog, baseline_diff)
    return _environment().get_template("report.html.j2").render(result=result, **model)


def results_document(
    result: RunResult, catalog: Catalog, baseline_diff: BaselineDiff | None = None
) -> dict[str, Any]:
    """The JSON results: the run as data, each rule's status, deviations with fingerprints."""
    model = summarize(result, catalog, baseline_diff)
    outcome: Verdict = model["verdict"]
    return {
        "format": "conformance-results/1",
        "verdict": {
            "conforms": outcome.conforms,
            "headline": outcome.headline,
            "detail": outcome.detail,
        },
        "mode": result.meta.mode,
        "counts": {
            "checks": model["check_counts"],
            "rules": model["rule_counts"],
            "deviations": len(model["deviations"]),
            "differences": len(model["differences"]),
        },
        "rules": [_rule_entry(row) for row in model["rules"]],
        "root_causes": [_group_entry(row) for row in model["deviations"] + model["differences"]],
        "deviations": _baseline_entries(result, baseline_diff),
        "stage_answers": model["stage_answers"],
        "warnings": list(result.meta.warnings),
        "selection": result.meta.selection,
        "coverage": model["coverage"],
        "baseline": baseline_diff.to_dict() if baseline_diff else None,
        **_run_data(result),
    }


def _run_data(result: RunResult) -> dict[str, Any]:
    """The run as data, each exchange with the curl line that sends it again."""
    data = result.to_dict()
    for check, entry in zip(result.checks, data["checks"], strict=True):
        for exchange, recorded in zip(check.exchanges, entry["exchanges"], strict=True):
            recorded["curl"] = exchange.curl()
    return data


def _rule_entry(row: dict[str, Any]) -> dict[str, Any]:
    rule: Rule = row["rule"]
    return {
        "id": rule.id,
        "area": rule.area,
        "title": rule.title,
        "evidence": {item: level.value for item, level in rule.evidence.items()},
        "expect": row["expect"],
        "status": row["status"],
        "result": row["evidence"],
        "checks": [c.id for c in row["checks"]],
    }


def _group_entry(row: dict[str, Any]) -> dict[str, Any]:
    group: CauseGroup = row["group"]
    finding = group.finding
    return {
        "key": group.key,
        "verdict": "deviation" if group.is_deviation else "difference",
        "fails_run": row["fails"],
        "known": row["known"],
        "rule_id": finding.rule_id,
        "item": finding.item,
        "level": finding.level,
        "cause": finding.cause,
        "expected": finding.expected,
        "actual": finding.actual,
        "checks": [c.id for c in group.checks],
        "exchanges": group.exchanges,
        "curl": [e.curl() for c in row["samples"] for e in c.exchanges[:1]],
    }


def _baseline_entries(result: RunResult, diff: BaselineDiff | None) -> list[dict[str, Any]]:
    """One entry per failing root cause of each check: what `conformance baseline` keeps."""
    known = diff.known_identities if diff else set()
    strict = result.meta.strict
    return [
        {
            "fingerprint": identity,
            "rule_ids": list(check.rule_ids),
            "name": check.name,
            "kind": check.kind,
            "outcome": check.outcome.value,
            "known": identity in known,
            "curl": [e.curl() for e in check.exchanges],
        }
        for check in result.failures
        for identity in check.identities(strict)
    ]


def junit_xml(result: RunResult, baseline_diff: BaselineDiff | None = None) -> bytes:
    """One testsuite per kind of check, one testcase per check; a difference is no failure
    (a property and a system-out line) unless the run is strict."""
    known = {c.identity for c in baseline_diff.known} if baseline_diff else set()
    root = ET.Element("testsuites", name="conformance", time=f"{result.meta.duration_s:.3f}")
    for kind in sorted({c.kind for c in result.checks}):
        checks = [c for c in result.checks if c.kind == kind]
        suite = ET.SubElement(root, "testsuite", name=f"conformance.{kind}")
        for check in checks:
            _testcase(suite, check, check.identity in known, result.meta.strict)
        _count(suite)
    _count(root)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _testcase(suite: ET.Element, check: CheckResult, known: bool, strict: bool = False) -> None:
    rules = f"[{', '.join(check.rule_ids)}] " if check.rule_ids else ""
    case = ET.SubElement(
        suite,
        "testcase",
        classname=f"conformance.{check.kind}.{check.area or 'general'}",
        name=f"{rules}{check.name}",
        time=f"{check.duration_s:.3f}",
    )
    first_line = (check.message or check.name).splitlines()[0]
    if check.outcome == Outcome.NOT_APPLICABLE:
        ET.SubElement(case, "skipped", message=f"not applicable: {first_line}")
    elif check.is_deviation and known:
        ET.SubElement(case, "skipped", message=f"known deviation (baseline): {first_line}")
    elif check.outcome == Outcome.FAILED:
        ET.SubElement(case, "failure", message=first_line, type="deviation").text = _detail(check)
    elif check.outcome == Outcome.ERROR:
        ET.SubElement(case, "error", message=first_line, type="error").text = _detail(check)
    elif check.outcome == Outcome.DIFFERENCE and strict:
        ET.SubElement(case, "failure", message=first_line, type="difference").text = _detail(check)
    if check.outcome == Outcome.DIFFERENCE:
        properties = ET.SubElement(case, "properties")
        for finding in check.findings:
            ET.SubElement(properties, "property", name="difference", value=finding.key)
        ET.SubElement(case, "system-out").text = "\n".join(
            f"difference ({f.rule_id} {f.item}, {f.level}): expected {f.expected}; "
            f"the target answered {f.actual}"
            for f in check.findings
        )


def _detail(check: CheckResult) -> str:
    lines = [check.message, f"expected: {check.expected}", f"actual: {check.actual}"]
    lines += [f"reproduce: {e.curl()}" for e in check.exchanges]
    return "\n".join(line for line in lines if line and not line.endswith(": "))


def _count(element: ET.Element) -> None:
    cases = list(element.iter("testcase"))
    element.set("tests", str(len(cases)))
    for tag, attr in (("failure", "failures"), ("error", "errors"), ("skipped", "skipped")):
        element.set(attr, str(sum(1 for c in cases if c.find(tag) is not None)))


def write_reports(
    result: RunResult,
    catalog: Catalog,
    out_dir: Path,
    baseline_diff: BaselineDiff | None = None,
) -> dict[str, Path]:
    """Write report.html, results.json and junit.xml into `out_dir`; return their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    write_bodies(result, out_dir)
    paths = {kind: out_dir / name for kind, name in FILES.items()}
    paths["html"].write_text(render_html(result, catalog, baseline_diff), encoding="utf-8")
    document = results_document(result, catalog, baseline_diff)
    paths["json"].write_text(json.dumps(document, indent=2, ensure_ascii=False), encoding="utf-8")
    paths["junit"].write_bytes(junit_xml(result, baseline_diff))
    return paths


def write_bodies(result: RunResult, out_dir: Path) -> None:
    """Each sent body too large to quote, where its curl line reads it (`Exchange.body_file`)."""
    for exchange in {e.body_file: e for c in result.checks for e in c.exchanges}.values():
        path = out_dir / exchange.body_file
        if exchange.body_file and not path.exists():
            path.parent.mkdir(exist_ok=True)
            path.write_bytes(exchange.sent_body)
