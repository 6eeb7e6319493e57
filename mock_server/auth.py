"""Bearer token -> actor, plugged into Connexion's SecurityMiddleware.

The spec declares three OAuth2 schemes (user, client application, customer); the mock tells
actors apart by the token alone, reading the store, so the spec carries no x-tokenInfoFunc.
The fixed tokens of the data file (and client-credentials tokens) stand for actors and carry no
scope restriction; a token issued by the authorization code flow (oauth.py) holds the scopes it
was granted, and the create needs `core.casemgr.manage` (pipeline.VendorChecks).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any

from connexion.exceptions import OAuthProblem, OAuthResponseProblem
from connexion.security import NO_VALUE, OAuthSecurityHandler

from mock_server.data import Actor
from mock_server.store import Store

CONTEXT_KEY = "connexion_context"


def security_map(store: Store) -> dict[str, type[OAuthSecurityHandler]]:
    """Connexion builds handlers from classes, so the store is bound into a class per app."""

    class StoreOAuthHandler(OAuthSecurityHandler):
        def get_tokeninfo_func(self, security_definition: dict[str, Any]) -> Callable[..., Any]:
            return _token_info(store)

        def _get_verify_func(
            self, token_info_func: Callable[..., Any], scope_validate: Any, scopes: Any
        ) -> Callable[[Any], Any]:
            """Connexion's check for one scheme, less its three nested coroutines, its two
            signature inspections and its scope check (scopes are not checked here)."""
            return functools.partial(_verify_bearer, token_info_func)

    return {"oauth2": StoreOAuthHandler}


def _verify_bearer(token_info: Callable[[str], dict[str, Any] | None], request: Any) -> Any:
    """The token's info; NO_VALUE when no bearer token was sent (Connexion tries the next scheme,
    then answers 401); 401 for a token the store does not know, as Connexion raises it."""
    auth_type, token = _authorization(request.scope)
    if auth_type != "bearer":
        return NO_VALUE
    info = token_info(token)
    if info is None:
        raise OAuthResponseProblem(detail="Provided token is not valid")
    return info


def _authorization(scope: Mapping[str, Any]) -> tuple[str | None, str]:
    """(scheme in lower case, credentials) of the first Authorization header, as Connexion's
    get_auth_header_value reads it, from the raw headers (no Headers object per request)."""
    raw = next((v for k, v in scope["headers"] if k == b"authorization"), None)
    if not raw:
        return None, ""
    parts = raw.decode("latin-1").split(maxsplit=1)
    if len(parts) != 2:
        raise OAuthProblem(detail="Invalid authorization header")
    return parts[0].lower(), parts[1]


def _token_info(store: Store) -> Callable[[str], dict[str, Any] | None]:
    def token_info(token: str) -> dict[str, Any] | None:
        actor = store.actor_for(token)
        if actor is None:
            return None  # connexion answers 401; our handler renders 401-101
        return {"sub": actor.id, "actor": actor, "scope": store.scopes_of(token)}

    return token_info


def granted_scopes(scope: Mapping[str, Any]) -> frozenset[str] | None:
    """The scopes of this request's token; None when the token is not restricted to scopes."""
    info = scope.get("extensions", {}).get(CONTEXT_KEY, {}).get("token_info")
    return info.get("scope") if isinstance(info, dict) else None


def actor_of(scope: Mapping[str, Any]) -> Actor | None:
    """The actor the SecurityMiddleware stored for this request, if any."""
    info = scope.get("extensions", {}).get(CONTEXT_KEY, {}).get("token_info")
    return info.get("actor") if isinstance(info, dict) else None
