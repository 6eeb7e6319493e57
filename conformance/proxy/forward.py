"""The reverse proxy: an ASGI app that forwards each request to the target on `httpx.AsyncClient`.

Requests go upstream unchanged (method, path, query, body, headers but the hop-by-hop ones of
RFC 9110 §7.6.1 and Host); answers come back unchanged, bytes and headers, streamed (the raw
bytes, never decoded). Each exchange has the harness's deadline (connect plus the whole answer)
and body cap: a request body over the cap is refused with 413, and only the first `max_body`
bytes of an answer are kept for judging (the client still gets all of it). An upstream that
refuses, resets, hangs or answers garbage gets the client a 502 or 504 in the vendor's error
shape with a code of the proxy's own (`PROXY_CODES`), and is recorded as a fault.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

import httpx

from conformance.proxy.judge import Judgement, Seen
from conformance.proxy.session import Session, fault_exchange
from conformance.steps.checks import wants_xml

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
Control = Callable[[Scope, Send], Awaitable[None]]

HOP_BY_HOP = frozenset(
    {"connection", "proxy-connection", "keep-alive", "te", "transfer-encoding", "upgrade"}
)
NOT_FORWARDED = HOP_BY_HOP | {"host", "content-length"}  # httpx sets both for the upstream
CONTROL_PREFIX = "/_conformance/"
ANNOTATION = "x-conformance-violations"  # --annotate: the exchange's violations (Prism's idea)
ANNOTATION_LIMIT = 4000
# The proxy's own codes, in the vendor's status-NNN form; 99x marks them as no vendor's.
PROXY_CODES = {413: "413-990", 431: "431-990", 502: "502-990", 504: "504-990"}
MAX_HEADER_BYTES = 64 * 1024  # request headers, names and values: more is refused with 431


@dataclass(frozen=True)
class Limits:
    """Per exchange: the deadline (connect plus the whole answer), the largest request body
    forwarded, and the bytes of an answer kept for judging."""

    deadline_s: float
    max_request: int
    max_kept: int


class Forwarder:
    """Forwards everything to one upstream origin; `/_conformance/*` goes to `control`."""

    def __init__(
        self,
        upstream: str,
        session: Session,
        limits: Limits,
        annotate: bool = False,
        control: Control | None = None,
    ) -> None:
        self.upstream = httpx.URL(upstream)
        self.origin = f"{self.upstream.scheme}://{self.upstream.netloc.decode('ascii')}"
        self.session = session
        self.deadline_s = limits.deadline_s
        self.max_request = limits.max_request
        self.max_body = limits.max_kept
        self.annotate = annotate
        self.control = control
        self.client: httpx.AsyncClient | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif scope["type"] == "http":
            if self.control is not None and scope["path"].startswith(CONTROL_PREFIX):
                await self.control(scope, send)
            else:
                await self._forward(scope, receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self.client = _client(self.deadline_s)
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self.client is not None:
                    await self.client.aclose()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _forward(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.monotonic()
        headers = httpx.Headers(
            [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]]
        )
        if sum(len(k) + len(v) for k, v in scope["headers"]) > MAX_HEADER_BYTES:
            self.session.refused("headers over the proxy's cap")
            why = f"the request headers are larger than the proxy's cap of {MAX_HEADER_BYTES} bytes"
            await _error(send, 431, why, None)
            return
        body = await _read_body(receive, self.max_request)
        target = _target(scope)
        if body is None:
            self.session.refused("body over the proxy's cap")
            message = f"the request body is larger than the proxy's cap of {self.max_request} bytes"
            await _error(send, 413, message, headers.get("Accept"))
            return
        seen = Seen(scope["method"], target, headers, body, 0, httpx.Headers(), b"")
        request = httpx.Request(
            scope["method"],
            self.origin + target,
            headers=_forwarded(scope["headers"]),
            content=body,
        )
        if self.client is None:  # no lifespan (an ASGI host without it): one client from now on
            self.client = _client(self.deadline_s)
        deadline = asyncio.get_running_loop().time() + self.deadline_s
        try:
            async with asyncio.timeout_at(deadline):
                response = await self.client.send(request, stream=True)
        except (TimeoutError, httpx.TimeoutException):
            await self._fault(send, seen, started, 504, "timeout",
                              f"the target gave no answer within {self.deadline_s} s")  # fmt: skip
            return
        except httpx.HTTPError as exc:
            kind, why = _transport(exc)
            await self._fault(send, seen, started, 502, kind, why)
            return
        try:
            await self._relay(response, send, seen, started, deadline)
        finally:
            await response.aclose()

    async def _relay(
        self, response: httpx.Response, send: Send, seen: Seen, started: float, deadline: float
    ) -> None:
        """Stream the answer to the client (after judging it, with --annotate), then judge it."""
        kept = bytearray()
        head = _answer_headers(response.headers.raw)
        chunks = response.aiter_raw()
        sent_head = False
        try:
            async with asyncio.timeout_at(deadline):
                if not self.annotate:
                    await send({"type": "http.response.start", "status": response.status_code,
                                "headers": head})  # fmt: skip
                    sent_head = True
                    async for chunk in chunks:
                        _keep(kept, chunk, self.max_body)
                        await send({"type": "http.response.body", "body": chunk, "more_body": True})
                else:
                    buffered: list[bytes] = []
                    async for chunk in chunks:
                        _keep(kept, chunk, self.max_body)
                        buffered.append(chunk)
                        if len(kept) >= self.max_body:
                            break  # too large to hold: sent as it is, unannotated
                    answered = self._seen(seen, response, kept)
                    note = _annotation(self.session.record(answered, _ms(started)))
                    extra = (
                        [(ANNOTATION.encode(), note)] if note and len(kept) < self.max_body else []
                    )
                    await send({"type": "http.response.start", "status": response.status_code,
                                "headers": head + extra})  # fmt: skip
                    sent_head = True
                    for chunk in buffered:
                        await send({"type": "http.response.body", "body": chunk, "more_body": True})
                    async for chunk in chunks:
                        await send({"type": "http.response.body", "body": chunk, "more_body": True})
                    await send({"type": "http.response.body", "body": b"", "more_body": False})
                    return
        except (TimeoutError, httpx.HTTPError) as exc:
            kind = (
                "timeout"
                if isinstance(exc, TimeoutError | httpx.TimeoutException)
                else _transport(exc)[0]
            )
            why = f"the target's answer broke off after its headers ({kind})"
            if not sent_head:
                status = 504 if kind == "timeout" else 502
                await self._fault(send, seen, started, status, kind, why)
                return
            self.session.fault(f"{kind} mid-answer", why, fault_exchange(seen, _ms(started), why))
            raise  # the client's connection is cut: a truncated answer must not look whole
        await send({"type": "http.response.body", "body": b"", "more_body": False})
        self.session.record(self._seen(seen, response, kept), _ms(started))

    def _seen(self, seen: Seen, response: httpx.Response, kept: bytearray) -> Seen:
        return Seen(seen.method, seen.target, seen.request_headers, seen.request_body,
                    response.status_code, response.headers, bytes(kept))  # fmt: skip

    async def _fault(
        self, send: Send, seen: Seen, started: float, status: int, kind: str, why: str
    ) -> None:
        self.session.fault(kind, why, fault_exchange(seen, _ms(started), why))
        await _error(send, status, why, seen.request_headers.get("Accept"))


def _client(deadline_s: float) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=256, max_keepalive_connections=128)
    return httpx.AsyncClient(
        timeout=httpx.Timeout(deadline_s), limits=limits, follow_redirects=False
    )


def _target(scope: Scope) -> str:
    raw = scope.get("raw_path") or scope["path"].encode("utf-8")
    query = scope.get("query_string", b"")
    return (raw + (b"?" + query if query else b"")).decode("latin-1")


async def _read_body(receive: Receive, cap: int) -> bytes | None:
    """The whole request body, or None once it passes `cap` (the rest is not read)."""
    parts: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return b"".join(parts)
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > cap:
            return None
        parts.append(chunk)
        if not message.get("more_body", False):
            return b"".join(parts)


def _connection_named(headers: Iterable[tuple[bytes, bytes]]) -> set[str]:
    """Headers the Connection header names: hop-by-hop too (RFC 9110 §7.6.1)."""
    named: set[str] = set()
    for key, value in headers:
        if key.lower() == b"connection":
            named |= {v.strip().lower() for v in value.decode("latin-1").split(",") if v.strip()}
    return named


def _forwarded(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    drop = NOT_FORWARDED | _connection_named(headers)
    return [(k, v) for k, v in headers if k.decode("latin-1").lower() not in drop]


def _answer_headers(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    drop = HOP_BY_HOP | _connection_named(headers)
    return [(k, v) for k, v in headers if k.decode("latin-1").lower() not in drop]


def _keep(kept: bytearray, chunk: bytes, cap: int) -> None:
    if len(kept) < cap:
        kept += chunk[: cap - len(kept)]


def _ms(started: float) -> float:
    return (time.monotonic() - started) * 1000


def _transport(exc: Exception) -> tuple[str, str]:
    if isinstance(exc, httpx.ConnectError):
        return "refused", f"the target refused the connection ({exc})"
    if isinstance(exc, httpx.RemoteProtocolError):
        return "garbage", f"the target's answer is not HTTP, or it hung up ({exc})"
    return "reset", f"the target's connection broke ({type(exc).__name__}: {exc})"


def _annotation(judgement: Judgement) -> bytes:
    parts = [f"{p.rule_id} {p.item}: {p.cause}" for p in judgement.violations]
    parts += [f"client {m.rule_id or 'schema'}: {m.sent}" for m in judgement.mistakes]
    text = "; ".join(parts)[:ANNOTATION_LIMIT]
    return text.encode("ascii", errors="replace")


async def _error(send: Send, status: int, why: str, accept: str | None) -> None:
    """The proxy's own answer, in the vendor's error shape, marked as the proxy's."""
    code = PROXY_CODES[status]
    message = f"conformance proxy: {why}"
    if wants_xml(accept):
        body = (f"<error><code>{code}</code><developerMessage>{escape(message)}"
                "</developerMessage></error>").encode()  # fmt: skip
        kind = b"application/xml"
    else:
        body = json.dumps({"code": code, "developerMessage": message}).encode()
        kind = b"application/json"
    headers = [(b"content-type", kind), (b"content-length", str(len(body)).encode()),
               (b"x-conformance-proxy", b"fault")]  # fmt: skip
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})
