"""Request bodies for each actor, built from the target profile's data.

A scenario starts from a valid baseline body for its actor, then sets or removes dotted paths.
Bodies serialize to JSON, or to XML in the shape ARCHITECTURE.md fixes: root `<activity>`,
elements named as the JSON keys, a list as its items repeated under the list's own name inside
the wrapper the JSON already has.
"""

from __future__ import annotations

import copy
import json
import uuid
from typing import Any
from xml.etree import ElementTree

from conformance.profile import Profile

ACTORS = ("user", "user_without_privilege", "client", "customer", "anonymous")
TYPE = {"value": "email", "subtype": {"value": "general"}}
NEW_CUSTOMER = {
    "type": {"value": "individual"},
    "contacts": {"contact": [{"firstName": "Conformance", "lastName": "Check"}]},
}


class MissingData(LookupError):
    """The profile lacks a key a scenario needs: the scenario is not applicable."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def require(profile: Profile, key: str) -> Any:
    """The profile's value at a dotted key, or MissingData naming the key."""
    value = profile.lookup(key)
    if value is None:
        raise MissingData(key)
    return value


def fresh_address(profile: Profile) -> str:
    """An email address no target knows yet, in the profile's `data.new_address_domain`."""
    return f"conformance-{uuid.uuid4().hex[:8]}@{require(profile, 'data.new_address_domain')}"


def baseline(actor: str, profile: Profile) -> dict[str, Any]:
    """A valid body for `actor`: it creates an activity and nothing else is wrong with it."""
    if actor == "customer":
        return {
            "type": copy.deepcopy(TYPE),
            "subject": "conformance check",
            "payload": {
                "email": {"messageCenter": {"id": require(profile, "data.message_center")}}
            },
        }
    body: dict[str, Any] = {
        "department": {"name": require(profile, "data.department")},
        "type": copy.deepcopy(TYPE),
        "subject": "conformance check",
        "payload": {"email": {"emailAddresses": {"receiver": require(profile, "data.alias")}}},
    }
    known = profile.data.existing_customer_email
    addresses = body["payload"]["email"]["emailAddresses"]
    if known:
        addresses["from"] = known
    else:
        addresses["from"] = fresh_address(profile)
        body["customer"] = copy.deepcopy(NEW_CUSTOMER)
    return body


def get_path(body: Any, dotted: str) -> Any:
    node = body
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def set_path(body: dict[str, Any], dotted: str, value: Any) -> None:
    """Set a dotted path, creating the objects on the way."""
    *parents, last = dotted.split(".")
    node = body
    for part in parents:
        if not isinstance(node.get(part), dict):
            node[part] = {}
        node = node[part]
    node[last] = value


def remove_path(body: dict[str, Any], dotted: str) -> None:
    *parents, last = dotted.split(".")
    node: Any = body
    for part in parents:
        node = node.get(part) if isinstance(node, dict) else None
    if isinstance(node, dict):
        node.pop(last, None)


def to_json(body: Any) -> str:
    return json.dumps(body, ensure_ascii=False)


def _leaf(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _append(
    parent: ElementTree.Element, name: str, value: Any, path: str, as_attributes: frozenset[str]
) -> None:
    if isinstance(value, list):
        for item in value:
            _append(parent, name, item, path, as_attributes)
        return
    element = ElementTree.SubElement(parent, name)
    if isinstance(value, dict):
        for key, child in value.items():
            if path in as_attributes and not isinstance(child, dict | list):
                element.set(key, _leaf(child))
            else:
                _append(element, key, child, f"{path}.{key}", as_attributes)
    elif value is not None:
        element.text = _leaf(value)


def to_xml(
    body: dict[str, Any],
    root: str = "activity",
    namespace: str | None = None,
    as_attributes: tuple[str, ...] = (),
) -> str:
    """The body as XML: `<activity>` with elements named as the JSON keys.

    `namespace` becomes the default namespace of the root (elements are read by local name);
    the scalar members of the objects at the dotted paths in `as_attributes` are written as
    XML attributes, the v12 style (`<case id="1060"/>`).
    """
    if not isinstance(body, dict):
        raise TypeError("only an object body has an XML form")
    element = ElementTree.Element(root)
    if namespace:
        element.set("xmlns", namespace)
    for key, value in body.items():
        _append(element, key, value, key, frozenset(as_attributes))
    return '<?xml version="1.0" encoding="UTF-8"?>' + ElementTree.tostring(element, "unicode")


def attachments(alt_ids: tuple[str, ...], count: int) -> dict[str, Any]:
    """An attachments element with `count` entries, cycling through the given altIds."""
    return {"attachment": [{"altId": alt_ids[i % len(alt_ids)]} for i in range(count)]}
