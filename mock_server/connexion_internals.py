"""Every use of a Connexion private name, in one module: the mock's fast stack.

Written for Connexion 3.3 (3.3.0). Connexion 3.3 rebuilds, for every request, things that are
fixed for an operation: the handler's decorator chain, the security function's signature, the
response definition and a compiled jsonschema validator for the answer. These subclasses keep
Connexion's mechanisms (routing by operationId, security handlers, error handlers, response
validation) and build each thing once. The stock stack (settings `connexion_stack="stock"`)
uses none of this and answers the same, only slower.

Private names used (names and behaviours no Connexion documentation promises), all of 3.3.0:
- `AsyncApp._middleware_app.api_cls` (set to CachedAsyncApi before add_api);
- `AsyncApi.make_operation`, `AsyncOperation.from_operation`, `.fn`, `._fn`, `.pythonic_params`,
  `.jsonifier` (connexion.apps.asynchronous);
- `StarletteDecorator.framework`, `.uri_parser`, `.decorate`, `._sync_async_decorator`,
  `._response_decorator_cls`; `connexion.decorators.parameter.unwrap_decorators`;
  `connexion.utils.inspect_function_arguments`, `is_nullable`;
- `JSONResponseBodyValidator._schema`, `._validate`, `.validator`; `VALIDATOR_MAP`;
  `MediaTypeDict`;
- `ResponseValidationMiddleware.api_cls`, `ResponseValidationAPI.make_operation`,
  `.validate_responses`, `.next_app`; `ResponseValidationOperation._operation` (its
  `response_definition`, `response_schema`), `._validator_map`, `.next_app`,
  `.extract_content_type`, `.validate_mime_type`, `.validate_required_headers`;
- `RoutingMiddleware.app`, `connexion.middleware.routing._scope`,
  `connexion.middleware.abstract.ROUTING_CONTEXT`; `SwaggerUIMiddleware.app`;
- `OAuthSecurityHandler._get_verify_func`, `connexion.security.NO_VALUE`.

Importing this module first checks that the installed Connexion is 3.3 and raises
UnsupportedConnexion (an ImportError) otherwise; mock_server.app then warns in one line and
builds the stock stack, so a Connexion upgrade makes the mock slower, never broken.
"""

from __future__ import annotations

from importlib.metadata import version

WRITTEN_FOR = "3.3"


class UnsupportedConnexion(ImportError):
    """The installed Connexion is not the minor release these overrides were written for."""


def _installed_minor() -> str:
    return ".".join(version("connexion").split(".")[:2])


if _installed_minor() != WRITTEN_FOR:
    raise UnsupportedConnexion(
        f"Connexion {version('connexion')} is installed; the fast stack is written for "
        f"{WRITTEN_FOR}.x"
    )


import functools
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass
from inspect import iscoroutinefunction
from typing import Any

from connexion import AsyncApp
from connexion import context as connexion_context
from connexion.apps.asynchronous import AsyncApi, AsyncOperation
from connexion.datastructures import MediaTypeDict
from connexion.decorators import StarletteDecorator
from connexion.decorators.parameter import unwrap_decorators
from connexion.exceptions import OAuthProblem, OAuthResponseProblem
from connexion.middleware.abstract import ROUTING_CONTEXT
from connexion.middleware.response_validation import (
    ResponseValidationAPI,
    ResponseValidationMiddleware,
    ResponseValidationOperation,
)
from connexion.middleware.routing import RoutingMiddleware
from connexion.middleware.routing import _scope as _routed_scope
from connexion.middleware.swagger_ui import SwaggerUIMiddleware
from connexion.security import NO_VALUE, OAuthSecurityHandler
from connexion.utils import inspect_function_arguments, is_nullable
from connexion.validators import VALIDATOR_MAP, JSONResponseBodyValidator
from jsonschema import Draft4Validator
from starlette.types import ASGIApp, Receive, Scope, Send


class DecorateOnce(StarletteDecorator):
    """The decorator chain (signature inspection, parameter and response decorators, URI parser)
    holds no per-request state for one operation: build it at the first request and keep it.

    A handler that takes no arguments gets Connexion's response decorator only: the parameter
    decorator would turn path, query and body into arguments just to drop every one of them,
    and the request object it reads them from is never built.
    """

    def __call__(self, function: Any) -> Any:
        built: list[Any] = []

        @functools.wraps(function)
        async def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not built:
                built[:] = self._build(function)
            parser, decorated = built
            if parser is None:
                return await decorated(None)
            request = self.framework.get_request(
                uri_parser=parser, scope=connexion_context.scope, receive=connexion_context.receive
            )
            return await decorated(request)

        return wrapper

    def _build(self, function: Callable[..., Any]) -> tuple[Any, Callable[..., Any]]:
        """(URI parser or None when no request is needed, the decorated handler)."""
        arguments, has_kwargs = inspect_function_arguments(unwrap_decorators(function))
        if arguments or has_kwargs:
            return self.uri_parser, self.decorate(function)
        # Connexion's sync/async wrapper asks iscoroutinefunction at every call; ask once.
        handler = (
            function if iscoroutinefunction(function) else self._sync_async_decorator(function)
        )

        @functools.wraps(function)
        async def without_parameters(request: Any) -> Any:
            return await handler()

        respond = self._response_decorator_cls(framework=self.framework, jsonifier=self.jsonifier)
        return None, respond(without_parameters)


class CachedAsyncOperation(AsyncOperation):
    """Built once per operation instead of once per request (see DecorateOnce)."""

    @property
    def fn(self) -> Any:
        cached = self.__dict__.get("_mock_fn")
        if cached is None:
            decorator = DecorateOnce(pythonic_params=self.pythonic_params, jsonifier=self.jsonifier)
            cached = self.__dict__["_mock_fn"] = decorator(self._fn)
        return cached


class CachedAsyncApi(AsyncApi):
    def make_operation(self, operation: Any) -> AsyncOperation:
        return CachedAsyncOperation.from_operation(
            operation, pythonic_params=self.pythonic_params, jsonifier=self.jsonifier
        )


@dataclass(frozen=True)
class _ResponsePlan:
    """What response validation needs for one (status, Content-Type) of one operation."""

    definition: dict[str, Any]
    required_headers: frozenset[bytes]  # lower-case, as they would appear in the answer
    schema: dict[str, Any]
    nullable: bool
    validator_cls: type[Any] | None
    encoding: str


class CachedJSONResponseBodyValidator(JSONResponseBodyValidator):
    """Connexion compiles a Draft4 validator for every response; compile once per schema.

    The schemas come from a _ResponsePlan, so the same object is passed every time and its id is
    a sound key (the cache holds the schema too, so the id cannot be reused).
    """

    _compiled: dict[int, tuple[dict[str, Any], Draft4Validator]] = {}

    @property
    def validator(self) -> Draft4Validator:
        entry = self._compiled.get(id(self._schema))
        if entry is None or entry[0] is not self._schema:
            entry = (self._schema, super().validator)
            self._compiled[id(self._schema)] = entry
        return entry[1]

    def _validate(self, body: Any) -> None:
        """An empty schema (a 201 without content) accepts any body: nothing to walk."""
        if self._schema:
            super()._validate(body)


RESPONSE_VALIDATORS: dict[str, Any] = {
    "response": MediaTypeDict(
        {**VALIDATOR_MAP["response"], "*/*json": CachedJSONResponseBodyValidator}
    )
}


class CachedResponseValidationOperation(ResponseValidationOperation):
    """Connexion's response validation, with its lookups done once per (status, Content-Type)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._plans: dict[tuple[int, bytes | None], _ResponsePlan] = {}

    def _plan(self, status: int, headers: list[tuple[bytes, bytes]]) -> _ResponsePlan:
        mime_type, encoding = self.extract_content_type(headers)
        if status < 400:
            self.validate_mime_type(mime_type)  # raises, as Connexion does
        definition = self._operation.response_definition(str(status), mime_type)
        required = (k for k, v in definition.get("headers", {}).items() if v.get("required"))
        return _ResponsePlan(
            definition=definition,
            required_headers=frozenset(k.lower().encode("latin-1") for k in required),
            schema=self._operation.response_schema(str(status), mime_type),
            nullable=is_nullable(definition),
            validator_cls=self._body_validator(mime_type),
            encoding=encoding,
        )

    def _body_validator(self, mime_type: str) -> type[Any] | None:
        try:
            return self._validator_map["response"][mime_type]  # type: ignore[no-any-return]
        except KeyError:  # no validator for this type (XML): Connexion skips the body too
            return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def wrapped_send(message: MutableMapping[str, Any]) -> None:
            nonlocal send
            if message["type"] == "http.response.start":
                send = self._checked_send(scope, message, send)
            await send(message)

        await self.next_app(scope, receive, wrapped_send)

    def _checked_send(self, scope: Scope, start: MutableMapping[str, Any], send: Send) -> Send:
        """Content type and required headers checked now; the body checked as it is sent.

        An empty body of a response without a body schema is one Connexion's validator would
        parse to None and pass: with Content-Length 0 declared, it is not wrapped at all."""
        headers = start["headers"]
        names = {k.lower(): v for k, v in reversed(headers)}  # the first value of each name
        raw_type = names.get(b"content-type")
        plan = self._plans.get((start["status"], raw_type))
        if plan is None:  # Connexion's own checks, once per (status, Content-Type)
            plan = self._plans[(start["status"], raw_type)] = self._plan(start["status"], headers)
        if not plan.required_headers <= names.keys():
            self.validate_required_headers(headers, plan.definition)  # raises, as Connexion does
        if plan.validator_cls is None or (not plan.schema and names.get(b"content-length") == b"0"):
            return send
        validator = plan.validator_cls(
            scope, schema=plan.schema, nullable=plan.nullable, encoding=plan.encoding
        )
        return validator.wrap_send(send)  # type: ignore[no-any-return]


class CachedResponseValidationAPI(ResponseValidationAPI):
    def make_operation(self, operation: Any) -> Any:
        if not self.validate_responses:
            return self.next_app
        return CachedResponseValidationOperation(
            self.next_app, operation=operation, validator_map=RESPONSE_VALIDATORS
        )


class CachedResponseValidationMiddleware(ResponseValidationMiddleware):
    api_cls = CachedResponseValidationAPI


class RoutingWithMemory(RoutingMiddleware):
    """Connexion's routing, remembered for the paths of operations without path parameters.

    Connexion matches every request against its Starlette router, then hands the next layer a
    copy of the scope that differs from the request's only by the routing result: the
    operation id and API base path in `extensions`, and the path parameters. For an operation
    without path parameters that result is the same for every request to the same method,
    path and root path, so the first request's is kept and later ones get the same copy
    without the match. Other requests (parameters, no operation, 404, 405) are routed as
    before; at most MAX results are kept.
    """

    MAX = 64

    def __init__(self, app: ASGIApp) -> None:
        super().__init__(app)
        self._known: dict[tuple[str, str, str], dict[str, Any]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        key = (scope["method"], scope["path"], scope.get("root_path", ""))
        known = self._known.get(key)
        if known is None:
            try:
                await super().__call__(scope, receive, send)
            finally:
                self._learn(key)
            return
        routed = dict(scope)  # the shallow copy Connexion makes
        routed.setdefault("path_params", {})
        routed.setdefault("extensions", {}).setdefault(ROUTING_CONTEXT, {}).update(known)
        await self.app(routed, receive, send)

    def _learn(self, key: tuple[str, str, str]) -> None:
        """Keep what Connexion decided for this request if it is the same for every one."""
        routed = _routed_scope.get(None)
        if routed is None or len(self._known) >= self.MAX or routed.get("path_params"):
            return
        decided = routed.get("extensions", {}).get(ROUTING_CONTEXT, {})
        if decided.get("operation_id") is not None:
            self._known[key] = dict(decided)


class SwaggerUIForItsPaths(SwaggerUIMiddleware):
    """Connexion's Swagger UI, consulted only for paths it could serve.

    Every request otherwise descends through its router (a mount per API, a route per UI file)
    to reach the default "not mine" branch. Its routes all live under the API's base path at
    the UI path (/ui) or the spec file (/openapi.json, /openapi.yaml); a path containing
    neither marker cannot match one, nor be redirected to one, so it goes straight on.
    """

    MARKERS = ("/ui", "/openapi.")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if scope["type"] == "http" and not any(m in path for m in self.MARKERS):
            await self.app(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


# Connexion's layers -> the fast versions above, for mock_server.app's middleware list.
FAST_LAYERS: dict[Any, Any] = {
    ResponseValidationMiddleware: CachedResponseValidationMiddleware,
    SwaggerUIMiddleware: SwaggerUIForItsPaths,
    RoutingMiddleware: RoutingWithMemory,
}


def use_cached_api(app: AsyncApp) -> None:
    """Operations built once (DecorateOnce); call before add_api."""
    app._middleware_app.api_cls = CachedAsyncApi


def fast_security(handler: type[OAuthSecurityHandler]) -> type[OAuthSecurityHandler]:
    """The mock's handler with Connexion's per-scheme check replaced by a plain bearer check."""

    class FastOAuthHandler(handler):  # type: ignore[valid-type,misc]
        def _get_verify_func(
            self, token_info_func: Callable[..., Any], scope_validate: Any, scopes: Any
        ) -> Callable[[Any], Any]:
            """Connexion's check for one scheme, less its three nested coroutines, its two
            signature inspections and its scope check (scopes are not checked here)."""
            return functools.partial(_verify_bearer, token_info_func)

    return FastOAuthHandler


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
