"""Header negotiation as pure functions: Accept, Accept-Language, Content-Type, user messages.

No server: the mock's choices (ARCHITECTURE.md "Headers") read straight off the functions.
"""

from __future__ import annotations

import pytest

from conformance import response_shape
from mock_server.negotiation import (
    DEFAULT_LOCALE,
    JSON,
    LOCALES,
    XML,
    body_format,
    locale,
    response_format,
    wants_user_message,
)


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, JSON), ("", JSON), ("  ", JSON),  # absent or empty: the documented default
        ("application/json", JSON), ("application/xml", XML), ("text/xml", XML),
        ("APPLICATION/XML", XML),
        ("*/*", JSON), ("application/*", JSON),  # wildcards: JSON
        ("application/xml, application/json", JSON),  # a tie: JSON wins
        ("application/xml, */*", JSON),  # a tie through a wildcard too
        ("application/xml, application/json;q=0", XML),  # q=0 refuses JSON
        ("application/json;q=0.5, application/xml;q=0.9", XML),
        ("application/xml;q=0.9, */*;q=0.8", XML),  # a browser's list
        ("application/json;q=0, */*", XML),  # the explicit refusal beats the wildcard
        ("text/html, application/xml;q=0.1", XML),
        ("application/json; charset=utf-8", JSON),  # a range's parameters do not narrow it
        ("application/xml; charset=utf-8, application/json;q=0.5", XML),
        ("text/xml;q=0.9, application/json;q=0.8", XML),  # text/xml, named, is a synonym
    ],
)  # fmt: skip
def test_the_response_format_follows_accept(accept: str | None, expected: str) -> None:
    assert response_format(accept) == expected


@pytest.mark.parametrize(
    "accept",
    ["text/html", "image/png", "text/plain", "text/*", "application/json;q=0",
     "application/xml;q=0", "application/json;q=0, application/xml;q=0", "*/*;q=0",
     "application/xml;q=abc", ","],
)  # fmt: skip
def test_nothing_acceptable_is_none(accept: str) -> None:
    """None: the pipeline answers 406 406-101."""
    assert response_format(accept) is None


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, DEFAULT_LOCALE), ("", DEFAULT_LOCALE), ("*", DEFAULT_LOCALE),
        ("fr-FR", "fr-FR"), ("FR-fr", "fr-FR"),  # matched case-insensitively, named as documented
        ("en-US,en;q=0.9", "en-US"),
        ("tlh-KL, de-DE;q=0.5", "de-DE"),  # the best documented one
        ("de-DE;q=0.5, ja-JP;q=0.8", "ja-JP"),
        ("tlh-KL;q=0.9, *;q=0.5", DEFAULT_LOCALE),
    ],
)  # fmt: skip
def test_the_locale_is_the_best_documented_one(header: str | None, expected: str) -> None:
    assert locale(header) == expected


@pytest.mark.parametrize("header", ["tlh-KL", "en", "fr", "fr-FR;q=0", "en_US", "de-DE;q=0, *;q=0"])
def test_an_undocumented_or_refused_locale_is_none(header: str) -> None:
    """None: 406 406-100. A bare language is not widened to one of its documented locales."""
    assert locale(header) is None


def test_every_documented_locale_is_its_own_answer() -> None:
    assert [locale(name) for name in LOCALES] == list(LOCALES)


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [
        (None, JSON), ("application/json", JSON), ("application/json; charset=utf-8", JSON),
        ("Application/JSON", JSON), ("application/xml", XML), ("text/xml; charset=UTF-8", XML),
        ("", None), ("text/plain", None), ("multipart/form-data; boundary=x", None),
        ("application/x-www-form-urlencoded", None),
    ],
)  # fmt: skip
def test_the_body_format_follows_content_type(content_type: str | None, expected: str) -> None:
    assert body_format(content_type) == expected


@pytest.mark.parametrize(
    ("header", "expected"),
    [("yes", True), (" YES ", True), ("no", False), ("", False), (None, False)],
)
def test_a_user_message_only_for_yes(header: str | None, expected: bool) -> None:
    assert wants_user_message(header) is expected


@pytest.mark.parametrize(
    "accept",
    [None, "application/json", "application/xml", "text/xml", "*/*", "application/*",
     "application/xml, application/json", "application/xml, application/json;q=0",
     "application/json;q=0.5, application/xml;q=0.9", "application/json;q=0, */*",
     "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/*, */*;q=0.1",
     "application/json; charset=utf-8", "text/*;q=0.9, application/json;q=0.5",
     "application/xml; charset=utf-8, application/json;q=0.5", "text/xml;q=0.9, */*;q=0.8"],
)  # fmt: skip
def test_the_harness_expects_the_format_the_mock_answers(accept: str | None) -> None:
    """Mock and harness each call werkzeug in their own function; they must read a list alike."""
    assert (response_format(accept) == XML) is response_shape.wants_xml(accept)
