"""Bearer token -> actor, plugged into Connexion's SecurityMiddleware.

The spec declares three OAuth2 schemes (user, client application, customer); the mock tells
actors apart by the token alone, reading the store, so the spec carries no x-tokenInfoFunc.
The fixed tokens of the data file (and client-credentials tokens) stand for actors and carry no
scope restriction; a token issued by the authorization code flow (oauth.py) holds the scopes it
was granted, and the create needs `core.casemgr.manage` (vendor_checks.VendorChecks).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from connexion.security import OAuthSecurityHandler

from mock_server.data import Actor
from mock_server.store import Store

CONTEXT_KEY = "connexion_context"


def security_map(store: Store) -> dict[str, type[OAuthSecurityHandler]]:
    """Connexion builds handlers from classes, so the store is bound into a class per app.

    Both public hooks: the token info comes from the store, and scopes are not checked here
    (vendor_checks.VendorChecks answers a missing scope with the vendor's 403). The fast stack wraps
    it (connexion_internals.fast_security)."""

    class StoreOAuthHandler(OAuthSecurityHandler):
        def get_tokeninfo_func(self, security_definition: dict[str, Any]) -> Callable[..., Any]:
            return _token_info(store)

        @staticmethod
        def validate_scope(required_scopes: Any, token_scopes: Any) -> bool:
            return True

    return {"oauth2": StoreOAuthHandler}


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
