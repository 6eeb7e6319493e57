"""The documented rules of "Create incoming email activity", as small functions.

Each function enforces one rule (or a tight group) and raises the ApiError naming the rule's id
from openapi/rules.yaml. They run in the order of ARCHITECTURE.md's check order: privilege and
query (steps 4-5) before the body is read, actor elements (8), references and business rules in
catalog order (9), size limits (10). `decide` reads the state; `commit` changes it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mock_server.activity import Facts, now_iso
from mock_server.addresses import key
from mock_server.data import Actor, Alias, IssueType, MessageCenter, Upload
from mock_server.errors import (
    ApiError,
    bad_query_value,
    empty,
    invalid,
    missing,
    not_found_ids,
    unsupported,
)
from mock_server.store import Contact, Customer, State

FROM = "payload.email.emailAddresses.from"
RECEIVER = "payload.email.emailAddresses.receiver"
MESSAGE_CENTER_ID = "payload.email.messageCenter.id"
CUSTOMER_ONLY = ("payload.email.messageCenter", "issueType")
AGENT_ONLY_ADDRESSES = ("to", "cc", "bcc")
CREATE_ACTION = "create activity"
# UC-14, UC-15: `secure` is the JSON boolean or the string the seed quotes ('Must be "true" or
# "false"'); the schema refuses anything else, so membership here is the whole decision.
SECURE_TRUE = (True, "true")
Body = Mapping[str, Any]


@dataclass(frozen=True)
class Submission:
    """A create request that passed steps 1-7: who sends it, for whom, and the parsed body."""

    actor: Actor
    on_behalf: str | None
    body: Body


@dataclass
class Decision:
    """What a create will store, worked out before anything is changed."""

    department: str
    customer: Customer | None
    new_customer: Customer | None
    from_address: str
    new_contact_point: bool = False
    alias: Alias | None = None
    center: MessageCenter | None = None
    issue_type: IssueType | None = None
    secure: bool = False
    sent_on_behalf: bool = False
    case_id: str | None = None
    uploads: list[Upload] = field(default_factory=list)


# ---------------------------------------------------------------- steps 4-5: privilege, query


def check_privilege(actor: Actor, state: State) -> None:
    """ACT-03: a user needs 'Manage partition resources'."""
    if actor.kind != "user":
        return
    user = state.users.get(actor.id)
    if user is None or not user.may_manage_partition:
        raise ApiError(403, "403-178", (CREATE_ACTION,), "ACT-03")


def check_query(actor: Actor, query: list[tuple[str, str]], state: State) -> str | None:
    """QRY-01..03, GRT-02: the only parameter is `customer`, for customers, granted; its id."""
    if not query:
        return None
    unknown = list(dict.fromkeys(name for name, _ in query if name != "customer"))
    if unknown:
        raise ApiError(400, "400-101", (", ".join(unknown),), "QRY-01")
    values = [value for name, value in query if name == "customer" and value != ""]
    if not values:
        return None
    if actor.kind != "customer":
        raise ApiError(400, "400-101", ("customer",), "QRY-02")
    if len(values) > 1 or not values[0].isdecimal() or values[0] not in state.customers:
        raise bad_query_value("customer", "QRY-03")
    if values[0] != actor.id and not _granted(state, actor.id, values[0]):
        raise bad_query_value("customer", "GRT-02")
    return values[0] if values[0] != actor.id else None


def _granted(state: State, grantor: str, grantee: str) -> bool:
    if grantee not in state.grants.get(grantor, ()):
        return False
    if not state.partition.customer_departmentalization:
        return True
    return state.customers[grantor].department == state.customers[grantee].department


# ---------------------------------------------------------------- step 8: actor elements


_PARTS: dict[str, tuple[str, ...]] = {}


def _get(body: Body, path: str) -> Any:
    """The value at a dotted path, or None. Bodies are dicts (json.loads, xmlcodec.parse), and
    a dict check costs a seventh of the Mapping ABC check on a path read ~17 times a request;
    the paths are a fixed few, so each is split once."""
    parts = _PARTS.get(path)
    if parts is None:
        parts = _PARTS[path] = tuple(path.split("."))
    node: Any = body
    for part in parts:
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _has(body: Body, path: str) -> bool:
    parent, _, name = path.rpartition(".")
    node = _get(body, parent) if parent else body
    return isinstance(node, dict) and name in node


def check_elements(sub: Submission) -> None:
    """Elements of another actor (400-147) first, then the actor's required ones (400-146)."""
    if sub.actor.kind == "customer":
        _customer_refused_elements(sub)
        _customer_required_elements(sub.body)
    else:
        _agent_refused_elements(sub.body)
        _agent_required_elements(sub.body)
    _content_present(sub.body)


def _customer_refused_elements(sub: Submission) -> None:
    body = sub.body
    if _has(body, "department"):
        raise unsupported("department", "CUS-03")
    for name in ("secure", "customer"):
        if _has(body, name):
            raise unsupported(name, "CUS-16")
    for name in AGENT_ONLY_ADDRESSES:
        if _has(body, f"payload.email.emailAddresses.{name}"):
            raise unsupported(f"payload.email.emailAddresses.{name}", "CUS-16")
    if sub.on_behalf is not None and _has(body, FROM):
        raise unsupported(FROM, "GRT-04")


def _customer_required_elements(body: Body) -> None:
    if _has(body, "payload.email.messageCenter") and not _has(body, MESSAGE_CENTER_ID):
        raise missing(MESSAGE_CENTER_ID, "CUS-01")
    if not _has(body, RECEIVER) and not _has(body, MESSAGE_CENTER_ID):
        raise missing(MESSAGE_CENTER_ID, "CUS-01")


def _agent_refused_elements(body: Body) -> None:
    for path in CUSTOMER_ONLY:
        if _has(body, path):
            raise unsupported(path, "UC-18")


def _agent_required_elements(body: Body) -> None:
    for path, rule_id in (("department.name", "UC-01"), (FROM, "UC-03"), (RECEIVER, "UC-12")):
        value = _get(body, path)
        if value is None:
            raise missing(path, rule_id)
        if isinstance(value, str) and not value.strip():
            raise empty(path, "BODY-20")


def _content_present(body: Body) -> None:
    """BODY-06: at least one of subject, attachments or content."""
    subject = _get(body, "subject")
    attachments = _get(body, "attachments.attachment")
    content = _get(body, "payload.email.content")
    if subject or attachments or (isinstance(content, Mapping) and content):
        return
    raise missing("subject", "BODY-06")


# ---------------------------------------------------------------- step 9: user / client application


def decide(state: State, sub: Submission) -> Decision:
    """Steps 9 and 10: every reference and business rule, then the size limits."""
    if sub.actor.kind == "customer":
        decision = _decide_customer(state, sub)
    else:
        decision = _decide_agent(state, sub)
    _common_references(state, sub.body, decision)
    _size_limits(state, sub.body, decision)
    return decision


def _decide_agent(state: State, sub: Submission) -> Decision:
    body = sub.body
    department = _department(state, str(_get(body, "department.name")))
    alias = _agent_alias(state, str(_get(body, RECEIVER)), department)
    address = str(_get(body, FROM))
    customer, new_customer = _sender(state, address, department, _get(body, "customer"))
    secure = body.get("secure", False) in SECURE_TRUE
    if secure and not state.partition.secure_messaging:
        raise invalid("secure", "UC-16")
    return Decision(department, customer, new_customer, address, alias=alias, secure=secure)


def _department(state: State, name: str) -> str:
    """UC-02: department.name names an existing department (case-insensitively)."""
    department = state.departments.get(name.strip().lower())
    if department is None:
        raise invalid("department.name", "UC-02")
    return department


def _agent_alias(state: State, address: str, department: str) -> Alias:
    """UC-13: receiver is an active alias of the specified department."""
    alias = state.aliases.get(key(address))
    if alias is None or not alias.active or alias.department != department:
        raise invalid(RECEIVER, "UC-13")
    return alias


def _sender(
    state: State, address: str, department: str, element: Any
) -> tuple[Customer | None, Customer | None]:
    """UC-05..UC-11: the customer who owns `from`, or the one the customer element creates."""
    departmentalized = state.partition.customer_departmentalization
    owners = state.owners(address, department if departmentalized else None)
    if owners:
        return owners[0], None  # UC-05, UC-09: the customer element is ignored
    if not isinstance(element, Mapping):
        elsewhere = departmentalized and state.owners(address, None)
        raise missing("customer", "UC-10" if elsewhere else "UC-07")
    return None, _new_customer(element, address, department if departmentalized else None)


def _new_customer(element: Mapping[str, Any], address: str, department: str | None) -> Customer:
    """UC-06, UC-11: a customer from the element, with `from` as its email contact point.

    Every member is kept as sent (the element is open: the vendor's examples send members its
    model does not name); contacts come from `contacts.contact[]` (the examples) or the one
    `contact` of `group` / `corporate`, beside `type` (the model) or inside it (the examples)."""
    raw_contacts = _get(element, "contacts.contact") or _model_contacts(element)
    contacts = [_contact(c) for c in raw_contacts if isinstance(c, Mapping)] or [
        Contact("", "", [])
    ]
    contacts[0].emails.append(address)
    kind = _get(element, "type.value") or "individual"
    extra = {k: v for k, v in element.items() if k not in ("customerName", "contacts")}
    return Customer("", str(kind), department, element.get("customerName"), contacts, extra)


def _model_contacts(element: Mapping[str, Any]) -> list[Any]:
    for where in ("group.contact", "corporate.contact", "type.group.contact"):
        found = _get(element, where)
        if isinstance(found, Mapping):
            return [found]
    found = _get(element, "type.corporate.contact")
    return [found] if isinstance(found, Mapping) else []


def _contact(raw: Mapping[str, Any]) -> Contact:
    extra = {k: v for k, v in raw.items() if k not in ("firstName", "lastName")}
    return Contact(str(raw.get("firstName", "")), str(raw.get("lastName", "")), [], extra)


# ---------------------------------------------------------------- step 9: customer


def _decide_customer(state: State, sub: Submission) -> Decision:
    body = sub.body
    me = state.customers[sub.actor.id]
    target = state.customers[sub.on_behalf] if sub.on_behalf else me
    if sub.on_behalf and not target.addresses:
        raise bad_query_value("customer", "GRT-05")
    center = _center(state, _get(body, MESSAGE_CENTER_ID), target)
    alias = _customer_alias(state, _get(body, RECEIVER), target)
    department = center.department if center else alias.department if alias else ""
    address, new_point = _customer_from(state, me, target, _get(body, FROM))
    issue_type = _issue_type(state, _get(body, "issueType.id"), center, _has(body, "issueType"))
    if not state.partition.secure_messaging:
        raise invalid("secure", "CUS-15")
    return Decision(
        department,
        target,
        None,
        address,
        new_contact_point=new_point,
        alias=alias,
        center=center,
        issue_type=issue_type,
        secure=True,
        sent_on_behalf=target.id != me.id,
    )


def _center(state: State, center_id: Any, customer: Customer) -> MessageCenter | None:
    """CUS-04, CUS-05: an existing, active message center (in the customer's department)."""
    if center_id is None:
        return None
    center = state.message_centers.get(str(center_id).strip().lower())
    if center is None or not center.active:
        raise invalid(MESSAGE_CENTER_ID, "CUS-04")
    if _other_department(state, customer, center.department):
        raise invalid(MESSAGE_CENTER_ID, "CUS-05")
    return center


def _customer_alias(state: State, address: Any, customer: Customer) -> Alias | None:
    """CUS-06, CUS-07: an active alias (in the customer's department)."""
    if address is None:
        return None
    alias = state.aliases.get(key(str(address)))
    if alias is None or not alias.active:
        raise invalid(RECEIVER, "CUS-06")
    if _other_department(state, customer, alias.department):
        raise invalid(RECEIVER, "CUS-07")
    return alias


def _other_department(state: State, customer: Customer, department: str) -> bool:
    return (
        state.partition.customer_departmentalization
        and customer.department is not None
        and customer.department != department
    )


def _customer_from(state: State, me: Customer, target: Customer, address: Any) -> tuple[str, bool]:
    """CUS-08..CUS-11: the sender address, and whether it is a new contact point of `me`."""
    if target is not me or address is None:
        if not target.addresses:
            raise missing(FROM, "CUS-08")
        return target.addresses[0], False  # CUS-08, GRT-01: the application picks it
    departmentalized = state.partition.customer_departmentalization
    owners = state.owners(str(address), me.department if departmentalized else None)
    if not owners:
        return str(address), True  # CUS-10, CUS-11 (on): a new contact point
    if me in owners:
        return str(address), False
    other = any(o.department != me.department for o in owners)
    raise invalid(FROM, "CUS-11" if other and not departmentalized else "CUS-09")


def _issue_type(
    state: State, issue_id: Any, center: MessageCenter | None, sent: bool
) -> IssueType | None:
    """CUS-12, CUS-13: only with a message center, and associated with it."""
    if not sent:
        return None
    if center is None:
        raise invalid("issueType.id", "CUS-12")
    issue = state.issue_types.get(str(issue_id).strip()) if issue_id is not None else None
    if issue is None or issue.message_center.lower() != center.id.lower():
        raise invalid("issueType.id", "CUS-13")
    return issue


# ---------------------------------------------------------------- step 9: every actor


def _common_references(state: State, body: Body, decision: Decision) -> None:
    """BODY-09, BODY-11, BODY-15, BODY-16."""
    case_id = _get(body, "case.id")
    if case_id is not None:
        if str(case_id).strip() not in state.cases:
            raise not_found_ids(str(case_id), "BODY-09")
        decision.case_id = str(case_id).strip()
    for attribute in _get(body, "customAttributes.customAttribute") or []:
        _check_custom_attribute(state, attribute)
    for attachment in _get(body, "attachments.attachment") or []:
        decision.uploads.append(_upload(state, attachment))


def _check_custom_attribute(state: State, attribute: Mapping[str, Any]) -> None:
    base = "customAttributes.customAttribute"
    name = attribute.get("attribName")
    if name is None:
        raise missing(f"{base}.attribName", "BODY-11")
    configured = state.custom_attributes.get(str(name).lower())
    if configured is None:
        raise invalid(f"{base}.attribName", "BODY-11")
    if configured.type != "enumeration":
        return
    allowed = {v.lower() for v in configured.values}
    for item in _get(attribute, "attribValues.attribValue") or []:
        if str(item.get("value", "")).lower() not in allowed:
            raise invalid(f"{base}.attribValues.attribValue.value", "BODY-11")


def _upload(state: State, attachment: Mapping[str, Any]) -> Upload:
    alt_id = str(attachment.get("altId", ""))
    upload = state.uploads.get(alt_id.lower())
    if upload is None:
        raise not_found_ids(alt_id, "BODY-15")
    if attachment.get("inline") is True and not attachment.get("contentId"):
        raise missing("attachments.attachment.contentId", "BODY-16")
    return upload


# ---------------------------------------------------------------- step 10: size limits


def content_size(body: Body) -> int:
    """UTF-8 bytes of text plus html (an ASCII string, the usual one, is as long as its bytes:
    no copy is encoded to count them)."""
    content = _get(body, "payload.email.content") or {}
    size = 0
    for name in ("text", "html"):
        value = content.get(name)
        if value:
            text = str(value)
            size += len(text) if text.isascii() else len(text.encode("utf-8"))
    return size


def _size_limits(state: State, body: Body, decision: Decision) -> None:
    """LIM-01 (content over the KB limit), LIM-02 (content plus attachments over the MB limit)."""
    size = content_size(body)
    if size > state.partition.max_body_bytes:
        raise invalid("payload.email.content", "LIM-01")
    if size + sum(u.size_bytes for u in decision.uploads) > state.partition.max_email_bytes:
        raise invalid("attachments", "LIM-02")


# ---------------------------------------------------------------- effects


def commit(state: State, sub: Submission, decision: Decision, actor_name: str) -> str:
    """Store the activity and its side effects (EFF-01..03); returns the new id."""
    customer = decision.customer
    if decision.new_customer is not None:
        customer = state.add_customer(decision.new_customer)
    assert customer is not None
    if decision.new_contact_point:
        state.add_contact_point(customer, decision.from_address)
    case = state.cases[decision.case_id] if decision.case_id else state.new_case()
    activity_id = state.next_activity_id()
    case.activity_ids.append(activity_id)
    alias, center, issue = decision.alias, decision.center, decision.issue_type
    facts = Facts(
        id=activity_id,
        created=now_iso(),
        case_id=case.id,
        created_by=(sub.actor.id, sub.actor.kind, actor_name),
        department=decision.department,
        customer=(customer.id, customer.type),
        new_customer=decision.new_customer is not None,
        secure=decision.secure,
        sent_on_behalf=decision.sent_on_behalf,
        from_address=decision.from_address,
        alias=(alias.id, alias.name, alias.address) if alias else None,
        message_center=center.id if center else None,
        issue_type=(issue.id, issue.name) if issue else None,
        uploads=[(u.alt_id, u.name, u.size_bytes) for u in decision.uploads],
        body=dict(sub.body),
    )
    state.add_activity(activity_id, facts)
    return activity_id
