"""When: send the request the Given steps built, and check the answer's shape against the spec."""

from __future__ import annotations

from typing import Any

import requests
from pytest_bdd import parsers, when

from conformance import requests_builder as build
from conformance import response_shape
from conformance.client import ApiClient
from conformance.steps.context import ScenarioContext, not_applicable
from conformance.traits import TraitLog

JSON = "application/json"
XML = "application/xml"


def request_headers(ctx: ScenarioContext) -> dict[str, str | None]:
    """The scenario's headers; one it omits is None, so that nothing is sent in its place."""
    headers: dict[str, str | None] = {
        "Accept-Language": "en-US",
        "Accept": JSON,
        "Content-Type": XML if ctx.xml else JSON,
    }
    if ctx.authorization is not None:
        headers["Authorization"] = ctx.authorization
    headers.update(ctx.headers)
    return {k: None if k.lower() in ctx.omitted_headers else v for k, v in headers.items()}


def request_body(ctx: ScenarioContext) -> str | bytes | None:
    if ctx.no_body:
        return None
    if ctx.raw_body is not None:
        return ctx.raw_body
    if ctx.xml:
        return build.to_xml(ctx.body, namespace=ctx.xml_namespace, as_attributes=ctx.xml_attributes)
    return build.to_json(ctx.body)


def send(
    ctx: ScenarioContext,
    client: ApiClient,
    spec_checks: response_shape.SpecChecks,
    traits: TraitLog,
    method: str = "POST",
) -> requests.Response:
    """Send the scenario's request; every answer's shape is observed for the traits."""
    headers = request_headers(ctx)
    ctx.response = client.send(
        method, spec_checks.api.vendor.path, headers, request_body(ctx), ctx.params
    )
    ctx.stored = None
    observe(traits, spec_checks, ctx.response, headers.get("Accept"), client)
    return ctx.response


def observe(
    traits: TraitLog,
    spec_checks: response_shape.SpecChecks,
    response: requests.Response,
    accept: str | None,
    client: ApiClient,
) -> None:
    """The properties every answer must have (conformance.traits), whatever the scenario."""
    exchange = client.recorder.exchanges[-1] if client.recorder.exchanges else None
    if response.status_code >= 400:
        problems = response_shape.error_problems(spec_checks, response, accept)
        traits.observe("PRT-02", [p for p in problems if p.rule_id == "PRT-02"], exchange)
        traits.observe("HDR-05", [p for p in problems if p.rule_id == "HDR-05"], exchange)
    elif response.status_code == 201:
        traits.observe(
            "EFF-01", response_shape.created_problems(response, spec_checks.api), exchange
        )


@when("the request is sent")
def request_is_sent(
    ctx: ScenarioContext,
    client: ApiClient,
    spec_checks: response_shape.SpecChecks,
    traits: TraitLog,
) -> None:
    send(ctx, client, spec_checks, traits)


@when(parsers.re(r'the request is sent with method "(?P<method>[A-Z]+)"'))
def request_is_sent_with(
    ctx: ScenarioContext,
    client: ApiClient,
    spec_checks: response_shape.SpecChecks,
    traits: TraitLog,
    method: str,
) -> None:
    send(ctx, client, spec_checks, traits, method)


@when(parsers.re(r'the request is sent again without "(?P<path>[^"]+)"'))
def sent_again_without(
    ctx: ScenarioContext,
    client: ApiClient,
    spec_checks: response_shape.SpecChecks,
    traits: TraitLog,
    path: str,
) -> None:
    build.remove_path(ctx.body, path)
    send(ctx, client, spec_checks, traits)


@when(
    parsers.re(r'the request is sent again to the other department(?: without "(?P<path>[^"]+)")?$')
)
def sent_again_elsewhere(
    ctx: ScenarioContext,
    client: ApiClient,
    spec_checks: response_shape.SpecChecks,
    traits: TraitLog,
    path: str | None,
) -> None:
    build.set_path(ctx.body, "department.name", ctx.need("data.other_department"))
    build.set_path(
        ctx.body, "payload.email.emailAddresses.receiver", ctx.need("data.other_department_alias")
    )
    if path:
        build.remove_path(ctx.body, path)
    send(ctx, client, spec_checks, traits)


@when("a user sends a request from the same address without a customer element")
def user_sends_from_same_address(
    ctx: ScenarioContext,
    client: ApiClient,
    spec_checks: response_shape.SpecChecks,
    traits: TraitLog,
) -> None:
    address = build.get_path(ctx.body, "payload.email.emailAddresses.from") or ctx.fresh[-1]
    ctx.actor, ctx.xml = "user", False
    ctx.authorization = f"Bearer {ctx.need('tokens.user')}"
    ctx.body = user_body(ctx)
    build.set_path(ctx.body, "payload.email.emailAddresses.from", address)
    ctx.body.pop("customer", None)
    send(ctx, client, spec_checks, traits)


def user_body(ctx: ScenarioContext) -> dict[str, Any]:
    try:
        return build.baseline("user", ctx.profile)
    except build.MissingData as missing:
        not_applicable(f"profile has no {missing.key}")
