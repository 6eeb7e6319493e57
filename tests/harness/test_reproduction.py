"""Exact evidence: the size-limit rules' curl lines, run as printed, get the answer the run got.

One `conformance run` of the LIM-* scenarios against the mock, through the plain transport (no
urllib3/requests internals: the same verdicts); then every curl line of those checks in
results.json runs, with the real curl binary, in the report's directory (large bodies are read
from its bodies/ folder), against the same mock.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conformance.results import error_code_of
from tests.support import ROOT, running_mock

PROFILE = ROOT / "mock_server" / "data" / "profile.yaml"
CONFORMANCE = Path(sys.executable).with_name("conformance")

pytestmark = pytest.mark.skipif(shutil.which("curl") is None, reason="needs the curl binary")


@pytest.fixture(scope="module")
def limits_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, dict]]:
    """The LIM-* scenarios run against a mock that stays up for the replays."""
    report_dir = tmp_path_factory.mktemp("limits")
    with running_mock() as base:
        argv = [str(CONFORMANCE), "run", "--target", str(PROFILE), "--base-url", base,
                "--rule", "LIM-*", "--transport", "plain",
                "--report-dir", str(report_dir)]  # fmt: skip
        proc = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
        yield base, report_dir, json.loads((report_dir / "results.json").read_text())


def limit_exchanges(results: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        exchange
        for check in results["checks"]
        if check["kind"] == "scenario" and any(r.startswith("LIM-") for r in check["rule_ids"])
        for exchange in check["exchanges"]
    ]


def test_the_plain_transport_gives_the_same_verdicts(limits_run: tuple[str, Path, dict]) -> None:
    _, _, results = limits_run
    assert results["verdict"]["conforms"] is True
    scenarios = [c for c in results["checks"] if c["kind"] == "scenario"]
    assert len(scenarios) >= 13
    assert {c["outcome"] for c in scenarios} == {"passed"}


def test_the_size_limit_rules_curl_lines_reproduce_the_answers(
    limits_run: tuple[str, Path, dict],
) -> None:
    _, report_dir, results = limits_run
    exchanges = limit_exchanges(results)
    from_files = [e for e in exchanges if "@bodies/" in e["curl"]]
    assert from_files, "no body was large enough to be written beside the report"
    for exchange in exchanges:
        assert exchange["status"] is not None, exchange["error"]
        done = subprocess.run(
            ["bash", "-c", exchange["curl"]],
            cwd=report_dir, capture_output=True, timeout=60,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        status, body = answer_of(done.stdout)
        assert (status, error_code_of(body)) == (
            exchange["status"],
            error_code_of(exchange["response_body"]),
        ), exchange["curl"][:300]
        if status >= 400:  # the same error, attribute and message included
            assert body.decode() == exchange["response_body"], exchange["curl"][:300]


def answer_of(output: bytes) -> tuple[int, bytes]:
    """The status and body of `curl -i` output (after any 100 Continue)."""
    head, _, body = output.partition(b"\r\n\r\n")
    while head.split(b" ")[1:2] == [b"100"]:
        head, _, body = body.partition(b"\r\n\r\n")
    return int(head.split(b" ")[1]), body
