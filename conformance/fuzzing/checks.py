"""The checks a case's answer goes through: Schemathesis's own and the ones the seed adds,
and which catalog rules each speaks for."""

from __future__ import annotations

from typing import Any

import schemathesis
from schemathesis.core.failures import Failure
from schemathesis.specs.openapi import checks as oas_checks

from conformance.fuzzing.cases import resend
from conformance.fuzzing.schema import SeedKnowledge
from conformance.results import Exchange, error_code_of


class VendorErrorBody(Failure):
    """An error response whose body does not carry a documented vendor error code."""

    code = "EG201"
    checks = ("vendor_error_body",)
    kind_title = "Error response without a documented vendor code"


class ValidTokenRefused(Failure):
    """A schema-valid request with the privileged user token was refused as unauthorised."""

    code = "EG401"
    checks = ("valid_token_accepted",)
    kind_title = "Valid user token refused"


class IgnoredBearerAuth(Failure):
    """The operation answered 2xx to the same request without a token or with an invalid one.

    Schemathesis's own ignored_auth check skips OAuth2 schemes, which are all this API has.
    """

    code = "EG402"
    checks = ("auth_enforced",)
    kind_title = "Authentication not enforced"

    def __init__(self, *, operation: str, message: str, probe: Exchange) -> None:
        super().__init__(operation=operation, message=message)
        self.probe = probe


class ResponseTimeout(Failure):
    code = "EG501"
    checks = ("response_timeout",)
    kind_title = "No response within the profile's timeout"


# Which catalog rule each check speaks for (response_schema_conformance: see _rules_for).
RULES_BY_CHECK: dict[str, tuple[str, ...]] = {
    "not_a_server_error": ("PRT-03",),
    "vendor_error_body": ("PRT-02",),
    "auth_enforced": ("ACT-01", "ACT-02"),
    "valid_token_accepted": ("ACT-04",),
    "content_type_conformance": ("HDR-05",),
    "response_headers_conformance": ("EFF-01",),
}
CHECK_TITLES = {
    "not_a_server_error": "no 5xx answer",
    "status_code_conformance": "only documented status codes",
    "content_type_conformance": "documented content types",
    "response_headers_conformance": "documented response headers",
    "response_schema_conformance": "responses valid against the spec",
    "negative_data_rejection": "schema-invalid requests are rejected",
    "auth_enforced": "authentication is enforced (no token, invalid token)",
    "vendor_error_body": "errors carry a documented vendor code",
    "valid_token_accepted": "a valid user token is accepted",
}


def vendor_error_problem(status: int, body: bytes, knowledge: SeedKnowledge) -> str | None:
    """Why an error answer is not a documented vendor error, or None when it is one."""
    if status < 400:
        return None
    code = error_code_of(body)
    if code is None:
        return f"{status} answer has no vendor error body with a `code`"
    if not code.startswith(f"{status}-"):
        return f"code {code} does not belong to status {status}"
    if code not in knowledge.codes:
        return f"code {code} is not a documented vendor code"
    return None


def _seed_checks(knowledge: SeedKnowledge) -> list[schemathesis.CheckFunction]:
    def vendor_error_body(ctx: Any, response: schemathesis.Response, case: Any) -> bool | None:
        problem = vendor_error_problem(response.status_code, response.content, knowledge)
        if problem:
            raise VendorErrorBody(operation=case.operation.label, message=problem)
        return None

    def valid_token_accepted(ctx: Any, response: schemathesis.Response, case: Any) -> bool | None:
        positive = case.meta is not None and not case.meta.generation.mode.is_negative
        if positive and response.status_code in (401, 403):
            raise ValidTokenRefused(
                operation=case.operation.label,
                message=f"schema-valid request with the user token got {response.status_code}",
            )
        return None

    probed: set[str] = set()

    def auth_enforced(ctx: Any, response: schemathesis.Response, case: Any) -> bool | None:
        label = case.operation.label
        if not 200 <= response.status_code < 300 or label in probed:
            return None
        probed.add(label)  # one confirmation per operation and run is enough
        for scenario, token in (("no token", None), ("an invalid token", "conformance-invalid")):
            probe = resend(response.request, token, ctx.internals.transport_kwargs or {})
            if probe.status is None:
                return None  # no answer (timeout, breaker open): no evidence either way
            if probe.status != 401:
                raise IgnoredBearerAuth(
                    operation=label,
                    message=f"the same request with {scenario} got {probe.status or probe.error}, "
                    "expected 401",
                    probe=probe,
                )
        return None

    return [vendor_error_body, valid_token_accepted, auth_enforced]


def all_checks(knowledge: SeedKnowledge) -> list[schemathesis.CheckFunction]:
    builtin = [
        schemathesis.checks.not_a_server_error,
        oas_checks.status_code_conformance,
        oas_checks.content_type_conformance,
        oas_checks.response_headers_conformance,
        oas_checks.response_schema_conformance,
        oas_checks.negative_data_rejection,
    ]
    return [*builtin, *_seed_checks(knowledge)]


def check_name(failure: Failure) -> str:
    return failure.checks[0] if failure.checks else type(failure).__name__


def rules_for(check: str, status: int | None, vendor: bool) -> tuple[str, ...]:
    """The catalog rules a finding of `check` (on the vendor operation, or not) speaks for
    (empty when none fits)."""
    if status is not None and status >= 500 and check in ("not_a_server_error", "response_timeout"):
        return ("PRT-03",)
    if check == "response_schema_conformance":
        return ("PRT-02",) if (status or 0) >= 400 else ()
    if not vendor and check == "response_headers_conformance":
        return ()
    return RULES_BY_CHECK.get(check, ())
