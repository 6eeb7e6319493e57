"""XML in and out, shaped like the JSON so one schema validates both.

Written with ElementTree (it escapes); read safely (defusedxml: no DTD, no entities, no external
references) and leniently about namespaces: elements and attributes are matched by local name,
attributes read as child elements (`<case id="1060"/>` is `{"case": {"id": "1060"}}`). The
request schema decides the shape: an array property is its repeated elements, a boolean is
`true`/`false`, an integer is decimal digits; anything that does not convert is left as text for
the schema to refuse.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, NamedTuple
from xml.etree.ElementTree import Element, ParseError, SubElement, tostring

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

ROOT = "activity"
DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>'
Schema = Mapping[str, Any]


class XmlBodyError(Exception):
    """The body is not well-formed, safe XML (or nests beyond reason)."""


class XmlRootError(Exception):
    """The root element is not one `<activity>`."""


def local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


def parse(data: bytes, schema: Schema) -> dict[str, Any]:
    """The request body as the JSON-shaped value the schema describes."""
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (ParseError, DefusedXmlException, ValueError) as exc:
        raise XmlBodyError(str(exc)) from exc
    if local(root.tag) != ROOT:
        raise XmlRootError(local(root.tag))
    try:
        value = _object(root, schema)
    except RecursionError as exc:
        raise XmlBodyError("nesting too deep") from exc
    return value


def flatten(schema: Schema) -> Schema:
    """One view of a schema whose `allOf` parts are merged (the spec wraps $refs in allOf)."""
    parts = schema.get("allOf")
    if not parts:
        return schema
    merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
    for part in parts:
        for name, value in flatten(part).items():
            if name == "properties":
                merged.setdefault("properties", {}).update(value)
            else:
                merged.setdefault(name, value)
    return merged


def _kind(schema: Schema) -> str | None:
    kind = schema.get("type")
    if kind is None and "properties" in schema:
        return "object"
    if kind is None and any(isinstance(v, bool) for v in schema.get("enum", ())):
        return "boolean"  # `secure` (booleans or their strings): XML text true/false, a boolean
    return kind if isinstance(kind, str) else None


class _Member(NamedTuple):
    """One property of an object schema, flattened, with its kind (and its items', for arrays)."""

    schema: Schema
    kind: str | None
    items: Schema
    items_kind: str | None


_EMPTY: Schema = {}
_NO_MEMBER = _Member(_EMPTY, None, _EMPTY, None)
_MEMBERS: dict[int, tuple[Schema, dict[str, _Member]]] = {}
_MAX_MEMBERS = 4096  # object schemas remembered (one app's request schema has a few dozen)


def _members(schema: Schema) -> dict[str, _Member]:
    """The properties of an object schema, worked out once per schema object (by id, kept with
    the schema so the id cannot be reused): every body walks the same few schemas."""
    cached = _MEMBERS.get(id(schema))
    if cached is not None and cached[0] is schema:
        return cached[1]
    members = {}
    for name, prop in flatten(schema).get("properties", {}).items():
        flat = flatten(prop)
        items = flatten(flat.get("items", _EMPTY))
        members[name] = _Member(flat, _kind(flat), items, _kind(items))
    if len(_MEMBERS) >= _MAX_MEMBERS:
        _MEMBERS.clear()
    _MEMBERS[id(schema)] = (schema, members)
    return members


def _object(element: Element, schema: Schema) -> dict[str, Any]:
    """Attributes, then child elements, by local name in document order; a name that repeats
    is a list (what an array property is, and what the schema refuses elsewhere)."""
    members = _members(schema)
    grouped: dict[str, list[Element | str]] = {}
    for name, text in element.attrib.items():
        grouped.setdefault(name.rpartition("}")[2], []).append(text)
    for child in element:
        grouped.setdefault(child.tag.rpartition("}")[2], []).append(child)
    result: dict[str, Any] = {}
    for name, nodes in grouped.items():
        member = members.get(name, _NO_MEMBER)
        if member.kind == "array":
            result[name] = [_value(node, member.items, member.items_kind) for node in nodes]
        elif len(nodes) == 1:
            result[name] = _value(nodes[0], member.schema, member.kind)
        else:
            result[name] = [_value(node, member.schema, member.kind) for node in nodes]
    return result


def _value(node: Element | str, schema: Schema, kind: str | None) -> Any:
    if isinstance(node, str):
        return _scalar(node, kind)
    structured = bool(len(node) or node.attrib)
    if kind == "object" and not structured and (node.text or "").strip():
        return node.text  # text where an object is expected: left for the schema to refuse
    if kind == "object" or (kind is None and structured):
        return _object(node, schema)
    if structured:  # structure where a scalar is expected: keep it for the schema
        return _object(node, _EMPTY)
    return _scalar(node.text or "", kind)


def _scalar(text: str, kind: str | None) -> Any:
    stripped = text.strip()
    if kind == "boolean" and stripped in ("true", "false"):
        return stripped == "true"
    if kind == "integer" and stripped.isdecimal():
        return int(stripped)
    if kind == "array":
        return [text] if text else []
    return text


def dump(value: Any, root: str) -> bytes:
    """A JSON-shaped value as XML: lists become repeated elements named after their key.

    Serialized to str and encoded once: ElementTree's own UTF-8 writer costs half as much again."""
    element = Element(root)
    _content(element, value)
    text = tostring(element, encoding="unicode", short_empty_elements=False)
    if _NOT_XML.search(text):
        text = _NOT_XML.sub(REPLACEMENT, text)
    return DECLARATION + text.encode("utf-8")


# Characters XML 1.0 cannot carry, even escaped (ElementTree writes them as they are, which
# makes the document not well-formed): a generated member name with U+0001 is echoed in an
# error's developerMessage. They are written as U+FFFD, the replacement character.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
REPLACEMENT = "\ufffd"


# An XML name as element names need it (ASCII subset: the names the schemas use, and the
# customer element's unknown members that fit). Others are written <member name="...">.
_XML_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")


def _child(parent: Element, name: str, value: Any) -> None:
    if isinstance(value, list):
        for item in value:
            _child(parent, name, item)
        return
    if not _XML_NAME.fullmatch(name) or name.lower().startswith("xml"):
        _content(SubElement(parent, "member", name=name), value)
    else:
        _content(SubElement(parent, name), value)


def _content(element: Element, value: Any) -> None:
    if isinstance(value, Mapping):
        for key, item in value.items():
            _child(element, str(key), item)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = str(value)
