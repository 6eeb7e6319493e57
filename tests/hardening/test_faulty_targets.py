"""The harness against servers that misbehave: each run ends in bounded time, exits 1 (the
target broke rules), reports failures and still writes report.html and results.json.

Every faulty server accepts TCP connections and answers /mock/health; only the API path
misbehaves. So the target is reachable and wrong, which is exit 1; exit 3 is for a target
nobody answers at all (refused or unresolvable), which none of these is.

All seven harness runs (scenarios and a small seeded fuzzing stage) go at once (they mostly
wait on sockets), with a realistic per-request timeout of 2 s in a copy of the mock's profile:
each request has that as a wall-clock deadline, and after 3 consecutive transport failures the
run's breaker stops sending, so a target that hangs, resets, answers garbage or trickles costs
about 3 x 2 s, not 250 x 2 s.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pytest
import yaml

from tests.hardening.faulty_targets import KINDS
from tests.support import BASE_PATH, ROOT, free_port, serve

RUN_TIMEOUT_S = 240.0  # a harness run that takes longer than this is a hung harness
REQUEST_TIMEOUT_S = 2.0  # per request, connect plus whole response
RUN_BOUND_S = 60.0  # limit x timeout plus harness start-up, generously, on 2 busy cores
# Kinds that never give an HTTP answer on the API path: the breaker must stop the run.
STOPS_ANSWERING = ("hang", "reset", "garbage", "slow", "trickle")
FAULTY = ROOT / "tests" / "hardening" / "faulty_targets.py"
CONFORMANCE = Path(sys.executable).with_name("conformance")


@dataclass(frozen=True)
class Run:
    kind: str
    exit_code: int | None  # None: killed after RUN_TIMEOUT_S
    seconds: float
    report_dir: Path
    stderr: str
    printed: list[str]

    def results(self) -> dict:  # type: ignore[type-arg]
        return json.loads(next(self.report_dir.rglob("results.json")).read_text())


def _profile(tmp: Path) -> Path:
    profile = yaml.safe_load((ROOT / "mock_server" / "data" / "profile.yaml").read_text())
    profile["timeout_seconds"] = REQUEST_TIMEOUT_S
    path = tmp / "profile.yaml"
    path.write_text(yaml.safe_dump(profile))
    return path


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Run]]:
    tmp = tmp_path_factory.mktemp("faulty")
    profile = _profile(tmp)
    with ExitStack() as stack:
        procs = {}
        for kind in KINDS:
            port = free_port()
            argv = [
                sys.executable,
                str(FAULTY),
                kind,
                "--port",
                str(port),
                "--size-mb",
                "16",
                "--delay",
                "1",
            ]
            root = stack.enter_context(serve(argv, port))
            report_dir = tmp / kind
            cmd = [str(CONFORMANCE), "run", "--target", str(profile), "--base-url"]
            cmd += [root + BASE_PATH, "--report-dir", str(report_dir)]
            cmd += ["--seed", "1", "--max-examples", "5"]
            out = stack.enter_context((tmp / f"{kind}.out").open("w+"))
            proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.PIPE, text=True)
            procs[kind] = (proc, report_dir, time.monotonic(), out)
        yield {kind: _finish(kind, *entry) for kind, entry in procs.items()}


def _finish(
    kind: str,
    proc: subprocess.Popen[str],
    report_dir: Path,
    started: float,
    out: IO[str],
) -> Run:
    left = max(1.0, RUN_TIMEOUT_S - (time.monotonic() - started))
    try:
        _, err = proc.communicate(timeout=left)
        code: int | None = proc.returncode
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate()
        code = None
    seconds = time.monotonic() - started
    out.seek(0)
    return Run(kind, code, seconds, report_dir, err[-3000:], out.read().splitlines())


@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
def test_harness_finishes_reports_and_fails_against_a_faulty_target(
    runs: dict[str, Run], kind: str
) -> None:
    run = runs[kind]
    assert run.exit_code is not None, f"harness still running after {RUN_TIMEOUT_S}s: {kind}"
    assert run.exit_code == 1, f"exit {run.exit_code}: {run.stderr}"
    assert list(run.report_dir.rglob("report.html")), "no report.html"
    results = run.results()
    outcomes = [c["outcome"] for c in results["checks"]]
    failed = [o for o in outcomes if o in ("failed", "error")]
    assert failed, f"no failure reported against {kind}: {outcomes}"
    assert "passed" not in outcomes or outcomes.count("passed") < len(failed), outcomes
    if kind in STOPS_ANSWERING:
        assert "stopped answering after 3 consecutive" in results["target_stopped"]


@pytest.mark.slow
@pytest.mark.parametrize("kind", STOPS_ANSWERING)
def test_a_run_against_a_target_that_stops_answering_is_bounded(
    runs: dict[str, Run], kind: str
) -> None:
    run = runs[kind]
    assert run.exit_code == 1, f"{kind}: exit {run.exit_code} after {run.seconds:.1f} s"
    assert run.seconds < RUN_BOUND_S, f"{kind}: {run.seconds:.1f} s"
    for name in ("report.html", "results.json", "junit.xml"):
        assert (run.report_dir / name).is_file(), name
    results = run.results()
    assert results["verdict"]["conforms"] is False
    outcomes = [c["outcome"] for c in results["checks"]]
    assert "passed" not in outcomes
    assert outcomes.count("error") > 200, "later scenarios are errors, not sent"
    lost = [c for c in results["checks"] if c["id"] == "fuzz-target-lost"]
    assert lost and "not sent" in lost[0]["message"], "the fuzzing stage sent nothing"
    html = (run.report_dir / "report.html").read_text()
    assert 'id="target-stopped"' in html and "stopped answering after 3 consecutive" in html
    listed = ("conformance: DEVIATION", "conformance: DIFFERENCE", "conformance: ERROR")
    failed_lines = sum(line.startswith(listed) for line in run.printed)
    assert 0 < failed_lines <= 25, "not collapsed"
    assert any("more (see the report)" in line for line in run.printed)
