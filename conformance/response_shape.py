"""What every response must look like according to the spec, whatever the scenario.

Error bodies validate against the spec's Error schema (JSON or XML, as Accept asks); a 201 has
no body and a Location naming the new activity; an activity reads back as the spec's
ActivityList. Each check returns its problems (`Problem`) instead of raising: the scenario that
sent the request goes on with its own rule's assertions, and `conformance.traits` reports each
property once, under its own rule.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from defusedxml import ElementTree
from openapi_schema_validator import OAS30Validator
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from conformance import yamldoc
from conformance.errors import ConfigError
from conformance.evidence import Level
from conformance.results import xml_error
from conformance.spec import Api, api_of

VENDOR_CODE = re.compile(r"^(?P<status>[1-5][0-9]{2})-[0-9]+$")
XML_TYPES = ("application/xml", "text/xml")
DOCUMENTED_ACCEPT = {"application/json": False, "application/xml": True}  # value -> wants XML


class Answer(Protocol):
    """What these checks read of a response: a `Answer`, or the proxy's view of one
    (`conformance.proxy.judge.Seen`), so live traffic is judged by the same code."""

    @property
    def status_code(self) -> int: ...
    @property
    def headers(self) -> Mapping[str, str]: ...  # case-insensitive
    @property
    def content(self) -> bytes: ...
    @property
    def text(self) -> str: ...


@dataclass(frozen=True)
class Problem:
    """One response-wide property a response broke; `cause` is the same wherever it happens."""

    rule_id: str
    item: str
    cause: str
    level: Level | None  # None: the rule's own level for the item, from the catalog
    message: str
    expected: str
    actual: str


class SpecChecks:
    """Validators for the response shapes the spec fixes, built once from the spec file."""

    def __init__(self, spec: Mapping[str, Any]) -> None:
        schemas = spec.get("components", {}).get("schemas", {})
        missing = [name for name in ("Error", "ActivityList") if name not in schemas]
        if missing:
            raise ConfigError(f"spec has no schema(s) {', '.join(missing)}")
        self._error = OAS30Validator({**schemas["Error"], "components": spec["components"]})
        self._activities = OAS30Validator(
            {**schemas["ActivityList"], "components": spec["components"]}
        )
        self.api = api_of(spec)
        self.vendor_statuses = self.api.vendor.statuses

    def error_problems(self, body: Any) -> list[str]:
        return [_problem(e) for e in self._error.iter_errors(body)]

    def activity_problems(self, body: Any) -> list[str]:
        return [_problem(e) for e in self._activities.iter_errors(body)]

    def status_level(self, status: int) -> Level:
        """A status the vendor documents is documented; the others are the mock's choice."""
        return Level.DOCUMENTED if status in self.vendor_statuses else Level.CHOICE


def _problem(error: Any) -> str:
    where = ".".join(str(p) for p in error.absolute_path) or "(body)"
    return f"{where}: {error.message}"


@functools.cache
def load_spec_checks(path: Path) -> SpecChecks:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the spec {path}: {exc}") from exc
    return spec_checks_from(text, path)


def spec_checks_from(text: str, path: Path) -> SpecChecks:
    """The checks of the spec whose text a run has read once (`path` names it in errors)."""
    try:
        spec = yamldoc.parse(text)
    except yamldoc.YAMLError as exc:  # one line: where it broke, and how
        raise ConfigError(f"cannot read the spec {path}: {' '.join(str(exc).split())}") from exc
    if not isinstance(spec, Mapping):
        raise ConfigError(f"spec {path}: not an OpenAPI document")
    return SpecChecks(spec)


def wants_xml(accept: str | None) -> bool:
    """Whether an error answer should be XML: XML's quality (werkzeug, RFC 9110: the most
    specific range counts, q=0 refuses) is above JSON's; JSON wins ties and an absent header.
    A range's parameters other than q do not narrow it; `text/xml` counts only when named, as
    the answer is application/xml (`text/*` does not ask for it)."""
    if not accept:
        return False
    ranges = MIMEAccept([(v.split(";", 1)[0].strip(), q) for v, q in parse_accept_header(accept)])
    named = max((q for value, q in ranges if value.lower() == "text/xml"), default=0)
    return max(ranges.quality("application/xml"), named) > ranges.quality("application/json")


def media_type(response: Answer) -> str:
    return response.headers.get("Content-Type", "").split(";")[0].strip().lower()


def read_error(response: Answer) -> dict[str, Any] | None:
    """The error body as a dict, JSON or XML, whatever the Content-Type says; None if neither.

    Lenient on purpose: the media type is a property of its own (HDR-05); a scenario still
    reads the code of an error body that came with the wrong Content-Type.
    """
    text = response.content.strip()
    try:
        if text.startswith(b"<"):
            return xml_error(text)
        body = json.loads(text)
    except (ValueError, ElementTree.ParseError):
        return None
    return body if isinstance(body, dict) else None


# ------------------------------------------------------------------ properties of every answer
def error_problems(checks: SpecChecks, response: Answer, accept: str | None) -> list[Problem]:
    """An error answer: the vendor's body (PRT-02), in the format Accept asks for (HDR-05)."""
    status = response.status_code
    level = checks.status_level(status)
    problems = _media_problems(response, accept, level)
    body = read_error(response)
    if body is None:
        cause = "the error body is not a JSON object or an XML <error>"
        return [*problems, _prt02(cause, level, response.text[:200])]
    schema = checks.error_problems(body)
    if schema:
        cause = "the error body does not match the spec's Error schema"
        problems.append(_prt02(cause, level, json.dumps(body)[:300], f"{cause}: {schema[0]}"))
    code = VENDOR_CODE.match(str(body.get("code", "")))
    if code is None or int(code["status"]) != status:
        cause = "the error code does not start with the status"
        problems.append(_prt02(cause, level, f"{status} {body.get('code')!r}"))
    return problems


def _prt02(cause: str, level: Level, actual: str, message: str = "") -> Problem:
    return Problem("PRT-02", "body", cause, level, message or cause, "a vendor error body", actual)


def _media_problems(response: Answer, accept: str | None, level: Level) -> list[Problem]:
    kind = media_type(response) or "(no Content-Type)"
    documented = (accept or "application/json").strip().lower() in DOCUMENTED_ACCEPT
    expected_xml = wants_xml(accept)
    readable = kind in ("application/json", *XML_TYPES)
    if readable and (kind in XML_TYPES) == expected_xml:
        return []
    if readable and not documented:
        return []  # Accept named neither documented type: either is an answer the docs allow
    expected = "application/xml" if expected_xml else "application/json"
    cause = f"an error answered as {kind} where Accept asks for {expected}"
    level = level if documented else Level.CHOICE
    return [Problem("HDR-05", "media", cause, level, cause, expected, kind)]


def created_problems(response: Answer, api: Api) -> list[Problem]:
    """A 201: no body, and a Location that names the new activity (EFF-01)."""
    problems = []
    if response.content.strip():
        cause = "a 201 answer has a body; the spec says it has none"
        problems.append(_eff01(cause, "(empty)", response.text[:200]))
    location = response.headers.get("Location")
    if not location:
        problems.append(_eff01("a 201 answer has no Location header", "Location", "(none)"))
    elif created_id(response, api) is None:
        cause = "the Location does not name an activity"
        problems.append(_eff01(cause, api.read_back.path, location))
    return problems


def _eff01(cause: str, expected: str, actual: str) -> Problem:
    return Problem("EFF-01", "effect", cause, None, cause, expected, actual)


def created_id(response: Answer, api: Api) -> str | None:
    """The new activity's id from a 201's Location (…/activity/{id}), or None."""
    location = response.headers.get("Location") or ""
    match = api.location_tail.search(location.split("?")[0])
    return match["id"] if match else None


def read_back_problems(checks: SpecChecks, body: Any) -> list[Problem]:
    """An activity read back: the vendor's Get-activity shape, as the spec writes it (EFF-04)."""
    found = checks.activity_problems(body)
    if not found:
        return []
    cause = "the activity read back does not match the spec's ActivityList schema"
    return [
        Problem(
            "EFF-04",
            "effect",
            cause,
            None,
            f"{cause}: {found[0]}",
            "ActivityList schema",
            json.dumps(body)[:300],
        )
    ]


def documented_location_problem(location: str, api: Api) -> str | None:
    """None when the Location is the documented one (base path and activity path), host-relative
    or absolute."""
    path = location
    absolute = re.match(r"^https?://[^/]+(?P<path>/.*)$", location)
    if absolute:
        path = absolute["path"]
    if api.location.match(path):
        return None
    if not path.startswith(api.base_path + "/"):
        return f"it lacks the base path {api.base_path}"
    return f"it is not {api.location_template}"
