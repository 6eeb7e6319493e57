"""Mock extensions outside the vendor's path: health, reset, state, request log, token, faults."""

from __future__ import annotations

import base64
import binascii
import dataclasses
import json
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from mock_server.faults import Controls, control_error
from mock_server.oauth import OAuthRoutes
from mock_server.request_log import RequestLog
from mock_server.settings import PartitionSettings
from mock_server.store import Store

DEFAULT_LIMIT = 50


class MockRoutes:
    """Starlette endpoints bound to one app's store and request log."""

    def __init__(
        self, store: Store, log: RequestLog, controls: Controls, oauth: OAuthRoutes
    ) -> None:
        self.store = store
        self.log = log
        self.controls = controls
        self.oauth = oauth

    def routes(self) -> list[tuple[str, Any, list[str]]]:
        return [
            ("/mock/health", self.health, ["GET"]),
            ("/mock/reset", self.reset, ["POST"]),
            ("/mock/state", self.state, ["GET"]),
            ("/mock/requests", self.requests, ["GET"]),
            ("/mock/oauth/token", self.token, ["POST"]),
            ("/mock/oauth/authorize", self.oauth.authorize, ["GET", "POST"]),
            ("/mock/faults", self.faults, ["GET", "POST", "DELETE"]),
        ]

    async def faults(self, request: Request) -> Response:
        """POST arms a fault for the next N creates, DELETE disarms it, GET shows it. A bad body
        is a vendor-format 400 400-900 (raised to the Edge, which renders it)."""
        if request.method == "DELETE":
            self.controls.disarm()
        elif request.method == "POST":
            raw = await request.body()
            try:
                body = json.loads(raw) if raw.strip() else None
            except ValueError as exc:
                raise control_error(f"the fault is not JSON: {exc}") from exc
            self.controls.arm(body)
        return JSONResponse(self.controls.describe())

    async def health(self, request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def reset(self, request: Request) -> Response:
        """Back to the seed; a JSON body {"settings": {...}} switches partition settings too."""
        raw = await request.body()
        try:
            partition = self._partition(json.loads(raw) if raw.strip() else {})
        except (ValueError, TypeError) as exc:
            return JSONResponse({"error": f"invalid reset body: {exc}"}, status_code=400)
        self.store.reset(partition)
        self.log.clear()
        self.controls.disarm()
        return JSONResponse(
            {"status": "reset", "settings": dataclasses.asdict(self.store.partition)}
        )

    def _partition(self, body: Any) -> PartitionSettings | None:
        if not isinstance(body, dict):
            raise TypeError("expected a JSON object")
        settings = body.get("settings")
        if settings is None:
            return None
        if not isinstance(settings, dict):
            raise TypeError("settings must be an object")
        merged = {**dataclasses.asdict(self.store.default_partition), **settings}
        partition = PartitionSettings(**merged)
        _check_partition(partition)
        return partition

    async def state(self, request: Request) -> Response:
        return JSONResponse({**self.store.snapshot(), "faults": self.controls.describe()})

    async def requests(self, request: Request) -> Response:
        raw = request.query_params.get("limit", str(DEFAULT_LIMIT))
        limit = int(raw) if raw.isdecimal() else DEFAULT_LIMIT
        items = [r.as_json() for r in self.log.last(limit)]
        return JSONResponse({"requests": items})

    async def token(self, request: Request) -> Response:
        """OAuth2 client credentials: form (or JSON) body, secret in the body or Basic auth;
        the authorization code grant (with PKCE) is Authlib's (oauth.py)."""
        raw = await request.body()
        fields = _fields(raw, request.headers.get("content-type", ""))
        if fields.get("grant_type") == "authorization_code":
            return await self.oauth.token(request)
        client_id, secret = _basic(request.headers.get("authorization", ""))
        client_id = fields.get("client_id", client_id)
        secret = fields.get("client_secret", secret)
        if fields.get("grant_type") != "client_credentials":
            return JSONResponse({"error": "unsupported_grant_type"}, status_code=400)
        token = self.store.issue_client_token(client_id or "", secret or "")
        if token is None:
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        return JSONResponse(
            {
                "access_token": token,
                "token_type": "Bearer",
                "expires_in": self.store.token_lifetime,
            },
            headers={"Cache-Control": "no-store"},
        )


def _check_partition(partition: PartitionSettings) -> None:
    for flag in ("customer_departmentalization", "secure_messaging"):
        if not isinstance(getattr(partition, flag), bool):
            raise TypeError(f"{flag} must be true or false")
    for size in ("max_email_size_mb", "max_body_size_kb"):
        value = getattr(partition, size)
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise TypeError(f"{size} must be a positive number")


def _fields(raw: bytes, content_type: str) -> dict[str, str]:
    text = raw.decode("utf-8", errors="replace")
    if content_type.split(";")[0].strip().lower() == "application/json":
        try:
            data = json.loads(text)
        except ValueError:
            return {}
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}
    return dict(parse_qsl(text, keep_blank_values=True))


def _basic(header: str) -> tuple[str | None, str | None]:
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic":
        return None, None
    try:
        user, _, password = base64.b64decode(value.strip()).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None, None
    return user, password
