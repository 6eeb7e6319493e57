"""What every response must look like according to the spec, whatever the scenario.

Error bodies validate against the spec's Error schema (JSON or XML, as Accept asks); a 201 has
no body and a Location naming the new activity.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import requests
import yaml
from defusedxml import ElementTree
from openapi_schema_validator import OAS30Validator

from conformance.errors import ConfigError, Deviation

DOCUMENTED_LOCATION = re.compile(r"^/core/casemgr/v3/activity/(?P<id>[0-9]+)$")
ANY_ACTIVITY_LOCATION = re.compile(r"/activity/(?P<id>[0-9]+)$")
VENDOR_CODE = re.compile(r"^(?P<status>[1-5][0-9]{2})-[0-9]+$")


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

    def error_problems(self, body: Any) -> list[str]:
        return [_problem(e) for e in self._error.iter_errors(body)]

    def activity_problems(self, body: Any) -> list[str]:
        return [_problem(e) for e in self._activities.iter_errors(body)]


def _problem(error: Any) -> str:
    where = ".".join(str(p) for p in error.absolute_path) or "(body)"
    return f"{where}: {error.message}"


@functools.cache
def load_spec_checks(path: Path) -> SpecChecks:
    try:
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read the spec {path}: {exc}") from exc
    if not isinstance(spec, Mapping):
        raise ConfigError(f"spec {path}: not an OpenAPI document")
    return SpecChecks(spec)


def wants_xml(accept: str | None) -> bool:
    """Whether an error answer should be XML: only when Accept asks for XML and not JSON."""
    if not accept:
        return False
    lowered = accept.lower()
    if "json" in lowered or "*/*" in lowered or "application/*" in lowered:
        return False
    return "xml" in lowered


def media_type(response: requests.Response) -> str:
    return response.headers.get("Content-Type", "").split(";")[0].strip().lower()


def parse_error(response: requests.Response, rule_ids: tuple[str, ...]) -> dict[str, Any]:
    """The error body as a dict, from JSON or XML according to its Content-Type."""
    kind = media_type(response)
    try:
        if kind in ("application/xml", "text/xml"):
            return _xml_error(response.content)
        if kind == "application/json":
            body = json.loads(response.content)
            if isinstance(body, dict):
                return body
    except (ValueError, ElementTree.ParseError) as exc:
        raise Deviation(
            f"the error body is not well-formed {kind}: {exc}",
            rule_ids=rule_ids,
            expected="a vendor error body",
            actual=response.text[:200],
        ) from exc
    raise Deviation(
        f"the error body is not a JSON object or XML <error> (Content-Type {kind!r})",
        rule_ids=rule_ids,
        expected="a vendor error body",
        actual=response.text[:200],
    )


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _xml_error(content: bytes) -> dict[str, Any]:
    root = ElementTree.fromstring(content)
    if _local(root.tag) != "error":
        raise ValueError(f"root element is <{_local(root.tag)}>, not <error>")
    body: dict[str, Any] = {}
    for child in root:
        name = _local(child.tag)
        if name == "details":
            body["details"] = [{_local(kv.tag): kv.text or "" for kv in detail} for detail in child]
        else:
            body[name] = child.text or ""
    return body


def check_error_shape(
    checks: SpecChecks, response: requests.Response, accept: str | None, rule_ids: tuple[str, ...]
) -> dict[str, Any]:
    """An error answer: the vendor's body, in the format Accept asks for; returns the body."""
    expected_xml = wants_xml(accept)
    kind = media_type(response)
    if expected_xml != (kind in ("application/xml", "text/xml")) or kind not in (
        "application/json",
        "application/xml",
        "text/xml",
    ):
        raise Deviation(
            f"the error answer is {kind or 'untyped'} but Accept was {accept!r}",
            rule_ids=rule_ids,
            expected="application/xml" if expected_xml else "application/json",
            actual=kind or "(no Content-Type)",
        )
    body = parse_error(response, rule_ids)
    problems = checks.error_problems(body)
    if problems:
        raise Deviation(
            f"the error body does not match the spec's Error schema: {problems[0]}",
            rule_ids=rule_ids,
            expected="Error schema",
            actual=json.dumps(body)[:300],
        )
    code = VENDOR_CODE.match(str(body.get("code", "")))
    if code is None or int(code["status"]) != response.status_code:
        raise Deviation(
            f"the code {body.get('code')!r} does not start with the status {response.status_code}",
            rule_ids=rule_ids,
            expected=f"{response.status_code}-<number>",
            actual=body.get("code"),
        )
    return body


def created_id(response: requests.Response, rule_ids: tuple[str, ...]) -> str:
    """A 201's new activity id: no body, and a Location that ends in /activity/{id}."""
    if response.content.strip():
        raise Deviation(
            "a 201 answer has a body; the spec says it has none",
            rule_ids=rule_ids,
            expected="(empty)",
            actual=response.text[:200],
        )
    location = response.headers.get("Location")
    if not location:
        raise Deviation(
            "a 201 answer has no Location header",
            rule_ids=rule_ids,
            expected="Location: /core/casemgr/v3/activity/{id}",
            actual="(none)",
        )
    match = ANY_ACTIVITY_LOCATION.search(location.split("?")[0])
    if match is None:
        raise Deviation(
            f"the Location {location!r} does not name an activity",
            rule_ids=rule_ids,
            expected="/core/casemgr/v3/activity/{id}",
            actual=location,
        )
    return match["id"]


def documented_location_problem(location: str) -> str | None:
    """None when the Location is /core/casemgr/v3/activity/{id}, host-relative or absolute."""
    path = location
    absolute = re.match(r"^https?://[^/]+(?P<path>/.*)$", location)
    if absolute:
        path = absolute["path"]
    if DOCUMENTED_LOCATION.match(path):
        return None
    if not path.startswith("/core/casemgr/v3/"):
        return "it lacks the base path /core/casemgr/v3"
    return "it is not /core/casemgr/v3/activity/{id}"
