"""`conformance` exit codes and outputs: 0 conforms, 1 a rule broken, 2 usage/config, 3 unreachable.

Runs against servers go through a subprocess, as CI runs the command; usage and configuration
errors are checked in-process (they stop before the first request).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conformance.catalog import load_catalog, markdown_table
from conformance.cli import main
from tests.support import BASE_PATH, ROOT, free_port, running_mock, serve

PROFILE = ROOT / "mock_server" / "data" / "profile.yaml"
CONFORMANCE = Path(sys.executable).with_name("conformance")
FAST = ["--max-examples", "5", "--seed", "1", "--time-budget", "30"]


def conformance(*args: str | Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    cmd = [str(CONFORMANCE), *(str(a) for a in args)]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def one_error_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


# ------------------------------------------------------------------ against servers
def test_against_the_mock_exits_0_and_writes_the_three_outputs(tmp_path: Path) -> None:
    with running_mock() as base:
        proc = conformance(
            "run", "--target", PROFILE, "--base-url", base, *FAST, "--report-dir", tmp_path
        )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["verdict"]["conforms"] is True
    assert results["meta"]["stages"] == ["scenarios", "fuzz"]
    assert results["fuzz_stats"]["cases_total"] > 0
    assert ET.parse(tmp_path / "junit.xml").getroot().get("failures") == "0"
    html = (tmp_path / "report.html").read_text()
    assert "Conforms" in html
    assert f"report: {tmp_path / 'report.html'}" in proc.stdout  # says where the report is
    assert "\x1b[" not in proc.stdout  # not a terminal: plain lines for CI


def test_against_a_broken_server_exits_1_and_the_report_shows_the_rule_and_curl(
    tmp_path: Path,
) -> None:
    port = free_port()
    argv = [sys.executable, "tests/broken_servers.py", "no-privilege-check", "--port", str(port)]
    report = tmp_path / "report"
    with serve(argv, port) as root:
        base = root + BASE_PATH
        proc = conformance(
            "run", "--target", PROFILE, "--base-url", base, *FAST, "--report-dir", report
        )
        assert proc.returncode == 1, proc.stdout[-3000:] + proc.stderr[-2000:]
        assert "DEVIATION ACT-03 outcome: the request was not refused: 201" in proc.stdout
        results = json.loads((report / "results.json").read_text())
        statuses = {rule["id"]: rule["status"] for rule in results["rules"]}
        assert statuses["ACT-03"] == "failed"
        broken = [d for d in results["deviations"] if "ACT-03" in d["rule_ids"]]
        assert broken and broken[0]["curl"][0].startswith("curl -i -X POST")
        curl = broken[0]["curl"][0]
        assert "Bearer user-viewer-token" in curl  # the reproduction's actor
        if shutil.which("curl"):  # pasted into a shell, it reproduces the deviation
            replay = subprocess.run(
                ["bash", "-c", curl], capture_output=True, text=True, timeout=30
            )
            assert replay.stdout.split("\r\n", 1)[0].split()[1] == "201", replay.stdout[:500]
        html = (report / "report.html").read_text()
        assert "Does not conform" in html and 'id="rule-ACT-03"' in html
        assert "curl -i -X POST" in html

        # the deviation becomes known: a baseline from this run lets the same server pass
        known = tmp_path / "known.yaml"
        made = conformance("baseline", "--results", report / "results.json", "--out", known)
        assert made.returncode == 0, made.stderr
        again = conformance(
            "run",
            "--target",
            PROFILE,
            "--base-url",
            base,
            "--only",
            "scenarios",
            "--baseline",
            known,
            "--report-dir",
            tmp_path / "again",
        )
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-2000:]
    assert "KNOWN ACT-03" in again.stdout
    diff = json.loads((tmp_path / "again" / "results.json").read_text())["baseline"]
    assert diff["new"] == [] and any("ACT-03" in fp for fp in diff["known"])


def test_a_closed_port_exits_3_with_a_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = f"http://127.0.0.1:{free_port()}{BASE_PATH}"
    code = main(
        ["run", "--target", str(PROFILE), "--base-url", base, "--report-dir", str(tmp_path)]
    )
    assert code == 3
    line = one_error_line(capsys.readouterr().err)
    assert "cannot reach the target" in line and base in line and "refused" in line
    assert not (tmp_path / "report.html").exists()


# ------------------------------------------------------------------ usage and configuration
def test_a_malformed_profile_exits_2_naming_the_file_and_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("base_url: http://127.0.0.1:1/core/casemgr/v3\ntimeout_seconds: soon\n")
    assert main(["run", "--target", str(bad)]) == 2
    line = one_error_line(capsys.readouterr().err)
    assert str(bad) in line and "timeout_seconds" in line


def test_a_profile_that_is_not_yaml_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("tokens: [unclosed\n")
    assert main(["run", "--target", str(bad)]) == 2
    assert "not valid YAML" in capsys.readouterr().err


def test_an_unreadable_spec_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "openapi.yaml"
    spec.write_text("openapi: 3.0.3\npaths: [not, a, mapping\n")
    assert main(["run", "--target", str(PROFILE), "--spec", str(spec)]) == 2
    line = one_error_line(capsys.readouterr().err)
    assert "cannot read the spec" in line and str(spec) in line
    assert main(["run", "--target", str(PROFILE), "--spec", str(tmp_path / "none.yaml")]) == 2


@pytest.mark.parametrize(
    "argv",
    [
        ["run"],
        ["run", "--target", str(PROFILE), "--only", "everything"],
        ["run", "--target", str(PROFILE), "--max-examples", "0"],
        ["launch"],
    ],
)
def test_usage_errors_exit_2_with_one_line(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    assert "--help" in one_error_line(capsys.readouterr().err)


def test_a_bad_setting_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--target", str(PROFILE), "--setting", "secure_messaging"]) == 2
    assert "key=value" in capsys.readouterr().err
    assert main(["run", "--target", str(PROFILE), "--setting", "colour=blue"]) == 2
    assert "unknown setting" in capsys.readouterr().err


def test_a_missing_baseline_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--target", str(PROFILE), "--baseline", "no-such-baseline.yaml"]) == 2
    assert "baseline no-such-baseline.yaml: file not found" in capsys.readouterr().err


def test_baseline_needs_a_results_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "results.json").write_text('{"checks": []}')
    code = main(
        ["baseline", "--results", str(tmp_path / "results.json"), "--out", str(tmp_path / "b.yaml")]
    )
    assert code == 2 and "no `deviations` list" in capsys.readouterr().err


def test_rules_prints_the_catalog_table_the_readme_embeds(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["rules", "--format", "markdown"]) == 0
    assert capsys.readouterr().out == markdown_table(load_catalog())
    assert main(["rules"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == len(load_catalog().rules)
