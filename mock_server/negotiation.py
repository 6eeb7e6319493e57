"""Reading Accept, Accept-Language and Content-Type the way the mock's decisions need them.

Header values repeat a lot (browsers and clients send the same few), so parses are memoized.
"""

from __future__ import annotations

from functools import lru_cache

LOCALES = (
    "en-US", "es-ES", "fr-FR", "it-IT", "de-DE", "nl-NL", "pt-BR", "pt-PT",
    "da-DK", "ru-RU", "fr-CA", "zh-CN", "ja-JP", "ko-KR", "sv-SE",
)  # fmt: skip
DEFAULT_LOCALE = "en-US"
_LOCALE_BY_KEY = {loc.lower(): loc for loc in LOCALES}
JSON, XML = "json", "xml"
_ACCEPTED = {
    "application/json": JSON,
    "application/xml": XML,
    "text/xml": XML,
    "*/*": JSON,
    "application/*": JSON,
}
JSON_TYPES = frozenset({"application/json"})
XML_TYPES = frozenset({"application/xml", "text/xml"})


def _ranges(header: str) -> list[tuple[str, float, int]]:
    """(value, q, position) for each comma-separated entry; q defaults to 1."""
    entries = []
    for position, part in enumerate(header.split(",")):
        value, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for param in params:
            name, _, raw = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(raw)
                except ValueError:
                    q = 0.0
        if value:
            entries.append((value.lower(), q, position))
    return entries


@lru_cache(maxsize=512)
def response_format(accept: str | None) -> str | None:
    """json or xml as Accept asks (absent: json; ties: json); None when neither is acceptable."""
    if accept is None or not accept.strip():
        return JSON
    best: tuple[float, int, str] | None = None
    for value, q, _position in _ranges(accept):
        fmt = _ACCEPTED.get(value)
        if fmt is None or q <= 0:
            continue
        rank = (q, 1 if fmt == JSON else 0, fmt)
        if best is None or rank > best:
            best = rank
    return best[2] if best else None


@lru_cache(maxsize=512)
def locale(accept_language: str | None) -> str | None:
    """The documented locale the header asks for (absent: en-US); None when it names none.

    A browser's list ("en-US,en;q=0.9") is read as a list: the best documented locale wins.
    """
    if accept_language is None or not accept_language.strip():
        return DEFAULT_LOCALE
    ranked = sorted(_ranges(accept_language), key=lambda e: (-e[1], e[2]))
    for value, q, _position in ranked:
        if q <= 0:
            continue
        if value == "*":
            return DEFAULT_LOCALE
        found = _LOCALE_BY_KEY.get(value)
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
