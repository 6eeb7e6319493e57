"""Baselines: known deviations are written from a run and sorted into new, known and fixed."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from conformance.baseline import (
    KnownDeviation,
    deviations_from_results,
    diff,
    load_baseline,
    write_baseline,
)
from conformance.catalog import Catalog
from conformance.errors import ConfigError
from conformance.report import results_document
from conformance.results import Outcome, RunResult
from tests.harness.conftest import check, finding

ACT03 = "scenario:ACT-03-1#ACT-03|outcome|broke it"


def test_diff_sorts_new_known_and_fixed() -> None:
    act03 = check("ACT-03", Outcome.FAILED)
    hdr01 = check("HDR-01", Outcome.FAILED)
    known = [KnownDeviation(ACT03), KnownDeviation("scenario:BODY-01-1")]
    changes = diff([act03, hdr01], known, "b.yaml")
    assert changes.new == (hdr01,)
    assert changes.known == (act03,)
    assert [d.fingerprint for d in changes.fixed] == ["scenario:BODY-01-1"]
    assert changes.to_dict() == {
        "source": "b.yaml",
        "new": ["scenario:HDR-01-1"],
        "known": ["scenario:ACT-03-1"],
        "fixed": ["scenario:BODY-01-1"],
    }


def test_a_new_root_cause_of_a_known_check_is_new() -> None:
    """A known deviation never hides an unrelated one of the same scenario."""
    known = check("ACT-03", Outcome.FAILED)
    second = finding("ACT-03", "the error does not name the attribute 'x'", item="attribute")
    both = dataclasses.replace(known, findings=(*known.findings, second))
    assert diff([both], [KnownDeviation(ACT03)], "b.yaml").new == (both,)
    changed = dataclasses.replace(known, findings=(finding("ACT-03", "expected 403, got 400"),))
    assert diff([changed], [KnownDeviation(ACT03)], "b.yaml").new == (changed,)
    assert diff([known], [KnownDeviation(ACT03)], "b.yaml").new == ()


def test_a_difference_is_in_a_baseline_only_when_differences_fail_the_run() -> None:
    differs = dataclasses.replace(
        check("HDR-04", Outcome.DIFFERENCE), findings=(finding("HDR-04", "code", "choice"),)
    )
    assert differs.identities() == ()
    assert differs.identities(strict=True) == ("scenario:HDR-04-1#HDR-04|outcome|code",)


def test_a_run_written_as_a_baseline_reads_back(
    mixed: RunResult, catalog: Catalog, tmp_path: Path
) -> None:
    document = json.loads(json.dumps(results_document(mixed, catalog)))  # as results.json
    deviations = deviations_from_results(document)
    path = write_baseline(
        deviations, tmp_path / "known.yaml", target="canned vendor", source="results.json"
    )
    assert path.read_text().startswith("# Known deviations")
    again = load_baseline(path)
    assert again == deviations
    assert {d.rule_ids for d in again} == {("ACT-03",), ("PRT-03",)}
    assert diff(mixed.failures, again, str(path)).new == ()


def test_a_bare_list_of_fingerprints_is_a_baseline(tmp_path: Path) -> None:
    path = tmp_path / "known.json"
    path.write_text('["scenario:ACT-03-1", {"fingerprint": "fuzz:x", "rule_ids": ["PRT-03"]}]')
    assert load_baseline(path) == (
        KnownDeviation("scenario:ACT-03-1"),
        KnownDeviation("fuzz:x", ("PRT-03",)),
    )


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("deviations: {a: 1}", "expected a list"),
        ("deviations:\n  - rule_ids: [ACT-03]", "entry 1: expected a fingerprint"),
        ("- {fingerprint: x, rule_ids: ACT-03}", "rule_ids must be a list"),
        ("[unclosed", "cannot read"),
    ],
)
def test_malformed_baselines_are_config_errors(text: str, problem: str, tmp_path: Path) -> None:
    path = tmp_path / "known.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=problem):
        load_baseline(path)


def test_an_empty_baseline_knows_nothing(tmp_path: Path) -> None:
    path = tmp_path / "known.yaml"
    path.write_text("")
    assert load_baseline(path) == ()
