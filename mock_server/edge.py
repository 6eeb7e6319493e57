"""The outermost layer: the request log, CORS and the vendor error body, in one pass.

Connexion's default stack opens with its ServerErrorMiddleware (Starlette's, subclassed) and its
ExceptionMiddleware, and the mock added a recorder and CORS: four layers, each wrapping `send`
for every request. This one layer does what they did, in this order from the outside:

1. records the request (status, vendor code, rule id, duration) for the log and /mock/requests;
2. hands a request that carries an Origin to Starlette's CORSMiddleware; any other request only
   gets the `Vary: Origin` that CORSMiddleware adds to it (it adds nothing else without Origin);
3. turns any exception raised before the answer started into the vendor error body, in JSON or
   XML as Accept asks (inside CORS, so a browser can read the error), never problem+json;
4. errors and latency on demand (faults.py): a `Prefer` header, an armed fault or the latency
   setting delay the request, answer a documented error without serving it, or drop the
   connection. Without any of them this costs the Prefer test in the header scan it already
   made for Origin, and one attribute read.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from connexion.exceptions import ProblemException
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mock_server import negotiation
from mock_server.errors import ApiError, CodeBook, error_body
from mock_server.faults import Controls, ErrorBook, Plan
from mock_server.messages import user_message
from mock_server.request_log import RECORD_KEY, Journal, Outcome
from mock_server.vendor_checks import ClientDisconnected

logger = logging.getLogger("mock_server")
VARY_ORIGIN = (b"vary", b"Origin")
PLAN_KEY = "mock.plan"
# Statuses the vendor does not document for the create, kept where none it documents fits:
# 404 (no such path), 405 (another method). A too-large body or an unreadable Content-Type
# raised by a lower layer is the documented 400 400-152 requestBody, as the vendor checks answer.
_STATUS_CODES = {
    404: ("404-100", None),
    405: ("405-100", "PRT-01"),
    406: ("406-101", "HDR-04"),
}
_AS_REQUEST_BODY = {413: "LIM-03", 415: "HDR-06"}


class Edge:
    """ASGI middleware at the top of the mock's Connexion stack (see the module docstring)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        journal: Journal,
        codes: CodeBook,
        cors: dict[str, Any],
        base_path: str,
        create_path: str,
        controls: Controls | None = None,
    ) -> None:
        self.app = app
        self.vendor_prefix = base_path + "/"
        self.create_path = base_path + create_path
        self.journal = journal
        self.codes = codes
        self.controls = controls or Controls(ErrorBook.none())
        self.cors = CORSMiddleware(self._answer_errors, **cors)
        self.cors_forced = CORSMiddleware(self._answer_forced, **cors)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        outcome = scope[RECORD_KEY] = Outcome()
        has_origin = False
        prefer: bytes | None = None
        for name, value in scope["headers"]:
            if name == b"origin":
                has_origin = True
            elif name == b"prefer" and prefer is None:
                prefer = value
        started = time.perf_counter()
        if prefer is not None or self.controls.active:
            plan = self._plan(scope, prefer)
            if plan is not None:
                try:
                    await self._controlled(scope, receive, send, plan, has_origin)
                finally:
                    self.journal.record(scope, outcome, time.perf_counter() - started)
                return

        send_ = _tracked(send, outcome, has_origin)

        try:
            if has_origin:
                await self.cors(scope, receive, send_)
            else:
                await self._answer_errors(scope, receive, send_)
        finally:
            self.journal.record(scope, outcome, time.perf_counter() - started)

    def _plan(self, scope: Scope, prefer: bytes | None) -> Plan | None:
        """What faults.Controls decides for this request; a bad Prefer is a planned 400."""
        path = scope["path"]
        if not path.startswith(self.vendor_prefix):
            return None
        is_create = scope["method"] == "POST" and path == self.create_path
        try:
            return self.controls.plan(prefer.decode("latin-1") if prefer else None, is_create)
        except ApiError as exc:
            return Plan(refusal=exc, why="Prefer refused")

    async def _controlled(
        self, scope: Scope, receive: Receive, send: Send, plan: Plan, has_origin: bool
    ) -> None:
        """Delay, then drop, answer the forced error, or serve the request as usual."""
        outcome: Outcome = scope[RECORD_KEY]
        outcome.forced = plan.why
        if plan.delay_ms:
            await asyncio.sleep(plan.delay_ms / 1000)
        if plan.drop:
            await _drop(send)
            return

        send_ = _tracked(send, outcome, has_origin)

        forced = plan.error is not None or plan.refusal is not None
        if forced:
            scope[PLAN_KEY] = plan
        if has_origin:
            await (self.cors_forced if forced else self.cors)(scope, receive, send_)
        elif forced:
            await self._answer_forced(scope, receive, send_)
        else:
            await self._answer_errors(scope, receive, send_)

    async def _answer_forced(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The documented error a Prefer or a fault asked for, never reaching the store; or
        the 400 of a bad Prefer."""
        plan: Plan = scope[PLAN_KEY]
        if plan.refusal is not None:
            await self.error_response(scope, plan.refusal)(scope, receive, send)
            return
        assert plan.error is not None
        headers = Headers(scope=scope)
        outcome: Outcome = scope[RECORD_KEY]
        outcome.code = plan.error.code
        as_xml = negotiation.response_format(headers.get("accept")) == negotiation.XML
        user = None
        if negotiation.wants_user_message(headers.get("x-egain-error-message")):
            locale = negotiation.locale(headers.get("accept-language"))
            user = user_message(plan.error.code, locale or negotiation.DEFAULT_LOCALE, ())
        body, media_type = error_body(plan.error.code, plan.error.developer_message, user, as_xml)
        response = Response(body, status_code=plan.error.status, media_type=media_type)
        await response(scope, receive, send)

    async def _answer_errors(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self.app(scope, receive, send)
        except Exception as exc:
            outcome: Outcome = scope[RECORD_KEY]
            if outcome.status:  # the answer has started: too late for another one
                logger.error("error after the answer started on %s", scope["path"], exc_info=exc)
                return
            await self.error_response(scope, exc)(scope, receive, send)

    def error_response(self, scope: Scope, exc: Exception) -> Response:
        """Any exception as the vendor body, in JSON or XML as Accept asks."""
        headers = Headers(scope=scope)
        error = _as_api_error(scope, headers, exc)
        outcome: Outcome = scope[RECORD_KEY]
        outcome.code, outcome.rule_id = error.code, error.rule_id
        as_xml = negotiation.response_format(headers.get("accept")) == negotiation.XML
        user = None
        if negotiation.wants_user_message(headers.get("x-egain-error-message")):
            locale = negotiation.locale(headers.get("accept-language"))
            user = user_message(error.code, locale or negotiation.DEFAULT_LOCALE, error.args_)
        developer = self.codes.developer_message(error.code, error.args_)
        body, media_type = error_body(error.code, developer, user, as_xml)
        extra = dict(getattr(exc, "headers", None) or {}) if error.status == 405 else {}
        return Response(body, status_code=error.status, headers=extra, media_type=media_type)


async def _drop(send: Send) -> None:
    """Close the connection without a byte of answer (uvicorn: its transport, reached through
    the `send` it gave us); elsewhere, raise as a broken connection would."""
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    if transport is None:
        raise ConnectionAbortedError("mock fault: drop")
    transport.abort()
    await asyncio.sleep(0.01)  # let the server see the connection lost: it then sends nothing


def _tracked(send: Send, outcome: Any, has_origin: bool) -> Send:
    """`send`, noting the answer's status for the request log (and Vary: Origin when the
    request had no Origin, as CORSMiddleware would add)."""

    async def send_(message: Message) -> None:
        if message["type"] == "http.response.start":
            outcome.status = message["status"]
            if not has_origin:
                _vary_on_origin(message)
        await send(message)

    return send_


def _vary_on_origin(start: Message) -> None:
    """What CORSMiddleware does to an answer to a request without Origin."""
    headers = start.setdefault("headers", [])
    if any(name.lower() == b"vary" for name, _ in headers):
        mutable = MutableHeaders(scope=start)
        mutable["Vary"] = ", ".join([*mutable.getlist("Vary"), "Origin"])
    else:
        start["headers"] = [*headers, VARY_ORIGIN]


def _as_api_error(scope: Scope, headers: Headers, exc: Exception) -> ApiError:
    if isinstance(exc, ApiError):
        return exc
    status = getattr(exc, "status_code", getattr(exc, "status", 500))
    if isinstance(exc, HTTPException | ProblemException) and status == 401:
        auth_rule = "ACT-02" if headers.get("authorization") else "ACT-01"
        return ApiError(401, "401-101", (), auth_rule)
    if isinstance(exc, ClientDisconnected):
        return ApiError(400, "400-152", ("requestBody",), "PRT-03")
    if isinstance(exc, HTTPException | ProblemException) and status in _AS_REQUEST_BODY:
        return ApiError(400, "400-152", ("requestBody",), _AS_REQUEST_BODY[status])
    if isinstance(exc, HTTPException | ProblemException) and status in _STATUS_CODES:
        code, rule_id = _STATUS_CODES[status]
        return ApiError(status, code, (), rule_id)
    if isinstance(exc, HTTPException | ProblemException) and 400 <= status < 500:
        return ApiError(400, "400-152", ("requestBody",), "PRT-03")
    logger.error("unexpected error on %s %s", scope["method"], scope["path"], exc_info=exc)
    return ApiError(500, "500-100", (), None)
