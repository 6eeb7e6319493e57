"""The reverse proxy: an ASGI app that forwards each request to the target on aiohttp's client.

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
import io
import json
import time
from collections.abc import Awaitable, Callable, Iterable, MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

import aiohttp
import httpx
from multidict import CIMultiDict
from yarl import URL

from conformance.proxy.judge import Judgement, Seen
from conformance.proxy.session import Session
from conformance.response_shape import wants_xml

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
Control = Callable[[Scope, Send], Awaitable[None]]

HOP_BY_HOP = frozenset(
    {"connection", "proxy-connection", "keep-alive", "te", "transfer-encoding", "upgrade"}
)
NOT_FORWARDED = HOP_BY_HOP | {"host", "content-length"}  # aiohttp sets both for the upstream
CONTROL_PREFIX = "/_conformance/"
ANNOTATION = "x-conformance-violations"  # --annotate: the exchange's violations (Prism's idea)
ANNOTATION_LIMIT = 4000
# The proxy's own codes, in the vendor's status-NNN form; 99x marks them as no vendor's.
PROXY_CODES = {413: "413-990", 431: "431-990", 502: "502-990", 504: "504-990"}
MAX_HEADER_BYTES = 64 * 1024  # request headers, names and values: more is refused with 431
STREAMED_FROM = 256 * 1024  # request bodies larger than this go upstream as a stream


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
        parts = urlsplit(upstream)
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.session = session
        self.deadline_s = limits.deadline_s
        self.max_request = limits.max_request
        self.max_body = limits.max_kept
        self.annotate = annotate
        self.control = control
        self.client: aiohttp.ClientSession | None = None

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
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self.client is not None:
                    await self.client.close()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _forward(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.monotonic()
        headers = httpx.Headers([(k.decode("latin-1"), v.decode("latin-1"))
                                 for k, v in scope["headers"]])  # fmt: skip
        refusal = await self._refusal(scope, receive, headers)
        if isinstance(refusal, tuple):
            await _error(send, *refusal, headers.get("Accept"))
            return
        seen = Seen(scope["method"], _target(scope), headers, refusal, 0, httpx.Headers(), b"")
        deadline = asyncio.get_running_loop().time() + self.deadline_s
        try:
            async with asyncio.timeout_at(deadline):
                response = await self._send(scope, seen)
        except (TimeoutError, aiohttp.ClientError) as exc:
            await self._fault(send, seen, started, *_transport(exc, self.deadline_s))
            return
        async with response:
            await self._relay(response, send, seen, started, deadline)

    async def _refusal(
        self, scope: Scope, receive: Receive, headers: httpx.Headers
    ) -> tuple[int, str] | bytes:
        """The request body, or the proxy's own refusal (status, why) of a request too large."""
        if sum(len(k) + len(v) for k, v in scope["headers"]) > MAX_HEADER_BYTES:
            self.session.refused("headers over the proxy's cap")
            return (
                431,
                f"the request headers are larger than the proxy's cap of {MAX_HEADER_BYTES} bytes",
            )
        body = await _read_body(receive, self.max_request)
        if body is None:
            self.session.refused("body over the proxy's cap")
            return (
                413,
                f"the request body is larger than the proxy's cap of {self.max_request} bytes",
            )
        return body

    async def _send(self, scope: Scope, seen: Seen) -> aiohttp.ClientResponse:
        if self.client is None:  # made in the serving loop, on the first request
            self.client = _client()
        url = URL(self.origin + seen.target, encoded=True)  # the path and query as sent
        headers = CIMultiDict((k.decode("latin-1"), v.decode("latin-1"))
                              for k, v in _forwarded(scope["headers"]))  # fmt: skip
        sent = seen.request_body
        # a large body as a stream: aiohttp warns that raw bytes that large block its loop
        body = io.BytesIO(sent) if len(sent) > STREAMED_FROM else (sent or None)
        return await self.client.request(seen.method, url, headers=headers, data=body,
                                         allow_redirects=False)  # fmt: skip

    async def _relay(
        self, response: aiohttp.ClientResponse, send: Send, seen: Seen, started: float,
        deadline: float,
    ) -> None:  # fmt: skip
        """Stream the answer to the client (after judging it, with --annotate), then judge it."""
        relay = _Relay(send, response, self.max_body)
        try:
            async with asyncio.timeout_at(deadline):
                if self.annotate:
                    await relay.hold()
                    note = _annotation(self.session.record(relay.seen(seen), _ms(started)))
                    await relay.start(note if relay.whole else b"")
                    await relay.rest()
                    return
                await relay.start()
                await relay.rest()
        except (TimeoutError, aiohttp.ClientError) as exc:
            status, kind, why = _transport(exc, self.deadline_s)
            if not relay.started:
                await self._fault(send, seen, started, status, kind, why)
                return
            why = f"the target's answer broke off after its headers: {why}"
            self.session.fault(
                f"{kind} mid-answer", why, self.session.exchange(seen, _ms(started), why)
            )
            raise  # the client's connection is cut: a truncated answer must not look whole
        self.session.record(relay.seen(seen), _ms(started))

    async def _fault(
        self, send: Send, seen: Seen, started: float, status: int, kind: str, why: str
    ) -> None:
        self.session.fault(kind, why, self.session.exchange(seen, _ms(started), why))
        await _error(send, status, why, seen.request_headers.get("Accept"))


class _Relay:
    """One upstream answer on its way to the client, the first `max_kept` bytes kept to judge."""

    def __init__(self, send: Send, response: aiohttp.ClientResponse, max_kept: int) -> None:
        self.send = send
        self.response = response
        self.max_kept = max_kept
        self.kept = bytearray()
        self.held: list[bytes] = []
        self.started = False
        self.whole = True  # every byte of the answer is in `kept`

    async def hold(self) -> None:
        """Read the answer before sending its head (--annotate), up to what is kept."""
        async for chunk in self.response.content.iter_any():
            self._keep(chunk)
            self.held.append(chunk)
            if not self.whole:
                return  # too large to hold: sent as it is, unannotated

    async def start(self, note: bytes = b"") -> None:
        head = _answer_headers(self.response.raw_headers)
        head += [(ANNOTATION.encode(), note)] if note else []
        await self.send({"type": "http.response.start", "status": self.response.status,
                         "headers": head})  # fmt: skip
        self.started = True
        for chunk in self.held:
            await self.send({"type": "http.response.body", "body": chunk, "more_body": True})

    async def rest(self) -> None:
        async for chunk in self.response.content.iter_any():
            self._keep(chunk)
            await self.send({"type": "http.response.body", "body": chunk, "more_body": True})
        await self.send({"type": "http.response.body", "body": b"", "more_body": False})

    def _keep(self, chunk: bytes) -> None:
        room = self.max_kept - len(self.kept)
        self.whole = self.whole and len(chunk) <= room
        self.kept += chunk[: max(room, 0)]

    def seen(self, request: Seen) -> Seen:
        headers = httpx.Headers([(k.decode("latin-1"), v.decode("latin-1"))
                                 for k, v in self.response.raw_headers])  # fmt: skip
        sent = request.request_body
        return Seen(request.method, request.target, request.request_headers, sent,
                    self.response.status, headers, bytes(self.kept))  # fmt: skip


def _client() -> aiohttp.ClientSession:
    """No cookies, no decompression, no redirects, no headers of its own (but Host and
    Content-Length): what the client sent is what the target gets."""
    connector = aiohttp.TCPConnector(limit=256, limit_per_host=256, ttl_dns_cache=300)
    return aiohttp.ClientSession(
        connector=connector, auto_decompress=False, cookie_jar=aiohttp.DummyCookieJar(),
        skip_auto_headers=("User-Agent", "Accept", "Accept-Encoding", "Content-Type"),
        timeout=aiohttp.ClientTimeout(total=None), version=aiohttp.HttpVersion11,
    )  # fmt: skip


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


def _answer_headers(headers: Sequence[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    drop = HOP_BY_HOP | _connection_named(headers)
    return [(k, v) for k, v in headers if k.decode("latin-1").lower() not in drop]


def _keep(kept: bytearray, chunk: bytes, cap: int) -> None:
    if len(kept) < cap:
        kept += chunk[: cap - len(kept)]


def _ms(started: float) -> float:
    return (time.monotonic() - started) * 1000


def _transport(exc: BaseException, deadline_s: float) -> tuple[int, str, str]:
    """The client's status, the fault's kind and why, for an upstream that failed."""
    if isinstance(exc, TimeoutError):
        return 504, "timeout", f"the target gave no answer within {deadline_s} s"
    if isinstance(exc, aiohttp.ClientConnectorError):
        return 502, "refused", f"the target refused the connection ({exc})"
    if isinstance(exc, aiohttp.ClientResponseError | aiohttp.ClientPayloadError):
        return 502, "garbage", f"the target's answer is not HTTP ({exc})"
    return 502, "reset", f"the target's connection broke ({type(exc).__name__}: {exc})"


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
