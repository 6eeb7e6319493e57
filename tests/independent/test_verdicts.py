"""The harness judged the way QA teams judge a vendor: against a second, independent server.

The independent server keeps every documented fact and makes the other choice wherever the docs
are silent, so in vendor mode it must conform (differences listed, never failing); with one
documented fact broken it must fail under that rule alone (the mutation suite); a 201 that
carries a body is one deviation, however many exchanges show it.
"""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

from tests.independent.breaks import BREAKS
from tests.support import BASE_PATH, ROOT, free_port, serve

PROFILE = ROOT / "tests" / "independent" / "profile.yaml"
CONFORMANCE = Path(sys.executable).with_name("conformance")
FAST_FUZZ = ["--max-examples", "5", "--seed", "1", "--time-budget", "30"]


@contextmanager
def independent(*flags: str) -> Iterator[str]:
    """The independent server in a subprocess on a free loopback port; yields its API base."""
    port = free_port()
    argv = [sys.executable, "-m", "tests.independent.server", "--port", str(port), *flags]
    with serve(argv, port, health_path="/health") as root:
        yield root + BASE_PATH


def run(base_url: str, report: Path, *args: str, profile: Path = PROFILE) -> tuple[int, Any]:
    cmd = [str(CONFORMANCE), "run", "--target", str(profile), "--base-url", base_url,
           "--report-dir", str(report), *args]  # fmt: skip
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    return proc.returncode, json.loads((report / "results.json").read_text())


def causes(results: Any, verdict: str) -> list[Any]:
    return [c for c in results["root_causes"] if c["verdict"] == verdict]


def test_in_vendor_mode_the_independent_server_conforms_and_its_choices_are_listed(
    tmp_path: Path,
) -> None:
    with independent() as base:
        code, results = run(base, tmp_path, *FAST_FUZZ)
    assert code == 0, [c["key"] for c in causes(results, "deviation")]
    assert results["verdict"]["conforms"] is True and results["mode"] == "vendor"
    assert causes(results, "deviation") == []
    differences = causes(results, "difference")
    assert len(differences) >= 20
    # among them the choices the issue names: codes of inferred rules, wording, ignored elements
    keys = {c["key"] for c in differences}
    assert "HDR-04|code|expected 406-101, got 406-100" in keys
    assert "BODY-09|code|expected 400-194, got 400-152" in keys
    assert "CUS-16|outcome|the request was not refused: 201" in keys
    assert any(k.startswith("UC-17|attribute|") for k in keys)
    assert all(c["expected"] and c["actual"] for c in differences)  # ours beside theirs
    assert results["warnings"] == []
    assert results["stage_answers"]["fuzzing"] and results["stage_answers"]["scenarios"]
    junit = ET.parse(tmp_path / "junit.xml").getroot()
    assert junit.get("failures") == "0"
    assert junit.findall(".//property[@name='difference']")
    html = (tmp_path / "report.html").read_text()
    assert "Differences from the reference (" in html and "The reference expects" in html


def test_in_reference_mode_the_same_differences_fail_the_run(tmp_path: Path) -> None:
    profile = yaml.safe_load(PROFILE.read_text())
    strict = tmp_path / "reference.yaml"
    strict.write_text(yaml.safe_dump({**profile, "mode": "reference"}))
    with independent() as base:
        code, results = run(base, tmp_path / "r", "--only", "scenarios", "--area", "headers",
                            profile=strict)  # fmt: skip
        lenient, _ = run(base, tmp_path / "v", "--only", "scenarios", "--area", "headers")
        failing, _ = run(base, tmp_path / "f", "--only", "scenarios", "--area", "headers",
                         "--fail-on-difference")  # fmt: skip
    assert (code, lenient, failing) == (1, 0, 1)
    assert causes(results, "deviation") == [] and causes(results, "difference")
    assert all(c["fails_run"] for c in causes(results, "difference"))
    assert results["selection"]["areas"] == ["headers"]
    assert "QRY-01" in results["selection"]["left_out"]


def test_a_201_with_a_body_is_one_deviation_and_every_other_rule_holds(tmp_path: Path) -> None:
    with independent("--body-on-201") as base:
        code, results = run(base, tmp_path, *FAST_FUZZ)
    assert code == 1
    [deviation] = causes(results, "deviation")
    assert deviation["rule_id"] == "EFF-01" and "has a body" in deviation["cause"]
    assert deviation["exchanges"] > 50  # seen on every 201, scenarios and fuzzing alike
    statuses = {rule["id"]: rule["status"] for rule in results["rules"]}
    assert statuses["EFF-01"] == "failed"
    assert [rid for rid, status in statuses.items() if status == "failed"] == ["EFF-01"]


def test_the_mutation_suite_catches_every_documented_break_under_its_own_rule() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "tests.independent.mutations", "--json", "--workers", "2"],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    verdicts = json.loads(proc.stdout.strip().splitlines()[-1])
    assert [v["rule"] for v in verdicts] == list(BREAKS)
    missed = [f"{v['rule']}: exit {v['exit_code']} {v['deviations']}" for v in verdicts
              if not v["caught"]]  # fmt: skip
    assert not missed, missed
    assert proc.returncode == 0
    assert f"caught {len(BREAKS)} of {len(BREAKS)}" in proc.stderr


def test_a_stage_that_mostly_ended_at_one_gate_says_so(tmp_path: Path) -> None:
    """The mock's profile against the independent server: none of its tokens is known there."""
    with independent() as base:
        code, results = run(base, tmp_path, "--only", "scenarios",
                            profile=ROOT / "mock_server" / "data" / "profile.yaml")  # fmt: skip
    assert code == 1
    [warning] = results["warnings"]
    assert "scenarios tested almost nothing" in warning and "authentication gate (401)" in warning
    assert "check tokens in the profile" in warning
    assert "tested almost nothing" in (tmp_path / "report.html").read_text()
