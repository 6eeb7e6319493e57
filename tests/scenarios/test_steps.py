"""Step helpers on canned responses: evidence levels, response shape checks, verdicts."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
import requests

from conformance import response_shape
from conformance.catalog import load_catalog
from conformance.errors import Deviation
from conformance.evidence import Level
from conformance.plugin import _verdict
from conformance.profile import load_profile
from conformance.results import Outcome, outcome_of
from conformance.settings import HarnessSettings
from conformance.steps.context import Blocked, ScenarioContext
from conformance.steps.then import refused
from tests.scenarios.conftest import MOCK_PROFILE


def response(status: int, body: bytes = b"", content_type: str = "application/json",
             **headers: str) -> requests.Response:  # fmt: skip
    answer = requests.Response()
    answer.status_code = status
    answer._content = body
    answer.headers.update({"Content-Type": content_type, **headers})
    return answer


def context(rule_ids: tuple[str, ...], **changes: Any) -> ScenarioContext:
    profile = load_profile(MOCK_PROFILE)
    ctx = ScenarioContext(profile=profile, catalog=load_catalog(), rule_ids=rule_ids)
    return dataclasses.replace(ctx, **changes)


def spec_checks() -> response_shape.SpecChecks:
    return response_shape.load_spec_checks(HarnessSettings().spec_path)


def test_another_status_where_the_status_is_a_choice_is_a_difference() -> None:
    ctx = context(("PRT-01",))  # refused: documented; 405 and 405-100: the mock's choice
    ctx.response = response(404, b'{"code": "404-100", "developerMessage": "Not found."}')
    refused(ctx, "405", "405-100")
    [finding] = ctx.findings
    assert (finding.item, finding.level, finding.rule_id) == ("status", "choice", "PRT-01")
    assert outcome_of(ctx.findings) is Outcome.DIFFERENCE


def test_another_status_where_only_one_documented_status_fits_is_a_deviation() -> None:
    ctx = context(("HDR-06",))  # 400 is the only documented status that fits; 400-152 a choice
    ctx.response = response(415, b'{"code": "415-100", "developerMessage": "Unsupported."}')
    refused(ctx, "400", "400-152")
    [finding] = ctx.findings
    assert (finding.item, finding.level, finding.rule_id) == ("status", "documented", "HDR-06")
    assert outcome_of(ctx.findings) is Outcome.FAILED


def test_a_201_where_the_refusal_is_documented_is_a_deviation_and_ends_the_scenario() -> None:
    ctx = context(("HDR-06",))
    ctx.response = response(201, Location="/core/casemgr/v3/activity/1")
    with pytest.raises(Blocked):
        refused(ctx, "400", "400-152")
    [finding] = ctx.findings
    assert (finding.item, finding.level) == ("outcome", "documented")
    assert finding.cause == "the request was not refused: 201"
    assert outcome_of(ctx.findings) is Outcome.FAILED


def test_a_server_error_is_no_refusal() -> None:
    ctx = context(("UC-01",))
    ctx.response = response(500, b'{"code": "500-100", "developerMessage": "boom"}')
    with pytest.raises(Blocked, match="a server error instead of a refusal: 500"):
        refused(ctx, "400", "400-146")


def test_an_inferred_code_differs_and_a_documented_code_deviates() -> None:
    inferred = context(("BODY-09",))  # unknown case id: 400 documented, 400-194 inferred
    inferred.response = response(400, b'{"code": "400-152", "developerMessage": "x"}')
    refused(inferred, "400", "400-194")
    assert [(f.item, f.level) for f in inferred.findings] == [("code", "inferred")]
    documented = context(("UC-01",))  # department.name required: 400-146 documented
    documented.response = response(400, b'{"code": "400-152", "developerMessage": "x"}')
    refused(documented, "400", "400-146")
    assert [(f.item, f.level) for f in documented.findings] == [("code", "documented")]


def test_an_xml_body_caps_every_expectation_at_inferred_and_attributes_at_choice() -> None:
    xml = context(("UC-01",), xml=True, body={"subject": "x"})
    xml.response = response(201, Location="/core/casemgr/v3/activity/1")
    with pytest.raises(Blocked):
        refused(xml, "400", "400-146")
    assert xml.findings[0].level == "inferred"
    attributes = context(("BODY-19",), xml=True, body={}, xml_attributes=("case",))
    assert attributes.cap is Level.CHOICE
    raw = context(("BODY-02",), xml=True, raw_body="<activity>")
    assert raw.cap is Level.DOCUMENTED  # malformed is malformed in any XML form


def test_a_scenario_tagged_choice_caps_its_expectations() -> None:
    ctx = context(("QRY-01",), relies_on=Level.CHOICE)
    ctx.response = response(201, Location="/core/casemgr/v3/activity/1")
    with pytest.raises(Blocked):
        refused(ctx, "400", "400-101")
    assert ctx.findings[0].level == "choice"


def test_an_error_body_must_match_the_spec_and_the_accept_header() -> None:
    good = response(400, b'{"code": "400-264", "developerMessage": "Request body is mandatory."}')
    assert response_shape.error_problems(spec_checks(), good, "application/json") == []
    [media] = response_shape.error_problems(spec_checks(), good, "application/xml")
    assert (media.rule_id, media.item, media.level) == ("HDR-05", "media", Level.DOCUMENTED)
    extra = response(400, b'{"code": "400-264", "developerMessage": "x", "trace": "..."}')
    [schema] = response_shape.error_problems(spec_checks(), extra, None)
    assert "Error schema" in schema.cause and schema.rule_id == "PRT-02"
    mismatch = response(400, b'{"code": "401-101", "developerMessage": "x"}')
    [prefix] = response_shape.error_problems(spec_checks(), mismatch, None)
    assert prefix.cause == "the error code does not start with the status"


def test_an_error_shape_is_documented_only_for_the_vendors_statuses() -> None:
    text = response(405, b"Method Not Allowed", "text/plain")
    problems = response_shape.error_problems(spec_checks(), text, "application/json")
    assert {(p.rule_id, p.level) for p in problems} == {
        ("HDR-05", Level.CHOICE),
        ("PRT-02", Level.CHOICE),
    }
    plain = response(400, b"x", "text/plain")
    assert {p.level for p in response_shape.error_problems(spec_checks(), plain, None)} == {
        Level.DOCUMENTED
    }


def test_either_documented_type_answers_an_accept_the_docs_do_not_name() -> None:
    xml = b"<error><code>400-264</code><developerMessage>m</developerMessage></error>"
    good = response(400, xml, "application/xml")
    assert response_shape.error_problems(spec_checks(), good, "*/*") == []


def test_an_xml_error_body_is_read_by_local_names() -> None:
    xml = (b'<error xmlns="urn:x"><code>400-146</code><developerMessage>m</developerMessage>'
           b"<details><detail><key>k</key><value>v</value></detail></details></error>")  # fmt: skip
    body = response_shape.read_error(response(400, xml, "application/xml"))
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
    assert response_shape.documented_location_problem(location, spec_checks().api) == problem


def test_a_201_needs_an_empty_body_and_an_activity_location() -> None:
    api = spec_checks().api
    ok = response(201, b"", Location="/core/casemgr/v3/activity/1055")
    assert response_shape.created_id(ok, api) == "1055"
    assert response_shape.created_problems(ok, api) == []
    [body] = response_shape.created_problems(response(201, b"{}", Location="/x/activity/1"), api)
    assert body.rule_id == "EFF-01" and "has a body" in body.cause
    [missing] = response_shape.created_problems(response(201), api)
    assert "no Location" in missing.cause


@pytest.mark.parametrize(
    ("accept", "xml"),
    [(None, False), ("application/json", False), ("application/xml", True), ("text/xml", True),
     ("application/xml, application/json", False), ("*/*", False), ("text/html", False),
     ("application/xml, application/json;q=0", True), ("application/xml, */*", False),
     ("application/json;q=0.5, application/xml;q=0.9", True), ("application/xml;q=0", False)],
)  # fmt: skip
def test_which_format_an_error_should_have(accept: str | None, xml: bool) -> None:
    assert response_shape.wants_xml(accept) is xml


class Report:
    def __init__(self, when: str, outcome: str, longrepr: Any = None) -> None:
        self.when, self.longrepr, self.duration = when, longrepr, 0.0
        self.skipped, self.failed = outcome == "skipped", outcome == "failed"


class ExcInfo:
    def __init__(self, value: BaseException) -> None:
        self.value = value


def test_verdicts_of_the_plugin() -> None:
    passed = [(Report("setup", "passed"), None), (Report("call", "passed"), None)]
    assert _verdict(passed, context(("HDR-01",)))[0] is Outcome.PASSED
    na = [(Report("call", "skipped", ("f", 1, "Skipped: not applicable: profile has no x")), None)]
    assert _verdict(na, None) == (Outcome.NOT_APPLICABLE, "not applicable: profile has no x")
    other_skip = [(Report("call", "skipped", ("f", 1, "Skipped: flaky")), None)]
    assert _verdict(other_skip, None)[0] is Outcome.ERROR
    blocked = context(("HDR-01",))
    blocked.miss("outcome", "the request was not refused: 201")
    failed = [(Report("call", "failed"), ExcInfo(Blocked("x")))]
    assert _verdict(failed, blocked) == (Outcome.FAILED, "")
    differs = context(("HDR-04",))
    differs.miss("code", "expected 406-101, got 406-100")  # the code is the mock's choice
    assert _verdict(passed, differs) == (Outcome.DIFFERENCE, "")
    timeout = context(("HDR-01",))
    no_answer = Deviation("no answer within 2s", expected="an answer", actual="timeout")
    assert _verdict([(Report("call", "failed"), ExcInfo(no_answer))], timeout)[0] is Outcome.FAILED
    assert timeout.findings[0].cause == "no answer: timeout"
    crashed = [(Report("call", "failed"), ExcInfo(KeyError("x")))]
    assert _verdict(crashed, context(("HDR-01",)))[0] is Outcome.ERROR
