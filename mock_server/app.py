"""create_app: the Connexion AsyncApp of the reference mock, routed from openapi/openapi.yaml.

The middleware stack is Connexion's, with its error layers replaced by the Edge (request log,
CORS, vendor error bodies) and its request validation by the vendor checks
(vendor_checks.VendorChecks). Building the app reads files but starts nothing: tests wrap it, run it
in a thread, or serve it.
"""

from __future__ import annotations

import functools
import logging
from types import ModuleType
from typing import Any

from connexion import AsyncApp
from connexion.middleware.exceptions import ExceptionMiddleware
from connexion.middleware.main import ConnexionMiddleware
from connexion.middleware.request_validation import RequestValidationMiddleware
from connexion.middleware.server_error import ServerErrorMiddleware
from connexion.options import SwaggerUIOptions
from connexion.resolver import Resolver

from mock_server.auth import security_map
from mock_server.data import load_seed
from mock_server.edge import Edge
from mock_server.errors import CodeBook
from mock_server.faults import Controls, ErrorBook
from mock_server.handlers import Handlers
from mock_server.mock_routes import MockRoutes
from mock_server.oauth import OAuthRoutes, origin_check
from mock_server.request_log import Journal, RequestLog
from mock_server.settings import DEV_ORIGIN_REGEX, MockSettings, resolve_partition
from mock_server.store import Store
from mock_server.validation import (
    BodyValidator,
    base_path,
    load_spec,
    operation_path,
    request_schema,
)
from mock_server.vendor_checks import CREATE, Services, VendorChecks

logger = logging.getLogger("mock_server")


def build_store(settings: MockSettings, base: str) -> Store:
    """The store for these settings: the data file, with flags overriding its settings block."""
    seed = load_seed(settings.data_file)
    partition = resolve_partition(settings, seed.partition)
    return Store(seed, partition, settings.token_lifetime_seconds, base_path=base)


def create_app(
    settings: MockSettings, store: Store | None = None, spec: dict[str, Any] | None = None
) -> AsyncApp:
    """The ASGI app; pass a store to share or inspect state from a test, the loaded spec file
    when the caller read it already (parsing it is most of the start-up time)."""
    spec = spec or load_spec(settings.spec_file)
    base, create_path = base_path(spec), operation_path(spec, CREATE)
    store = store or build_store(settings, base)
    services = Services(store, BodyValidator(request_schema(spec)), base)
    log = RequestLog(settings.request_log_size)
    controls = Controls(ErrorBook(spec, create_path), settings.latency)
    edge = _edge(settings, Journal(log, quiet=settings.quiet), controls, base, create_path)
    fast = _fast_stack(settings)
    app = AsyncApp(
        __name__,
        middlewares=_middlewares(edge, services, fast),
        security_map=_security_map(store, fast),
        swagger_ui_options=SwaggerUIOptions(swagger_ui=True),
    )
    handlers = Handlers(services).by_operation_id()
    if fast is not None:
        fast.use_cached_api(app)  # before add_api
    app.add_api(
        spec,
        base_path=base,
        resolver=_resolver(handlers),
        validate_responses=settings.validate_responses,
    )
    oauth = OAuthRoutes(store, origin_check(settings.cors_origins))
    for rule, view, methods in MockRoutes(store, log, controls, oauth).routes():
        app.add_url_rule(rule, view.__name__, view, methods=methods)
    return app


def _edge(
    settings: MockSettings, journal: Journal, controls: Controls, base: str, create_path: str
) -> Any:
    """The Edge's factory: Connexion builds each middleware around the next layer itself."""
    return functools.partial(
        Edge,
        journal=journal,
        codes=CodeBook.load(settings.rules_file),
        cors=_cors_options(settings),
        base_path=base,
        create_path=create_path,
        controls=controls,
    )


def _fast_stack(settings: MockSettings) -> ModuleType | None:
    """The fence of Connexion overrides, or None for the stock stack (asked for, or the fence
    does not fit the installed Connexion: then one warning line, and the mock still serves)."""
    if settings.connexion_stack == "stock":
        return None
    try:
        from mock_server import connexion_internals
    except (ImportError, AttributeError, TypeError) as exc:
        logger.warning("mock-server: Connexion's stock stack (slower): %s", exc)
        return None
    return connexion_internals


def _security_map(store: Store, fast: ModuleType | None) -> dict[str, Any]:
    handlers = security_map(store)
    return handlers if fast is None else {k: fast.fast_security(v) for k, v in handlers.items()}


def _middlewares(edge: Any, services: Services, fast: ModuleType | None) -> list[Any]:
    """Connexion's stack (the public `middlewares` list) with its two error layers replaced by
    the Edge (which renders vendor errors) and its request validation by the vendor checks; on
    the fast stack, routing, response validation and Swagger UI by the fence's versions."""
    swaps: dict[Any, Any] = {
        ExceptionMiddleware: edge,
        RequestValidationMiddleware: functools.partial(VendorChecks, services=services),
        **(fast.FAST_LAYERS if fast is not None else {}),
    }
    stack = ConnexionMiddleware.default_middlewares
    return [swaps.get(m, m) for m in stack if m is not ServerErrorMiddleware]


def _resolver(handlers: dict[str, Any]) -> Resolver:
    """operationId -> bound handler (the spec's names are not Python identifiers)."""

    class BoundResolver(Resolver):
        def resolve_operation_id(self, operation: Any) -> str:
            return str(operation.operation_id)

    return BoundResolver(function_resolver=handlers.__getitem__)


def _cors_options(settings: MockSettings) -> dict[str, Any]:
    origins = (
        {"allow_origins": list(settings.cors_origins)}
        if settings.cors_origins
        else {"allow_origin_regex": DEV_ORIGIN_REGEX}
    )
    return {
        **origins,
        "allow_methods": ["GET", "POST", "DELETE", "OPTIONS"],
        "allow_headers": ["*"],
        "expose_headers": ["Location"],
        "max_age": 600,
    }


__all__ = ["CREATE", "build_store", "create_app"]
