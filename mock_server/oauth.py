"""OAuth 2 authorization code with PKCE for users and customers (mock extension), on Authlib.

`GET /mock/oauth/authorize` checks the request with Authlib (client, redirect URI, response
type, scope, PKCE challenge) and shows a small login page listing the data file's users and
customers; choosing one (`POST /mock/oauth/authorize`) redirects back with a code, and
`POST /mock/oauth/token` (`grant_type=authorization_code`, `code_verifier`) exchanges it for a
bearer token of that actor with the scopes asked for. Client credentials stay as they were
(extensions.MockRoutes.token). Every issued token expires after the configured lifetime
(401-101 after it); a token issued without `core.casemgr.manage` is refused on the create.

The public client `mock-frontend` (no secret, PKCE S256 required) accepts any redirect URI of a
loopback origin, or of the `--cors-origin` origins when given.
"""

from __future__ import annotations

import html
import re
import secrets
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749 import AuthorizationServer, ClientMixin, OAuth2Payload, OAuth2Request
from authlib.oauth2.rfc6749.grants import AuthorizationCodeGrant
from authlib.oauth2.rfc6749.util import scope_to_list
from authlib.oauth2.rfc7636 import CodeChallenge
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from mock_server.data import Actor
from mock_server.settings import DEV_ORIGIN_REGEX
from mock_server.store import Store

PUBLIC_CLIENT = "mock-frontend"
PREFIX = "https://api.egain.cloud/auth/"
MANAGE = "core.casemgr.manage"
READ = "core.casemgr.read"
SCOPES = (MANAGE, READ, PREFIX + MANAGE, PREFIX + READ)
CODE_LIFETIME_SECONDS = 120


def short_scope(scope: str) -> str:
    return scope.removeprefix(PREFIX)


@dataclass
class PublicClient(ClientMixin):
    """The mock's one public client: a browser app on an allowed origin."""

    origin_allowed: Any  # Callable[[str], bool]
    client_id: str = PUBLIC_CLIENT

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str | None:
        return None

    def get_allowed_scope(self, scope: str) -> str:
        return " ".join(s for s in scope_to_list(scope) or [] if s in SCOPES)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        parts = urlsplit(redirect_uri)
        return bool(parts.scheme and parts.netloc) and self.origin_allowed(
            f"{parts.scheme}://{parts.netloc}"
        )

    def check_client_secret(self, client_secret: str) -> bool:
        return False

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method == "none"

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


@dataclass
class Code:
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    actor: Actor
    code_challenge: str | None
    code_challenge_method: str | None
    expires_at: float = field(default_factory=lambda: time.time() + CODE_LIFETIME_SECONDS)

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope


class _Payload(OAuth2Payload):
    def __init__(self, values: list[tuple[str, str]]) -> None:
        self._values = values
        self._data = dict(reversed(values))  # the first value of each name

    @property
    def data(self) -> dict[str, str]:
        return self._data

    @property
    def datalist(self) -> defaultdict[str, list[str]]:
        found: defaultdict[str, list[str]] = defaultdict(list)
        for name, value in self._values:
            found[name].append(value)
        return found


class _Request(OAuth2Request):
    """Authlib's request made from what Starlette read (query string, then form)."""

    def __init__(self, method: str, url: str, headers: Any, query: list[tuple[str, str]],
                 form: list[tuple[str, str]]) -> None:  # fmt: skip
        super().__init__(method=method, uri=url, headers=headers)
        self._form = dict(reversed(form))
        self._args = dict(reversed(query))
        self.payload = _Payload(query + form)

    @property
    def args(self) -> dict[str, str]:
        return self._args

    @property
    def form(self) -> dict[str, str]:
        return self._form


class _CodeGrant(AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["none"]

    def save_authorization_code(self, code: str, request: Any) -> None:
        data = request.payload.data
        self.server.codes[code] = Code(
            code, request.client.get_client_id(), data.get("redirect_uri", ""),
            request.scope or "", request.user, data.get("code_challenge"),
            data.get("code_challenge_method"),
        )  # fmt: skip

    def query_authorization_code(self, code: str, client: Any) -> Code | None:
        found = self.server.codes.get(code)
        if found is None or found.client_id != client.get_client_id():
            return None
        return None if found.expires_at < time.time() else found

    def delete_authorization_code(self, authorization_code: Code) -> None:
        self.server.codes.pop(authorization_code.code, None)

    def authenticate_user(self, authorization_code: Code) -> Actor:
        return authorization_code.actor


class MockAuthorizationServer(AuthorizationServer):
    """Authlib's server, answering Starlette responses; tokens go to the store."""

    def __init__(self, store: Store, origin_allowed: Any) -> None:
        super().__init__(scopes_supported=list(SCOPES))
        self.store = store
        self.client = PublicClient(origin_allowed)
        self.codes: dict[str, Code] = {}
        self.register_grant(_CodeGrant, [CodeChallenge(required=True)])
        self.register_token_generator("default", self._token)

    def _token(
        self,
        grant_type: str,
        client: Any,
        user: Any = None,
        scope: Any = None,
        expires_in: Any = None,
        include_refresh_token: bool = True,
    ) -> dict[str, Any]:
        return {
            "token_type": "Bearer",
            "access_token": "mock-" + secrets.token_urlsafe(24),
            "expires_in": self.store.token_lifetime,
            "scope": scope or "",
        }

    def query_client(self, client_id: str) -> PublicClient | None:
        return self.client if client_id == self.client.client_id else None

    def save_token(self, token: dict[str, Any], request: Any) -> None:
        scopes = frozenset(short_scope(s) for s in scope_to_list(token.get("scope")) or [])
        self.store.issue_token(token["access_token"], request.user, scopes)

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        return None

    def create_oauth2_request(self, request: Any) -> OAuth2Request:
        return request if isinstance(request, OAuth2Request) else _Request(*request)

    def handle_response(self, status: int, body: Any, headers: Any) -> Response:
        headers = dict(headers or [])
        if isinstance(body, dict):
            return JSONResponse(body, status_code=status, headers=headers)
        return Response(body or b"", status_code=status, headers=headers)


async def _read(
    request: Request,
) -> tuple[str, str, Any, list[tuple[str, str]], list[tuple[str, str]]]:
    form = list((await request.form()).multi_items()) if request.method == "POST" else []
    query = list(request.query_params.multi_items())
    return (request.method, str(request.url), dict(request.headers), query,
            [(k, str(v)) for k, v in form])  # fmt: skip


class OAuthRoutes:
    """/mock/oauth/authorize (GET: login page, POST: the choice) and the code grant of /token."""

    def __init__(self, store: Store, origin_allowed: Any) -> None:
        self.store = store
        self.server = MockAuthorizationServer(store, origin_allowed)

    async def authorize(self, request: Request) -> Response:
        method, url, headers, query, form = await _read(request)
        # the page posts back the original query string as fields
        values = query if method == "GET" else [(k, v) for k, v in form if k != "actor"]
        oauth_request = _Request("GET", url.split("?")[0] + "?" + urlencode(values), headers,
                                 values, [])  # fmt: skip
        try:
            grant = self.server.get_consent_grant(oauth_request)
        except OAuth2Error as error:
            return JSONResponse(dict(error.get_body()), status_code=400)
        asked = dict(values)
        if not asked.get("code_challenge") or asked.get("code_challenge_method") != "S256":
            # PKCE is required of the public client, with S256 (not plain)
            body = {"error": "invalid_request", "error_description": "PKCE S256 is required"}
            return JSONResponse(body, status_code=400)
        if method == "GET":
            return HTMLResponse(self._login_page(values, grant.request.scope or ""))
        actor = self._actor(dict(form).get("actor", ""))
        if actor is None:
            return JSONResponse({"error": "access_denied"}, status_code=400)
        return self.server.create_authorization_response(oauth_request, actor, grant)  # type: ignore[no-any-return]

    async def token(self, request: Request) -> Response:
        """The authorization_code grant (the caller routes client_credentials elsewhere)."""
        return self.server.create_token_response(await _read(request))  # type: ignore[no-any-return]

    def _actor(self, choice: str) -> Actor | None:
        kind, _, actor_id = choice.partition(":")
        state = self.store.state
        if kind == "user" and actor_id in state.users:
            return Actor("user", actor_id)
        if kind == "customer" and actor_id in state.customers:
            return Actor("customer", actor_id)
        return None

    def _login_page(self, values: list[tuple[str, str]], scope: str) -> str:
        hidden = "".join(
            f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
            for k, v in values
        )
        state = self.store.state
        users = [(f"user:{u.id}", f"{u.name} (user {u.id})") for u in state.users.values()]
        customers = [
            (f"customer:{c.id}", f"{_customer_name(c)} (customer {c.id})")
            for c in state.customers.values()
        ]
        buttons = "".join(
            f'<li><button name="actor" value="{html.escape(v)}">{html.escape(label)}</button></li>'
            for v, label in users + customers
        )
        return (
            "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            "<title>Mock sign-in</title></head><body>"
            "<h1>Sign in to the eGain mock</h1>"
            f"<p>Scopes asked for: <code>{html.escape(scope) or '(none)'}</code></p>"
            f"<form method='post'>{hidden}<ul>{buttons}</ul></form></body></html>"
        )


def _customer_name(customer: Any) -> str:
    if customer.customer_name:
        return str(customer.customer_name)
    if customer.contacts:
        first = customer.contacts[0]
        name = f"{first.first_name} {first.last_name}".strip()
        if name:
            return name
    return f"Customer {customer.id}"


_LOOPBACK = re.compile(DEV_ORIGIN_REGEX)


def origin_check(origins: tuple[str, ...]) -> Any:
    """Where a redirect URI may point: the CORS origins given, or any loopback origin."""
    if origins:
        allowed = set(origins)
        return lambda origin: origin in allowed
    return lambda origin: _LOOPBACK.fullmatch(origin) is not None
