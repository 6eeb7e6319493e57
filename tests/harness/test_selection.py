"""--rule and --area: which rules a run checks, and what the report says of the rest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conformance.catalog import load_catalog
from conformance.cli import main
from conformance.errors import ConfigError
from conformance.selection import select
from tests.harness.test_cli import PROFILE
from tests.harness.test_inputs import run_counting_reads
from tests.support import running_mock


def test_globs_and_areas_name_rules_of_the_catalog() -> None:
    catalog = load_catalog()
    grants = select(catalog, ["GRT-*"], [])
    assert grants.rule_ids == {r.id for r in catalog.rules if r.area == "grants"}
    both = select(catalog, ["hdr-01"], ["limits"])  # ids match whatever their case
    assert both.rule_ids == {"HDR-01", "LIM-01", "LIM-02", "LIM-03"}
    assert both.marker_expression(catalog) == "HDR-01 or LIM-01 or LIM-02 or LIM-03"
    assert both.covers("LIM-02") and not both.covers("QRY-01")
    everything = select(catalog, [], [])
    assert not everything.active and everything.covers("QRY-01")
    assert everything.marker_expression(catalog) is None


def test_a_pattern_that_names_no_rule_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="--rule NOPE-\\*: no rule of the catalog matches it"):
        select(load_catalog(), ["NOPE-*"], [])


def test_an_unknown_rule_or_area_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--target", str(PROFILE), "--rule", "NOPE-*"]) == 2
    assert "no rule of the catalog matches it" in capsys.readouterr().err
    assert main(["run", "--target", str(PROFILE), "--area", "nowhere"]) == 2
    assert "invalid choice: 'nowhere'" in capsys.readouterr().err


def test_a_selected_run_checks_only_its_rules_and_says_what_it_left_out(tmp_path: Path) -> None:
    with running_mock() as base:
        proc, reads = run_counting_reads("run", "--target", PROFILE, "--base-url", base,
                                         "--rule", "GRT-*", "--report-dir", tmp_path)  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-2000:]
    assert reads == {"profile.yaml": 1, "rules.yaml": 1, "openapi.yaml": 1}  # loaded once
    results = json.loads((tmp_path / "results.json").read_text())
    statuses = {rule["id"]: rule["status"] for rule in results["rules"]}
    assert {rid for rid, s in statuses.items() if s != "left_out"} == {
        "GRT-01", "GRT-02", "GRT-03", "GRT-04", "GRT-05"
    }  # fmt: skip
    assert results["meta"]["stages"] == ["scenarios"]  # fuzzing is left out of a selection
    assert (
        results["selection"]["rules"] == ["GRT-*"] and "HDR-01" in results["selection"]["left_out"]
    )
    assert all(set(c["rule_ids"]) <= {f"GRT-0{i}" for i in range(1, 6)} for c in results["checks"])
    html = (tmp_path / "report.html").read_text()
    assert "Selected: rules GRT-*" in html and "fuzzing left out" in html
