"""Then: the status, the vendor code, the error's contents and what the target stored."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from pytest_bdd import parsers, then

from conformance import requests_builder as build
from conformance import response_shape
from conformance.client import ApiClient
from conformance.steps.context import ScenarioContext, not_applicable
from conformance.steps.phrases import resolve
from conformance.traits import TraitLog


def _summary(status: int, body: dict[str, Any] | None) -> str:
    if body is None:
        return f"{status} (no readable vendor error body)"
    return f"{status} {body.get('code')} {body.get('developerMessage', '')!r}"


def error_body(ctx: ScenarioContext) -> dict[str, Any]:
    """The refusal's vendor body; a 2xx or 5xx ends the scenario (nothing more to check)."""
    response = ctx.last_response()
    status = response.status_code
    if not 400 <= status < 500:
        cause = f"the request was not refused: {status}"
        if status >= 500:
            cause = f"a server error instead of a refusal: {status}"
        ctx.stop("outcome", cause, expected="a 4xx refusal", actual=status)
    body = response_shape.read_error(response)
    if body is None:
        ctx.stop(
            "code",
            "the refusal has no readable vendor error body",
            expected="a vendor error body",
            actual=response.text[:200],
        )
    return body


@then("the response is 201 Created with a Location")
def created(ctx: ScenarioContext) -> None:
    response = ctx.last_response()
    if response.status_code != 201:
        body = response_shape.read_error(response) if response.status_code >= 400 else None
        actual = _summary(response.status_code, body)
        ctx.stop(
            "outcome",
            f"expected 201 Created, got {response.status_code}",
            expected=201,
            actual=actual,
            message=f"expected 201 Created, got {actual}",
        )


@then("the Location is the documented activity path")
def documented_location(ctx: ScenarioContext, spec_checks: response_shape.SpecChecks) -> None:
    location = ctx.last_response().headers.get("Location", "")
    problem = response_shape.documented_location_problem(location, spec_checks.api)
    if problem:
        ctx.miss(
            "effect",
            f"the Location is not the documented path: {problem}",
            expected=spec_checks.api.location_template,
            actual=location,
        )


REFUSED = r'the request is refused with status (?P<status>\d{3}) and code "(?P<code>[^"]+)"'


@then(parsers.re(REFUSED))
def refused(ctx: ScenarioContext, status: str, code: str) -> None:
    """Refused (4xx), then the exact status, then the exact code: each its own item, so a
    target that refuses with another status or code where only that is inferred differs."""
    body = error_body(ctx)
    actual = ctx.last_response().status_code
    got = _summary(actual, body)
    if actual != int(status):
        ctx.miss(
            "status",
            f"expected {status}, got {actual} {body.get('code')}",
            expected=f"{status} {code}",
            actual=got,
            message=f"expected {status} {code}, got {got}",
        )
    elif body.get("code") != code:
        ctx.miss(
            "code",
            f"expected {code}, got {body.get('code')}",
            expected=code,
            actual=got,
            message=f"expected {status} {code}, got {got}",
        )


def _names(ctx: ScenarioContext, what: str, name: str) -> None:
    body = error_body(ctx)
    message = str(body.get("developerMessage", ""))
    if f"'{name}'" not in message:
        ctx.miss(
            "attribute",
            f"the error does not name the {what} '{name}'",
            expected=f"'{name}' in developerMessage",
            actual=message,
            message=f"the error does not name the {what} '{name}': {message!r}",
        )


@then(parsers.re(r'the error names the attribute "(?P<name>[^"]+)"'))
def names_attribute(ctx: ScenarioContext, name: str) -> None:
    _names(ctx, "attribute", name)


@then(parsers.re(r'the error names the query parameter "(?P<name>[^"]+)"'))
def names_parameter(ctx: ScenarioContext, name: str) -> None:
    _names(ctx, "query parameter", name)


@then(parsers.re(r"the error is (?P<kind>JSON|XML)"))
def error_is(ctx: ScenarioContext, kind: str) -> None:
    error_body(ctx)
    actual = response_shape.media_type(ctx.last_response())
    if (actual in response_shape.XML_TYPES) != (kind == "XML"):
        wanted = "application/xml" if kind == "XML" else "application/json"
        ctx.miss(
            "media",
            # worded as the trait words it (response_shape.error_problems): one fact, one root cause
            f"an error answered as {actual or '(no Content-Type)'} where Accept asks for {wanted}",
            expected=kind,
            actual=actual,
            rule_id="HDR-05",  # the media type is HDR-05's, whichever rule refused
        )


@then(parsers.re(r"the error (?P<has>has a|has no) userMessage"))
def user_message(ctx: ScenarioContext, has: str) -> None:
    body = error_body(ctx)
    present = bool(body.get("userMessage"))
    if present != (has == "has a"):
        ctx.miss(
            "user_message",
            f"the error {'lacks' if not present else 'carries'} a userMessage",
            expected=f"userMessage {'present' if has == 'has a' else 'absent'}",
            actual=body.get("userMessage"),
        )


@then("the error message is the documented one for its code")
def documented_message(ctx: ScenarioContext) -> None:
    body = error_body(ctx)
    code = str(body.get("code"))
    template = ctx.catalog.codes.get(code)
    level = ctx.catalog.code_level(code)
    if template is None:
        ctx.miss(
            "message",
            f"the code {code} is not a documented code",
            expected="a documented code",
            actual=code,
            level=level,
        )
        return
    pattern = re.escape(template).replace(re.escape("{0}"), ".+")
    message = str(body.get("developerMessage", ""))
    if not re.fullmatch(pattern, message):
        ctx.miss(
            "message",
            f"the developerMessage of {code} is not its documented template",
            expected=template,
            actual=message,
            message=f"developerMessage {message!r} is not the documented {template!r}",
            level=level,
        )


@then("the response is not a server error")
def not_server_error(ctx: ScenarioContext) -> None:
    status = ctx.last_response().status_code
    if status >= 500:
        ctx.miss(
            "outcome",
            f"a client's mistake caused a server error {status}",
            expected="not 5xx",
            actual=status,
        )


@then("the request is not refused as too large")
def not_too_large(ctx: ScenarioContext) -> None:
    """Neither 413 nor the mock's answer to a too-large body (400 400-152 naming requestBody)."""
    response = ctx.last_response()
    status = response.status_code
    body = response_shape.read_error(response) if status == 400 else None
    as_too_large = (
        body is not None
        and body.get("code") == "400-152"
        and "'requestBody'" in str(body.get("developerMessage", ""))
    )
    if status == 413 or status >= 500 or as_too_large:
        ctx.miss(
            "outcome",
            f"a body under the maximum email size was answered {status}",
            expected="not 413, nor 400 400-152 requestBody",
            actual=_summary(status, body) if body else status,
        )


# ------------------------------------------------------------------ what was stored


def stored(
    ctx: ScenarioContext,
    client: ApiClient,
    spec_checks: response_shape.SpecChecks,
    traits: TraitLog,
) -> dict:
    """The activity the last 201 created, read back (the spec's read-back GET)."""
    if ctx.stored is not None:
        return ctx.stored
    if not ctx.profile.read_back:
        not_applicable(
            "the profile says the target cannot read an activity back "
            "(read_back: false), so what was stored cannot be checked"
        )
    created(ctx)
    activity_id = response_shape.created_id(ctx.last_response(), spec_checks.api)
    if activity_id is None:
        not_applicable(
            "the 201 names no activity in its Location (see EFF-01), so what was stored "
            "cannot be read back"
        )
    token = ctx.profile.tokens.user
    headers = {
        "Accept": "application/json",
        "Accept-Language": "en-US",
        "Authorization": f"Bearer {token}" if token else (ctx.authorization or ""),
    }
    response = client.send("GET", spec_checks.api.read_back_path(activity_id), headers)
    if response.status_code != 200:
        ctx.stop(
            "effect",
            f"reading the activity back answered {response.status_code}",
            expected=200,
            actual=response.status_code,
        )
    ctx.stored = _one_activity(ctx, spec_checks, traits, client, response.content, activity_id)
    ctx.earlier.append(ctx.stored)
    return ctx.stored


def _one_activity(
    ctx: ScenarioContext,
    spec_checks: response_shape.SpecChecks,
    traits: TraitLog,
    client: ApiClient,
    content: bytes,
    activity_id: str,
) -> dict:
    try:
        body = json.loads(content)
    except ValueError:
        ctx.stop(
            "effect", "the activity read back is not JSON", expected="JSON", actual=content[:200]
        )
    exchange = client.recorder.exchanges[-1] if client.recorder.exchanges else None
    traits.observe("EFF-04", response_shape.read_back_problems(spec_checks, body), exchange)
    ctx.stored_body = body
    listed = body.get("activity") if isinstance(body, dict) else None
    activity = listed[0] if isinstance(listed, list) and listed else None
    if not isinstance(activity, dict) or str(activity.get("id")) != activity_id:
        ctx.stop(
            "effect",
            "the activity read back is not the one created",
            expected=activity_id,
            actual=activity.get("id") if isinstance(activity, dict) else json.dumps(body)[:200],
        )
    return dict(activity)


def same(actual: Any, expected: Any) -> bool:
    """Equal, counting a decimal id as equal whether it is a string or a number."""
    scalars = (str, int)
    if (
        isinstance(actual, scalars)
        and isinstance(expected, scalars)
        and not isinstance(actual, bool)
        and not isinstance(expected, bool)
    ):
        return str(actual) == str(expected)
    return bool(actual == expected)


@then(parsers.re(r'the stored activity has "(?P<path>[^"]+)" equal to (?P<value>.+)'))
def stored_equal(
    ctx: ScenarioContext,
    client: ApiClient,
    spec_checks: response_shape.SpecChecks,
    traits: TraitLog,
    path: str,
    value: str,
) -> None:
    expected = resolve(ctx, value)
    actual = build.get_path(stored(ctx, client, spec_checks, traits), path)
    if not same(actual, expected):
        ctx.miss(
            "effect",
            f"the stored {path} is not the expected value",
            expected=expected,
            actual=actual,
            message=f"the stored activity has {path} = {actual!r}, expected {expected!r}",
        )


@then(parsers.re(r'the stored activity has "(?P<path>[^"]+)" other than (?P<value>.+)'))
def stored_other_than(
    ctx: ScenarioContext,
    client: ApiClient,
    spec_checks: response_shape.SpecChecks,
    traits: TraitLog,
    path: str,
    value: str,
) -> None:
    unexpected = resolve(ctx, value)
    actual = build.get_path(stored(ctx, client, spec_checks, traits), path)
    if actual in (None, "", {}, []) or same(actual, unexpected):
        ctx.miss(
            "effect",
            f"the stored {path} is the one it should not be",
            expected=f"anything but {unexpected!r}",
            actual=actual,
        )


@then(parsers.re(r'the stored activity has "(?P<path>[^"]+)"'))
def stored_has(
    ctx: ScenarioContext,
    client: ApiClient,
    spec_checks: response_shape.SpecChecks,
    traits: TraitLog,
    path: str,
) -> None:
    actual = build.get_path(stored(ctx, client, spec_checks, traits), path)
    if actual in (None, "", {}, []):
        ctx.miss(
            "effect",
            f"the stored activity has no {path}",
            expected=f"{path} present",
            actual=actual,
        )


@then(
    parsers.re(
        r'the stored activity\'s "(?P<first>[^"]+)" is within a minute of its '
        r'"(?P<second>[^"]+)"'
    )
)
def stored_close_in_time(
    ctx: ScenarioContext,
    client: ApiClient,
    spec_checks: response_shape.SpecChecks,
    traits: TraitLog,
    first: str,
    second: str,
) -> None:
    activity = stored(ctx, client, spec_checks, traits)
    a, b = build.get_path(activity, first), build.get_path(activity, second)
    try:
        gap = abs((datetime.fromisoformat(str(a)) - datetime.fromisoformat(str(b))).total_seconds())
    except (TypeError, ValueError):
        ctx.miss(
            "effect",
            f"the stored {first} or {second} is not a date-time",
            expected="two date-times",
            actual=(a, b),
        )
        return
    if gap > 60:
        ctx.miss(
            "effect",
            f"the stored {first} is not within a minute of {second}",
            expected="within 60s",
            actual=(a, b),
            message=f"{first} is {gap:.0f}s away",
        )


@then(parsers.re(r'the stored activity has "(?P<path>[^"]+)" as the instant "(?P<instant>[^"]+)"'))
def stored_instant(
    ctx: ScenarioContext,
    client: ApiClient,
    spec_checks: response_shape.SpecChecks,
    traits: TraitLog,
    path: str,
    instant: str,
) -> None:
    actual = build.get_path(stored(ctx, client, spec_checks, traits), path)
    try:
        same_instant = datetime.fromisoformat(str(actual)) == datetime.fromisoformat(instant)
    except ValueError:
        same_instant = False
    if not same_instant:
        ctx.miss(
            "effect", f"the stored {path} is not the instant sent", expected=instant, actual=actual
        )


@then("the stored activity belongs to a new case")
def stored_new_case(
    ctx: ScenarioContext,
    client: ApiClient,
    spec_checks: response_shape.SpecChecks,
    traits: TraitLog,
) -> None:
    case_id = build.get_path(stored(ctx, client, spec_checks, traits), "case.id")
    if not case_id or same(case_id, ctx.profile.data.case_id):
        ctx.miss(
            "effect",
            "the activity's case is not a new case",
            expected="a new case id",
            actual=case_id,
        )


@then("the activity read back is in the vendor's Get-activity shape")
def read_back_shape(
    ctx: ScenarioContext,
    client: ApiClient,
    spec_checks: response_shape.SpecChecks,
    traits: TraitLog,
) -> None:
    stored(ctx, client, spec_checks, traits)
    for problem in response_shape.read_back_problems(spec_checks, ctx.stored_body):
        ctx.miss(
            problem.item,
            problem.cause,
            expected=problem.expected,
            actual=problem.actual,
            message=problem.message,
        )
