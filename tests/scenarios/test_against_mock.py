"""The scenarios against the reference mock, in both branches of its settings.

Each run happens in its own interpreter (run_scenarios runs pytest in-process), against a mock in
its own subprocess on a free port.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from conformance.catalog import load_catalog
from tests.scenarios.conftest import bad, run_scenarios_in_subprocess
from tests.support import free_port, running_mock

OFF = {"customer_departmentalization": False, "secure_messaging": False}
DEPARTMENTS_OFF = {"customer_departmentalization": False}


def outcomes(results: list[dict]) -> dict[str, str]:
    return {r["id"]: r["outcome"] for r in results}


@pytest.fixture(scope="module")
def default_run() -> list[dict]:
    with running_mock() as base_url:
        return run_scenarios_in_subprocess(base_url)


@pytest.fixture(scope="module")
def off_run() -> list[dict]:
    with running_mock("--no-customer-departmentalization", "--no-secure-messaging") as base_url:
        return run_scenarios_in_subprocess(base_url, OFF)


def test_every_scenario_passes_against_the_mock_with_its_profile(default_run: list[dict]) -> None:
    assert not bad(default_run)
    counts = Counter(r["outcome"] for r in default_run)
    assert counts["passed"] >= 200
    assert set(counts) <= {"passed", "not_applicable"}
    scenarios = [r for r in default_run if r["kind"] == "scenario"]
    assert all(r["exchanges"] >= 1 for r in scenarios if r["outcome"] == "passed")


def test_every_rule_has_a_passing_scenario_against_the_mock(default_run: list[dict]) -> None:
    passed = {rid for r in default_run if r["outcome"] == "passed" for rid in r["rule_ids"]}
    assert set(load_catalog().ids) - passed == set()


def test_only_the_other_settings_branch_is_not_applicable(default_run: list[dict]) -> None:
    for result in default_run:
        if result["outcome"] == "not_applicable":
            assert result["message"].startswith("not applicable: the target runs with")
            assert "branch" in result["message"]


def test_with_the_settings_off_every_scenario_passes(off_run: list[dict]) -> None:
    assert not bad(off_run)


def test_branch_scenarios_flip_between_passed_and_not_applicable(
    default_run: list[dict], off_run: list[dict]
) -> None:
    on, off = outcomes(default_run), outcomes(off_run)
    assert on.keys() == off.keys()
    flipped = {sid for sid in on if {on[sid], off[sid]} == {"passed", "not_applicable"}}
    names = {r["id"]: r["name"] for r in default_run}
    flipped_names = " | ".join(names[sid] for sid in flipped)
    for phrase in ("With departmentalization on", "With departmentalization off",
                   "With secure messaging off", "always secure"):  # fmt: skip
        assert phrase in flipped_names
    for sid in flipped:
        if on[sid] == "not_applicable":
            assert off[sid] == "passed"


def test_departmentalization_off_with_secure_messaging_on_passes_the_customer_branch() -> None:
    """The customer's 'departmentalization off' scenarios need secure messaging on to run."""
    with running_mock("--no-customer-departmentalization") as base_url:
        results = run_scenarios_in_subprocess(base_url, DEPARTMENTS_OFF)
    assert not bad(results)
    passed = [r["name"] for r in results if r["outcome"] == "passed"]
    assert any("another department's message center is accepted" in name for name in passed)
    assert any("another department's alias is accepted from a customer" in name for name in passed)
    for way in ("the other department's alias", "the other department's message center"):
        assert any(f"{way} is filed in that department" in name for name in passed), way
    assert any("a grant on a customer of another department counts" in name for name in passed)


def test_a_profile_without_data_makes_every_scenario_not_applicable(tmp_path: Path) -> None:
    """No token, no data: nothing is sent, nothing passes silently, every reason names a key."""
    profile = tmp_path / "bare.yaml"
    profile.write_text(f"base_url: http://127.0.0.1:{free_port()}/core/casemgr/v3\n")
    results = run_scenarios_in_subprocess(
        f"http://127.0.0.1:{free_port()}/core/casemgr/v3", profile=profile
    )
    assert {r["outcome"] for r in results} == {"not_applicable"}
    assert all(r["message"].startswith("not applicable: profile has no ") for r in results)
    assert all(r["exchanges"] == 0 for r in results)
