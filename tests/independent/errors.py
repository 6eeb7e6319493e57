"""The vendor's error answer: `{"code", "developerMessage"[, "details"][, "userMessage"]}`.

Codes and messages are the ones the vendor documents for this operation (and its API family).
"""

from __future__ import annotations

import json
from typing import Any
from xml.sax.saxutils import escape

MESSAGES = {
    "400-101": "Unsupported query parameter(s) supplied: '{0}'.",
    "400-146": "Required attribute is missing in request body: '{0}'.",
    "400-152": "Invalid value is provided in the request body for the following attribute:'{0}'.",
    "400-244": "Invalid value provided for query parameter: '{0}'.",
    "400-264": "Request body is mandatory. Please provide body for the request.",
    "401-101": "Invalid or expired 'Authorization' header provided. New login is required.",
    "403-178": "User is not allowed to perform the following action: {0}.",
    "406-100": "Invalid 'Accept-Language' header value provided.",
    "500-100": "System is unable to process this request. Please contact your administrator.",
}

USER_MESSAGES = {
    "400": "The request could not be processed. Please check what was sent.",
    "401": "Please sign in again.",
    "403": "You are not allowed to do this.",
    "406": "The requested language or format is not available.",
    "500": "Something went wrong. Please try again later.",
}


class ApiError(Exception):
    """A vendor error answer; `subject` fills the message's placeholder."""

    def __init__(self, code: str, subject: str = "") -> None:
        super().__init__(f"{code} {subject}")
        self.code = code
        self.subject = subject

    @property
    def status(self) -> int:
        return int(self.code.split("-")[0])

    def body(self, with_user_message: bool, message_key: str = "developerMessage") -> dict:
        body: dict[str, Any] = {
            "code": self.code,
            message_key: MESSAGES[self.code].format(self.subject),
        }
        if self.subject:
            body["details"] = [{"key": "name", "value": self.subject}]
        if with_user_message:
            body["userMessage"] = USER_MESSAGES[self.code[:3]]
        return body


def invalid(attribute: str) -> ApiError:
    return ApiError("400-152", attribute)


def missing(attribute: str) -> ApiError:
    return ApiError("400-146", attribute)


def to_json(body: dict) -> bytes:
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


def to_xml(body: dict) -> bytes:
    parts = ["<?xml version='1.0' encoding='UTF-8'?><error>"]
    for key, value in body.items():
        if key == "details":
            items = "".join(
                f"<detail><key>{escape(d['key'])}</key><value>{escape(d['value'])}</value></detail>"
                for d in value
            )
            parts.append(f"<details>{items}</details>")
        else:
            parts.append(f"<{key}>{escape(str(value))}</{key}>")
    parts.append("</error>")
    return "".join(parts).encode("utf-8")
