"""The request schema, compiled once from the spec, with errors mapped to vendor codes.

Connexion validates neither XML bodies nor in the vendor's codes, so the mock validates both
formats itself with one validator: `required` is 400-146, `additionalProperties` and `not` (a
member refused inside an open object, e.g. `customer.department`) 400-147, an empty string where
`minLength: 1` is 400-387, anything else 400-152. The attribute is the
dotted path without array indexes. Each error also names the catalog rule it enforces.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema_rs
import yaml
from jsonschema import FormatChecker
from jsonschema.exceptions import ValidationError
from openapi_schema_validator import OAS30Validator

from mock_server.addresses import is_email
from mock_server.errors import ApiError

REQUEST_SCHEMA = "CreateEmailActivityRequest"
_CODE_ORDER = {"400-146": 0, "400-147": 1, "400-387": 2, "400-152": 3}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_DATE_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", re.I)

# (attribute prefix, rule id) for 400-152 and 400-146; the first matching prefix wins.
_RULES_BY_PREFIX: tuple[tuple[str, str], ...] = (
    ("type.subtype", "BODY-05"),
    ("type", "BODY-04"),
    ("subject", "BODY-07"),
    ("secure", "UC-15"),
    ("department", "UC-02"),
    ("payload.email.emailAddresses.from", "UC-04"),
    ("payload.email.emailAddresses.receiver", "UC-13"),
    ("payload.email.emailAddresses.replyTo", "BODY-13"),
    ("payload.email.emailAddresses", "UC-17"),
    ("payload.email.date", "BODY-14"),
    ("payload.email.messageCenter", "CUS-04"),
    ("payload.email.content", "BODY-12"),
    ("attachments.attachment.altId", "BODY-15"),
    ("attachments.attachment.contentId", "BODY-16"),
    ("attachments.attachment.inline", "BODY-16"),
    ("attachments", "BODY-17"),
    ("customAttributes", "BODY-11"),
    ("case", "BODY-19"),
    ("issueType", "CUS-13"),
    ("customer", "UC-06"),
)


def load_spec(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def base_path(spec: Mapping[str, Any]) -> str:
    """The API's base path, as the spec's first server URL gives it (e.g. /core/casemgr/v3)."""
    return urlsplit(spec["servers"][0]["url"]).path.rstrip("/")


def operation_path(spec: Mapping[str, Any], operation_id: str) -> str:
    """The spec's path of an operation (below the base path), e.g. /activity/email/general."""
    return next(
        path
        for path, item in spec["paths"].items()
        for operation in item.values()
        if isinstance(operation, dict) and operation.get("operationId") == operation_id
    )


def deref(node: Any, root: Mapping[str, Any], seen: tuple[str, ...] = ()) -> Any:
    """The schema with every local $ref inlined (the request schema has no cycles)."""
    if isinstance(node, list):
        return [deref(item, root, seen) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/") and ref not in seen:
        target: Any = root
        for part in ref[2:].split("/"):
            target = target[part]
        return deref(target, root, (*seen, ref))
    return {key: deref(value, root, seen) for key, value in node.items()}


def request_schema(spec: Mapping[str, Any]) -> dict[str, Any]:
    return deref(spec["components"]["schemas"][REQUEST_SCHEMA], spec)


def _format_checker() -> FormatChecker:
    checker = FormatChecker(formats=())
    checker.checks("email")(is_email)
    checker.checks("date-time")(_is_date_time)
    checker.checks("uri")(_is_uri)
    return checker


_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s]*")


def _is_uri(value: object) -> bool:
    """An absolute URI: a scheme, a colon, no white space (RFC 3986 in outline; lenient)."""
    return not isinstance(value, str) or _URI.fullmatch(value) is not None


def _is_date_time(value: object) -> bool:
    if not isinstance(value, str) or not _DATE_TIME.fullmatch(value):
        return not isinstance(value, str)
    try:
        datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


class BodyValidator:
    """One compiled validator for the request body, JSON and XML alike."""

    def __init__(self, schema: Mapping[str, Any]) -> None:
        self.schema = schema
        self._validator = OAS30Validator(schema, format_checker=_format_checker())
        # The same schema and formats compiled by jsonschema-rs (40x faster). It answers both
        # "valid?" and, for an invalid body, its errors, which _classify_fast maps to the same
        # (code, attribute) as _classify maps the Python validator's (a differential test in
        # tests/mock/test_validation.py holds the two together). The Python validator stays for
        # what Rust cannot hold (a lone surrogate) and as the reference.
        self._fast = jsonschema_rs.Draft4Validator(
            dict(schema),
            formats={"email": is_email, "date-time": _is_date_time, "uri": _is_uri},
            validate_formats=True,
        )

    def validate(self, body: Any, may_hold_unstorable_text: bool = True) -> None:
        """Raise the ApiError of the first problem (by code order, then attribute).

        The walk for unstorable text is skipped when the caller knows the body's source cannot
        hold any (json_may_hold_unstorable_text; XML, whose parser refuses every such character).
        """
        errors = [] if self._fast_valid(body) else self._errors(body)
        if errors:
            code, attribute = min(errors, key=lambda e: (_CODE_ORDER[e[0]], e[1]))
            raise ApiError(400, code, (attribute,), rule_for(code, attribute))
        if not may_hold_unstorable_text:
            return
        bad_text = next(_unstorable_text(body, ()), None)
        if bad_text is not None:
            raise ApiError(400, "400-152", (bad_text,), rule_for("400-152", bad_text))

    def _fast_valid(self, body: Any) -> bool:
        try:
            return bool(self._fast.is_valid(body))
        except Exception:  # e.g. a lone surrogate Rust cannot hold: the Python path decides
            return False

    def _errors(self, body: Any) -> list[tuple[str, str]]:
        try:
            return [_classify_fast(e, self.schema) for e in self._fast.iter_errors(body)]
        except Exception:  # a value Rust cannot hold: the Python validator decides
            return self.reference_errors(body)

    def reference_errors(self, body: Any) -> list[tuple[str, str]]:
        """(code, attribute) of every error the Python validator finds (the reference)."""
        return [_classify(e) for e in self._validator.iter_errors(body)]


_FFFE, _FFFF = "\ufffe".encode(), "\uffff".encode()


def json_may_hold_unstorable_text(raw: bytes) -> bool:
    """False when no string parsed from this UTF-8 JSON can hold a control character or a
    surrogate: JSON forbids raw control characters in strings (json.loads is strict), valid
    UTF-8 holds no surrogate, so either needs a \\u escape; U+FFFE/U+FFFF may also be raw."""
    return b"\\u" in raw or _FFFE in raw or _FFFF in raw


def _unstorable_text(node: Any, path: tuple[str, ...]) -> Iterator[str]:
    """Strings no XML 1.0 document or UTF-8 answer can carry: control characters, lone surrogates.

    Accepting them would store an activity that the read-back (JSON or XML) cannot represent.
    """
    if isinstance(node, str):
        if _CONTROL.search(node) or _SURROGATE.search(node):
            yield ".".join(path)
    elif isinstance(node, dict):
        for name, value in node.items():
            if _CONTROL.search(name) or _SURROGATE.search(name):  # open objects (customer)
                yield ".".join((*path, name))
            yield from _unstorable_text(value, (*path, str(name)))
    elif isinstance(node, list):
        for item in node:
            yield from _unstorable_text(item, path)


def _path(error: ValidationError, extra: str | None = None) -> str:
    parts = [str(p) for p in error.absolute_path if not isinstance(p, int)]
    if extra:
        parts.append(extra)
    return ".".join(parts)


def _classify(error: ValidationError) -> tuple[str, str]:
    """(code, attribute) of one schema error, per ARCHITECTURE.md step 7."""
    instance = error.instance
    if error.validator == "required":
        names = [n for n in error.validator_value if n not in instance]
        return "400-146", _path(error, names[0] if names else None)
    if error.validator == "not":
        return "400-147", _path(error)
    if error.validator == "additionalProperties":
        allowed = set(error.schema.get("properties", {}))
        extra = sorted(n for n in instance if n not in allowed)
        return "400-147", _path(error, extra[0] if extra else None)
    if instance == "" and error.validator in ("minLength", "oneOf", "anyOf"):
        return "400-387", _path(error)
    return "400-152", _path(error)


def _classify_fast(
    error: jsonschema_rs.ValidationError, schema: Mapping[str, Any]
) -> tuple[str, str]:
    """_classify for a jsonschema-rs error: the same rules, read from its kind and paths."""
    details: Any = error.kind
    kind = details.name
    path = [str(p) for p in error.instance_path if not isinstance(p, int)]
    instance: Any = error.instance
    if kind == "required":
        node: Any = schema
        for step in error.schema_path[:-1]:
            node = node[step]
        names = [n for n in node["required"] if n not in instance]
        return "400-146", ".".join(path + names[:1])
    if kind == "not":
        return "400-147", ".".join(path)
    if kind == "additionalProperties":
        extra = sorted(details.unexpected)
        return "400-147", ".".join(path + extra[:1])
    if instance == "" and kind in ("minLength", "oneOf", "anyOf"):
        return "400-387", ".".join(path)
    return "400-152", ".".join(path)


def rule_for(code: str, attribute: str) -> str:
    """The catalog rule a schema error enforces, for the request log."""
    if code == "400-387":
        return "BODY-20"
    if code == "400-147":
        if attribute == "customer.department":
            return "UC-08"
        return "BODY-12" if attribute.startswith("payload.email.content.") else "BODY-08"
    for prefix, rule_id in _RULES_BY_PREFIX:
        if attribute == prefix or attribute.startswith(prefix + "."):
            return rule_id
    return "PRT-03"
