"""Step helpers on canned responses: strictness for guesses, response shape checks, verdicts."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
import requests

from conformance.catalog import load_catalog
from conformance.errors import Deviation
from conformance.plugin import _verdict
from conformance.profile import load_profile
from conformance.results import Outcome
from conformance.settings import HarnessSettings
from conformance.steps import checks
from conformance.steps.context import ScenarioContext
from conformance.steps.then import refused
from tests.scenarios.conftest import MOCK_PROFILE


def response(status: int, body: bytes = b"", content_type: str = "application/json",
             **headers: str) -> requests.Response:  # fmt: skip
    answer = requests.Response()
    answer.status_code = status
    answer._content = body
    answer.headers.update({"Content-Type": content_type, **headers})
    return answer


def context(rule_ids: tuple[str, ...], strict_guesses: bool) -> ScenarioContext:
    profile = load_profile(MOCK_PROFILE)
    profile = dataclasses.replace(profile, strict_guesses=strict_guesses)
    return ScenarioContext(profile=profile, catalog=load_catalog(), rule_ids=rule_ids)


def spec_checks() -> checks.SpecChecks:
    return checks.load_spec_checks(HarnessSettings().spec_path)


def test_a_guess_is_exact_only_when_the_profile_asks() -> None:
    assert context(("PRT-01",), strict_guesses=True).strict
    assert not context(("PRT-01",), strict_guesses=False).strict
    assert context(("PRT-01", "HDR-01"), strict_guesses=False).strict  # one rule is documented


def test_a_lenient_guess_checks_the_status_class_only() -> None:
    ctx = context(("HDR-06",), strict_guesses=False)  # guess: 415 415-100
    ctx.response = response(400, b'{"code": "400-152", "developerMessage": "no"}')
    refused(ctx, "415", "415-100")
    ctx.response = response(500, b'{"code": "500-100", "developerMessage": "boom"}')
    with pytest.raises(Deviation, match="expected a 4xx refusal") as caught:
        refused(ctx, "415", "415-100")
    assert caught.value.rule_ids == ("HDR-06",)


def test_a_strict_check_wants_the_exact_code() -> None:
    ctx = context(("HDR-06",), strict_guesses=True)
    ctx.response = response(400, b'{"code": "400-152", "developerMessage": "no"}')
    with pytest.raises(Deviation, match="expected 415 415-100, got 400 400-152"):
        refused(ctx, "415", "415-100")


def test_an_error_body_must_match_the_spec_and_the_accept_header() -> None:
    good = response(400, b'{"code": "400-264", "developerMessage": "Request body is mandatory."}')
    assert (
        checks.check_error_shape(spec_checks(), good, "application/json", ())["code"] == "400-264"
    )
    with pytest.raises(Deviation, match="Accept was 'application/xml'"):
        checks.check_error_shape(spec_checks(), good, "application/xml", ())
    extra = response(400, b'{"code": "400-264", "developerMessage": "x", "trace": "..."}')
    with pytest.raises(Deviation, match="Error schema"):
        checks.check_error_shape(spec_checks(), extra, None, ())
    mismatch = response(400, b'{"code": "401-101", "developerMessage": "x"}')
    with pytest.raises(Deviation, match="does not start with the status 400"):
        checks.check_error_shape(spec_checks(), mismatch, None, ())


def test_an_xml_error_body_is_read_by_local_names() -> None:
    xml = (b'<error xmlns="urn:x"><code>400-146</code><developerMessage>m</developerMessage>'
           b"<details><detail><key>k</key><value>v</value></detail></details></error>")  # fmt: skip
    body = checks.check_error_shape(spec_checks(), response(400, xml, "application/xml"),
                                    "application/xml", ())  # fmt: skip
    assert body == {"code": "400-146", "developerMessage": "m",
                    "details": [{"key": "k", "value": "v"}]}  # fmt: skip


@pytest.mark.parametrize(
    ("location", "problem"),
    [
        ("/core/casemgr/v3/activity/1001", None),
        ("https://api.example/core/casemgr/v3/activity/1001", None),
        ("/activity/1001", "it lacks the base path /core/casemgr/v3"),
        ("/core/casemgr/v3/activities/1001", "it is not /core/casemgr/v3/activity/{id}"),
    ],
)
def test_the_documented_location(location: str, problem: str | None) -> None:
    assert checks.documented_location_problem(location) == problem


def test_a_201_needs_an_empty_body_and_an_activity_location() -> None:
    ok = response(201, b"", Location="/core/casemgr/v3/activity/1055")
    assert checks.created_id(ok, ()) == "1055"
    with pytest.raises(Deviation, match="has a body"):
        checks.created_id(response(201, b"{}", Location="/x/activity/1"), ())
    with pytest.raises(Deviation, match="no Location"):
        checks.created_id(response(201), ())


@pytest.mark.parametrize(
    ("accept", "xml"),
    [(None, False), ("application/json", False), ("application/xml", True), ("text/xml", True),
     ("application/xml, application/json", False), ("*/*", False), ("text/html", False)],
)  # fmt: skip
def test_which_format_an_error_should_have(accept: str | None, xml: bool) -> None:
    assert checks.wants_xml(accept) is xml


class Report:
    def __init__(self, when: str, outcome: str, longrepr: Any = None) -> None:
        self.when, self.longrepr, self.duration = when, longrepr, 0.0
        self.skipped, self.failed = outcome == "skipped", outcome == "failed"


class ExcInfo:
    def __init__(self, value: BaseException) -> None:
        self.value = value


def test_verdicts_of_the_plugin() -> None:
    passed = [(Report("setup", "passed"), None), (Report("call", "passed"), None)]
    assert _verdict(passed)[0] is Outcome.PASSED
    na = [(Report("call", "skipped", ("f", 1, "Skipped: not applicable: profile has no x")), None)]
    assert _verdict(na)[:2] == (Outcome.NOT_APPLICABLE, "not applicable: profile has no x")
    other_skip = [(Report("call", "skipped", ("f", 1, "Skipped: flaky")), None)]
    assert _verdict(other_skip)[0] is Outcome.ERROR
    deviation = Deviation("broke it", rule_ids=("HDR-01",), expected=406, actual=201)
    failed = [(Report("call", "failed"), ExcInfo(deviation))]
    assert _verdict(failed) == (Outcome.FAILED, "broke it", "406", "201")
    crashed = [(Report("call", "failed"), ExcInfo(KeyError("x")))]
    assert _verdict(crashed)[0] is Outcome.ERROR
