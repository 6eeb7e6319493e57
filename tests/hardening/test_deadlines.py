"""Deadlines and the circuit breaker: a target that stops answering cannot stretch a run.

A requests timeout is per socket read, so a server trickling bytes is never cut off by it, and
a hanging server costs the full timeout for every request. The harness gives every exchange a
wall-clock deadline (connect plus whole response, `conformance.client.DeadlineAdapter`) and
stops sending after a few consecutive transport failures (`conformance.breaker.Breaker`).

Unit tests use the `responses` library or a tiny socket server in a thread; whole CLI runs
(scenarios and fuzzing) against faulty targets at a realistic 2 s timeout are in
test_faulty_targets.py.
"""

from __future__ import annotations

import contextlib
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
import responses

from conformance.breaker import TRANSPORT_FAILURE_LIMIT, Breaker
from conformance.client import (
    ApiClient,
    DeadlineAdapter,
    DeadlineExceeded,
    Recorder,
    make_session,
    truncated_at,
)
from conformance.errors import Deviation, TargetStopped
from tests.support import ROOT

FAULTY = ROOT / "tests" / "hardening" / "faulty_targets.py"
CONFORMANCE = Path(sys.executable).with_name("conformance")
BASE = "http://target.example/core/casemgr/v3"
OPERATION = f"{BASE}/activity/email/general"
DEFAULTISH_TIMEOUT_S = 2.0  # a realistic per-request timeout (the profile default is 10 s)
RUN_BOUND_S = 60.0  # limit x timeout plus harness start-up, generously, on 2 busy cores
HARD_KILL_S = 180.0


# ------------------------------------------------------------------ the breaker
def test_the_breaker_opens_after_the_limit_of_consecutive_failures() -> None:
    breaker = Breaker()
    for _ in range(TRANSPORT_FAILURE_LIMIT - 1):
        breaker.failure("timeout")
        breaker.before_send()  # still closed: sends
    breaker.failure("timeout")
    assert breaker.open
    with pytest.raises(TargetStopped, match="after 3 consecutive timeouts; not sent"):
        breaker.before_send()
    assert breaker.refused == 1
    assert "1 later request(s) were not sent" in breaker.note()


def test_an_answer_resets_the_streak() -> None:
    breaker = Breaker(limit=2)
    breaker.failure("timeout")
    breaker.success()
    breaker.failure("connection failure")
    assert not breaker.open and breaker.note() == ""
    breaker.failure("timeout")
    assert breaker.open
    assert "2 consecutive transport failures (connection failures and timeouts)" in breaker.tripped


def test_an_open_breaker_stays_open() -> None:
    breaker = Breaker(limit=1)
    breaker.failure("timeout")
    breaker.success()
    assert breaker.open


@responses.activate
def test_the_client_stops_sending_once_the_breaker_opens() -> None:
    responses.post(OPERATION, body=requests.ReadTimeout("read timed out"))
    breaker, recorder = Breaker(), Recorder()
    client = ApiClient(BASE, 2, recorder, breaker=breaker)
    for _ in range(TRANSPORT_FAILURE_LIMIT):
        with pytest.raises(Deviation, match="no answer within"):
            client.send("POST", "/activity/email/general")
    with pytest.raises(TargetStopped, match="stopped answering after 3 consecutive timeouts"):
        client.send("POST", "/activity/email/general")
    assert len(responses.calls) == TRANSPORT_FAILURE_LIMIT  # the fourth was not sent
    assert "not sent" in (recorder.exchanges[-1].error or "")


@responses.activate
def test_any_http_answer_keeps_the_breaker_closed() -> None:
    responses.post(OPERATION, body=requests.ConnectionError("Connection reset by peer"))
    responses.get(OPERATION, status=500, body="oops")
    breaker = Breaker()
    session = make_session(2, breaker)
    for _ in range(5):
        with pytest.raises(requests.ConnectionError):
            session.post(OPERATION)
        assert session.get(OPERATION).status_code == 500
    assert not breaker.open


# ------------------------------------------------------------------ the deadline
Behaviour = Callable[[socket.socket], None]


@contextmanager
def tiny_server(behave: Behaviour) -> Iterator[str]:
    """A one-thread socket server on a free loopback port; `behave` answers each connection."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            threading.Thread(target=_answer, args=(conn, behave, stop), daemon=True).start()

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/x"
    finally:
        stop.set()
        thread.join()
        listener.close()


def _answer(conn: socket.socket, behave: Behaviour, stop: threading.Event) -> None:
    with conn:
        conn.settimeout(5)
        conn.recv(65536)  # the request (small, one read on loopback)
        with contextlib.suppress(OSError):  # the client cut the connection: usually the point
            behave(conn)


def trickle(data: bytes, interval: float) -> Behaviour:
    def behave(conn: socket.socket) -> None:
        for byte in data:
            conn.sendall(bytes([byte]))
            time.sleep(interval)

    return behave


HEAD_200 = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n"


@pytest.mark.parametrize(
    "behave",
    [
        trickle(b"HTTP/1.1 201 Created\r\nLocation: /x/1\r\n" * 50, 0.1),  # the head trickles
        trickle(HEAD_200 + b"x" * 100000, 0.05),  # the head arrives, the body trickles
        lambda conn: time.sleep(3),  # nothing at all
    ],
    ids=["head-trickles", "body-trickles", "hangs"],
)
def test_a_slow_answer_is_cut_off_at_the_deadline(behave: Behaviour) -> None:
    breaker = Breaker()
    with tiny_server(behave) as url:
        started = time.monotonic()
        with pytest.raises(DeadlineExceeded, match=r"within 0\.8 s"):
            make_session(0.8, breaker).get(url)
        elapsed = time.monotonic() - started
    assert 0.7 < elapsed < 1.6, elapsed
    assert breaker.failures == ["timeout"]


def test_an_answer_within_the_deadline_is_read_whole() -> None:
    body = b'{"ok": true}'
    answer = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
    with tiny_server(lambda conn: conn.sendall(answer)) as url:
        response = make_session(2).get(url)
    assert response.json() == {"ok": True}
    assert truncated_at(response) is None


def test_a_huge_body_is_read_up_to_the_cap_and_marked() -> None:
    size = 3 << 20

    def huge(conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: %d\r\n\r\n" % size)
        conn.sendall(b"y" * size)

    session = requests.Session()
    adapter = DeadlineAdapter(5, Breaker(), max_body=1 << 20)
    session.mount("http://", adapter)
    with tiny_server(huge) as url:
        response = session.get(url)
    assert response.status_code == 400
    assert len(response.content) == 1 << 20
    assert truncated_at(response) == 1 << 20


def test_the_recorded_exchange_says_the_body_was_cut() -> None:
    size = 9 << 20  # over the default 8 MB cap

    def huge(conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: %d\r\n\r\n" % size)
        conn.sendall(b"z" * size)

    recorder = Recorder()
    with tiny_server(huge) as url:
        ApiClient(url, 5, recorder).send("GET", url)
    [exchange] = recorder.exchanges
    assert exchange.truncated_at == 8 << 20
    assert exchange.response_body.endswith("more characters]")


# ------------------------------------------------------------------ the plain transport
def head_then_trickle(conn: socket.socket) -> None:
    conn.sendall(HEAD_200)  # at once: plain can only cut off what comes after the head
    trickle(b"x" * 100000, 0.05)(conn)


@pytest.mark.parametrize(
    "behave", [head_then_trickle, lambda conn: time.sleep(3)], ids=["body-trickles", "hangs"]
)
def test_the_plain_transport_still_ends_a_slow_answer(behave: Behaviour) -> None:
    """Without urllib3/requests internals the deadline holds once the head has arrived."""
    with tiny_server(behave) as url, pytest.raises(DeadlineExceeded):
        make_session(0.8, Breaker(), transport="plain").get(url)


def test_the_plain_transport_reads_a_body_whole() -> None:
    size = 3 << 20

    def huge(conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: %d\r\n\r\n" % size)
        conn.sendall(b"y" * size)

    session = requests.Session()
    session.mount("http://", DeadlineAdapter(5, Breaker(), max_body=1 << 20, transport="plain"))
    with tiny_server(huge) as url:
        response = session.get(url)
    assert response.status_code == 400
    assert len(response.content) == size  # no cap without the internals
    assert truncated_at(response) is None
