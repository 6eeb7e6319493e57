"""Properties of every response, checked on every exchange and reported once, under their own rule.

A 201's body and Location (EFF-01), the error body's shape (PRT-02) and media type (HDR-05), the
read-back's shape (EFF-04): a target that breaks one breaks it on every exchange, so it is one
deviation with a count and a few samples, not a failure of every scenario that happened to send
a request. The scenario that sent the request goes on with its own rule's assertions.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from conformance.catalog import Catalog
from conformance.response_shape import Problem
from conformance.results import CheckResult, Exchange, Finding, Outcome, outcome_of

TRAITS = {  # rule -> what every exchange it covers must show
    "EFF-01": "every 201 has no body and a Location naming the new activity",
    "PRT-02": "every error carries the vendor's error body",
    "HDR-05": "every error comes in the media type Accept asks for",
    "EFF-04": "every activity reads back in the vendor's Get-activity shape",
}
SAMPLES = 3  # exchanges kept per root cause


@dataclass
class _Cause:
    finding: Finding
    count: int = 0
    samples: list[Exchange] = field(default_factory=list)


class TraitLog:
    """What every exchange of a run showed of each trait; one per run."""

    def __init__(self, catalog: Catalog, kind: str = "trait") -> None:
        self.catalog = catalog
        self.kind = kind  # the proxy judges every passive rule this way: kind "passive"
        self.checked: Counter[str] = Counter()
        self.causes: dict[str, _Cause] = {}

    def observe(self, rule_id: str, problems: list[Problem], exchange: Exchange | None) -> None:
        """One exchange that `rule_id` covers, and the problems it showed (none: it held)."""
        self.checked[rule_id] += 1
        for problem in problems:
            finding = self._finding(problem)
            cause = self.causes.setdefault(finding.key, _Cause(finding))
            cause.count += 1
            if exchange is not None and len(cause.samples) < SAMPLES:
                cause.samples.append(exchange)

    def _finding(self, problem: Problem) -> Finding:
        level = problem.level or self.catalog.get(problem.rule_id).level(problem.item)
        return Finding(
            rule_id=problem.rule_id,
            item=problem.item,
            level=level.value,
            cause=problem.cause,
            message=problem.message,
            expected=problem.expected,
            actual=problem.actual,
        )

    def results(self) -> list[CheckResult]:
        """One check per root cause seen, and one passed check per trait that always held."""
        broken = [self._broken(cause) for cause in self.causes.values()]
        held = [
            self._held(rule_id)
            for rule_id in self.checked
            if self.checked[rule_id]
            and not any(c.finding.rule_id == rule_id for c in self.causes.values())
        ]
        return [*broken, *held]

    def _broken(self, cause: _Cause) -> CheckResult:
        finding = cause.finding
        checked = self.checked[finding.rule_id]
        return CheckResult(
            id=f"{self.kind}:{finding.key}",
            kind=self.kind,
            name=f"{self._name(finding.rule_id)}: {finding.cause}",
            outcome=outcome_of([finding]),
            rule_ids=(finding.rule_id,),
            area=self.catalog.get(finding.rule_id).area,
            message=f"{finding.message} (in {cause.count} of {checked} exchanges)",
            expected=finding.expected,
            actual=finding.actual,
            exchanges=tuple(cause.samples),
            fingerprint=f"{self.kind}:{finding.rule_id}",
            findings=(finding,),
            count=cause.count,
        )

    def _held(self, rule_id: str) -> CheckResult:
        checked = self.checked[rule_id]
        return CheckResult(
            id=f"{self.kind}:{rule_id}",
            kind=self.kind,
            name=self._name(rule_id),
            outcome=Outcome.PASSED,
            rule_ids=(rule_id,),
            area=self.catalog.get(rule_id).area,
            message=f"held in all {checked} exchanges",
            fingerprint=f"{self.kind}:{rule_id}",
            count=checked,
        )

    def _name(self, rule_id: str) -> str:
        return TRAITS.get(rule_id) or self.catalog.get(rule_id).title
