"""What the proxy saw, accumulated into the harness's own RunResult (so the same report is written).

The server's findings go through a `TraitLog` (kind "passive"): one check per root cause with
its count and a few samples, and one passed check per rule that always held. The clients'
mistakes are their own list; upstream faults are checks of kind "fault". Memory stays bounded:
counters, and at most SAMPLES exchanges per root cause.
"""

from __future__ import annotations

import hashlib
import itertools
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

from conformance.catalog import Catalog
from conformance.proxy.judge import Judge, Judgement, Mistake, Seen
from conformance.results import (
    TRIM_AT,
    CheckResult,
    ClientMistake,
    Exchange,
    Outcome,
    RunMeta,
    RunResult,
    trim,
)
from conformance.traits import SAMPLES, TraitLog

SHOWN_HEADERS = 20  # headers kept per sample exchange


@dataclass
class _Tally:
    """Every occurrence of one client mistake, or of one fault."""

    count: int = 0
    details: list[str] = field(default_factory=list)
    exchanges: list[Exchange] = field(default_factory=list)

    def add(self, detail: str, exchange: Exchange | None) -> None:
        self.count += 1
        if len(self.details) < SAMPLES:
            self.details.append(detail)
            if exchange is not None:
                self.exchanges.append(exchange)


class Session:
    """One proxy run: every exchange judged and counted."""

    def __init__(self, judge: Judge, target_name: str, base_url: str, spec_bytes: bytes) -> None:
        self.judge = judge
        self.catalog: Catalog = judge.catalog
        self.log = TraitLog(judge.catalog, kind="passive")
        self.counts: Counter[str] = Counter()
        self.mistakes: dict[tuple[str, str], _Tally] = {}
        self.faults: dict[str, _Tally] = {}
        self.target_name = target_name
        self.base_url = base_url
        self.spec_digest = hashlib.sha256(spec_bytes).hexdigest()
        self.started_at = datetime.now(UTC)
        self.started = time.monotonic()

    def record(self, seen: Seen, elapsed_ms: float) -> Judgement:
        """Judge one exchange that got an upstream answer; its violations (for --annotate)."""
        self.counts["exchanges"] += 1
        judgement = self.judge.judge(seen)
        if self.judge.in_api(seen):
            self.counts["judged"] += 1
        if self.judge.is_operation(seen):
            self.counts["operation"] += 1
        exchange = (
            self.exchange(seen, elapsed_ms) if judgement.violations or judgement.mistakes else None
        )
        for rule_id, problems in judgement.observed.items():
            self.log.observe(rule_id, problems, exchange)
        for mistake in judgement.mistakes:
            self._mistake(mistake, exchange)
        self.counts["deviations"] = sum(
            1 for c in self.log.causes.values() if c.finding.is_deviation
        )
        return judgement

    def exchange(self, seen: Seen, elapsed_ms: float, error: str | None = None) -> Exchange:
        """A sample of one exchange, addressed to the upstream with the exact bytes the client
        sent, so its curl line reproduces it against the target without the proxy."""
        parts = urlsplit(self.base_url)
        return _exchange(seen, f"{parts.scheme}://{parts.netloc}", elapsed_ms, error)

    def _mistake(self, mistake: Mistake, exchange: Exchange | None) -> None:
        self.counts["mistakes"] += 1
        key = (mistake.rule_id, mistake.sent)
        self.mistakes.setdefault(key, _Tally()).add(mistake.detail, exchange)

    def fault(self, kind: str, detail: str, exchange: Exchange) -> None:
        """The upstream gave no usable answer (the client got the proxy's 502 or 504)."""
        self.counts["exchanges"] += 1
        self.counts["faults"] += 1
        self.faults.setdefault(kind, _Tally()).add(detail, exchange)

    def refused(self, reason: str) -> None:
        """A request the proxy itself refused (over its body cap): never sent upstream."""
        self.counts["refused_by_proxy"] += 1
        self.counts[f"refused: {reason}"] += 1

    def result(self) -> RunResult:
        meta = RunMeta(
            target_name=self.target_name,
            base_url=self.base_url,
            spec_digest=self.spec_digest,
            started=self.started_at.strftime("%Y-%m-%d %H:%M:%S UTC"),
            duration_s=round(time.monotonic() - self.started, 2),
            versions={},
            stages=("proxy",),
            documented_statuses=tuple(sorted(self.judge.statuses)),
            mode=self.judge.profile.mode,
        )
        checks = (*self.log.results(), *self._fault_checks())
        mistakes = tuple(
            ClientMistake(rule_id, sent, t.count, tuple(t.details), tuple(t.exchanges))
            for (rule_id, sent), t in self.mistakes.items()
        )
        return RunResult(
            meta=meta, checks=checks, client_mistakes=mistakes, traffic=dict(self.counts)
        )

    def _fault_checks(self) -> list[CheckResult]:
        return [
            CheckResult(
                id=f"fault:{kind}",
                kind="fault",
                name=f"the target gave no usable answer: {kind}",
                outcome=Outcome.ERROR,
                message=f"{tally.details[0]} (in {tally.count} exchanges)",
                expected="an HTTP answer within the deadline",
                actual=kind,
                exchanges=tuple(tally.exchanges),
                fingerprint=f"fault:{kind}",
                count=tally.count,
            )
            for kind, tally in self.faults.items()
        ]


def _exchange(seen: Seen, origin: str, elapsed_ms: float, error: str | None) -> Exchange:
    return Exchange(
        method=seen.method,
        url=origin + seen.target,
        request_headers=_headers(seen.request_headers.items()),
        request_body=trim(seen.request_body.decode("utf-8", errors="replace")),
        status=seen.status_code or None,
        response_headers=_headers(seen.headers.items()),
        response_body=trim(seen.text, TRIM_AT),
        elapsed_ms=round(elapsed_ms, 1),
        error=error,
        sent_body=seen.request_body,
    )


def _headers(items: Iterable[tuple[str, str]]) -> dict[str, str]:
    return {k: v for k, v in itertools.islice(items, SHOWN_HEADERS)}
