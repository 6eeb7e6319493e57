"""The business rules of "Create incoming email activity", as the vendor's page states them.

`resolve_query` reads the query string; `create_activity` checks a parsed body for one actor and,
when everything holds, stores the activity and returns its id. Side effects (a new customer, a
new contact point, a new case) happen only after every check has passed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tests.independent import data
from tests.independent.breaks import Breaks
from tests.independent.data import Actor, Customer, Store
from tests.independent.errors import ApiError, invalid, missing

EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$"
)
FROM = "payload.email.emailAddresses.from"
RECEIVER = "payload.email.emailAddresses.receiver"
MESSAGE_CENTER = "payload.email.messageCenter.id"
MAX_ATTACHMENTS = 25
MAX_SUBJECT = 255
CUSTOMER_TYPES = ("individual", "group", "corporate")


@dataclass(frozen=True)
class PartitionSettings:
    """The four partition settings that change what this operation accepts."""

    customer_departmentalization: bool = True
    secure_messaging: bool = True
    max_email_size_mb: float = 8
    max_body_size_kb: float = 48


@dataclass(frozen=True)
class NewCustomer:
    """A customer to create from the customer element once every check has passed."""

    kind: str
    department: str | None
    emails: list[str]


@dataclass(frozen=True)
class Sender:
    """The activity's customer and from address."""

    customer_id: str | None
    address: str | None
    new_customer: NewCustomer | None = None


@dataclass
class Context:
    actor: Actor
    settings: PartitionSettings
    store: Store
    breaks: Breaks
    on_behalf_of: Customer | None = None  # the customer named by the customer query parameter
    effects: list[Callable[[], None]] = field(default_factory=list)


# ------------------------------------------------------------------ small readers


def as_object(value: Any, name: str) -> dict[str, Any]:
    """An object element; an empty XML element counts as an empty object."""
    if isinstance(value, dict):
        return value
    if value == "":
        return {}
    raise invalid(name)


def as_text(value: Any, name: str, required: bool = False) -> str | None:
    """A string; an empty or absent required string is missing."""
    if value is None or value == "":
        if required:
            raise missing(name)
        return None
    if not isinstance(value, str):
        raise invalid(name)
    return value


def as_flag(value: Any, name: str, default: bool = False) -> bool:
    """A boolean, or the strings "true" / "false" (XML leaves are strings)."""
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise invalid(name)


def as_id(value: Any, name: str) -> str:
    """An id, sent as a string or a number."""
    if value is None or value == "":
        raise missing(name)
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise invalid(name)
    return str(value)


def as_list(value: Any) -> list[Any]:
    if value is None or value == "":
        return []
    return value if isinstance(value, list) else [value]


def is_address(value: str) -> bool:
    return bool(EMAIL.fullmatch(value))


def now_text() -> str:
    return stamp(datetime.now(UTC))


def stamp(moment: datetime) -> str:
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


# ------------------------------------------------------------------ query


def resolve_query(ctx: Context, params: list[tuple[str, str]]) -> None:
    """Only `customer` is defined, and only a customer may send it."""
    unknown = [name for name, _ in params if name != "customer"]
    if unknown and not ctx.breaks.on("QRY-01"):
        raise ApiError("400-101", ", ".join(dict.fromkeys(unknown)))
    values = [value for name, value in params if name == "customer"]
    if not values:
        return
    if ctx.actor.kind != "customer":
        if ctx.breaks.on("QRY-02"):
            return
        raise ApiError("400-244", "customer")
    value = values[-1]
    if not value.isdigit():
        if ctx.breaks.on("QRY-03") and value:
            return
        raise ApiError("400-244", "customer")
    target = ctx.store.customers.get(value)
    if target is None:
        raise ApiError("400-244", "customer")
    granted = value in data.GRANTS.get(ctx.actor.id, ()) or value == ctx.actor.id
    if granted and ctx.settings.customer_departmentalization:
        own = ctx.store.customers[ctx.actor.id]
        granted = target.department == own.department  # grants stay within one department
    if not granted and not ctx.breaks.on("GRT-02"):
        raise ApiError("400-244", "customer")
    ctx.on_behalf_of = target


# ------------------------------------------------------------------ the body


def create_activity(ctx: Context, body: Any) -> str:
    """Check the body for the actor; store the activity; return its id."""
    if isinstance(body, list) and ctx.breaks.on("BODY-03") and body:
        body = body[0]
    if not isinstance(body, dict):
        raise invalid("requestBody")
    check_type(ctx, body)
    payload = as_object(body.get("payload") or {}, "payload")
    email = as_object(payload.get("email") or {}, "payload.email")
    addresses = as_object(email.get("emailAddresses") or {}, "payload.email.emailAddresses")
    if ctx.actor.kind == "customer":
        activity = customer_parts(ctx, body, email, addresses)
    else:
        activity = user_parts(ctx, body, addresses)
    common = common_parts(ctx, body, email, addresses)
    check_limits(ctx, common)
    sender = resolve_sender(ctx, body, addresses, activity["department"]["name"])
    check_secure_messaging(ctx)
    for effect in ctx.effects:
        effect()
    if sender.new_customer is not None:
        planned = sender.new_customer
        made = ctx.store.new_customer(planned.kind, planned.department, planned.emails, {})
        sender = Sender(made.id, sender.address)
    return store_activity(ctx, activity, common, sender)


def check_secure_messaging(ctx: Context) -> None:
    """Checked last: with secure messaging off, a customer (always secure) cannot create one."""
    off = not ctx.settings.secure_messaging
    if off and ctx.actor.kind == "customer" and not ctx.breaks.on("CUS-15"):
        raise invalid("secure")


def check_type(ctx: Context, body: dict[str, Any]) -> None:
    kind = as_object(body.get("type") if body.get("type") is not None else {}, "type")
    value = as_text(kind.get("value"), "type.value", required=True)
    if value != "email" and not ctx.breaks.on("BODY-04"):
        raise invalid("type.value")
    subtype = as_object(kind.get("subtype") or {}, "type.subtype")
    sub_value = as_text(subtype.get("value"), "type.subtype.value", required=True)
    if sub_value != "general" and not ctx.breaks.on("BODY-05"):
        raise invalid("type.subtype.value")


def user_parts(ctx: Context, body: dict[str, Any], addresses: dict[str, Any]) -> dict[str, Any]:
    """department, receiver, secure, to and cc of a user or client application."""
    department = read_department(ctx, body)
    alias = read_user_alias(ctx, addresses, department)
    if department is None:
        department = alias.department
    if alias.department != department and not ctx.breaks.on("UC-13"):
        raise invalid(RECEIVER)
    secure = read_user_secure(ctx, body)
    parts: dict[str, Any] = {
        "department": {"name": department},
        "secure": secure,
        "alias": alias,
        "receiver": alias.address,
    }
    for field_name in ("to", "cc"):
        if addresses.get(field_name) is not None:
            parts[field_name] = read_address_list(ctx, addresses[field_name], field_name)
    return parts


def read_department(ctx: Context, body: dict[str, Any]) -> str | None:
    raw = body.get("department")
    if raw is None and ctx.breaks.on("UC-01"):
        return None
    department = as_object(raw if raw is not None else {}, "department")
    name = department.get("name")
    if name is None and ctx.breaks.on("UC-01"):
        return None
    name = as_text(name, "department.name", required=True)
    if name not in data.DEPARTMENTS:
        if ctx.breaks.on("UC-02"):
            return None
        raise invalid("department.name")
    return name


def read_user_alias(ctx: Context, addresses: dict[str, Any], department: str | None) -> data.Alias:
    receiver = addresses.get("receiver")
    if receiver is None and ctx.breaks.on("UC-12"):
        fallback = next(
            (a for a in data.ALIASES if a.active and a.department in (department, None)), None
        )
        if fallback is not None:
            return fallback
    address = as_text(receiver, RECEIVER, required=True)
    alias = data.alias_by_address(address or "")
    if alias is None or not alias.active:
        raise invalid(RECEIVER)
    return alias


def read_user_secure(ctx: Context, body: dict[str, Any]) -> bool:
    try:
        secure = as_flag(body.get("secure"), "secure")
    except ApiError:
        if ctx.breaks.on("UC-15"):
            return False
        raise
    if ctx.breaks.on("UC-14"):
        return False
    # Secure messaging off: a user's secure request is created as an ordinary email.
    return secure and ctx.settings.secure_messaging


def read_address_list(ctx: Context, raw: Any, field_name: str) -> dict[str, list[str]]:
    name = f"payload.email.emailAddresses.{field_name}"
    wrapper = as_object(raw, name)
    addresses = as_list(wrapper.get("address"))
    for address in addresses:
        if not isinstance(address, str):
            raise invalid(name)
        if not is_address(address) and not (field_name == "cc" and ctx.breaks.on("UC-17")):
            raise invalid(name)
    return {"address": list(addresses)}


def customer_parts(
    ctx: Context, body: dict[str, Any], email: dict[str, Any], addresses: dict[str, Any]
) -> dict[str, Any]:
    """receiver or message center, issue type and the always-secure flag of a customer."""
    customer = ctx.on_behalf_of or ctx.store.customers[ctx.actor.id]
    receiver = as_text(addresses.get("receiver"), RECEIVER)
    center_raw = email.get("messageCenter")
    center_id = None
    if center_raw is not None:
        center_element = as_object(center_raw, "payload.email.messageCenter")
        if center_element.get("id") not in (None, ""):
            center_id = as_id(center_element.get("id"), MESSAGE_CENTER)
    if receiver is None and center_id is None and not ctx.breaks.on("CUS-01"):
        raise missing(MESSAGE_CENTER)
    alias = check_customer_alias(ctx, receiver, customer) if receiver else None
    center = check_message_center(ctx, center_id, customer) if center_id else None
    issue = check_issue_type(ctx, body, center)
    department = alias.department if alias else center.department if center else None
    if department is None or ctx.breaks.on("CUS-02"):
        department = customer.department or department or data.DEPARTMENTS[0]
    parts: dict[str, Any] = {
        "department": {"name": department},
        "secure": not ctx.breaks.on("CUS-14"),
        "alias": alias,
    }
    if receiver:
        parts["receiver"] = receiver
    if center:
        parts["messageCenter"] = center.id
    if issue:
        parts["issueType"] = {"id": issue.id, "name": issue.name}
    return parts


def check_customer_alias(ctx: Context, receiver: str, customer: Customer) -> data.Alias:
    alias = data.alias_by_address(receiver)
    if alias is None or (not alias.active and not ctx.breaks.on("CUS-06")):
        raise invalid(RECEIVER)
    if (
        ctx.settings.customer_departmentalization
        and customer.department is not None
        and alias.department != customer.department
        and not ctx.breaks.on("CUS-07")
    ):
        raise invalid(RECEIVER)
    return alias


def check_message_center(ctx: Context, center_id: str, customer: Customer) -> data.MessageCenter:
    center = data.message_center(center_id)
    if center is None or (not center.active and not ctx.breaks.on("CUS-04")):
        raise invalid(MESSAGE_CENTER)
    if (
        ctx.settings.customer_departmentalization
        and customer.department is not None
        and center.department != customer.department
        and not ctx.breaks.on("CUS-05")
    ):
        raise invalid(MESSAGE_CENTER)
    return center


def check_issue_type(
    ctx: Context, body: dict[str, Any], center: data.MessageCenter | None
) -> data.IssueType | None:
    raw = body.get("issueType")
    if raw is None:
        return None
    issue_id = as_id(as_object(raw, "issueType").get("id"), "issueType.id")
    if center is None and not ctx.breaks.on("CUS-12"):
        raise invalid("issueType.id")
    issue = data.issue_type(issue_id)
    if issue is None:
        raise invalid("issueType.id")
    if center is not None and issue.message_center != center.id and not ctx.breaks.on("CUS-13"):
        raise invalid("issueType.id")
    return issue


# ------------------------------------------------------------------ elements of every actor


def common_parts(
    ctx: Context, body: dict[str, Any], email: dict[str, Any], addresses: dict[str, Any]
) -> dict[str, Any]:
    parts: dict[str, Any] = {}
    subject = read_subject(ctx, body)
    if subject is not None:
        parts["subject"] = subject
    if email.get("content") is not None:
        parts["content"] = read_content(ctx, email["content"])
    parts["date"] = read_date(ctx, email.get("date"))
    if addresses.get("replyTo") is not None:
        parts["replyTo"] = read_reply_to(ctx, addresses["replyTo"])
    parts["attachments"] = read_attachments(ctx, body.get("attachments"))
    if body.get("customAttributes") is not None:
        parts["customAttributes"] = read_custom_attributes(ctx, body["customAttributes"])
    parts["case"] = read_case(ctx, body.get("case"))
    content = parts.get("content", {})
    empty = not (subject or content.get("text") or content.get("html") or parts["attachments"])
    if empty and not ctx.breaks.on("BODY-06"):
        raise missing("subject")
    return parts


def read_subject(ctx: Context, body: dict[str, Any]) -> str | None:
    subject = body.get("subject")
    if subject is not None and not isinstance(subject, str) and ctx.breaks.on("PRT-03"):
        raise RuntimeError("subject is not a string")
    subject = as_text(subject, "subject")
    if subject is not None and len(subject) > MAX_SUBJECT and not ctx.breaks.on("BODY-07"):
        raise invalid("subject")
    return subject


def read_content(ctx: Context, raw: Any) -> dict[str, str]:
    content = as_object(raw, "payload.email.content")
    stored: dict[str, str] = {}
    for key in ("text", "html"):
        value = content.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            raise invalid("payload.email.content")
        stored[key] = value
    if ctx.breaks.on("BODY-12") and "html" in stored and "text" not in stored:
        return {"text": stored["html"]}  # html alone is kept, but as text
    return stored


def read_date(ctx: Context, raw: Any) -> str:
    if raw is None:
        return "1970-01-01T00:00:00.000Z" if ctx.breaks.on("BODY-14") else now_text()
    wrapper = as_object(raw, "payload.email.date")
    value = wrapper.get("date")
    if not isinstance(value, str) or "T" not in value:
        raise invalid("payload.email.date")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise invalid("payload.email.date") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return stamp(moment)


def read_reply_to(ctx: Context, raw: Any) -> dict[str, list[str]]:
    name = "payload.email.emailAddresses.replyTo"
    addresses = as_list(as_object(raw, name).get("address"))
    if len(addresses) != 1 and not (ctx.breaks.on("BODY-13") and addresses):
        raise invalid(name)
    if not all(isinstance(a, str) and is_address(a) for a in addresses):
        raise invalid(name)
    return {"address": list(addresses)}


def read_attachments(ctx: Context, raw: Any) -> list[dict[str, Any]]:
    if raw is None:
        return []
    items = as_list(as_object(raw, "attachments").get("attachment"))
    if len(items) > MAX_ATTACHMENTS and not ctx.breaks.on("BODY-17"):
        raise invalid("attachments.attachment")
    stored = []
    for item in items:
        attachment = read_attachment(ctx, item)
        if attachment is not None:
            stored.append(attachment)
    return stored


def read_attachment(ctx: Context, item: Any) -> dict[str, Any] | None:
    name = "attachments.attachment"
    item = as_object(item, name)
    if item.get("altId") in (None, "") and ctx.breaks.on("BODY-15"):
        return None
    alt_id = as_text(item.get("altId"), f"{name}.altId", required=True) or ""
    upload = data.upload(alt_id)
    if upload is None:
        raise invalid(f"{name}.altId")
    inline = as_flag(item.get("inline"), f"{name}.inline")
    content_id = as_text(item.get("contentId"), f"{name}.contentId")
    if inline and content_id is None and not ctx.breaks.on("BODY-16"):
        raise missing(f"{name}.contentId")
    stored: dict[str, Any] = {
        "altId": upload.alt_id,
        "name": upload.name,
        "size": upload.size,
        "inline": inline,
    }
    if content_id is not None:
        stored["contentId"] = content_id
    return stored


def read_custom_attributes(ctx: Context, raw: Any) -> dict[str, Any]:
    name = "customAttributes.customAttribute"
    items = as_list(as_object(raw, "customAttributes").get("customAttribute"))
    stored = []
    for item in items:
        item = as_object(item, name)
        attrib_name = as_text(item.get("attribName"), f"{name}.attribName", required=True)
        configured = data.custom_attribute(attrib_name or "")
        if configured is None and not ctx.breaks.on("BODY-11"):
            raise invalid(f"{name}.attribName")
        values_raw = as_object(item.get("attribValues") or {}, f"{name}.attribValues")
        values = []
        for value_item in as_list(values_raw.get("attribValue")):
            value = as_text(
                as_object(value_item, f"{name}.attribValues.attribValue").get("value"),
                f"{name}.attribValues.attribValue.value",
            )
            if configured and configured.values is not None and value not in configured.values:
                raise invalid(f"{name}.attribValues.attribValue.value")
            values.append({"value": value or ""})
        stored.append({"attribName": attrib_name, "attribValues": {"attribValue": values}})
    return {"customAttribute": stored}


def read_case(ctx: Context, raw: Any) -> str | None:
    """An existing case id, or None: a new case is made when the activity is stored."""
    if raw is None:
        return data.CASES[0] if ctx.breaks.on("BODY-10") else None
    case_id_raw = as_object(raw, "case").get("id")
    if isinstance(case_id_raw, int) and ctx.breaks.on("BODY-19"):
        raise invalid("case.id")
    case_id = as_id(case_id_raw, "case.id")
    if case_id not in ctx.store.cases:
        if ctx.breaks.on("BODY-09"):
            return None
        raise invalid("case.id")
    return case_id


def check_limits(ctx: Context, common: dict[str, Any]) -> None:
    """Content in characters against the KB limit; content plus attachments against the MB one."""
    content = common.get("content", {})
    characters = len(content.get("text", "")) + len(content.get("html", ""))
    if characters > ctx.settings.max_body_size_kb * 1024 and not ctx.breaks.on("LIM-01"):
        raise invalid("payload.email.content")
    total = characters + sum(a["size"] for a in common["attachments"])
    if total > ctx.settings.max_email_size_mb * 1024 * 1024 and not ctx.breaks.on("LIM-02"):
        raise invalid("attachments")


# ------------------------------------------------------------------ who sent it


def resolve_sender(
    ctx: Context, body: dict[str, Any], addresses: dict[str, Any], department: str
) -> Sender:
    """(customer id, from address) of the activity, planning any customer changes."""
    if ctx.actor.kind == "customer":
        return customer_sender(ctx, addresses)
    return user_sender(ctx, body, addresses, department)


def user_sender(
    ctx: Context, body: dict[str, Any], addresses: dict[str, Any], department: str
) -> Sender:
    raw = addresses.get("from")
    if raw is None and ctx.breaks.on("UC-03"):
        return Sender(None, None)
    address = as_text(raw, FROM, required=True) or ""
    if not is_address(address) and not ctx.breaks.on("UC-04"):
        raise invalid(FROM)
    element = read_customer_element(ctx, body.get("customer"))
    departmental = ctx.settings.customer_departmentalization
    lookup = department if departmental and not ctx.breaks.on("UC-10") else None
    found = ctx.store.customers_with_email(address, lookup)
    if found and not (ctx.breaks.on("UC-09") and element is not None):
        owner = found[0]
        if ctx.breaks.on("UC-05") and element is None:
            owner = next((c for c in ctx.store.customers.values() if c.id != owner.id), owner)
        return Sender(owner.id, address)
    if element is None and not ctx.breaks.on("UC-07"):
        raise missing("customer")
    home = department if departmental and not ctx.breaks.on("UC-11") else None
    emails = [] if ctx.breaks.on("UC-06") else [address]
    kind = (element or {}).get("kind", "individual")
    return Sender(None, address, NewCustomer(kind, home, emails))


def read_customer_element(ctx: Context, raw: Any) -> dict[str, Any] | None:
    if raw is None:
        return None
    element = as_object(raw, "customer")
    if element.get("department") is not None and not ctx.breaks.on("UC-08"):
        raise invalid("customer.department")
    kind_raw = element.get("type")
    kind: str | None = None
    if kind_raw is not None:
        kind = as_text(as_object(kind_raw, "customer.type").get("value"), "customer.type.value")
        if kind is not None and kind not in CUSTOMER_TYPES:
            raise invalid("customer.type.value")
    return {"kind": kind or "individual"}


def customer_sender(ctx: Context, addresses: dict[str, Any]) -> Sender:
    raw = addresses.get("from")
    self_customer = ctx.store.customers[ctx.actor.id]
    if ctx.on_behalf_of is not None:
        target = ctx.on_behalf_of
        if raw not in (None, "") and not ctx.breaks.on("GRT-04"):
            raise invalid(FROM)
        if raw not in (None, ""):
            return Sender(target.id, as_text(raw, FROM))
        if not target.emails:
            if ctx.breaks.on("GRT-05"):
                return Sender(target.id, None)
            raise invalid(FROM)
        return Sender(target.id, target.emails[0])
    if raw in (None, ""):
        if ctx.breaks.on("CUS-08") or not self_customer.emails:
            return Sender(self_customer.id, None)
        return Sender(self_customer.id, self_customer.emails[0])
    address = as_text(raw, FROM) or ""
    if not is_address(address):
        raise invalid(FROM)
    departmental = ctx.settings.customer_departmentalization and not ctx.breaks.on("CUS-11")
    lookup = self_customer.department if departmental else None
    found = ctx.store.customers_with_email(address, lookup)
    if found and self_customer not in found and not ctx.breaks.on("CUS-09"):
        raise invalid(FROM)
    if not found and not ctx.breaks.on("CUS-10"):
        ctx.effects.append(lambda: self_customer.emails.append(address))
    return Sender(self_customer.id, address)


# ------------------------------------------------------------------ storing


def store_activity(
    ctx: Context,
    parts: dict[str, Any],
    common: dict[str, Any],
    sender: Sender,
) -> str:
    customer_id, from_address = sender.customer_id, sender.address
    case_id = common["case"] or ctx.store.new_case()
    created = now_text()
    email: dict[str, Any] = {"emailAddresses": {}, "date": {"date": common["date"]}}
    alias = parts.get("alias")
    if alias is not None:
        email["alias"] = {"id": alias.id, "name": alias.name, "value": alias.address}
    addresses = email["emailAddresses"]
    if from_address is not None:
        addresses["from"] = from_address
    for key in ("receiver", "to", "cc"):
        if key in parts:
            addresses[key] = parts[key]
    if "replyTo" in common:
        addresses["replyTo"] = common["replyTo"]
    if "content" in common:
        content = dict(common["content"])
        if ctx.breaks.on("EFF-03"):
            content.pop("html", None)
        email["content"] = content
    if "messageCenter" in parts:
        email["messageCenter"] = {"id": parts["messageCenter"]}
    activity: dict[str, Any] = {
        "mode": {"value": "inbound"},
        "type": {"value": "email", "subtype": {"value": "general"}},
        "secure": parts["secure"],
        "sentOnBehalf": ctx.on_behalf_of is not None or ctx.breaks.on("GRT-03"),
        "status": {
            "value": "open" if ctx.breaks.on("EFF-02") else "awaiting_assignment",
            "substatus": {"value": "ready_for_assignment"},
        },
        "priority": "4",
        "created": created,
        "createdBy": {"id": ctx.actor.id, "type": ctx.actor.kind},
        "department": parts["department"],
        "case": {"id": case_id},
        "payload": {"email": email},
    }
    if "subject" in common:
        activity["subject"] = common["subject"]
    if customer_id is not None:
        if ctx.breaks.on("GRT-01") and ctx.on_behalf_of is not None:
            customer_id = ctx.actor.id
        activity["customer"] = {"id": customer_id}
    if "issueType" in parts:
        activity["issueType"] = parts["issueType"]
    if common["attachments"]:
        activity["attachments"] = {"attachment": common["attachments"]}
    if "customAttributes" in common:
        activity["customAttributes"] = common["customAttributes"]
    return ctx.store.add_activity(activity)
