"""The seed data file: read, check and turn into immutable records.

A user may replace the default file (`--data FILE`), so every reference is checked on load and
all problems are reported at once, each naming the entry, instead of failing later mid-request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from mock_server.addresses import is_email, key
from mock_server.settings import PartitionSettings

MAX_GRANTS = 75
CUSTOMER_TYPES = ("individual", "group", "corporate")
ACTOR_KINDS = ("user", "client", "customer")
ATTRIBUTE_TYPES = ("text", "enumeration")
MANAGE_PRIVILEGE = "manage_partition_resources"
TOP_LEVEL_KEYS = frozenset(
    {
        "settings",
        "departments",
        "aliases",
        "message_centers",
        "issue_types",
        "customers",
        "grants",
        "cases",
        "custom_attributes",
        "uploads",
        "users",
        "clients",
        "tokens",
    }
)


class DataError(Exception):
    """The data file cannot be used; the message lists every problem found."""


@dataclass(frozen=True)
class Alias:
    id: str
    name: str
    address: str
    department: str
    active: bool


@dataclass(frozen=True)
class MessageCenter:
    id: str
    department: str
    active: bool


@dataclass(frozen=True)
class IssueType:
    id: str
    name: str
    message_center: str


@dataclass(frozen=True)
class SeedContact:
    first_name: str
    last_name: str
    emails: tuple[str, ...]


@dataclass(frozen=True)
class SeedCustomer:
    id: str
    type: str
    department: str | None
    customer_name: str | None
    contacts: tuple[SeedContact, ...]


@dataclass(frozen=True)
class CustomAttribute:
    name: str
    type: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class Upload:
    alt_id: str
    name: str
    size_bytes: int


@dataclass(frozen=True)
class User:
    id: str
    name: str
    privileges: frozenset[str]

    @property
    def may_manage_partition(self) -> bool:
        return MANAGE_PRIVILEGE in self.privileges


@dataclass(frozen=True)
class Client:
    id: str
    secret: str


@dataclass(frozen=True)
class Actor:
    """Who sent a request: kind is user, client or customer; id is theirs in the data file."""

    kind: str
    id: str


@dataclass(frozen=True)
class SeedData:
    partition: PartitionSettings
    departments: tuple[str, ...]
    aliases: tuple[Alias, ...]
    message_centers: tuple[MessageCenter, ...]
    issue_types: tuple[IssueType, ...]
    customers: tuple[SeedCustomer, ...]
    grants: dict[str, tuple[str, ...]]
    cases: tuple[str, ...]
    custom_attributes: tuple[CustomAttribute, ...]
    uploads: tuple[Upload, ...]
    users: tuple[User, ...]
    clients: tuple[Client, ...]
    tokens: dict[str, Actor]


class _Problems:
    """Collects problems so the user sees all of them in one run."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, where: str, what: str) -> None:
        self.items.append(f"{where}: {what}")

    def unique(self, where: str, values: Iterable[str], what: str) -> None:
        seen: set[str] = set()
        for value in values:
            folded = value.lower()
            if folded in seen:
                self.add(where, f"duplicate {what} {value!r}")
            seen.add(folded)


def load_seed(path: Path) -> SeedData:
    """Read and check a data file; DataError lists every problem, each naming its entry."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise DataError(f"cannot read data file {path}: {exc}") from exc
    if not isinstance(raw, dict):
        raise DataError(f"data file {path}: the top level must be a mapping")
    problems = _Problems()
    try:
        seed = _build(raw, problems)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        problems.add("data", f"malformed entry ({type(exc).__name__}: {exc})")
        seed = None
    if problems.items or seed is None:
        listing = "\n".join(f"  - {item}" for item in problems.items)
        raise DataError(f"data file {path} has {len(problems.items)} problem(s):\n{listing}")
    return seed


def _build(raw: dict[str, Any], problems: _Problems) -> SeedData:
    for unknown in sorted(set(raw) - TOP_LEVEL_KEYS):
        problems.add(unknown, "unknown top-level key")
    departments = tuple(str(d) for d in raw.get("departments") or ())
    problems.unique("departments", departments, "department")
    dept_of = {d.lower(): d for d in departments}
    seed = SeedData(
        partition=_partition(raw.get("settings") or {}, problems),
        departments=departments,
        aliases=_list(raw, "aliases", _alias, problems, dept_of),
        message_centers=_list(raw, "message_centers", _message_center, problems, dept_of),
        issue_types=_list(raw, "issue_types", _issue_type, problems, dept_of),
        customers=_list(raw, "customers", _customer, problems, dept_of),
        grants=_grants(raw.get("grants") or {}),
        cases=tuple(str(c) for c in raw.get("cases") or ()),
        custom_attributes=_list(raw, "custom_attributes", _attribute, problems, dept_of),
        uploads=_list(raw, "uploads", _upload, problems, dept_of),
        users=_list(raw, "users", _user, problems, dept_of),
        clients=_list(raw, "clients", _client, problems, dept_of),
        tokens=_tokens(raw.get("tokens") or {}, problems),
    )
    _check_references(seed, problems)
    return seed


def _partition(block: dict[str, Any], problems: _Problems) -> PartitionSettings:
    defaults = {
        "customer_departmentalization": True,
        "secure_messaging": True,
        "max_email_size_mb": 10,
        "max_body_size_kb": 64,
    }
    for name in sorted(set(block) - set(defaults)):
        problems.add(f"settings.{name}", "unknown setting")
    values = {**defaults, **{k: v for k, v in block.items() if k in defaults}}
    for flag in ("customer_departmentalization", "secure_messaging"):
        if not isinstance(values[flag], bool):
            problems.add(f"settings.{flag}", "must be true or false")
    for size in ("max_email_size_mb", "max_body_size_kb"):
        number = values[size]
        if isinstance(number, bool) or not isinstance(number, int | float) or number <= 0:
            problems.add(f"settings.{size}", "must be a positive number")
            values[size] = defaults[size]
    return PartitionSettings(**values)


Builder = Callable[[dict[str, Any], str, _Problems, dict[str, str]], Any]


def _list(
    raw: dict[str, Any], name: str, build: Builder, problems: _Problems, dept_of: dict[str, str]
) -> tuple[Any, ...]:
    entries = raw.get(name) or []
    if not isinstance(entries, list):
        problems.add(name, "must be a list")
        return ()
    built = []
    for index, entry in enumerate(entries):
        where = f"{name}[{index}]"
        if not isinstance(entry, dict):
            problems.add(where, "must be a mapping")
            continue
        built.append(build(entry, where, problems, dept_of))
    return tuple(built)


def _department(
    value: Any, where: str, problems: _Problems, dept_of: dict[str, str], optional: bool = False
) -> str | None:
    """Department references are matched case-insensitively and stored as configured."""
    if value is None and optional:
        return None
    found = dept_of.get(str(value).lower())
    if found is None:
        problems.add(where, f"unknown department {value!r}")
    return found


def _alias(e: dict[str, Any], where: str, p: _Problems, depts: dict[str, str]) -> Alias:
    address = str(e["address"])
    if not is_email(address):
        p.add(where, f"invalid address {address!r}")
    department = _department(e.get("department"), where, p, depts) or ""
    return Alias(str(e["id"]), str(e.get("name", address)), address, department, _active(e))


def _message_center(
    e: dict[str, Any], where: str, p: _Problems, depts: dict[str, str]
) -> MessageCenter:
    department = _department(e.get("department"), where, p, depts) or ""
    return MessageCenter(str(e["id"]), department, _active(e))


def _active(entry: dict[str, Any]) -> bool:
    return bool(entry.get("active", True))


def _issue_type(e: dict[str, Any], where: str, p: _Problems, depts: dict[str, str]) -> IssueType:
    return IssueType(str(e["id"]), str(e.get("name", e["id"])), str(e["message_center"]))


def _customer(e: dict[str, Any], where: str, p: _Problems, depts: dict[str, str]) -> SeedCustomer:
    cid = str(e["id"])
    if not cid.isdecimal():
        p.add(where, f"customer id {cid!r} must be decimal digits")
    kind = str(e.get("type", "individual"))
    if kind not in CUSTOMER_TYPES:
        p.add(where, f"type must be one of {', '.join(CUSTOMER_TYPES)}")
    department = _department(e.get("department"), where, p, depts, optional=True)
    contacts = tuple(
        _contact(c, f"{where}.contacts[{i}]", p) for i, c in enumerate(e.get("contacts") or [])
    )
    name = e.get("customerName")
    return SeedCustomer(cid, kind, department, None if name is None else str(name), contacts)


def _contact(entry: dict[str, Any], where: str, p: _Problems) -> SeedContact:
    emails = tuple(str(a) for a in entry.get("emails") or ())
    for address in emails:
        if not is_email(address):
            p.add(where, f"invalid address {address!r}")
    return SeedContact(str(entry.get("firstName", "")), str(entry.get("lastName", "")), emails)


def _attribute(
    e: dict[str, Any], where: str, p: _Problems, depts: dict[str, str]
) -> CustomAttribute:
    kind = str(e.get("type", "text"))
    values = tuple(str(v) for v in e.get("values") or ())
    if kind not in ATTRIBUTE_TYPES:
        p.add(where, f"type must be one of {', '.join(ATTRIBUTE_TYPES)}")
    if kind == "enumeration" and not values:
        p.add(where, "an enumeration needs values")
    return CustomAttribute(str(e["name"]), kind, values)


def _upload(e: dict[str, Any], where: str, p: _Problems, depts: dict[str, str]) -> Upload:
    size = e.get("size_bytes", 0)
    if isinstance(size, bool) or not isinstance(size, int) or size < 0:
        p.add(where, "size_bytes must be a non-negative integer")
        size = 0
    return Upload(str(e["altId"]), str(e.get("name", e["altId"])), size)


def _user(e: dict[str, Any], where: str, p: _Problems, depts: dict[str, str]) -> User:
    privileges = frozenset(str(v) for v in e.get("privileges") or ())
    return User(str(e["id"]), str(e.get("name", e["id"])), privileges)


def _client(e: dict[str, Any], where: str, p: _Problems, depts: dict[str, str]) -> Client:
    return Client(str(e["id"]), str(e.get("client_secret", "")))


def _grants(raw: dict[Any, Any]) -> dict[str, tuple[str, ...]]:
    return {str(k): tuple(str(v) for v in (vs or ())) for k, vs in raw.items()}


def _tokens(raw: dict[Any, Any], problems: _Problems) -> dict[str, Actor]:
    tokens = {}
    for token, spec in raw.items():
        if not isinstance(spec, dict) or spec.get("actor") not in ACTOR_KINDS:
            problems.add(f"tokens.{token}", f"actor must be one of {', '.join(ACTOR_KINDS)}")
            continue
        tokens[str(token)] = Actor(str(spec["actor"]), str(spec.get("id")))
    return tokens


def _check_references(seed: SeedData, p: _Problems) -> None:
    """Cross-entry checks: duplicates, dangling references, grant limits."""
    p.unique("aliases", (a.id for a in seed.aliases), "alias id")
    p.unique("aliases", (a.address for a in seed.aliases), "alias address")
    p.unique("message_centers", (m.id for m in seed.message_centers), "message center id")
    p.unique("issue_types", (i.id for i in seed.issue_types), "issue type id")
    p.unique("customers", (c.id for c in seed.customers), "customer id")
    p.unique("customers", _customer_addresses(seed), "customer email address")
    p.unique("cases", seed.cases, "case id")
    p.unique("custom_attributes", (a.name for a in seed.custom_attributes), "attribute name")
    p.unique("uploads", (u.alt_id for u in seed.uploads), "upload altId")
    p.unique("users", (u.id for u in seed.users), "user id")
    p.unique("clients", (c.id for c in seed.clients), "client id")
    centers = {m.id.lower() for m in seed.message_centers}
    for issue in seed.issue_types:
        if issue.message_center.lower() not in centers:
            p.add(f"issue_types {issue.id}", f"unknown message center {issue.message_center!r}")
    _check_grants(seed, p)
    _check_tokens(seed, p)


def _customer_addresses(seed: SeedData) -> Iterable[str]:
    for customer in seed.customers:
        for contact in customer.contacts:
            yield from (key(a) for a in contact.emails)


def _check_grants(seed: SeedData, p: _Problems) -> None:
    kinds = {c.id: c.type for c in seed.customers}
    for grantor, grantees in seed.grants.items():
        where = f"grants.{grantor}"
        if len(grantees) > MAX_GRANTS:
            p.add(where, f"{len(grantees)} grants; a customer can hold at most {MAX_GRANTS}")
        for cid in (grantor, *grantees):
            if cid not in kinds:
                p.add(where, f"unknown customer {cid!r}")
            elif kinds[cid] != "individual":
                p.add(where, f"customer {cid} is {kinds[cid]}; grants are between individuals")
        if grantor in grantees:
            p.add(where, "a customer cannot hold a grant on itself")
        p.unique(where, grantees, "grant")


def _check_tokens(seed: SeedData, p: _Problems) -> None:
    known = {
        "user": {u.id for u in seed.users},
        "client": {c.id for c in seed.clients},
        "customer": {c.id for c in seed.customers},
    }
    for token, actor in seed.tokens.items():
        if actor.id not in known[actor.kind]:
            p.add(f"tokens.{token}", f"unknown {actor.kind} {actor.id!r}")
