"""Helpers for the proxy's tests: a proxy plan for a profile, and one that records its traffic."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from conformance.proxy.command import Proxy, ProxyPlan, plan
from conformance.proxy.judge import Seen
from conformance.results import RunResult, cause_groups
from tests.support import ROOT, free_port

MOCK_PROFILE = ROOT / "mock_server" / "data" / "profile.yaml"
INDEPENDENT_PROFILE = ROOT / "tests" / "independent" / "profile.yaml"


def proxy_plan(profile: Path, base_url: str, report_dir: Path, annotate: bool = False) -> ProxyPlan:
    args = argparse.Namespace(target=profile, base_url=base_url, spec=None, annotate=annotate,
                              listen=f"127.0.0.1:{free_port()}", report_dir=report_dir)  # fmt: skip
    return plan(args)


@dataclass
class Recorded:
    """Every exchange a proxy judged, with the rules it let the proxy check."""

    # each exchange, with the rules it let the proxy check and what it sent for each
    exchanges: list[tuple[Seen, dict[str, str]]] = field(default_factory=list)

    def checking(self, rule_id: str, limit: int) -> list[Seen]:
        """Up to `limit` exchanges that let the proxy check `rule_id`: one of each thing sent
        (each documented locale, each status of an answer) first, then the others in order."""
        checked = [(seen, sent[rule_id]) for seen, sent in self.exchanges if rule_id in sent]
        distinct = {what: seen for seen, what in reversed(checked)}
        chosen = list(distinct.values())[:limit]
        rest = [seen for seen, _ in checked if all(seen is not c for c in chosen)]
        return chosen + rest[: limit - len(chosen)]


def recording(proxy: Proxy) -> Recorded:
    """Keep what `proxy` judges (its Session.record, wrapped)."""
    recorded = Recorded()
    judge_one = proxy.session.record

    def record(seen: Seen, elapsed_ms: float):  # type: ignore[no-untyped-def]
        judgement = judge_one(seen, elapsed_ms)
        sent = {
            rule: judgement.details.get(rule, str(seen.status_code)) for rule in judgement.observed
        }
        recorded.exchanges.append((seen, sent))
        return judgement

    proxy.session.record = record  # type: ignore[method-assign]
    return recorded


def deviating_rules(result: RunResult) -> set[str]:
    """The rules of the deviating root causes (and 'fault' for an upstream that failed)."""
    rules = {g.finding.rule_id for g in cause_groups(result.checks) if g.is_deviation}
    return rules | {"fault" for c in result.checks if c.kind == "fault"}


def request_of(seen: Seen) -> httpx.Request:
    """The request a client sent, to send it again."""
    headers = [(k, v) for k, v in seen.request_headers.multi_items()
               if k.lower() not in ("host", "content-length")]  # fmt: skip
    return httpx.Request(seen.method, "http://proxy" + seen.target, headers=headers,
                         content=seen.request_body)  # fmt: skip
