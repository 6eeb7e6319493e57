"""Steps 3 to 8 of the check order, as one ASGI middleware in place of Connexion's validation.

Connexion would refuse a wrong Content-Type (415, a status the vendor does not document for this
operation) before the privilege and query checks, would
not read XML, and answers in problem+json; the vendor order and codes need all of it in one
place. This middleware runs right after routing (step 1) and security (step 2), reads the body
once with a size cap, and hands a `Submission` to the handler through the connexion context.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Receive, Scope, Send

from mock_server import negotiation, rules, xmlcodec
from mock_server.auth import CONTEXT_KEY, actor_of, granted_scopes
from mock_server.data import Actor
from mock_server.errors import ApiError, invalid
from mock_server.store import Store
from mock_server.validation import BodyValidator, json_may_hold_unstorable_text

CREATE = "create-incoming-email-activity"
READ = "get-activity-by-id"
SUBMISSION_KEY = "mock.submission"
MANAGE_SCOPE = "core.casemgr.manage"  # a token issued with scopes needs it to create
REQUEST_BODY = "requestBody"


@dataclass(frozen=True)
class Services:
    """What the vendor checks and the handlers share for the lifetime of one app."""

    store: Store
    validator: BodyValidator
    base_path: str  # the spec's (validation.base_path)


class ClientDisconnected(Exception):
    """The client went away while sending its body; nothing to answer."""


class VendorChecks:
    """ASGI middleware: Accept, Accept-Language, privilege, query, body transport, schema, actor."""

    def __init__(self, app: ASGIApp, *, services: Services) -> None:
        self.app = app
        self.services = services

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        operation = _operation_id(scope)
        if scope["type"] == "http" and operation in (CREATE, READ):
            actor = actor_of(scope)
            if actor is None:  # security passed without an actor: never for these operations
                raise ApiError(401, "401-101", (), "ACT-02")
            headers = _header_map(scope)
            on_behalf = self._front(scope, headers, actor, operation)
            granted = granted_scopes(scope)
            if granted is not None and MANAGE_SCOPE not in granted and operation == CREATE:
                raise ApiError(403, "403-178", (rules.CREATE_ACTION,), "ACT-03")
            if operation == CREATE:
                body = await self._body(headers, receive)
                submission = rules.Submission(actor, on_behalf, body)
                rules.check_elements(submission)
                _context(scope)[SUBMISSION_KEY] = submission
        await self.app(scope, receive, send)

    def _front(
        self, scope: Scope, headers: dict[str, str], actor: Actor, operation: str
    ) -> str | None:
        """Steps 3-5: Accept, Accept-Language, privilege (create only), query."""
        if negotiation.response_format(headers.get("accept")) is None:
            raise ApiError(406, "406-101", (), "HDR-04")
        if negotiation.locale(headers.get("accept-language")) is None:
            raise ApiError(406, "406-100", (), "HDR-01")
        raw_query = scope.get("query_string", b"")
        query = parse_qsl(raw_query.decode("latin-1"), keep_blank_values=True) if raw_query else []
        with self.services.store.transaction() as state:
            if operation == CREATE:
                rules.check_privilege(actor, state)
                return rules.check_query(actor, query, state)
            rules.check_query(actor, [q for q in query if q[0] != "customer"], state)
        return None

    async def _body(self, headers: dict[str, str], receive: Receive) -> dict[str, Any]:
        """Step 6 (transport) and 7 (schema)."""
        limit = self.services.store.partition.max_email_bytes
        declared = headers.get("content-length", "")
        if declared.isdecimal() and int(declared) > limit:
            raise invalid(REQUEST_BODY, "LIM-03")  # a documented status: 400, not 413
        kind = negotiation.body_format(headers.get("content-type"))
        if kind is None:
            raise invalid(REQUEST_BODY, "HDR-06")  # a documented status: 400, not 415
        raw = await _read(receive, limit)
        if not raw.strip():
            raise ApiError(400, "400-264", (), "BODY-01")
        body = _parse(raw, kind, self.services.validator)
        # XML 1.0 has no control characters, surrogates or U+FFFE/U+FFFF, raw or as character
        # references, and expat refuses every one (tests/mock/test_xml_text.py).
        unstorable = kind == negotiation.JSON and json_may_hold_unstorable_text(raw)
        self.services.validator.validate(body, unstorable)
        return body


def _header_map(scope: Scope) -> dict[str, str]:
    """Name -> first value, as Starlette's Headers.get reads them, built once for the five reads
    here (each Headers.get lower-cases, encodes and scans the whole list again)."""
    found: dict[str, str] = {}
    for name, value in scope["headers"]:
        key = name.decode("latin-1")
        if key not in found:
            found[key] = value.decode("latin-1")
    return found


def _operation_id(scope: Scope) -> str | None:
    return scope.get("extensions", {}).get("connexion_routing", {}).get("operation_id")


def _context(scope: Scope) -> dict[str, Any]:
    return scope.setdefault("extensions", {}).setdefault(CONTEXT_KEY, {})


async def _read(receive: Receive, limit: int) -> bytes:
    """The whole body, refused (400 400-152 requestBody) as soon as it grows past `limit`."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientDisconnected
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise invalid(REQUEST_BODY, "LIM-03")
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _parse(raw: bytes, kind: str, validator: BodyValidator) -> dict[str, Any]:
    """UTF-8 JSON or XML into the JSON shape; anything else is 400-152 requestBody."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise invalid(REQUEST_BODY, "BODY-02") from exc
    if kind == negotiation.XML:
        try:
            return xmlcodec.parse(raw, validator.schema)
        except xmlcodec.XmlBodyError as exc:
            raise invalid(REQUEST_BODY, "BODY-02") from exc
        except xmlcodec.XmlRootError as exc:
            raise invalid(REQUEST_BODY, "BODY-03") from exc
    try:
        body = _JSON.decode(text.lstrip("\ufeff"))
    except (ValueError, RecursionError) as exc:
        raise invalid(REQUEST_BODY, "BODY-02") from exc
    if not isinstance(body, dict):
        raise invalid(REQUEST_BODY, "BODY-03")
    return body


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


# One decoder for every body: json.loads with any option builds a new one (and its scanner)
# per call, which cost more than the decoding itself.
_JSON = json.JSONDecoder(parse_constant=_refuse_constant)
