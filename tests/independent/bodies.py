"""Request bodies: JSON, or XML with a root `<activity>` whose elements are named as the JSON keys.

XML is read by local name (any namespace). Only child elements are read: XML attributes such as
`<case id="1"/>` are not. A list is its items repeated under the list's own name inside the
wrapper (`<to><address>..</address></to>`); an element repeated elsewhere also becomes a list.
Leaves are strings; an empty element is the empty string. DTDs and entities are refused.
"""

from __future__ import annotations

import json
from typing import Any
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeTree
from defusedxml import DefusedXmlException

from tests.independent.errors import invalid

# (wrapper element, item element): the item is always a list, even when it appears once.
LIST_ITEMS = {
    ("to", "address"),
    ("cc", "address"),
    ("bcc", "address"),
    ("replyTo", "address"),
    ("attachments", "attachment"),
    ("customAttributes", "customAttribute"),
    ("attribValues", "attribValue"),
    ("contacts", "contact"),
}


def parse(raw: bytes, media_type: str) -> Any:
    """The body as Python values; 400-152 `requestBody` when it cannot be read."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise invalid("requestBody") from None
    if media_type == "application/xml":
        return _parse_xml(text)
    try:
        return json.loads(text)
    except ValueError:
        raise invalid("requestBody") from None


def _parse_xml(text: str) -> dict[str, Any]:
    try:
        root = SafeTree.fromstring(text, forbid_dtd=True)
    except (SafeTree.ParseError, DefusedXmlException, ValueError):
        raise invalid("requestBody") from None
    if _local(root.tag) != "activity":
        raise invalid("requestBody")
    value = _element(root)
    return value if isinstance(value, dict) else {}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _element(element: Element) -> Any:
    children = list(element)
    if not children:
        return element.text or ""
    result: dict[str, Any] = {}
    parent = _local(element.tag)
    for child in children:
        name = _local(child.tag)
        value = _element(child)
        if (parent, name) in LIST_ITEMS:
            result.setdefault(name, []).append(value)
        elif name in result:
            existing = result[name]
            result[name] = [*existing, value] if isinstance(existing, list) else [existing, value]
        else:
            result[name] = value
    return result
