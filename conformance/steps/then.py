"""Then: the status, the vendor code, the error's contents and what the target stored."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from pytest_bdd import parsers, then

from conformance import requests_builder as build
from conformance.client import ApiClient
from conformance.errors import Deviation
from conformance.steps import checks
from conformance.steps.context import ScenarioContext, not_applicable
from conformance.steps.values import resolve


def fail(ctx: ScenarioContext, message: str, expected: Any, actual: Any) -> Deviation:
    return Deviation(message, rule_ids=ctx.rule_ids, expected=expected, actual=actual)


def error_body(ctx: ScenarioContext) -> dict[str, Any]:
    response = ctx.last_response()
    if response.status_code < 400:
        raise fail(
            ctx,
            f"the request was not refused: {response.status_code}",
            "an error answer",
            response.status_code,
        )
    return checks.parse_error(response, ctx.rule_ids)


def _summary(status: int, body: dict[str, Any]) -> str:
    return f"{status} {body.get('code')} {body.get('developerMessage', '')!r}"


@then("the response is 201 Created with a Location")
def created(ctx: ScenarioContext) -> None:
    response = ctx.last_response()
    if response.status_code != 201:
        actual: int | str = response.status_code
        if response.status_code >= 400:
            actual = _summary(response.status_code, checks.parse_error(response, ctx.rule_ids))
        raise fail(ctx, f"expected 201 Created, got {actual}", 201, actual)
    checks.created_id(response, ctx.rule_ids)


@then("the Location is the documented activity path")
def documented_location(ctx: ScenarioContext) -> None:
    location = ctx.last_response().headers.get("Location", "")
    problem = checks.documented_location_problem(location)
    if problem:
        raise fail(
            ctx,
            f"the Location {location!r} is not the documented path: {problem}",
            "/core/casemgr/v3/activity/{id}",
            location,
        )


REFUSED = r'the request is refused with status (?P<status>\d{3}) and code "(?P<code>[^"]+)"'


@then(parsers.re(REFUSED))
def refused(ctx: ScenarioContext, status: str, code: str) -> None:
    """Exact status and code; for a rule that is only our guess (and a profile that does not
    ask for guesses to be exact) the status class, with a vendor-format code (checked on send)."""
    body = error_body(ctx)
    actual = ctx.last_response().status_code
    if ctx.strict and (actual != int(status) or body.get("code") != code):
        raise fail(
            ctx,
            f"expected {status} {code}, got {_summary(actual, body)}",
            f"{status} {code}",
            _summary(actual, body),
        )
    if not ctx.strict and actual // 100 != int(status) // 100:
        raise fail(
            ctx,
            f"expected a {status[0]}xx refusal, got {_summary(actual, body)}",
            f"{status[0]}xx",
            _summary(actual, body),
        )


def _names(ctx: ScenarioContext, what: str, name: str) -> None:
    body = error_body(ctx)
    message = str(body.get("developerMessage", ""))
    if ctx.strict and f"'{name}'" not in message:
        raise fail(
            ctx,
            f"the error does not name the {what} '{name}': {message!r}",
            f"'{name}' in developerMessage",
            message,
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
    actual = checks.media_type(ctx.last_response())
    is_xml = actual in ("application/xml", "text/xml")
    if is_xml != (kind == "XML"):
        raise fail(ctx, f"the error is {actual}, expected {kind}", kind, actual)


@then(parsers.re(r"the error (?P<has>has a|has no) userMessage"))
def user_message(ctx: ScenarioContext, has: str) -> None:
    body = error_body(ctx)
    present = bool(body.get("userMessage"))
    if present != (has == "has a"):
        raise fail(
            ctx,
            f"the error {'lacks' if not present else 'carries'} a userMessage",
            f"userMessage {'present' if has == 'has a' else 'absent'}",
            body.get("userMessage"),
        )


@then("the error message is the documented one for its code")
def documented_message(ctx: ScenarioContext) -> None:
    body = error_body(ctx)
    template = ctx.catalog.codes.get(str(body.get("code")))
    if template is None:
        raise fail(
            ctx,
            f"the code {body.get('code')} is not a documented code",
            "a documented code",
            body.get("code"),
        )
    pattern = re.escape(template).replace(re.escape("{0}"), ".+")
    message = str(body.get("developerMessage", ""))
    if not re.fullmatch(pattern, message):
        raise fail(
            ctx,
            f"developerMessage {message!r} is not the documented {template!r}",
            template,
            message,
        )


@then("the response is not a server error")
def not_server_error(ctx: ScenarioContext) -> None:
    status = ctx.last_response().status_code
    if status >= 500:
        raise fail(ctx, f"a client's mistake caused a server error {status}", "not 5xx", status)


@then("the request is not refused as too large")
def not_too_large(ctx: ScenarioContext) -> None:
    status = ctx.last_response().status_code
    if status in (413, 500) or status >= 500:
        raise fail(
            ctx, f"a body under the maximum email size was answered {status}", "not 413", status
        )


# ------------------------------------------------------------------ what was stored


def stored(ctx: ScenarioContext, client: ApiClient, spec_checks: checks.SpecChecks) -> dict:
    """The activity the last 201 created, read back with GET /activity/{id}."""
    if ctx.stored is not None:
        return ctx.stored
    if not ctx.profile.read_back:
        not_applicable(
            "the profile says the target cannot read an activity back "
            "(read_back: false), so what was stored cannot be checked"
        )
    created(ctx)
    activity_id = checks.created_id(ctx.last_response(), ctx.rule_ids)
    token = ctx.profile.tokens.user
    headers = {
        "Accept": "application/json",
        "Accept-Language": "en-US",
        "Authorization": f"Bearer {token}" if token else (ctx.authorization or ""),
    }
    response = client.send("GET", f"/activity/{activity_id}", headers)
    if response.status_code != 200:
        raise fail(
            ctx,
            f"reading activity {activity_id} back answered {response.status_code}",
            200,
            response.status_code,
        )
    ctx.stored = _one_activity(ctx, spec_checks, response.content, activity_id)
    return ctx.stored


def _one_activity(
    ctx: ScenarioContext, spec_checks: checks.SpecChecks, content: bytes, activity_id: str
) -> dict:
    try:
        body = json.loads(content)
    except ValueError as exc:
        raise fail(ctx, "the activity read back is not JSON", "JSON", content[:200]) from exc
    problems = spec_checks.activity_problems(body)
    if problems:
        raise fail(
            ctx,
            f"the activity read back does not match the spec: {problems[0]}",
            "ActivityList schema",
            json.dumps(body)[:300],
        )
    activity = body["activity"][0] if body["activity"] else {}
    if str(activity.get("id")) != activity_id:
        raise fail(
            ctx, "the activity read back is not the one created", activity_id, activity.get("id")
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
    ctx: ScenarioContext, client: ApiClient, spec_checks: checks.SpecChecks, path: str, value: str
) -> None:
    expected = resolve(ctx, value)
    actual = build.get_path(stored(ctx, client, spec_checks), path)
    if not same(actual, expected):
        raise fail(
            ctx,
            f"the stored activity has {path} = {actual!r}, expected {expected!r}",
            expected,
            actual,
        )


@then(parsers.re(r'the stored activity has "(?P<path>[^"]+)"'))
def stored_has(
    ctx: ScenarioContext, client: ApiClient, spec_checks: checks.SpecChecks, path: str
) -> None:
    actual = build.get_path(stored(ctx, client, spec_checks), path)
    if actual in (None, "", {}, []):
        raise fail(ctx, f"the stored activity has no {path}", f"{path} present", actual)


@then(
    parsers.re(
        r'the stored activity\'s "(?P<first>[^"]+)" is within a minute of its '
        r'"(?P<second>[^"]+)"'
    )
)
def stored_close_in_time(
    ctx: ScenarioContext, client: ApiClient, spec_checks: checks.SpecChecks, first: str, second: str
) -> None:
    activity = stored(ctx, client, spec_checks)
    a, b = build.get_path(activity, first), build.get_path(activity, second)
    try:
        gap = abs((datetime.fromisoformat(str(a)) - datetime.fromisoformat(str(b))).total_seconds())
    except (TypeError, ValueError) as exc:
        raise fail(
            ctx, f"{first} ({a!r}) or {second} ({b!r}) is not a date-time", "two date-times", (a, b)
        ) from exc
    if gap > 60:
        raise fail(ctx, f"{first} is {gap:.0f}s away from {second}", "within 60s", (a, b))


@then(parsers.re(r'the stored activity has "(?P<path>[^"]+)" as the instant "(?P<instant>[^"]+)"'))
def stored_instant(
    ctx: ScenarioContext, client: ApiClient, spec_checks: checks.SpecChecks, path: str, instant: str
) -> None:
    actual = build.get_path(stored(ctx, client, spec_checks), path)
    try:
        same_instant = datetime.fromisoformat(str(actual)) == datetime.fromisoformat(instant)
    except ValueError:
        same_instant = False
    if not same_instant:
        raise fail(
            ctx, f"the stored {path} is {actual!r}, not the instant {instant}", instant, actual
        )


@then("the stored activity belongs to a new case")
def stored_new_case(
    ctx: ScenarioContext, client: ApiClient, spec_checks: checks.SpecChecks
) -> None:
    case_id = build.get_path(stored(ctx, client, spec_checks), "case.id")
    if not case_id or same(case_id, ctx.profile.data.case_id):
        raise fail(
            ctx, f"the activity's case is {case_id!r}, not a new case", "a new case id", case_id
        )
