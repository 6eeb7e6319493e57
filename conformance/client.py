"""The one HTTP seam of the harness: a requests-based client that records every exchange.

Every request and its response (or the transport error in its place) becomes a
`conformance.results.Exchange`: the bodies trimmed for the report, the sent bytes kept whole
for an exact reproduction (`Exchange.curl()`). Bearer tokens are kept in the recorded headers
on purpose: the reproduction needs them.

Every session the harness sends with (the scenarios' ApiClient, the probe, and the sessions
Schemathesis sends the fuzzing cases through) comes from `make_session`: each request gets a
wall-clock deadline for connect plus the whole response (a requests timeout is per socket read,
so a server trickling a byte a second is never cut off by it), a body cap (`MAX_BODY_BYTES`), and
the run's circuit breaker (`conformance.breaker`). The overrides of urllib3 and requests that
make the deadline exact and the cap streamed live in `conformance.transport_internals`; the
"plain" transport does without them.
"""

from __future__ import annotations

import contextlib
import errno
import socket
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import NameResolutionError

from conformance.breaker import Breaker
from conformance.errors import Deviation, TargetStopped, TargetUnreachable
from conformance.results import Exchange, trim
from conformance.settings import DEFAULT_TRANSPORT, Transport
from conformance.transport_internals import set_content, watch_connections

MAX_BODY_BYTES = 8 << 20  # body bytes kept per response; a larger body is read no further
CHUNK_BYTES = 64 << 10
TRUNCATED = "conformance_truncated_at"  # attribute set on a response whose body was cut
_SHUTDOWN_POLL_S = 0.05


class DeadlineExceeded(requests.Timeout):
    """Connect plus the whole response took longer than the deadline (a Timeout to callers)."""


# What counts towards the breaker: no HTTP answer came back (any answer, even a 500, is one).
TRANSPORT_FAILURES = (
    requests.Timeout,
    requests.ConnectionError,
    requests.exceptions.ChunkedEncodingError,
)


def _kind(exc: Exception) -> str:
    return "timeout" if isinstance(exc, requests.Timeout) else "connection failure"


# ------------------------------------------------------------------ deadline transport
class _Watchdog:
    """Shuts down the sockets of one exchange when its deadline passes.

    A blocked read then returns at once (EOF), however slowly the server was trickling bytes.
    After it fires it keeps shutting down whatever connection is attached, until stopped, so
    a connection attached late (still connecting when the deadline passed) is cut off too.
    """

    def __init__(self, seconds: float) -> None:
        self.fired = False
        self._connections: list[Any] = []
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(seconds,), daemon=True)
        self._thread.start()

    def attach(self, connection: Any) -> None:
        with self._lock:
            self._connections.append(connection)
            if self.fired:
                _shut(connection)

    def stop(self) -> None:
        self._done.set()

    def _run(self, seconds: float) -> None:
        if self._done.wait(max(0.0, seconds)):
            return
        self.fired = True
        while True:
            with self._lock:
                for connection in self._connections:
                    _shut(connection)
            if self._done.wait(_SHUTDOWN_POLL_S):
                return


def _shut(connection: Any) -> None:
    sock = getattr(connection, "sock", None)
    if sock is not None:
        with contextlib.suppress(OSError):  # already closed or never connected
            sock.shutdown(socket.SHUT_RDWR)


class DeadlineAdapter(HTTPAdapter):
    """An HTTPAdapter with a wall-clock deadline per exchange, a body cap and a breaker.

    One adapter serves one thread at a time (as a requests.Session does).
    """

    def __init__(
        self,
        deadline_s: float,
        breaker: Breaker,
        max_body: int = MAX_BODY_BYTES,
        transport: Transport = DEFAULT_TRANSPORT,
    ) -> None:
        self.deadline_s = deadline_s
        self.breaker = breaker
        self.max_body = max_body
        self.fenced = transport == "fenced"
        self._watchdog: _Watchdog | None = None
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        if self.fenced:
            watch_connections(self.poolmanager, self.attach)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        fresh = proxy not in self.proxy_manager
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if fresh and self.fenced:
            watch_connections(manager, self.attach)
        return manager

    def attach(self, connection: Any) -> None:
        if self._watchdog is not None:
            self._watchdog.attach(connection)

    def send(  # type: ignore[override]
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        **kw: Any,
    ) -> requests.Response:
        """Send within the deadline, read the body (up to the cap), count the outcome."""
        self.breaker.before_send()
        try:
            response = self._exchange(request, kw)
        except TRANSPORT_FAILURES as exc:
            self.breaker.failure(_kind(exc))
            raise
        self.breaker.success()
        return response

    def _exchange(self, request: requests.PreparedRequest, kw: dict[str, Any]) -> requests.Response:
        watchdog = self._watchdog = _Watchdog(self.deadline_s)
        try:
            response = super().send(request, stream=True, timeout=self.deadline_s, **kw)
            self._read(response)
        except requests.ConnectTimeout:
            raise  # no connection at all within the deadline: the probe's "nobody there"
        except requests.RequestException as exc:
            # A read timeout is the deadline too (it is as long), even when it beat the watchdog.
            if watchdog.fired or isinstance(exc, requests.Timeout):
                raise self._late(request, exc) from exc
            raise
        finally:
            watchdog.stop()
            self._watchdog = None
        if watchdog.fired:
            response.close()
            raise self._late(request)
        return response

    def _read(self, response: requests.Response) -> None:
        """Fenced: read up to the cap. Plain: from here on the deadline holds (the connection
        is public once the response has arrived); the body is read whole."""
        if self.fenced:
            _read_body(response, self.max_body)
            return
        self.attach(response.raw.connection)
        _ = response.content

    def _late(
        self, request: requests.PreparedRequest, cause: Exception | None = None
    ) -> DeadlineExceeded:
        seen = f"; {type(cause).__name__}" if cause is not None else ""
        return DeadlineExceeded(
            f"no complete answer within {self.deadline_s} s (connect and whole response{seen})",
            request=request,
        )


def _read_body(response: requests.Response, cap: int) -> None:
    """Read the body in chunks into `response.content`; past `cap` bytes, stop and mark it."""
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_content(CHUNK_BYTES):
        chunks.append(chunk)
        size += len(chunk)
        if size > cap:
            setattr(response, TRUNCATED, cap)
            response.close()  # the rest is never read; the connection is not reused
            break
    set_content(response, b"".join(chunks)[:cap])


def truncated_at(response: requests.Response) -> int | None:
    """The cap a response's body was cut at, or None when it was read whole."""
    value = getattr(response, TRUNCATED, None)
    return value if isinstance(value, int) else None


def make_session(
    deadline_s: float,
    breaker: Breaker | None = None,
    transport: Transport = DEFAULT_TRANSPORT,
) -> requests.Session:
    """A requests session whose every exchange has a deadline, a body cap and the breaker
    (`transport`: see conformance.transport_internals)."""
    session = requests.Session()
    breaker = breaker if breaker is not None else Breaker()
    adapter = DeadlineAdapter(deadline_s, breaker, transport=transport)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


@dataclass
class Recorder:
    """Collects the exchanges of one scenario, in order."""

    exchanges: list[Exchange] = field(default_factory=list)

    def record(self, exchange: Exchange) -> None:
        self.exchanges.append(exchange)


def sent_exchange(prepared: requests.PreparedRequest, **answer: Any) -> Exchange:
    """An Exchange of `prepared` exactly as sent (its headers and bytes; the body's preview
    trimmed) with `answer`: status, response headers and body, elapsed_ms or error."""
    body = prepared.body
    sent = body.encode("utf-8") if isinstance(body, str) else body
    sent = sent if isinstance(sent, bytes) else b""
    return Exchange(
        method=prepared.method or "",
        url=prepared.url or "",
        request_headers=dict(prepared.headers),
        request_body=trim(sent.decode("utf-8", errors="replace")),
        sent_body=sent,
        **answer,
    )


# Errors that mean nobody answers at the address: no server, no host, no route.
_NOBODY_THERE_ERRNOS = {
    errno.ECONNREFUSED: "connection refused",
    errno.EHOSTUNREACH: "no route to host",
    errno.ENETUNREACH: "network unreachable",
}


def nobody_there(exc: BaseException) -> str | None:
    """Why nobody answers at the address (refused, unresolvable, no route), or None: the server
    is there and failed (a timeout, a reset). Decided by the types in the exception's chain
    (requests wraps urllib3's errors, which wrap the socket's), never by their text."""
    for cause in _causes(exc):
        if isinstance(cause, NameResolutionError | socket.gaierror):
            return "name not resolved"
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused"
        if isinstance(cause, OSError) and cause.errno in _NOBODY_THERE_ERRNOS:
            return _NOBODY_THERE_ERRNOS[cause.errno]
    return None


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """`exc` and every exception it wraps: arguments, urllib3's `reason`, cause and context."""
    pending, seen = [exc], set()
    while pending:
        current = pending.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        linked = [*current.args, getattr(current, "reason", None)]
        linked += [current.__cause__, current.__context__]
        pending += [e for e in linked if isinstance(e, BaseException)]


class ApiClient:
    """Sends requests to one base URL with a deadline; records each exchange in `recorder`.

    Without `session`, it sends through `make_session(timeout, breaker, transport)`.
    """

    def __init__(
        self,
        base_url: str,
        timeout: float,
        recorder: Recorder,
        session: requests.Session | None = None,
        breaker: Breaker | None = None,
        transport: Transport = DEFAULT_TRANSPORT,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.recorder = recorder
        self.session = session or make_session(timeout, breaker, transport)

    def url(self, path: str) -> str:
        return path if path.startswith(("http://", "https://")) else self.base_url + path

    def send(
        self,
        method: str,
        path: str,
        headers: Mapping[str, str | None] | None = None,
        body: bytes | str | None = None,
        params: Mapping[str, str] | None = None,
    ) -> requests.Response:
        """One request; transport errors are recorded, then raised as the harness sees them.

        A header given as None is not sent at all, not even as the session's default (requests
        would send `Accept: */*` for a request that has no Accept).

        Refused or unresolvable connections raise TargetUnreachable (the harness cannot run);
        a timeout or a connection the server drops mid-answer is a Deviation (the server failed);
        once the run's breaker is open, TargetStopped is raised and nothing is sent.
        """
        request = requests.Request(
            method,
            self.url(path),
            headers=dict(headers or {}),
            data=body.encode("utf-8") if isinstance(body, str) else body,
            params=dict(params or {}),
        )
        prepared = self.session.prepare_request(request)
        started = time.perf_counter()
        try:
            response = self.session.send(prepared, timeout=self.timeout, allow_redirects=False)
        except TargetStopped as exc:
            self._record(prepared, started, error=exc)
            raise
        except requests.RequestException as exc:
            self._record(prepared, started, error=exc)
            raise self._translate(exc, prepared) from exc
        self._record(prepared, started, response=response)
        return response

    def _record(
        self,
        prepared: requests.PreparedRequest,
        started: float,
        *,
        response: requests.Response | None = None,
        error: Exception | None = None,
    ) -> None:
        """One Exchange per request: the response, or the transport error in its place."""
        answer: dict[str, Any] = {}
        if response is not None:
            answer = {
                "status": response.status_code,
                "response_headers": dict(response.headers),
                "response_body": trim(response.text),
                "truncated_at": truncated_at(response),
            }
        self.recorder.record(
            sent_exchange(
                prepared,
                elapsed_ms=_ms_since(started),
                error=f"{type(error).__name__}: {error}" if error is not None else None,
                **answer,
            )
        )

    def _translate(
        self, exc: requests.RequestException, prepared: requests.PreparedRequest
    ) -> Exception:
        where = f"{prepared.method} {prepared.url}"
        reason = None if isinstance(exc, requests.Timeout) else nobody_there(exc)
        if reason:
            return TargetUnreachable(f"target unreachable ({reason}): {where}: {exc}")
        if isinstance(exc, requests.Timeout):
            return Deviation(
                f"no answer within {self.timeout}s: {where}", expected="an answer", actual="timeout"
            )
        return Deviation(
            f"the server dropped the connection: {where}: {exc}",
            expected="an answer",
            actual=f"{type(exc).__name__}",
        )


def _ms_since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)
