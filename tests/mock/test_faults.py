"""Errors and latency on demand, over HTTP: Prefer (code, example, delay), armed faults
(status, delay, drop), the latency setting; forcing never changes what is stored.

Delays are tens of milliseconds; every request has a timeout.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
import requests

from mock_server.__main__ import settings_from
from mock_server.faults import parse_prefer
from mock_server.settings import Latency
from tests.mock.conftest import CREATE, USER, Api, user_body
from tests.support import running_mock

ERRORS = {400: "400-101", 401: "401-101", 403: "403-178", 406: "406-100", 500: "500-100"}
SPEC_MESSAGES = {
    "500-100": "System is unable to process this request. Please contact your administrator.",
    "401-101": "Invalid or expired 'Authorization' header provided. New login is required.",
}


def stored(api: Api) -> tuple[int, int, int]:
    """What the store holds: activities, customers, cases."""
    state = api.state()
    return len(state["activities"]), len(state["customers"]), len(state["cases"])


def faults(api: Api, method: str = "POST", body: Any = None, raw: bytes | None = None) -> Any:
    url = api.root + "/mock/faults"
    if raw is not None:
        return api.session.request(method, url, data=raw, timeout=10)
    return api.session.request(method, url, json=body, timeout=10)


def expect_control_error(response: requests.Response, words: str) -> None:
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["code"] == "400-900" and set(body) == {"code", "developerMessage"}, body
    assert body["developerMessage"].startswith("Invalid mock control: "), body
    assert words in body["developerMessage"], body


# ------------------------------------------------------------------ Prefer: code


@pytest.mark.parametrize(("status", "code"), sorted(ERRORS.items()))
def test_prefer_code_answers_the_documented_error(api: Api, status: int, code: str) -> None:
    before = stored(api)
    response = api.create(user_body(), headers={"Prefer": f"code={status}"})
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code and body["developerMessage"]
    if code in SPEC_MESSAGES:
        assert body["developerMessage"] == SPEC_MESSAGES[code]
    logged = api.last_request()
    assert logged["status"] == status and logged["code"] == code
    assert logged["forced"] == f"Prefer code={status}"
    assert stored(api) == before  # nothing served, nothing stored


def test_prefer_code_in_xml_and_with_user_message(api: Api) -> None:
    headers = {"Prefer": "code=500", "Accept": "application/xml",
               "X-egain-error-message": "yes", "Accept-Language": "de-DE"}  # fmt: skip
    response = api.create(user_body(), headers=headers)
    assert response.status_code == 500
    assert response.headers["Content-Type"].startswith("application/xml")
    assert "<code>500-100</code>" in response.text and "<userMessage>" in response.text


def test_prefer_example_picks_a_documented_example(api: Api) -> None:
    response = api.create(user_body(), headers={"Prefer": "code=400, example=requestBodyMissing"})
    assert response.status_code == 400 and response.json()["code"] == "400-264"


def test_prefer_code_is_answered_before_any_check(api: Api) -> None:
    """No token, a wrong Content-Type: the forced answer is what was asked for."""
    before = stored(api)
    response = api.create(None, token=None, headers={"Prefer": "code=500",
                                                     "Content-Type": "text/plain"})  # fmt: skip
    assert response.status_code == 500 and response.json()["code"] == "500-100"
    assert stored(api) == before


@pytest.mark.parametrize(
    ("prefer", "words"),
    [
        ("code=201", "code=201 is not a documented error status"),
        ("code=418", "code=418 is not a documented error status"),
        ("code=abc", "code=abc must be an HTTP status"),
        ("code=400; example=nope", "example=nope is not an example of status 400"),
        ("delay=-5", "delay=-5 must be whole milliseconds"),
        ("delay=fast", "delay=fast must be whole milliseconds"),
        ("delay=600001", "delay=600001 must be whole milliseconds"),
    ],
)
def test_bad_prefer_is_a_clear_vendor_400(api: Api, prefer: str, words: str) -> None:
    before = stored(api)
    response = api.create(user_body(), headers={"Prefer": prefer})
    expect_control_error(response, words)
    assert api.last_request()["forced"] == "Prefer refused"
    assert stored(api) == before


def test_bad_prefer_in_xml(api: Api) -> None:
    response = api.create(user_body(), headers={"Prefer": "code=999", "Accept": "application/xml"})
    assert response.status_code == 400 and "<code>400-900</code>" in response.text


def test_other_preferences_are_ignored(api: Api) -> None:
    response = api.create(user_body(), headers={"Prefer": "return=minimal, respond-async"})
    assert response.status_code == 201
    assert api.last_request()["forced"] is None


def test_prefer_applies_to_the_create_only(api: Api) -> None:
    created = api.create(user_body())
    asked = {"Authorization": f"Bearer {USER}", "Prefer": "code=500"}
    got = api.session.get(api.root + created.headers["Location"], headers=asked, timeout=10)
    assert got.status_code == 200
    health = api.session.get(api.root + "/mock/health", headers={"Prefer": "code=500"}, timeout=10)
    assert health.status_code == 200


def test_a_forced_answer_carries_cors_for_a_browser(api: Api) -> None:
    origin = "http://localhost:5173"
    response = api.create(user_body(), headers={"Prefer": "code=500", "Origin": origin})
    assert response.status_code == 500
    assert response.headers["Access-Control-Allow-Origin"] == origin


# ------------------------------------------------------------------ Prefer: delay


def test_prefer_delay_delays_one_request_and_serves_it(api: Api) -> None:
    before = stored(api)
    started = time.monotonic()
    response = api.create(user_body(), headers={"Prefer": "delay=60"})
    assert time.monotonic() - started >= 0.06
    assert response.status_code == 201  # a delay forces nothing: the create is served
    assert api.last_request()["forced"] == "Prefer delay=60"
    assert stored(api)[0] == before[0] + 1
    started = time.monotonic()
    assert api.create(user_body()).status_code == 201
    assert time.monotonic() - started < 0.5  # one request only


def test_prefer_delay_with_code(api: Api) -> None:
    started = time.monotonic()
    response = api.create(user_body(), headers={"Prefer": "code=406, delay=30"})
    assert time.monotonic() - started >= 0.03
    assert response.status_code == 406 and response.json()["code"] == "406-100"


# ------------------------------------------------------------------ armed faults


def test_a_status_fault_answers_the_next_n_creates(api: Api) -> None:
    armed = faults(api, body={"status": 500, "count": 2})
    assert armed.status_code == 200
    assert armed.json()["armed"] == {"status": 500, "count": 2, "remaining": 2}
    before = stored(api)
    first = api.create(user_body())
    assert first.status_code == 500 and first.json()["code"] == "500-100"
    assert api.last_request()["forced"] == "fault status=500"
    assert api.state()["faults"]["armed"]["remaining"] == 1
    assert api.create(user_body()).status_code == 500
    assert stored(api) == before  # forced answers stored nothing
    assert api.state()["faults"]["armed"] is None
    assert api.create(user_body()).status_code == 201
    assert api.last_request()["forced"] is None


def test_a_fault_counts_creates_only(api: Api) -> None:
    faults(api, body={"status": 403})
    assert api.session.get(api.root + "/mock/health", timeout=10).status_code == 200
    assert api.create(user_body()).status_code == 403
    assert api.create(user_body()).status_code == 201


def test_a_delay_fault(api: Api) -> None:
    faults(api, body={"delay_ms": 50, "count": 1})
    started = time.monotonic()
    assert api.create(user_body()).status_code == 201
    assert time.monotonic() - started >= 0.05
    assert api.last_request()["forced"] == "fault delay_ms=50"
    started = time.monotonic()
    assert api.create(user_body()).status_code == 201
    assert time.monotonic() - started < 0.5


def test_a_drop_fault_closes_the_connection_without_an_answer(api: Api) -> None:
    faults(api, body={"drop": True, "count": 1})
    before = stored(api)
    with pytest.raises(requests.ConnectionError):
        requests.post(api.base + CREATE, json=user_body(), timeout=5,
                      headers={"Authorization": f"Bearer {USER}"})  # fmt: skip
    deadline = time.monotonic() + 2  # the mock logs it once the connection is gone
    while api.last_request()["forced"] != "fault drop" and time.monotonic() < deadline:
        time.sleep(0.01)
    logged = api.last_request()
    assert logged["forced"] == "fault drop" and logged["status"] == 0
    assert stored(api) == before
    assert api.create(user_body()).status_code == 201  # the mock serves on


def test_delete_disarms_and_reset_too(api: Api) -> None:
    faults(api, body={"status": 500, "count": 5})
    cleared = faults(api, "DELETE")
    assert cleared.status_code == 200 and cleared.json()["armed"] is None
    assert api.create(user_body()).status_code == 201
    faults(api, body={"status": 500, "count": 5})
    api.reset()
    assert faults(api, "GET").json()["armed"] is None


@pytest.mark.parametrize(
    ("body", "raw", "words"),
    [
        (None, b"{not json", "the fault is not JSON"),
        ([1], None, "the fault must be a JSON object"),
        ({}, None, "a fault needs status, delay_ms or drop: true"),
        ({"status": 418}, None, "code=418 is not a documented error status"),
        ({"status": "500"}, None, "status must be a whole number"),
        ({"status": 500, "count": 0}, None, "count must be a whole number"),
        ({"status": 500, "count": True}, None, "count must be a whole number"),
        ({"delay_ms": -1}, None, "delay_ms must be whole milliseconds"),
        ({"delay_ms": 60001}, None, "delay_ms must be whole milliseconds"),
        ({"drop": "yes"}, None, "drop must be true or false"),
        ({"drop": True, "status": 500}, None, "either drops the connection or answers"),
        ({"status": 500, "colour": "red"}, None, "unknown fault member(s): colour"),
    ],
)
def test_bad_fault_input_is_a_clear_vendor_400(
    api: Api, body: Any, raw: bytes | None, words: str
) -> None:
    faults(api, body={"status": 401, "count": 3})
    response = faults(api, body=body, raw=raw)
    expect_control_error(response, words)
    # a refused fault leaves the armed one as it was
    assert api.state()["faults"]["armed"] == {"status": 401, "count": 3, "remaining": 3}


# ------------------------------------------------------------------ latency setting


def test_latency_setting_delays_every_vendor_request() -> None:
    with running_mock("--latency", "30-40") as base:
        api = Api(base)
        assert api.state()["faults"]["latency"] == {"min_ms": 30, "max_ms": 40}
        started = time.monotonic()
        assert api.create(user_body()).status_code == 201
        assert time.monotonic() - started >= 0.03
        assert api.last_request()["forced"].startswith("latency ")
        started = time.monotonic()
        assert api.session.get(api.root + "/mock/health", timeout=10).status_code == 200
        assert time.monotonic() - started < 0.03  # not the mock's own routes


def test_latency_settings_and_environment() -> None:
    assert settings_from([], {}).latency is None
    assert settings_from(["--latency", "200"], {}).latency == Latency(200, 200)
    assert settings_from([], {"MOCK_LATENCY": "100-400"}).latency == Latency(100, 400)
    assert settings_from(["--latency", "5"], {"MOCK_LATENCY": "100-400"}).latency == Latency(5, 5)
    for bad in ("fast", "400-100", "-5", "1-2-3", "70000"):
        with pytest.raises(ValueError):
            Latency.parse(bad)
        with pytest.raises(SystemExit):
            settings_from([], {"MOCK_LATENCY": bad})
        with pytest.raises(SystemExit):
            settings_from(["--latency", bad], {})


def test_parse_prefer() -> None:
    assert parse_prefer('code=500; delay="20", Return=minimal') == {
        "code": "500", "delay": "20", "return": "minimal"}  # fmt: skip
    assert parse_prefer("respond-async") == {"respond-async": ""}
