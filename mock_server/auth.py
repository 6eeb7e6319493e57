"""Bearer token -> actor, plugged into Connexion's SecurityMiddleware.

The spec declares three OAuth2 schemes (user, client application, customer); the mock tells
actors apart by the token alone, reading the store, so the spec carries no x-tokenInfoFunc.
Scopes are not checked: the mock's tokens stand for actors, not for grants of scope.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from connexion.security import OAuthSecurityHandler

from mock_server.data import Actor
from mock_server.once import accepts_kwarg
from mock_server.store import Store

CONTEXT_KEY = "connexion_context"


def security_map(store: Store) -> dict[str, type[OAuthSecurityHandler]]:
    """Connexion builds handlers from classes, so the store is bound into a class per app."""

    class StoreOAuthHandler(OAuthSecurityHandler):
        def get_tokeninfo_func(self, security_definition: dict[str, Any]) -> Callable[..., Any]:
            return _token_info(store)

        # Connexion inspects the token function's signature twice per request: once is enough.
        _accepts_kwarg = staticmethod(accepts_kwarg)

        @classmethod
        def get_scope_validate_func(cls, security_definition: dict[str, Any]) -> Callable[..., Any]:
            return _any_scope

    return {"oauth2": StoreOAuthHandler}


def _token_info(store: Store) -> Callable[[str], dict[str, Any] | None]:
    def token_info(token: str) -> dict[str, Any] | None:
        actor = store.actor_for(token)
        if actor is None:
            return None  # connexion answers 401; our handler renders 401-101
        return {"sub": actor.id, "actor": actor, "scope": []}

    return token_info


def _any_scope(required_scopes: list[str], token_scopes: Any) -> bool:
    return True


def actor_of(scope: Mapping[str, Any]) -> Actor | None:
    """The actor the SecurityMiddleware stored for this request, if any."""
    info = scope.get("extensions", {}).get(CONTEXT_KEY, {}).get("token_info")
    return info.get("actor") if isinstance(info, dict) else None
