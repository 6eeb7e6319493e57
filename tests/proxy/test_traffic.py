"""The scenario suite through the proxy: the harness's verdict is unchanged, the proxy judges every
exchange and finds no deviation; the same traffic, replayed through the proxy to each broken
independent server whose broken rule is passive, makes it report that rule and no other.

One module fixture runs the whole suite twice at once (two harness subprocesses): through a
proxy in front of the mock (a subprocess) and through one in front of the independent server
(a thread). The replays are in-process: the client on httpx's ASGI transport, the broken
server in a thread.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from conformance.catalog import load_catalog
from conformance.proxy.command import Proxy
from conformance.proxy.judge import Seen
from conformance.results import RunResult
from tests.independent.breaks import BREAKS
from tests.independent.mutations import SETTINGS, Switch, serving
from tests.independent.server import create_app
from tests.proxy.support import (
    INDEPENDENT_PROFILE,
    MOCK_PROFILE,
    Recorded,
    deviating_rules,
    proxy_plan,
    recording,
    request_of,
)
from tests.scenarios.conftest import RUNNER, bad
from tests.support import ROOT, running_mock

CATALOG = load_catalog()
PASSIVE = {rule.id for rule in CATALOG.rules if rule.passive is not None}
# Breaks of a passive rule that change only what is stored: no answer shows them.
STORED_ONLY = {
    "BODY-12": "html without text stored as text: the 201 is right",
    "BODY-14": "an undated email stored at the epoch: the 201 is right",
}
REPLAYED_PER_RULE = 60  # exchanges of the recorded traffic that let the proxy check the rule


@dataclass
class Watched:
    harness: list[dict]  # the harness's verdicts, one per check
    result: RunResult  # the proxy's
    recorded: Recorded


def _start(profile: Path, base_url: str) -> subprocess.Popen[str]:
    argv = [sys.executable, "-c", RUNNER, str(profile), base_url, "{}"]
    return subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)  # fmt: skip


def _finish(proc: subprocess.Popen[str]) -> list[dict]:
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err[-4000:]
    return list(json.loads(out.strip().splitlines()[-1]))


@pytest.fixture(scope="module")
def watched(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Watched]]:
    tmp = tmp_path_factory.mktemp("proxy")
    with running_mock() as mock_base, serving(Switch(create_app())) as independent_base:
        proxies = {
            "mock": Proxy(proxy_plan(MOCK_PROFILE, mock_base, tmp / "mock")),
            "independent": Proxy(proxy_plan(INDEPENDENT_PROFILE, independent_base, tmp / "ind")),
        }
        profiles = {"mock": MOCK_PROFILE, "independent": INDEPENDENT_PROFILE}
        recorded = {name: recording(proxy) for name, proxy in proxies.items()}
        with proxies["mock"].running() as mock_url, proxies["independent"].running() as ind_url:
            urls = {"mock": mock_url, "independent": ind_url}
            runs = {name: _start(profiles[name], urls[name] + "/core/casemgr/v3")
                    for name in proxies}  # fmt: skip
            harness = {name: _finish(proc) for name, proc in runs.items()}
        yield {
            name: Watched(harness[name], proxies[name].session.result(), recorded[name])
            for name in proxies
        }


def test_the_scenarios_through_the_proxy_pass_as_they_do_directly(
    watched: dict[str, Watched],
) -> None:
    """As tests/scenarios/test_against_mock.py asserts of the direct run."""
    results = watched["mock"].harness
    assert not bad(results)
    counts = Counter(r["outcome"] for r in results)
    assert counts["passed"] >= 200
    assert set(counts) <= {"passed", "not_applicable"}


def test_the_proxy_judges_every_exchange_of_the_mock_and_finds_no_deviation(
    watched: dict[str, Watched],
) -> None:
    result = watched["mock"].result
    traffic = result.traffic
    assert traffic["exchanges"] >= 300
    assert traffic["judged"] == traffic["exchanges"]
    assert traffic["operation"] >= 250
    assert not result.failures, [c.message for c in result.failures]
    held = {rid for c in result.checks for rid in c.rule_ids}
    assert held == PASSIVE  # every passive rule was checked on some exchange
    assert result.client_mistakes  # the suite's refusal scenarios are client mistakes
    mistakes = {m.rule_id for m in result.client_mistakes}
    assert {"ACT-01", "QRY-01", "HDR-01", "BODY-01", "UC-04"} <= mistakes


def test_the_independent_server_makes_other_choices_and_no_deviation(
    watched: dict[str, Watched],
) -> None:
    """A second server, written from the docs with the other choice at every open decision."""
    w = watched["independent"]
    assert not [r for r in w.harness if r["outcome"] in ("failed", "error")]
    assert w.result.traffic["judged"] == w.result.traffic["exchanges"] >= 300
    assert not w.result.failures, [c.message for c in w.result.failures]


@pytest.fixture(scope="module")
def broken_upstream() -> Iterator[tuple[Switch, str]]:
    """The independent server on a free port; each test swaps in its broken app."""
    switch = Switch(create_app())
    with serving(switch) as base_url:
        yield switch, base_url


def _replay(exchanges: list[Seen], base_url: str, tmp_path: Path) -> RunResult:
    """`exchanges` through a fresh proxy again, to the server at `base_url`."""
    proxy = Proxy(proxy_plan(INDEPENDENT_PROFILE, base_url, tmp_path))

    async def send_all() -> None:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=proxy.app)) as client:
            for seen in exchanges:
                await client.send(request_of(seen))
        if proxy.app.client is not None:
            await proxy.app.client.close()

    asyncio.run(send_all())
    return proxy.session.result()


PASSIVE_BREAKS = sorted(rule for rule in BREAKS if rule in PASSIVE and rule not in STORED_ONLY)


@pytest.mark.parametrize("rule_id", PASSIVE_BREAKS)
def test_a_broken_server_shows_its_broken_rule_and_no_other(
    rule_id: str,
    watched: dict[str, Watched],
    broken_upstream: tuple[Switch, str],
    tmp_path: Path,
) -> None:
    checked = watched["independent"].recorded.checking(rule_id, REPLAYED_PER_RULE)
    assert checked, f"no exchange of the suite let the proxy check {rule_id}"
    switch, base_url = broken_upstream
    switch.app = create_app(rule_id, **SETTINGS.get(rule_id, {}))
    result = _replay(checked, base_url, tmp_path)
    seen_in = {rule_id, *(r.id for r in CATALOG.rules if rule_id in r.observed_through)}
    deviating = deviating_rules(result)
    assert deviating, f"{rule_id} broken ({BREAKS[rule_id]}) went unseen"
    assert deviating <= seen_in, f"{rule_id} broken, but the proxy blames {deviating - seen_in}"
