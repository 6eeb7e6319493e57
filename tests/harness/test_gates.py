"""A stage that tested nothing says so: the answers tally, and the warning about early gates."""

from __future__ import annotations

import contextlib
import http.client
import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import pytest

from conformance.catalog import Catalog
from conformance.fuzzing.cases import FuzzOptions, FuzzTarget, sent_headers
from conformance.fuzzing.schema import knowledge_from, load_schema
from conformance.fuzzing.stage import run_fuzz
from conformance.gates import GATES, NO_ANSWER, answer_of, gate_warning, tally
from conformance.results import Exchange, Outcome
from conformance.settings import HarnessSettings
from tests.support import BASE_PATH, running_mock


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


# ------------------------------------------------------------------ servers for the fuzz stage
ACCEPTED_MEDIA = ("application/json", "application/xml")
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}
MOCK_DATA = {
    "department": "Service",
    "alias": "help@shop.example",
    "existing_customer_email": "bruno@client.example",
}
MOCK_USER_TOKEN = "user-admin-token"  # mock_server/data/profile.yaml, tokens.user
Answer = tuple[int, dict[str, str], bytes]


@contextlib.contextmanager
def threaded_server(answer: Callable[[BaseHTTPRequestHandler, bytes], Answer]) -> Iterator[str]:
    """`answer` serves every request on 127.0.0.1 (a free port) until the block ends.

    Yields the API base URL (…/core/casemgr/v3).
    """

    class Handler(BaseHTTPRequestHandler):
        def handle_one(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            status, headers, body = answer(self, self.rfile.read(length))
            with contextlib.suppress(ConnectionError):  # the client gave up (its deadline)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = handle_one

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{BASE_PATH}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def refused_406(request: BaseHTTPRequestHandler) -> Answer:
    body = json.dumps({"code": "406-101", "developerMessage": "Accept refused"}).encode()
    return 406, {"Content-Type": "application/json"}, body


def forward(request: BaseHTTPRequestHandler, body: bytes, to: str) -> Answer:
    """Relay one request to the server at `to` (an origin) and its answer back."""
    target = urlsplit(to)
    connection = http.client.HTTPConnection(target.hostname or "", target.port, timeout=10)
    try:
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP}
        connection.request(request.command, request.path, body=body or None, headers=headers)
        response = connection.getresponse()
        kept = {k: v for k, v in response.getheaders() if k.lower() not in HOP_BY_HOP}
        return response.status, kept, response.read()
    finally:
        connection.close()


@pytest.fixture(scope="module")
def schema() -> Any:
    return load_schema(HarnessSettings().spec_path)


def fuzz_options(max_examples: int) -> FuzzOptions:
    return FuzzOptions(max_examples=max_examples, seed=5, time_budget_s=60)


def test_every_fuzz_case_carries_the_documented_accept_and_locale(
    schema: Any, catalog: Catalog
) -> None:
    """In front of the mock, a strict gate: 406 unless Accept is exactly JSON or XML."""
    seen: list[tuple[str | None, str | None]] = []

    with running_mock() as mock_base:
        origin = mock_base.removesuffix(BASE_PATH)

        def strict(request: BaseHTTPRequestHandler, body: bytes) -> Answer:
            accept, locale = request.headers.get("Accept"), request.headers.get("Accept-Language")
            seen.append((accept, locale))
            if accept not in ACCEPTED_MEDIA:
                return refused_406(request)
            return forward(request, body, origin)

        with threaded_server(strict) as base:
            target = FuzzTarget(base, MOCK_USER_TOKEN, data=MOCK_DATA)
            knowledge = knowledge_from(schema, catalog.codes)
            outcome = run_fuzz(schema, target, knowledge, fuzz_options(10))

    stats = outcome.stats
    assert stats["cases_total"] == 20 and len(seen) >= stats["cases_total"]
    assert {accept for accept, _ in seen} <= set(ACCEPTED_MEDIA), seen
    locales = schema.raw_schema["components"]["parameters"]["AcceptLanguage"]["schema"]["enum"]
    assert {locale for _, locale in seen} <= set(locales), seen  # present, and documented
    assert stats["statuses"].get("201"), stats  # positive cases got through to the body
    assert stats["answers"].get("201") == stats["statuses"]["201"]
    assert stats["warning"] == ""
    assert not [c for c in outcome.checks if c.outcome != Outcome.PASSED], [
        c.message for c in outcome.checks if c.outcome != Outcome.PASSED
    ]


def test_sent_headers_keep_a_documented_value_the_case_carries() -> None:
    assert sent_headers({}, "t") == {
        "Accept": "application/json",
        "Accept-Language": "en-US",
        "Authorization": "Bearer t",
    }
    own = sent_headers({"accept": "application/xml", "Accept-Language": "ja-JP"}, "t")
    assert own["Accept"] == "application/xml" and own["Accept-Language"] == "ja-JP"


def test_a_target_that_refuses_every_accept_makes_the_stage_warn(
    schema: Any, catalog: Catalog
) -> None:
    with threaded_server(lambda request, body: refused_406(request)) as base:
        target = FuzzTarget(base, "good", data=MOCK_DATA)
        outcome = run_fuzz(schema, target, knowledge_from(schema, catalog.codes), fuzz_options(5))
    stats = outcome.stats
    total = stats["cases_total"]
    assert total == 10
    assert stats["answers"] == {"406 406-101": total}
    warning = stats["warning"]
    assert warning.startswith("WARNING: fuzzing")
    assert f"{total} of {total} cases" in warning and "Accept or Accept-Language" in warning
    assert "(406)" in warning


def test_a_stage_that_got_past_the_gates_has_no_warning_and_tallies_every_case(
    schema: Any, catalog: Catalog
) -> None:
    def business(request: BaseHTTPRequestHandler, body: bytes) -> Answer:
        answer = json.dumps({"code": "400-146", "developerMessage": "canned"}).encode()
        return 400, {"Content-Type": "application/json"}, answer

    with threaded_server(business) as base:
        target = FuzzTarget(base, "good", data=MOCK_DATA)
        outcome = run_fuzz(schema, target, knowledge_from(schema, catalog.codes), fuzz_options(5))
    assert outcome.stats["answers"] == {"400 400-146": outcome.stats["cases_total"]}
    assert outcome.stats["warning"] == ""


def test_cases_that_got_no_answer_are_tallied_as_such(schema: Any, catalog: Catalog) -> None:
    def too_slow(request: BaseHTTPRequestHandler, body: bytes) -> Answer:
        time.sleep(1.0)
        return refused_406(request)

    with threaded_server(too_slow) as base:
        target = FuzzTarget(base, "good", timeout_s=0.2, data=MOCK_DATA)
        outcome = run_fuzz(schema, target, knowledge_from(schema, catalog.codes), fuzz_options(2))
    answers = outcome.stats["answers"]
    assert set(answers) == {NO_ANSWER} and answers[NO_ANSWER] >= 1, outcome.stats
    assert outcome.stats["warning"] == ""  # no early gate: the timeouts are findings of their own
