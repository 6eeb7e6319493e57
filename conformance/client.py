"""The one HTTP seam of the harness: a requests-based client that records every exchange.

Every request and its response (or the transport error in its place) becomes a
`conformance.results.Exchange`, trimmed, for the report. Bearer tokens are kept in the
recorded headers on purpose: a reproduction (`Exchange.curl()`) needs them.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field

import requests

from conformance.errors import Deviation, TargetUnreachable
from conformance.results import Exchange, trim


@dataclass
class Recorder:
    """Collects the exchanges of one scenario, in order."""

    exchanges: list[Exchange] = field(default_factory=list)

    def record(self, exchange: Exchange) -> None:
        self.exchanges.append(exchange)


def _text(body: bytes | str | None) -> str:
    if body is None:
        return ""
    if isinstance(body, bytes):
        return trim(body.decode("utf-8", errors="replace"))
    return trim(body)


def _is_unreachable(exc: requests.ConnectionError) -> bool:
    """Refused or unresolvable: nobody answers at that address (as opposed to a reset)."""
    text = repr(exc)
    markers = (
        "Connection refused",
        "ConnectionRefusedError",
        "NameResolutionError",
        "Name or service not known",
        "nodename nor servname",
        "getaddrinfo failed",
        "No route to host",
        "Errno 111",
        "Errno -2",
        "Errno -3",
    )
    return any(marker in text for marker in markers)


class ApiClient:
    """Sends requests to one base URL with a timeout; records each exchange in `recorder`."""

    def __init__(
        self,
        base_url: str,
        timeout: float,
        recorder: Recorder,
        session: requests.Session | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.recorder = recorder
        self.session = session or requests.Session()

    def url(self, path: str) -> str:
        return path if path.startswith(("http://", "https://")) else self.base_url + path

    def send(
        self,
        method: str,
        path: str,
        headers: Mapping[str, str] | None = None,
        body: bytes | str | None = None,
        params: Mapping[str, str] | None = None,
    ) -> requests.Response:
        """One request; transport errors are recorded, then raised as the harness sees them.

        Refused or unresolvable connections raise TargetUnreachable (the harness cannot run);
        a timeout or a connection the server drops mid-answer is a Deviation (the server failed).
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
        except requests.RequestException as exc:
            self._record_error(prepared, body, started, exc)
            raise self._translate(exc, prepared) from exc
        self._record(prepared, body, started, response)
        return response

    def _record(
        self,
        prepared: requests.PreparedRequest,
        body: bytes | str | None,
        started: float,
        response: requests.Response,
    ) -> None:
        self.recorder.record(
            Exchange(
                method=prepared.method or "",
                url=prepared.url or "",
                request_headers=dict(prepared.headers),
                request_body=_text(body),
                status=response.status_code,
                response_headers=dict(response.headers),
                response_body=trim(response.text),
                elapsed_ms=_ms_since(started),
            )
        )

    def _record_error(
        self,
        prepared: requests.PreparedRequest,
        body: bytes | str | None,
        started: float,
        exc: Exception,
    ) -> None:
        self.recorder.record(
            Exchange(
                method=prepared.method or "",
                url=prepared.url or "",
                request_headers=dict(prepared.headers),
                request_body=_text(body),
                elapsed_ms=_ms_since(started),
                error=f"{type(exc).__name__}: {exc}",
            )
        )

    def _translate(
        self, exc: requests.RequestException, prepared: requests.PreparedRequest
    ) -> Exception:
        where = f"{prepared.method} {prepared.url}"
        if (
            isinstance(exc, requests.ConnectionError)
            and not isinstance(exc, requests.ConnectTimeout)
            and _is_unreachable(exc)
        ):
            return TargetUnreachable(f"target unreachable: {where}: {exc}")
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
