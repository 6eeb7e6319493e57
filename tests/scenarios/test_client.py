"""The recording client: every exchange is recorded, trimmed; transport errors are classified."""

from __future__ import annotations

import errno
import socket

import pytest
import requests
import responses
from urllib3.exceptions import MaxRetryError, NameResolutionError, NewConnectionError

from conformance.client import ApiClient, Recorder, nobody_there
from conformance.errors import Deviation, TargetUnreachable
from conformance.results import TRIM_AT

BASE = "http://target.example/core/casemgr/v3"


@responses.activate
def test_a_request_and_its_response_are_recorded() -> None:
    responses.post(
        f"{BASE}/activity/email/general",
        status=201,
        headers={"Location": "/core/casemgr/v3/activity/1001"},
    )
    recorder = Recorder()
    client = ApiClient(BASE, 5, recorder)
    response = client.send(
        "POST",
        "/activity/email/general",
        {"Authorization": "Bearer tok", "Content-Type": "application/json"},
        '{"subject": "hi"}',
        {"customer": "1001"},
    )
    assert response.status_code == 201
    [exchange] = recorder.exchanges
    assert exchange.method == "POST"
    assert exchange.url == f"{BASE}/activity/email/general?customer=1001"
    assert exchange.request_headers["Authorization"] == "Bearer tok"
    assert exchange.request_body == '{"subject": "hi"}'
    assert exchange.status == 201
    assert exchange.response_headers["Location"] == "/core/casemgr/v3/activity/1001"
    assert exchange.error is None
    assert "curl" in exchange.curl() and "Bearer tok" in exchange.curl()


@responses.activate
def test_large_bodies_are_trimmed_in_the_record() -> None:
    responses.post(f"{BASE}/activity/email/general", status=400, body="e" * (TRIM_AT * 3))
    recorder = Recorder()
    ApiClient(BASE, 5, recorder).send("POST", "/activity/email/general", {}, b"x" * (TRIM_AT * 3))
    [exchange] = recorder.exchanges
    assert len(exchange.request_body) < TRIM_AT + 100
    assert len(exchange.response_body) < TRIM_AT + 100
    assert exchange.response_body.endswith("more characters]")


@responses.activate
def test_a_refused_connection_is_recorded_then_raised_as_unreachable() -> None:
    refused = ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused")
    responses.post(f"{BASE}/activity/email/general", body=requests.ConnectionError(refused))
    recorder = Recorder()
    with pytest.raises(TargetUnreachable, match="unreachable"):
        ApiClient(BASE, 5, recorder).send("POST", "/activity/email/general")
    assert "Connection refused" in (recorder.exchanges[0].error or "")
    assert recorder.exchanges[0].status is None


# What requests raises, as its adapter wraps urllib3's errors, which wrap the socket's.
UNRESOLVABLE = NameResolutionError("no-such.invalid", None, socket.gaierror(-2, "not known"))
NO_ROUTE = NewConnectionError(None, "unreachable")  # type: ignore[arg-type]
NO_ROUTE.__cause__ = OSError(errno.EHOSTUNREACH, "No route to host")


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (requests.ConnectionError(MaxRetryError(None, "/", UNRESOLVABLE)), "name not resolved"),  # type: ignore[arg-type]
        (requests.ConnectionError(MaxRetryError(None, "/", NO_ROUTE)), "no route to host"),  # type: ignore[arg-type]
        (requests.ConnectionError(ConnectionResetError(errno.ECONNRESET, "reset")), None),
        (requests.ConnectionError("[Errno 111] Connection refused"), None),  # text decides nothing
        (requests.ConnectTimeout(), None),
    ],
)
def test_nobody_there_is_decided_by_the_exception_types(
    error: requests.RequestException, reason: str | None
) -> None:
    assert nobody_there(error) == reason


@responses.activate
def test_a_timeout_is_a_deviation_of_the_server() -> None:
    responses.post(f"{BASE}/activity/email/general", body=requests.ReadTimeout("read timed out"))
    recorder = Recorder()
    with pytest.raises(Deviation, match="no answer within 5s"):
        ApiClient(BASE, 5, recorder).send("POST", "/activity/email/general")
    assert "ReadTimeout" in (recorder.exchanges[0].error or "")


@responses.activate
def test_a_dropped_connection_is_a_deviation_of_the_server() -> None:
    responses.post(
        f"{BASE}/activity/email/general", body=requests.ConnectionError("Connection reset by peer")
    )
    with pytest.raises(Deviation, match="dropped the connection"):
        ApiClient(BASE, 5, Recorder()).send("POST", "/activity/email/general")


def test_a_real_refused_port_is_unreachable() -> None:
    from tests.support import free_port

    client = ApiClient(f"http://127.0.0.1:{free_port()}/core/casemgr/v3", 2, Recorder())
    with pytest.raises(TargetUnreachable):
        client.send("POST", "/activity/email/general")
