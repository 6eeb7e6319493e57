"""A stage that tested nothing says so: the answers tally, and the warning about early gates."""

from __future__ import annotations

import json

import pytest

from conformance.gates import GATES, NO_ANSWER, answer_of, gate_warning, tally
from conformance.results import Exchange


def answered(status: int | None, body: str = "", error: str | None = None) -> Exchange:
    return Exchange(
        method="POST",
        url="http://vendor.test/core/casemgr/v3/activity/email/general",
        request_headers={"Accept": "application/json"},
        request_body="{}",
        status=status,
        response_body=body,
        error=error,
    )


def vendor_error(code: str) -> str:
    return json.dumps({"code": code, "developerMessage": "canned"})


# ------------------------------------------------------------------ tally
def test_tally_counts_each_status_with_its_vendor_code() -> None:
    exchanges = [
        answered(201),
        answered(201),
        answered(400, vendor_error("400-152")),
        answered(400, vendor_error("400-152")),
        answered(400, vendor_error("400-146")),
        answered(406, "<error><code>406-101</code><developerMessage>x</developerMessage></error>"),
        answered(500, "Internal Server Error"),  # no vendor body: the status alone
        answered(None, error="timeout after 10 s"),
    ]
    assert tally(exchanges) == {
        "201": 2,
        "400 400-152": 2,
        "400 400-146": 1,
        "406 406-101": 1,
        "500": 1,
        NO_ANSWER: 1,
    }
    assert list(tally(exchanges))[:2] == ["201", "400 400-152"]  # most frequent first


def test_a_code_in_a_success_body_is_not_a_vendor_error_code() -> None:
    assert answer_of(200, json.dumps({"code": "x", "name": "activity"})) == "200"
    assert answer_of(404, b'{"code": "404-100"}') == "404 404-100"
    assert answer_of(None) == "no answer"


def test_tally_of_nothing_is_empty() -> None:
    assert tally([]) == {}


# ------------------------------------------------------------------ gate_warning
@pytest.mark.parametrize(
    ("status", "names"),
    [
        (401, ("authentication", "check tokens in the profile")),
        (403, ("authorisation", "privileges")),
        (404, ("not found", "check base_url")),
        (406, ("Accept or Accept-Language", "the target refused the documented headers")),
        (415, ("Content-Type", "documented Content-Type")),
    ],
)
def test_most_cases_at_one_early_gate_is_a_loud_warning(
    status: int, names: tuple[str, ...]
) -> None:
    answers = {f"{status} {status}-100": 140, str(status): 8, "201": 2}
    warning = gate_warning("fuzzing", answers)
    assert warning.startswith("WARNING: fuzzing")
    assert "148 of 150 cases" in warning
    assert f"({status})" in warning
    for name in names:
        assert name in warning
    assert "\n" not in warning  # one line


def test_every_gate_has_a_name_and_what_to_check() -> None:
    assert set(GATES) == {401, 403, 404, 406, 415}
    assert all(gate.name and gate.check for gate in GATES.values())


def test_half_or_less_at_a_gate_is_no_warning() -> None:
    assert gate_warning("fuzzing", {"406 406-101": 75, "201": 75}) == ""
    assert gate_warning("fuzzing", {"406 406-101": 76, "201": 74}) != ""


def test_gates_are_counted_one_by_one() -> None:
    # 120 of 150 refused early, but no single gate has most of them: the body was often read.
    assert gate_warning("fuzzing", {"401 401-101": 60, "406 406-101": 60, "201": 30}) == ""


def test_business_refusals_and_lost_answers_are_not_early_gates() -> None:
    assert gate_warning("fuzzing", {"400 400-146": 148, "201": 2}) == ""
    assert gate_warning("fuzzing", {"500": 150}) == ""
    assert gate_warning("fuzzing", {NO_ANSWER: 150}) == ""


def test_a_stage_that_sent_nothing_is_a_warning() -> None:
    warning = gate_warning("fuzzing", {})
    assert warning.startswith("WARNING: fuzzing") and "tested nothing" in warning
    assert gate_warning("scenarios", {"201": 0}).startswith("WARNING: scenarios")
