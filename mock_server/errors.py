"""Vendor error answers: one exception type with status, code, arguments and the rule enforced.

Every error the mock sends is an ApiError rendered as the vendor body
`{code, developerMessage[, userMessage]}` in JSON or XML; never problem+json, never a trace.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from mock_server import xmlcodec

MAX_DEVELOPER_MESSAGE = 255
MAX_USER_MESSAGE = 1024


class MockError(Exception):
    """Base of the mock's own exceptions."""


class ApiError(MockError):
    """A vendor error answer; `rule_id` names the catalog rule that refused the request."""

    def __init__(
        self, status: int, code: str, args: tuple[str, ...] = (), rule_id: str | None = None
    ) -> None:
        super().__init__(f"{code} {args} ({rule_id})")
        self.status = status
        self.status_code = status  # read by connexion when it picks among security errors
        self.code = code
        self.args_ = tuple(str(a) for a in args)
        self.rule_id = rule_id


def missing(attribute: str, rule_id: str) -> ApiError:
    return ApiError(400, "400-146", (attribute,), rule_id)


def unsupported(attribute: str, rule_id: str) -> ApiError:
    return ApiError(400, "400-147", (attribute,), rule_id)


def invalid(attribute: str, rule_id: str) -> ApiError:
    return ApiError(400, "400-152", (attribute,), rule_id)


def empty(attribute: str, rule_id: str) -> ApiError:
    return ApiError(400, "400-387", (attribute,), rule_id)


def not_found_ids(ids: str, rule_id: str) -> ApiError:
    return ApiError(400, "400-194", (ids,), rule_id)


def bad_query_value(parameter: str, rule_id: str) -> ApiError:
    return ApiError(400, "400-244", (parameter,), rule_id)


@dataclass(frozen=True)
class CodeBook:
    """developerMessage templates by code, read once from openapi/rules.yaml (`codes`)."""

    templates: dict[str, str]

    @classmethod
    def load(cls, rules_file: Path) -> CodeBook:
        raw = yaml.safe_load(rules_file.read_text(encoding="utf-8"))
        return cls({str(k): str(v) for k, v in raw["codes"].items()})

    def developer_message(self, code: str, args: tuple[str, ...]) -> str:
        template = self.templates.get(code, self.templates.get("500-100", "Error."))
        return _fill(template, args)[:MAX_DEVELOPER_MESSAGE]


def _fill(template: str, args: tuple[str, ...]) -> str:
    """Fill `{0}`; a missing argument leaves an empty string instead of raising."""
    padded = (*args, "", "")
    return template.replace("{0}", padded[0]).replace("{1}", padded[1])


@lru_cache(maxsize=1024)
def error_body(
    code: str, developer_message: str, user_message: str | None, as_xml: bool
) -> tuple[bytes, str]:
    """The vendor error body and its media type; memoized: the same few errors repeat, and
    serializing even a small ElementTree costs tens of microseconds."""
    body: dict[str, str] = {"code": code, "developerMessage": developer_message}
    if user_message:
        body["userMessage"] = user_message[:MAX_USER_MESSAGE]
    if as_xml:
        return xmlcodec.dump(body, "error"), "application/xml"
    return json.dumps(body, ensure_ascii=False).encode("utf-8"), "application/json"
