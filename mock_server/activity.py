"""A stored activity: the facts a create decided, kept as bytes; its vendor shape when read.

The vendor's "Get activity by ID" shape is ~30 dicts and lists; building it at every create
took longer than the rest of the commit, for a shape most activities never show. A create keeps
the facts instead (a flat tuple of strings, numbers and the submitted body), packed with
marshal: bytes the garbage collector never walks, which never leave this process, and which
hold exactly what JSON or XML bodies parse to. `shape` draws the vendor shape from them.
"""

from __future__ import annotations

import marshal
from datetime import UTC, datetime
from typing import Any, NamedTuple


class Facts(NamedTuple):
    """Everything the vendor shape of one activity is drawn from."""

    id: str
    created: str
    case_id: str
    created_by: tuple[str, str, str]  # id, kind, name
    department: str
    customer: tuple[str, str]  # id, type
    secure: bool
    sent_on_behalf: bool
    from_address: str
    alias: tuple[str, str, str] | None  # id, name, address
    message_center: str | None
    issue_type: tuple[str, str] | None  # id, name
    uploads: list[tuple[str, str, int]]  # altId, name, size
    body: dict[str, Any]  # as submitted (after the schema and the rules accepted it)
    new_customer: bool = False  # the body's customer element created the activity's customer


def now_iso() -> str:
    """UTC to the millisecond, e.g. 2026-11-27T13:40:10.627Z (isoformat: a third of strftime)."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").removesuffix("+00:00") + "Z"


def pack(facts: Facts) -> bytes:
    return marshal.dumps(tuple(facts))


def unpack(data: bytes, base_path: str) -> dict[str, Any]:
    """The stored activity in the vendor's shape (links under the API's base path)."""
    return shape(Facts(*marshal.loads(data)), base_path)


def shape(facts: Facts, base_path: str) -> dict[str, Any]:
    """The activity in the vendor's "Get activity by ID" shape."""
    body = facts.body
    actor_id, actor_kind, actor_name = facts.created_by
    record: dict[str, Any] = {
        "id": facts.id,
        "link": [{"rel": "self", "href": f"{base_path}/activity/{facts.id}"}],
        "mode": {"value": "inbound"},
        "type": {"value": "email", "subtype": {"value": "general"}},
        "secure": facts.secure,
        "sentOnBehalf": facts.sent_on_behalf,
        "status": {"value": "awaiting_assignment", "substatus": {"value": "ready_for_assignment"}},
        "priority": "4",
        "created": facts.created,
        "createdBy": {"id": actor_id, "type": actor_kind, "name": actor_name},
        "department": {"name": facts.department},
        "customer": _customer(facts),
        "case": {"id": facts.case_id},
        "payload": {"email": _email(facts)},
    }
    if "subject" in body:
        record["subject"] = body["subject"]
    if facts.issue_type is not None:
        record["issueType"] = {"id": facts.issue_type[0], "name": facts.issue_type[1]}
    if facts.uploads:
        record["attachments"] = {"attachment": _attachments(facts)}
    if "customAttributes" in body:
        record["customAttributes"] = body["customAttributes"]
    return record


def _customer(facts: Facts) -> dict[str, Any]:
    """The activity's customer; one this create made shows its element's members as sent."""
    customer_id, kind = facts.customer
    if not facts.new_customer:
        return {"id": customer_id, "type": {"value": kind}}
    element = _dict(facts.body.get("customer"))
    return {**element, "id": customer_id, "type": {**_dict(element.get("type")), "value": kind}}


def _email(facts: Facts) -> dict[str, Any]:
    sent = _dict(_dict(facts.body.get("payload")).get("email"))
    addresses = dict(_dict(sent.get("emailAddresses")))
    addresses["from"] = facts.from_address
    email: dict[str, Any] = {"emailAddresses": addresses}
    if facts.alias is not None:
        alias_id, alias_name, alias_address = facts.alias
        addresses["receiver"] = alias_address
        email["alias"] = {"id": alias_id, "name": alias_name, "value": alias_address}
    if facts.message_center is not None:
        email["messageCenter"] = {"id": facts.message_center}
    if sent.get("content"):
        email["content"] = dict(sent["content"])
    email["date"] = {"date": _dict(sent.get("date")).get("date") or facts.created}
    return email


def _attachments(facts: Facts) -> list[dict[str, Any]]:
    sent = _dict(facts.body.get("attachments")).get("attachment") or []
    items = []
    for raw, (alt_id, name, size) in zip(sent, facts.uploads, strict=True):
        item = {"altId": alt_id, "name": name, "size": size, "inline": bool(raw.get("inline"))}
        if raw.get("contentId"):
            item["contentId"] = raw["contentId"]
        items.append(item)
    return items


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
