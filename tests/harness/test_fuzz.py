"""The fuzzing stage over canned vendor answers (the `responses` library mocks requests).

A canned vendor creates an activity only for the profile's known-good body and refuses
everything else with a documented business error: the stage must not report those refusals,
and must report 5xx answers, undocumented codes, accepted invalid data and ignored auth, each
with a reproduction.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
import responses

from conformance.catalog import Catalog
from conformance.fuzzing.cases import FuzzOptions, FuzzTarget, anchored, baseline_body
from conformance.fuzzing.checks import vendor_error_problem
from conformance.fuzzing.schema import knowledge_from, load_schema
from conformance.fuzzing.stage import FuzzOutcome, run_fuzz
from conformance.results import Outcome
from conformance.settings import HarnessSettings
from tests.harness.conftest import BASE_URL, OPERATION_URL

DATA = {
    "department": "Service",
    "alias": "help@shop.example",
    "existing_customer_email": "bruno@client.example",
}
GOOD = baseline_body(DATA)
Answer = tuple[int, dict[str, str], str]


def error(status: int, code: str, content_type: str = "application/json") -> Answer:
    body = json.dumps({"code": code, "developerMessage": "canned"})
    return status, {"Content-Type": content_type}, body


def created() -> Answer:
    return 201, {"Location": "/core/casemgr/v3/activity/1055"}, ""


def conforming(
    request: requests.PreparedRequest,
    *,
    refuse: Callable[[], Answer] | None = None,
    check_auth: bool = True,
) -> Answer:
    """A vendor that follows the seed: 401 without the token, 201 for the known-good body only."""
    if check_auth and request.headers.get("Authorization") != "Bearer good":
        return error(401, "401-101")
    if urlsplit(request.url or "").query:
        return error(400, "400-101")
    try:
        body = json.loads(request.body or b"")
    except ValueError:
        return error(400, "400-152")
    if body == GOOD:
        return created()
    return refuse() if refuse else error(400, "400-146")


@pytest.fixture(scope="module")
def schema() -> Any:
    return load_schema(HarnessSettings().spec_path)


@pytest.fixture
def vendor() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def fuzz(
    schema: Any,
    catalog: Catalog,
    vendor: responses.RequestsMock,
    answer: Callable[[requests.PreparedRequest], Answer],
    **options: Any,
) -> FuzzOutcome:
    vendor.add_callback("POST", OPERATION_URL, callback=answer)
    target = FuzzTarget(base_url=BASE_URL, token="good", data=DATA)
    opts = FuzzOptions(**{"max_examples": 25, "seed": 3, **options})
    return run_fuzz(schema, target, knowledge_from(schema, catalog.codes), opts)


def findings(outcome: FuzzOutcome) -> dict[str, Any]:
    return {c.fingerprint.split(":")[2]: c for c in outcome.checks if c.outcome != Outcome.PASSED}


def test_documented_business_refusals_of_valid_requests_are_not_findings(
    schema: Any, catalog: Catalog, vendor: responses.RequestsMock
) -> None:
    outcome = fuzz(schema, catalog, vendor, conforming)
    assert findings(outcome) == {}
    stats = outcome.stats
    assert stats["statuses"].get("201") and stats["statuses"].get("400")  # both paths taken
    assert stats["cases"] == {
        "create-incoming-email-activity positive": 25,
        "create-incoming-email-activity negative": 25,
    }
    passed_rules = {r for c in outcome.checks for r in c.rule_ids}
    assert {"PRT-02", "PRT-03", "ACT-01", "ACT-02"} <= passed_rules


def test_a_server_error_is_a_prt03_finding_with_a_curl_reproduction(
    schema: Any, catalog: Catalog, vendor: responses.RequestsMock
) -> None:
    outcome = fuzz(
        schema, catalog, vendor, lambda r: conforming(r, refuse=lambda: error(500, "500-100"))
    )
    finding = findings(outcome)["not_a_server_error"]
    assert finding.rule_ids == ("PRT-03",) and finding.outcome == Outcome.FAILED
    exchange = finding.exchanges[0]
    assert exchange.status == 500
    curl = exchange.curl()
    assert curl.startswith(f"curl -i -X POST {OPERATION_URL}")
    assert "'Authorization: Bearer good'" in curl and "--data-binary" in curl


def test_an_undocumented_error_code_is_a_prt02_finding(
    schema: Any, catalog: Catalog, vendor: responses.RequestsMock
) -> None:
    outcome = fuzz(
        schema, catalog, vendor, lambda r: conforming(r, refuse=lambda: error(400, "400-999"))
    )
    finding = findings(outcome)["vendor_error_body"]
    assert finding.rule_ids == ("PRT-02",)
    assert "400-999 is not a documented vendor code" in finding.message


def test_an_error_that_is_not_the_vendor_body_is_found(
    schema: Any, catalog: Catalog, vendor: responses.RequestsMock
) -> None:
    outcome = fuzz(
        schema,
        catalog,
        vendor,
        lambda r: conforming(
            r, refuse=lambda: (400, {"Content-Type": "text/plain"}, "bad request")
        ),
    )
    found = findings(outcome)
    assert found["vendor_error_body"].rule_ids == ("PRT-02",)
    assert "content_type_conformance" in found


def test_accepted_invalid_data_and_ignored_auth_are_found(
    schema: Any, catalog: Catalog, vendor: responses.RequestsMock
) -> None:
    outcome = fuzz(schema, catalog, vendor, lambda r: created())
    found = findings(outcome)
    assert "negative_data_rejection" in found
    auth = found["auth_enforced"]
    assert auth.rule_ids == ("ACT-01", "ACT-02")
    probe = auth.exchanges[1]  # the reproduction: the same request without a token, answered 201
    assert "Authorization" not in probe.request_headers and probe.status == 201
    assert "Authorization" not in probe.curl()


def test_a_valid_token_refused_is_found(
    schema: Any, catalog: Catalog, vendor: responses.RequestsMock
) -> None:
    outcome = fuzz(schema, catalog, vendor, lambda r: error(401, "401-101"))
    assert findings(outcome)["valid_token_accepted"].rule_ids == ("ACT-04",)


def test_the_same_seed_sends_the_same_requests(
    schema: Any, catalog: Catalog, vendor: responses.RequestsMock
) -> None:
    def bodies(seed: int) -> list[bytes]:
        vendor.calls.reset()
        fuzz(schema, catalog, vendor, conforming, seed=seed, max_examples=10)
        return [bytes(call.request.body or b"") for call in vendor.calls]

    first = bodies(11)
    assert first == bodies(11)
    assert first != bodies(12)


def test_the_time_budget_stops_the_stage(
    schema: Any, catalog: Catalog, vendor: responses.RequestsMock
) -> None:
    outcome = fuzz(schema, catalog, vendor, conforming, time_budget_s=1e-6, max_examples=500)
    assert outcome.stats["stopped"] == "time budget spent"
    assert outcome.stats["cases_total"] < 5


def test_a_target_that_goes_away_is_an_error_not_a_pass(
    schema: Any, catalog: Catalog, vendor: responses.RequestsMock
) -> None:
    def hang_up(request: requests.PreparedRequest) -> Answer:
        raise requests.ConnectionError("connection reset by peer")

    outcome = fuzz(schema, catalog, vendor, hang_up)
    lost = [c for c in outcome.checks if c.outcome == Outcome.ERROR]
    assert [c.fingerprint for c in lost] == ["fuzz:target-lost"]
    assert "stopped answering" in lost[0].message


def test_read_back_is_fuzzed_only_when_the_profile_says_so(
    schema: Any, catalog: Catalog, vendor: responses.RequestsMock
) -> None:
    vendor.add_callback("POST", OPERATION_URL, callback=conforming)
    vendor.add(
        responses.GET,
        f"{BASE_URL}/activity/1055",
        status=404,
        json={"code": "404-100", "developerMessage": "canned"},
    )
    knowledge = knowledge_from(schema, catalog.codes)
    options = FuzzOptions(max_examples=3, seed=1)
    without = run_fuzz(schema, FuzzTarget(BASE_URL, "good", data=DATA), knowledge, options)
    assert without.stats["operations"] == ["create-incoming-email-activity"]
    target = FuzzTarget(BASE_URL, "good", read_back=True, data=DATA)
    vendor.add_callback("GET", _any_activity(), callback=lambda r: error(404, "404-100"))
    with_read_back = run_fuzz(schema, target, knowledge, options)
    assert with_read_back.stats["operations"] == [
        "create-incoming-email-activity",
        "get-activity-by-id",
    ]


def _any_activity() -> Any:
    import re

    return re.compile(rf"{re.escape(BASE_URL)}/activity/[^/]*$")


@pytest.mark.parametrize(
    ("status", "body", "problem"),
    [
        (400, b'{"code": "400-146", "developerMessage": "x"}', None),
        (406, b"<error><code>406-100</code></error>", None),
        (400, b'{"code": "401-101", "developerMessage": "x"}', "does not belong to status 400"),
        (500, b"Internal Server Error", "no vendor error body"),
        (201, b"", None),
    ],
)
def test_vendor_error_problem(
    status: int, body: bytes, problem: str | None, catalog: Catalog
) -> None:
    from conformance.fuzzing.schema import SeedKnowledge
    from conformance.settings import HarnessSettings
    from conformance.spec import load_api

    api = load_api(HarnessSettings().spec_path)
    knowledge = SeedKnowledge(codes=frozenset(catalog.codes), statuses={}, api=api)
    found = vendor_error_problem(status, body, knowledge)
    assert (found is None) if problem is None else (problem in (found or ""))


def test_anchored_bodies_keep_generated_extras_under_the_known_good_elements() -> None:
    assert GOOD is not None
    body = anchored({"subject": "x", "payload": {"email": {"content": {"text": "t"}}}}, GOOD)
    assert body["subject"] == "conformance fuzzing"
    assert body["payload"]["email"]["content"] == {"text": "t"}
    assert body["payload"]["email"]["emailAddresses"]["receiver"] == "help@shop.example"
    assert anchored("not an object", GOOD) == GOOD
