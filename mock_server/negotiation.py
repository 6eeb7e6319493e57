"""Reading Accept, Accept-Language and Content-Type the way the mock's decisions need them.

Header values repeat a lot (browsers and clients send the same few), so parses are memoized.
"""

from __future__ import annotations

from functools import lru_cache

from werkzeug.datastructures import LanguageAccept, MIMEAccept
from werkzeug.http import parse_accept_header

LOCALES = (
    "en-US", "es-ES", "fr-FR", "it-IT", "de-DE", "nl-NL", "pt-BR", "pt-PT",
    "da-DK", "ru-RU", "fr-CA", "zh-CN", "ja-JP", "ko-KR", "sv-SE",
)  # fmt: skip
DEFAULT_LOCALE = "en-US"
_LOCALE_BY_KEY = {loc.lower(): loc for loc in LOCALES}
JSON, XML = "json", "xml"
JSON_TYPES = frozenset({"application/json"})
XML_TYPES = frozenset({"application/xml", "text/xml"})


@lru_cache(maxsize=512)
def response_format(accept: str | None) -> str | None:
    """json or xml as Accept asks (absent: json; ties: json); None when neither is acceptable.

    werkzeug reads the q-list as RFC 9110 says: a type's quality is that of the most specific
    range naming it (`*/*` and `application/*` included), q=0 refuses it.
    """
    if accept is None or not accept.strip():
        return JSON
    ranges = media_ranges(accept)
    json_q = ranges.quality("application/json")
    xml_q = max(ranges.quality("application/xml"), named(ranges, "text/xml"))
    if max(json_q, xml_q) <= 0:
        return None
    return JSON if json_q >= xml_q else XML


def media_ranges(accept: str) -> MIMEAccept:
    """Accept's ranges with their qualities, a range's parameters other than q left out.

    `application/json; charset=utf-8` asks for JSON: the mock answers one form of each media
    type, so a parameter cannot make a range miss it (werkzeug would compare parameters too).
    """
    ranges = parse_accept_header(accept, MIMEAccept)
    return MIMEAccept([(value.split(";", 1)[0].strip(), q) for value, q in ranges])


def named(ranges: MIMEAccept, media: str) -> float:
    """The quality of a range naming `media` itself: `text/xml` is a synonym the mock accepts,
    but it answers application/xml, so `text/*` is not read as asking for XML."""
    return max((q for value, q in ranges if value.lower() == media), default=0)


@lru_cache(maxsize=512)
def locale(accept_language: str | None) -> str | None:
    """The documented locale the header asks for (absent: en-US); None when it names none.

    A browser's list ("en-US,en;q=0.9") is read as a list: the best documented locale wins;
    only documented locales match (no fallback from `en` to `en-US`).
    """
    if accept_language is None or not accept_language.strip():
        return DEFAULT_LOCALE
    ranked = sorted(parse_accept_header(accept_language, LanguageAccept), key=lambda e: -e[1])
    for value, q in ranked:
        if q <= 0:
            break  # ranked: nothing after a refused locale is wanted either
        if value == "*":
            return DEFAULT_LOCALE
        found = _LOCALE_BY_KEY.get(value.lower())
        if found:
            return found
    return None


@lru_cache(maxsize=256)
def body_format(content_type: str | None) -> str | None:
    """json or xml for the request body (absent: json); None for a type this operation refuses.

    A missing header takes its default (HDR-03); an empty one declares no readable media type,
    so the body cannot be read as JSON or XML (400 400-152 requestBody).
    """
    if content_type is None:
        return JSON
    media = content_type.split(";", 1)[0].strip().lower()
    if media in JSON_TYPES:
        return JSON
    if media in XML_TYPES:
        return XML
    return None


def wants_user_message(header: str | None) -> bool:
    return header is not None and header.strip().lower() == "yes"
