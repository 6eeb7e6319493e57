# ruff: noqa: E501  (the choices table in the docstring is one row a line)
"""An independent server for eGain's "Create incoming email activity", written from the vendor docs.

`POST /core/casemgr/v3/activity/email/general` creates an incoming email activity (201, no body,
`Location: /core/casemgr/v3/activity/{id}`); `GET /core/casemgr/v3/activity/{id}` reads it back in
the vendor's "Get activity by ID" shape `{"activity": [{...}]}`; `GET /health` answers 200.
It shares no code with `mock_server` and reads nothing of `openapi/`: it is a second opinion, so
that a harness can tell a documented fact (both servers keep it) from a choice (they differ).

Run: `python -m tests.independent.server --host 127.0.0.1 --port P [--break RULE_ID]
[--body-on-201] [--setting key=value ...] [--list-breaks]`.

Where the docs are silent, this server makes the other plausible choice than the mock:

| decision | mock | this server |
|---|---|---|
| Accept not JSON/XML | 406 `406-101` | 406 `406-100` (the only documented 406 code) |
| `Accept: */*`, `application/*`, q-lists | honoured, JSON wins | refused 406 `406-100`: only the two enum values are read |
| missing Accept / Accept-Language / Content-Type | documented default | documented default (same) |
| other methods on the path | 405 `405-100` vendor body | 405 `text/plain` `Method Not Allowed`, `Allow: POST` |
| unknown paths | 404 `404-100` vendor body | 404 `text/plain` `Not Found` |
| Content-Type form, multipart, text/plain, empty | 400 `400-152` `requestBody` | 400 `400-152` `requestBody` (same: no 415 is documented) |
| Content-Type `text/xml` | read as XML | 400 `400-152` `requestBody` (not in the enum) |
| body over "Maximum email size (MB)" | 400 `400-152` `requestBody`, before reading | read, then 400 `400-152` `requestBody` (no 413 is documented) |
| not well-formed JSON/XML, XML DTD/entity | 400 `400-152` `requestBody` | 400 `400-152` `requestBody` (same) |
| unknown attributes anywhere (incl. `content.markdown`) | 400 `400-147` | ignored (201) |
| empty required string | 400 `400-387` | 400 `400-146` (empty counts as missing) |
| attribute named in to/cc/replyTo errors | `...to.address`, `...replyTo.address` | `...to`, `...replyTo` (the containing element) |
| attribute named in date errors | `payload.email.date.date` | `payload.email.date` |
| customer sends secure / to / cc / customer / department | 400 `400-147` | ignored (customer emails are always secure; department is derived) |
| user/client sends messageCenter / issueType | 400 `400-147` | ignored |
| `department` inside the customer element (docs: not allowed) | 400 `400-147` | 400 `400-152` `customer.department` |
| customer sends from with the customer query parameter (docs: must not) | 400 `400-147` | 400 `400-152` `payload.email.emailAddresses.from` |
| `customer` query parameter from a user/client | 400 `400-101` | 400 `400-244` `customer` |
| empty `customer=` | counts as absent | 400 `400-244` `customer` |
| acting for a granted customer without an email address | 400 `400-244` `customer` | 400 `400-152` `payload.email.emailAddresses.from` |
| unknown `case.id` | 400 `400-194` | 400 `400-152` `case.id` |
| unknown attachment altId | 400 `400-194` | 400 `400-152` `attachments.attachment.altId` |
| names (department, alias, message center) | case-insensitive | case-sensitive, exactly as configured |
| content size | UTF-8 bytes of text+html | characters of text+html |
| XML attribute form `<case id="..."/>` | read as a child element | not read (ids only as child elements): `case` is empty, 400 `400-146` `case.id` |
| secure messaging off and a user/client sends `secure: true` | 400 `400-152` `secure` | accepted, stored as not secure |
| activity ids | from 1001 | strings from 500000 upward |
| `secure` values | booleans | booleans and the strings "true"/"false" |
| Accept-Language values | (enum) | exactly the 15 enum values, case-sensitive |
| missing type / subtype, or no subject/attachments/content | 400 `400-146` | 400 `400-146`, naming `type.value` / `type.subtype.value` / `subject` |
| customer without receiver or message center | 400 `400-146` | 400 `400-146` `payload.email.messageCenter.id` |
| check order | business rules in catalog order, size limits last | size limits before the sender lookup; secure messaging (customer) last |
| read-back `GET /activity/{id}` of an unknown id, other methods there | vendor body | 404 / 405 `text/plain` |
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from tests.independent import bodies, data
from tests.independent.breaks import BREAKS, Breaks, check
from tests.independent.checks import Context, PartitionSettings, create_activity, resolve_query
from tests.independent.errors import ApiError, invalid, to_json, to_xml

BASE = "/core/casemgr/v3"
OPERATION = f"{BASE}/activity/email/general"
LOCALES = frozenset(
    {
        *("en-US", "es-ES", "fr-FR", "it-IT", "de-DE", "nl-NL", "pt-BR", "pt-PT"),
        *("da-DK", "ru-RU", "fr-CA", "zh-CN", "ja-JP", "ko-KR", "sv-SE"),
    }
)
MEDIA_TYPES = ("application/json", "application/xml")
ACTION = "Create incoming email activity"


class Server:
    """The state of one running server: its settings, its store and the broken rule."""

    def __init__(self, breaks: Breaks, body_on_201: bool, settings: PartitionSettings) -> None:
        self.breaks = breaks
        self.body_on_201 = body_on_201
        self.settings = settings
        self.store = data.Store()

    # -------------------------------------------------------------- answers

    def error(self, request: Request, exc: ApiError) -> Response:
        wants_user_message = request.headers.get("x-egain-error-message", "").lower() == "yes"
        key = "message" if self.breaks.on("PRT-02") else "developerMessage"
        body = exc.body(wants_user_message or self.breaks.on("HDR-07"), key)
        if error_format(request) == "application/xml" and not self.breaks.on("HDR-05"):
            return Response(to_xml(body), exc.status, media_type="application/xml")
        return Response(to_json(body), exc.status, media_type="application/json")

    def created(self, activity_id: str) -> Response:
        base = "" if self.breaks.on("EFF-01") else BASE
        headers = {"Location": f"{base}/activity/{activity_id}"}
        if self.body_on_201:
            return JSONResponse({"id": activity_id}, 201, headers=headers)
        return Response(status_code=201, headers=headers)

    # -------------------------------------------------------------- endpoints

    async def create(self, request: Request) -> Response:
        if request.method != "POST":
            return PlainTextResponse("Method Not Allowed", 405, headers={"Allow": "POST"})
        try:
            ctx = self.authorize(request)
            resolve_query(ctx, list(request.query_params.multi_items()))
            body = await self.read_body(request)
            return self.created(create_activity(ctx, body))
        except ApiError as exc:
            return self.error(request, exc)
        except Exception:
            return self.error(request, ApiError("500-100"))

    async def read_back(self, request: Request) -> Response:
        if request.method != "GET":
            return PlainTextResponse("Method Not Allowed", 405, headers={"Allow": "GET"})
        try:
            self.actor(request)
        except ApiError as exc:
            return self.error(request, exc)
        activity = self.store.activities.get(request.path_params["activity_id"])
        if activity is None:
            return PlainTextResponse("Not Found", 404)
        return JSONResponse({"activity": [activity]})

    # -------------------------------------------------------------- request checks, in order

    def authorize(self, request: Request) -> Context:
        """Token, then Accept, Accept-Language, then the user's privilege."""
        actor = self.actor(request)
        self.check_accept(request)
        self.check_language(request)
        if not self.permitted(actor):
            raise ApiError("403-178", ACTION)
        return Context(actor, self.settings, self.store, self.breaks)

    def actor(self, request: Request) -> data.Actor:
        header = request.headers.get("authorization")
        client = data.TOKENS["indep-app-5e11"]
        if header is None:
            if self.breaks.on("ACT-01"):
                return client
            raise ApiError("401-101")
        scheme, _, token = header.partition(" ")
        actor = data.TOKENS.get(token.strip()) if scheme.lower() == "bearer" else None
        if actor is None:
            if self.breaks.on("ACT-02"):
                return client
            raise ApiError("401-101")
        return actor

    def permitted(self, actor: data.Actor) -> bool:
        if actor.kind == "user" and actor.privileged:
            return not self.breaks.on("ACT-04")
        if actor.kind == "user":
            return self.breaks.on("ACT-03")
        if actor.kind == "client":
            return not self.breaks.on("ACT-05")
        return not self.breaks.on("ACT-06")

    def check_accept(self, request: Request) -> None:
        accept = request.headers.get("accept")
        if accept is None or parse_accept(accept) is not None:
            return
        if self.breaks.on("HDR-04") and "*" not in accept and "," not in accept:
            return  # a single concrete media type other than JSON or XML is answered in JSON
        raise ApiError("406-100")

    def check_language(self, request: Request) -> None:
        locale = request.headers.get("accept-language")
        if locale is None:
            if self.breaks.on("HDR-03"):
                raise ApiError("406-100")
            return
        if self.breaks.on("HDR-02") and locale == "sv-SE":
            raise ApiError("406-100")
        if locale not in LOCALES and not self.breaks.on("HDR-01"):
            raise ApiError("406-100")

    async def read_body(self, request: Request) -> Any:
        raw = await request.body()
        if not raw.strip():
            raise invalid("requestBody") if self.breaks.on("BODY-01") else ApiError("400-264")
        if len(raw) > self.settings.max_email_size_mb * 1024 * 1024:
            raise invalid("requestBody")
        content_type = request.headers.get("content-type")
        media_type = "application/json" if content_type is None else bare(content_type)
        if media_type not in MEDIA_TYPES:
            raise invalid("requestBody")
        if media_type == "application/xml" and self.breaks.on("BODY-18"):
            raise invalid("requestBody")
        return bodies.parse(raw, media_type)


def bare(media_type: str) -> str:
    return media_type.split(";", 1)[0].strip().lower()


def parse_accept(accept: str) -> str | None:
    """One of the two documented values (parameters other than q allowed), else None."""
    if "," in accept:
        return None
    media_type, _, params = accept.partition(";")
    if "q=" in params.replace(" ", ""):
        return None
    value = media_type.strip().lower()
    return value if value in MEDIA_TYPES else None


def error_format(request: Request) -> str:
    accept = request.headers.get("accept")
    return (parse_accept(accept) if accept else None) or "application/json"


async def health(_: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def not_found(_: Request) -> Response:
    return PlainTextResponse("Not Found", 404)


ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


def create_app(
    break_rule: str | None = None,
    body_on_201: bool = False,
    customer_departmentalization: bool | None = None,
    secure_messaging: bool | None = None,
    max_email_size_mb: float | None = None,
    max_body_size_kb: float | None = None,
) -> Starlette:
    """The ASGI app; a setting left None keeps its default (PartitionSettings)."""
    overrides: dict[str, Any] = {
        "customer_departmentalization": customer_departmentalization,
        "secure_messaging": secure_messaging,
        "max_email_size_mb": max_email_size_mb,
        "max_body_size_kb": max_body_size_kb,
    }
    settings = replace(PartitionSettings(), **{k: v for k, v in overrides.items() if v is not None})
    server = Server(check(break_rule), body_on_201, settings)
    routes = [
        Route("/health", health, methods=["GET"]),
        Route(OPERATION, server.create, methods=ALL_METHODS),
        Route(BASE + "/activity/{activity_id}", server.read_back, methods=ALL_METHODS),
        Route("/{path:path}", not_found, methods=ALL_METHODS),
    ]
    return Starlette(routes=routes)


# ------------------------------------------------------------------ command line

SETTING_TYPES = {
    "customer_departmentalization": "bool",
    "secure_messaging": "bool",
    "max_email_size_mb": "number",
    "max_body_size_kb": "number",
}


def parse_setting(text: str) -> tuple[str, bool | float]:
    key, sep, value = text.partition("=")
    key = key.strip().replace("-", "_")
    if not sep or key not in SETTING_TYPES:
        raise ValueError(f"unknown setting {text!r}; known: {', '.join(SETTING_TYPES)}")
    if SETTING_TYPES[key] == "bool":
        lowered = value.strip().lower()
        if lowered not in ("true", "false", "on", "off", "1", "0", "yes", "no"):
            raise ValueError(f"setting {key} needs true or false, got {value!r}")
        return key, lowered in ("true", "on", "1", "yes")
    return key, float(value)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.independent.server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8090)
    parser.add_argument("--break", dest="break_rule", metavar="RULE_ID")
    parser.add_argument("--body-on-201", action="store_true")
    parser.add_argument("--setting", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--list-breaks", action="store_true")
    args = parser.parse_args(argv)
    if args.list_breaks:
        for rule_id, what in BREAKS.items():
            print(f"{rule_id}\t{what}")
        return 0
    if args.break_rule is not None and args.break_rule not in BREAKS:
        print(
            f"--break {args.break_rule}: no such break; "
            "see --list-breaks for the rule ids this server can break",
            file=sys.stderr,
        )
        return 2
    try:
        settings = dict(parse_setting(s) for s in args.setting)
    except ValueError as exc:
        print(f"--setting: {exc}", file=sys.stderr)
        return 2
    app = create_app(args.break_rule, args.body_on_201, **settings)  # type: ignore[arg-type]
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0


if __name__ == "__main__":
    sys.exit(main())
