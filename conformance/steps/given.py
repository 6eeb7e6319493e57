"""Given: who sends, and what the request holds."""

from __future__ import annotations

import copy

from pytest_bdd import given, parsers

from conformance import requests_builder as build
from conformance.steps.context import ScenarioContext, not_applicable
from conformance.steps.phrases import resolve

ACTORS = {
    "a user": "user",
    "a user without the privilege": "user_without_privilege",
    "a client application": "client",
    "a customer": "customer",
    "anonymous": "anonymous",
}
SETTINGS = {
    "customer departmentalization": "customer_departmentalization",
    "secure messaging": "secure_messaging",
}


@given(parsers.re(r"the actor is (?P<who>.+)"))
def actor_is(ctx: ScenarioContext, who: str) -> None:
    if who not in ACTORS:
        raise ValueError(f"unknown actor {who!r}; known: {', '.join(ACTORS)}")
    ctx.actor = ACTORS[who]
    if ctx.actor != "anonymous":
        ctx.authorization = f"Bearer {ctx.need(f'tokens.{ctx.actor}')}"


@given(parsers.re(r'the Authorization header is "(?P<value>[^"]*)"'))
def authorization_is(ctx: ScenarioContext, value: str) -> None:
    ctx.authorization = value


@given("a valid request body")
def valid_body(ctx: ScenarioContext) -> None:
    kind = "customer" if ctx.actor == "customer" else "user"
    ctx.body = ctx_body(ctx, kind)


def ctx_body(ctx: ScenarioContext, kind: str) -> dict:
    try:
        return build.baseline(kind, ctx.profile)
    except build.MissingData as missing:
        not_applicable(f"profile has no {missing.key}")


@given(parsers.re(r"the body is sent as (?P<kind>JSON|XML)"))
def body_as(ctx: ScenarioContext, kind: str) -> None:
    ctx.xml = kind == "XML"


@given(parsers.re(r'the XML body is in the namespace "(?P<namespace>[^"]+)"'))
def xml_namespace(ctx: ScenarioContext, namespace: str) -> None:
    ctx.xml_namespace = namespace


@given("the XML case is written as an id attribute")
def xml_case_attribute(ctx: ScenarioContext) -> None:
    ctx.xml_attributes = (*ctx.xml_attributes, "case")


@given(parsers.re(r'the request sets "(?P<path>[^"]+)" to (?P<value>.+)'))
def request_sets(ctx: ScenarioContext, path: str, value: str) -> None:
    build.set_path(ctx.body, path, resolve(ctx, value))


@given(parsers.re(r'the request omits "(?P<path>[^"]+)"'))
def request_omits(ctx: ScenarioContext, path: str) -> None:
    build.remove_path(ctx.body, path)


@given(parsers.re(r"the whole request body is (?P<value>.+)"))
def request_body_is(ctx: ScenarioContext, value: str) -> None:
    """A whole body that is not an activity object: a JSON literal, sent as it is."""
    ctx.body = resolve(ctx, value)


@given("two copies of that body are sent as one list")
def request_body_twice(ctx: ScenarioContext) -> None:
    """Two valid activities in one body: only a server that reads just one would accept it."""
    ctx.body = [ctx.body, copy.deepcopy(ctx.body)]


@given("the raw body is:")
def raw_body(ctx: ScenarioContext, docstring: str) -> None:
    ctx.raw_body = docstring


@given("the raw body is not valid UTF-8")
def raw_body_not_utf8(ctx: ScenarioContext) -> None:
    ctx.raw_body = b'{"subject": "caf\xe9 \xff\xfe"}'


@given("the request has no body")
def no_body(ctx: ScenarioContext) -> None:
    ctx.no_body = True


@given(parsers.re(r'the header "(?P<name>[^"]+)" is "(?P<value>[^"]*)"'))
def header_is(ctx: ScenarioContext, name: str, value: str) -> None:
    ctx.headers[name] = value


@given(parsers.re(r'the request has no "(?P<name>[^"]+)" header'))
def header_absent(ctx: ScenarioContext, name: str) -> None:
    ctx.omitted_headers.add(name.lower())


@given(parsers.re(r'the query parameter "(?P<name>[^"]+)" is (?P<value>.+)'))
def query_parameter(ctx: ScenarioContext, name: str, value: str) -> None:
    ctx.params[name] = str(resolve(ctx, value))


@given(
    parsers.re(
        r"the target runs with (?P<setting>customer departmentalization|secure messaging)"
        r" (?P<state>on|off)"
    )
)
def target_runs_with(ctx: ScenarioContext, setting: str, state: str) -> None:
    """A setting-dependent branch: not applicable when the target's settings select the other."""
    key = SETTINGS[setting]
    actual = ctx.need(f"settings.{key}")
    if actual != (state == "on"):
        not_applicable(
            f"the target runs with {setting} {'on' if actual else 'off'} "
            f"(settings.{key}); this scenario checks the {state} branch"
        )


@given(
    parsers.re(
        r"the (?P<part>text|html|text and html) content is (?P<how>one byte over|exactly) "
        r"the body size limit"
    )
)
def content_at_body_limit(ctx: ScenarioContext, part: str, how: str) -> None:
    """Content of the limit's size, or one byte more, in text, in html, or split between the
    two (each half then well under the limit: only their sum reaches it)."""
    size = ctx.need("settings.max_body_size_kb") * 1024 + (1 if how == "one byte over" else 0)
    if part == "text and html":
        text = size // 2
        content = {"text": "x" * text, "html": _html(size - text)}
    else:
        content = {part: "x" * size if part == "text" else _html(size)}
    build.set_path(ctx.body, "payload.email.content", content)


def _html(size: int) -> str:
    """An html fragment of exactly `size` bytes (at least 7)."""
    return "<p>" + "x" * (size - 7) + "</p>"


@given("the text content is under the body size limit in characters but over it in bytes")
def content_over_limit_in_bytes(ctx: ScenarioContext) -> None:
    """Two-byte characters: half the limit plus one in characters is the limit plus two bytes."""
    limit = ctx.need("settings.max_body_size_kb") * 1024
    build.set_path(ctx.body, "payload.email.content", {"text": "\u00e9" * (limit // 2 + 1)})


@given(
    parsers.re(
        r"the request body is (?P<how>one byte over|a kilobyte under) the maximum email "
        r"size"
    )
)
def body_at_email_limit(ctx: ScenarioContext, how: str) -> None:
    """Pads the content so that the serialized body has the wanted size in bytes."""
    limit = ctx.need("settings.max_email_size_mb") * 1024 * 1024
    wanted = limit + 1 if how == "one byte over" else limit - 1024
    build.set_path(ctx.body, "payload.email.content", {"text": ""})
    empty = len(build.to_json(ctx.body).encode("utf-8"))
    build.set_path(ctx.body, "payload.email.content", {"text": "x" * (wanted - empty)})
