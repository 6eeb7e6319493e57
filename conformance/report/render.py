"""Render one RunResult as the HTML report, the JSON results file and JUnit XML.

Rendering is a dumb step: everything shown is computed here from the results and the rule
catalog (`summarize`), then handed to a jinja2 template or serialised. No I/O but the writes.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from conformance.baseline import BaselineDiff
from conformance.catalog import AREAS, Catalog, Rule
from conformance.results import (
    CheckResult,
    Outcome,
    RuleStatus,
    RunResult,
    checks_by_rule,
    error_code_of,
    rule_status,
)

TEMPLATES = Path(__file__).resolve().parent / "templates"
FILES = {"html": "report.html", "json": "results.json", "junit": "junit.xml"}
SHOWN_BODY = 2000  # characters of a body shown in the HTML report
STATUS_LABELS = {
    RuleStatus.PASSED: "passed",
    RuleStatus.FAILED: "failed",
    RuleStatus.NOT_APPLICABLE: "not applicable",
    RuleStatus.NOT_CHECKED: "not checked",
}


@dataclass(frozen=True)
class Verdict:
    conforms: bool
    blocking: tuple[CheckResult, ...]  # deviations that fail the run (new ones with a baseline)
    headline: str
    detail: str


def verdict(result: RunResult, baseline_diff: BaselineDiff | None = None) -> Verdict:
    """Conforms when no deviation fails the run; with a baseline only new deviations do."""
    deviations = result.failures
    blocking = baseline_diff.new if baseline_diff is not None else deviations
    known = len(deviations) - len(blocking)
    if result.target_stopped:
        return Verdict(False, blocking or deviations, "Does not conform", _stopped_detail(result))
    if blocking:
        detail = f"{len(blocking)} deviation(s) from the documented rules"
        detail += f" ({known} more known from the baseline)" if known else ""
        return Verdict(False, blocking, "Does not conform", detail)
    if known:
        return Verdict(True, (), "Conforms", f"no new deviation; {known} known from the baseline")
    checked = sum(1 for c in result.checks if c.outcome == Outcome.PASSED)
    return Verdict(True, (), "Conforms", f"{checked} checks passed, no deviation")


def _stopped_detail(result: RunResult) -> str:
    unsent = sum(1 for c in result.checks if c.outcome == Outcome.ERROR)
    return (
        f"the target stopped answering and the run stopped sending to it: "
        f"{len(result.failures)} deviation(s), {unsent} of them checks that could not run"
    )


# ------------------------------------------------------------------ the model shown
def rule_rows(result: RunResult, catalog: Catalog) -> list[dict[str, Any]]:
    grouped = checks_by_rule(result.checks, catalog.ids)
    return [_rule_row(rule, grouped.get(rule.id, [])) for rule in catalog.rules]


def _rule_row(rule: Rule, checks: list[CheckResult]) -> dict[str, Any]:
    status = rule_status(checks)
    return {
        "rule": rule,
        "status": status.value,
        "status_label": STATUS_LABELS[status],
        "expect": f"{rule.status}" + (f" {rule.code}" if rule.code else ""),
        "checks": checks,
        "evidence": _evidence(status, checks),
    }


def _evidence(status: RuleStatus, checks: list[CheckResult]) -> str:
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
    checked = sum(1 for r in rows if r["status"] in ("passed", "failed"))
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
    known = {c.identity for c in baseline_diff.known} if baseline_diff else set()
    return {
        "verdict": verdict(result, baseline_diff),
        "check_counts": _outcome_counts(result.checks),
        "rule_counts": _status_counts(rule_statuses),
        "areas": area_rows(rows),
        "rules": rows,
        "deviations": [{"check": c, "known": c.identity in known} for c in result.failures],
        "fuzz_checks": [c for c in result.checks if c.kind == "fuzz"],
        "coverage": coverage(result, catalog, rows),
        "baseline": baseline_diff,
        "titles": {rule.id: rule.title for rule in catalog.rules},
    }


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
        "counts": {"checks": model["check_counts"], "rules": model["rule_counts"]},
        "rules": [_rule_entry(row) for row in model["rules"]],
        "deviations": [_deviation_entry(d["check"], d["known"]) for d in model["deviations"]],
        "coverage": model["coverage"],
        "baseline": baseline_diff.to_dict() if baseline_diff else None,
        **result.to_dict(),
    }


def _rule_entry(row: dict[str, Any]) -> dict[str, Any]:
    rule: Rule = row["rule"]
    return {
        "id": rule.id,
        "area": rule.area,
        "title": rule.title,
        "certainty": rule.certainty,
        "expect": row["expect"],
        "status": row["status"],
        "evidence": row["evidence"],
        "checks": [c.id for c in row["checks"]],
    }


def _deviation_entry(check: CheckResult, known: bool) -> dict[str, Any]:
    return {
        "fingerprint": check.identity,
        "rule_ids": list(check.rule_ids),
        "name": check.name,
        "kind": check.kind,
        "outcome": check.outcome.value,
        "known": known,
        "curl": [e.curl() for e in check.exchanges],
    }


def junit_xml(result: RunResult, baseline_diff: BaselineDiff | None = None) -> bytes:
    """One testsuite per kind of check, one testcase per check."""
    known = {c.identity for c in baseline_diff.known} if baseline_diff else set()
    root = ET.Element("testsuites", name="conformance", time=f"{result.meta.duration_s:.3f}")
    for kind in sorted({c.kind for c in result.checks}):
        checks = [c for c in result.checks if c.kind == kind]
        suite = ET.SubElement(root, "testsuite", name=f"conformance.{kind}")
        for check in checks:
            _testcase(suite, check, check.identity in known)
        _count(suite)
    _count(root)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _testcase(suite: ET.Element, check: CheckResult, known: bool) -> None:
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
    paths = {kind: out_dir / name for kind, name in FILES.items()}
    paths["html"].write_text(render_html(result, catalog, baseline_diff), encoding="utf-8")
    document = results_document(result, catalog, baseline_diff)
    paths["json"].write_text(json.dumps(document, indent=2, ensure_ascii=False), encoding="utf-8")
    paths["junit"].write_bytes(junit_xml(result, baseline_diff))
    return paths
