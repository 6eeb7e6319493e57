"""The harness against servers that misbehave: each run ends in bounded time, exits 1 (the
target broke rules), reports failures and still writes report.html and results.json.

Every faulty server accepts TCP connections and answers /mock/health; only the API path
misbehaves. So the target is reachable and wrong, which is exit 1; exit 3 is for a target
nobody answers at all (refused or unresolvable), which none of these is.

All seven harness runs go at once (they mostly wait on sockets), with a realistic per-request
timeout of 2 s in a copy of the mock's profile: each request has that as a wall-clock deadline,
and after 3 consecutive transport failures the run's breaker stops sending, so a target that
hangs, resets, answers garbage or trickles costs about 3 x 2 s, not 250 x 2 s.
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

import pytest
import yaml

from tests.hardening.faulty_targets import KINDS
from tests.support import BASE_PATH, ROOT, free_port, serve

RUN_TIMEOUT_S = 240.0  # a harness run that takes longer than this is a hung harness
REQUEST_TIMEOUT_S = 2.0  # per request, connect plus whole response
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
            cmd = [
                str(CONFORMANCE),
                "run",
                "--target",
                str(profile),
                "--base-url",
                root + BASE_PATH,
                "--only",
                "scenarios",
                "--report-dir",
                str(report_dir),
            ]
            procs[kind] = (
                subprocess.Popen(
                    cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
                ),
                report_dir,
                time.monotonic(),
            )
        yield {kind: _finish(kind, *entry) for kind, entry in procs.items()}


def _finish(kind: str, proc: subprocess.Popen[str], report_dir: Path, started: float) -> Run:
    left = max(1.0, RUN_TIMEOUT_S - (time.monotonic() - started))
    try:
        _, err = proc.communicate(timeout=left)
        code: int | None = proc.returncode
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate()
        code = None
    return Run(kind, code, time.monotonic() - started, report_dir, err[-3000:])


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
