"""create_app: the Connexion AsyncApp of the reference mock, routed from openapi/openapi.yaml.

The middleware stack is Connexion's, with its request validation replaced by the vendor checks
(pipeline.VendorChecks) and its error handlers replaced so every error is a vendor body. Building
the app reads files but starts nothing: tests wrap it, run it in a thread, or serve it.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

from connexion import AsyncApp
from connexion.exceptions import ProblemException
from connexion.lifecycle import ConnexionRequest, ConnexionResponse
from connexion.middleware import MiddlewarePosition
from connexion.middleware.main import ConnexionMiddleware
from connexion.middleware.request_validation import RequestValidationMiddleware
from connexion.middleware.response_validation import ResponseValidationMiddleware
from connexion.middleware.swagger_ui import SwaggerUIMiddleware
from connexion.options import SwaggerUIOptions
from connexion.resolver import Resolver
from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware

from mock_server import negotiation
from mock_server.auth import security_map
from mock_server.data import load_seed
from mock_server.errors import ApiError, CodeBook, error_body
from mock_server.extensions import MockRoutes
from mock_server.handlers import Handlers
from mock_server.messages import user_message
from mock_server.observe import RequestRecorder, outcome_of
from mock_server.once import (
    CachedAsyncApi,
    CachedResponseValidationMiddleware,
    SwaggerUIForItsPaths,
)
from mock_server.pipeline import CREATE, ClientDisconnected, Services, VendorChecks
from mock_server.settings import DEV_ORIGIN_REGEX, MockSettings, resolve_partition
from mock_server.store import RequestLog, Store
from mock_server.validation import BodyValidator, load_spec, request_schema

API_BASE = "/core/casemgr/v3"
logger = logging.getLogger("mock_server")
_STATUS_CODES = {
    404: ("404-100", None),
    405: ("405-100", "PRT-01"),
    406: ("406-101", "HDR-04"),
    413: ("413-100", "LIM-03"),
    415: ("415-100", "HDR-06"),
}


def build_store(settings: MockSettings) -> Store:
    """The store for these settings: the data file, with flags overriding its settings block."""
    seed = load_seed(settings.data_file)
    return Store(seed, resolve_partition(settings, seed.partition))


def create_app(settings: MockSettings, store: Store | None = None) -> AsyncApp:
    """The ASGI app; pass a store to share or inspect state from a test."""
    store = store or build_store(settings)
    spec = load_spec(settings.spec_file)
    services = Services(store, BodyValidator(request_schema(spec)))
    log = RequestLog(settings.request_log_size)
    middlewares = _middlewares(services)
    app = AsyncApp(
        __name__,
        middlewares=middlewares,
        security_map=security_map(store),
        swagger_ui_options=SwaggerUIOptions(swagger_ui=True),
    )
    handlers = Handlers(services).by_operation_id()
    app._middleware_app.api_cls = CachedAsyncApi  # before add_api: see once.DecorateOnce
    app.add_api(
        spec,
        base_path=API_BASE,
        resolver=_resolver(handlers),
        validate_responses=settings.validate_responses,
    )
    for rule, view, methods in MockRoutes(store, log).routes():
        app.add_url_rule(rule, view.__name__, view, methods=methods)
    app.add_middleware(
        RequestRecorder, position=MiddlewarePosition.BEFORE_EXCEPTION, log=log,
        quiet=settings.quiet,
    )  # fmt: skip
    app.add_middleware(
        CORSMiddleware, position=MiddlewarePosition.BEFORE_EXCEPTION, **_cors_options(settings)
    )
    _install_error_handlers(app, CodeBook.load(settings.rules_file))
    return app


def _middlewares(services: Services) -> list[Any]:
    """Connexion's stack with its request validation swapped for the vendor checks, and its
    response validation for one that looks the spec up once (see once.py)."""
    swaps: dict[Any, Any] = {
        RequestValidationMiddleware: functools.partial(VendorChecks, services=services),
        ResponseValidationMiddleware: CachedResponseValidationMiddleware,
        SwaggerUIMiddleware: SwaggerUIForItsPaths,
    }
    return [swaps.get(m, m) for m in ConnexionMiddleware.default_middlewares]


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
        "allow_methods": ["GET", "POST", "OPTIONS"],
        "allow_headers": ["*"],
        "expose_headers": ["Location"],
        "max_age": 600,
    }


def _install_error_handlers(app: AsyncApp, codes: CodeBook) -> None:
    handler = functools.partial(_render_error, codes)
    for exc_class in (ApiError, ProblemException, HTTPException, ClientDisconnected, Exception):
        app.add_error_handler(exc_class, _named(handler))


def _named(handler: functools.partial[ConnexionResponse]) -> Any:
    """Connexion inspects handlers as functions; a plain async function keeps it happy."""

    async def error_handler(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        return handler(request, exc)

    return error_handler


def _render_error(codes: CodeBook, request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    """Any exception as the vendor body, in JSON or XML as Accept asks; never problem+json."""
    error = _as_api_error(request, exc)
    outcome = outcome_of(request.scope)
    if outcome is not None:
        outcome.code, outcome.rule_id = error.code, error.rule_id
    headers = request.headers
    as_xml = negotiation.response_format(headers.get("accept")) == negotiation.XML
    user = None
    if negotiation.wants_user_message(headers.get("x-egain-error-message")):
        locale = negotiation.locale(headers.get("accept-language")) or negotiation.DEFAULT_LOCALE
        user = user_message(error.code, locale, error.args_)
    body, media_type = error_body(
        error.code, codes.developer_message(error.code, error.args_), user, as_xml
    )
    extra = dict(getattr(exc, "headers", None) or {}) if error.status == 405 else {}
    return ConnexionResponse(
        status_code=error.status, body=body, content_type=media_type, headers=extra
    )


def _as_api_error(request: ConnexionRequest, exc: Exception) -> ApiError:
    if isinstance(exc, ApiError):
        return exc
    status = getattr(exc, "status_code", getattr(exc, "status", 500))
    if isinstance(exc, HTTPException | ProblemException) and status == 401:
        auth_rule = "ACT-02" if request.headers.get("authorization") else "ACT-01"
        return ApiError(401, "401-101", (), auth_rule)
    if isinstance(exc, ClientDisconnected):
        return ApiError(400, "400-152", ("requestBody",), "PRT-03")
    if isinstance(exc, HTTPException | ProblemException) and status in _STATUS_CODES:
        code, rule_id = _STATUS_CODES[status]
        return ApiError(status, code, (), rule_id)
    if isinstance(exc, HTTPException | ProblemException) and 400 <= status < 500:
        return ApiError(400, "400-152", ("requestBody",), "PRT-03")
    logger.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return ApiError(500, "500-100", (), None)


__all__ = ["CREATE", "build_store", "create_app"]
