"""The seed data file: read, check and turn into immutable records.

A user may replace the default file (`--data FILE`), so it is checked on load and every problem
is reported at once, each naming its entry, instead of failing later mid-request. The shape is
stated once, as a JSON Schema beside the data (`data/data.schema.json`); what a schema cannot
say (references between entries, ids unique regardless of case) is checked here.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator, FormatChecker, ValidationError

from mock_server.addresses import is_email, key
from mock_server.settings import PartitionSettings

SCHEMA_FILE = Path(__file__).with_name("data") / "data.schema.json"
MANAGE_PRIVILEGE = "manage_partition_resources"


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
    """Read and check a data file; DataError lists every problem, each naming its entry.

    The references are checked once the shape is right (on a misshapen file they would only
    repeat its shape problems in other words)."""
    raw = _read(path)
    problems = _Problems()
    problems.items.extend(schema_problems(raw))
    seed = None if problems.items else _build(raw)
    if seed is not None:
        _check_references(seed, problems)
    if problems.items or seed is None:
        listing = "\n".join(f"  - {item}" for item in problems.items)
        raise DataError(f"data file {path} has {len(problems.items)} problem(s):\n{listing}")
    return seed


def _read(path: Path) -> dict[str, Any]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise DataError(f"cannot read data file {path}: {exc}") from exc
    if not isinstance(raw, dict):
        raise DataError(f"data file {path}: the top level must be a mapping")
    return raw


# ---------------------------------------------------------------- the shape: data.schema.json


@functools.cache
def _schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return schema


@functools.cache
def _validator() -> Draft202012Validator:
    """The schema's validator; `format: email` is the mock's own address rule (addresses.py)."""
    formats = FormatChecker(formats=())
    formats.checks("email")(is_email)
    return Draft202012Validator(_schema(), format_checker=formats)


def schema_problems(raw: Any) -> list[str]:
    """Every place the data breaks its schema, as `where: what`, in document order."""
    return [problem for error in _validator().iter_errors(raw) for problem in _described(error)]


def _described(error: ValidationError) -> Iterator[str]:
    where = _where(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, Mapping):
        known = error.schema.get("properties", {})
        for name in (n for n in error.instance if n not in known):
            what = "unknown top-level key" if not error.absolute_path else "unknown key"
            yield f"{_where([*error.absolute_path, name])}: {what}"
        return
    template = error.schema.get("x-message") if isinstance(error.schema, Mapping) else None
    yield f"{where}: {template.format(instance=error.instance) if template else error.message}"


def _where(path: Iterable[Any]) -> str:
    """`aliases[0].address`, as the problems name entries."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else str(part)
    return text or "data"


# ---------------------------------------------------------------- records (the shape is right)


def _build(raw: dict[str, Any]) -> SeedData:
    departments = tuple(str(d) for d in raw.get("departments") or ())
    dept_of = {d.lower(): d for d in departments}
    return SeedData(
        partition=_partition(raw.get("settings") or {}),
        departments=departments,
        aliases=tuple(_alias(e, dept_of) for e in _entries(raw, "aliases")),
        message_centers=tuple(
            _message_center(e, dept_of) for e in _entries(raw, "message_centers")
        ),
        issue_types=tuple(_issue_type(e) for e in _entries(raw, "issue_types")),
        customers=tuple(_customer(e, dept_of) for e in _entries(raw, "customers")),
        grants={str(k): tuple(str(v) for v in vs or ()) for k, vs in _mapping(raw, "grants")},
        cases=tuple(str(c) for c in raw.get("cases") or ()),
        custom_attributes=tuple(_attribute(e) for e in _entries(raw, "custom_attributes")),
        uploads=tuple(_upload(e) for e in _entries(raw, "uploads")),
        users=tuple(_user(e) for e in _entries(raw, "users")),
        clients=tuple(
            Client(str(e["id"]), str(e.get("client_secret", ""))) for e in _entries(raw, "clients")
        ),
        tokens={str(t): Actor(str(a["actor"]), str(a["id"])) for t, a in _mapping(raw, "tokens")},
    )


def _entries(raw: dict[str, Any], name: str) -> list[dict[str, Any]]:
    return raw.get(name) or []


def _mapping(raw: dict[str, Any], name: str) -> Iterable[tuple[Any, Any]]:
    return (raw.get(name) or {}).items()


def _partition(block: dict[str, Any]) -> PartitionSettings:
    """The file's settings over the schema's defaults."""
    declared = _schema()["properties"]["settings"]["properties"]
    return PartitionSettings(
        **{name: block.get(name, s["default"]) for name, s in declared.items()}
    )


def _department(value: Any, dept_of: dict[str, str]) -> str:
    """Matched case-insensitively and stored as configured; an unknown one as written (for
    `_check_references` to name)."""
    return dept_of.get(str(value).lower(), str(value))


def _alias(e: dict[str, Any], dept_of: dict[str, str]) -> Alias:
    address = str(e["address"])
    department = _department(e["department"], dept_of)
    return Alias(str(e["id"]), str(e.get("name", address)), address, department, _active(e))


def _message_center(e: dict[str, Any], dept_of: dict[str, str]) -> MessageCenter:
    return MessageCenter(str(e["id"]), _department(e["department"], dept_of), _active(e))


def _active(entry: dict[str, Any]) -> bool:
    return bool(entry.get("active", True))


def _issue_type(e: dict[str, Any]) -> IssueType:
    return IssueType(str(e["id"]), str(e.get("name", e["id"])), str(e["message_center"]))


def _customer(e: dict[str, Any], dept_of: dict[str, str]) -> SeedCustomer:
    department = e.get("department")
    contacts = tuple(_contact(c) for c in e.get("contacts") or ())
    name = e.get("customerName")
    return SeedCustomer(
        str(e["id"]),
        str(e.get("type", "individual")),
        None if department is None else _department(department, dept_of),
        None if name is None else str(name),
        contacts,
    )


def _contact(entry: dict[str, Any]) -> SeedContact:
    emails = tuple(str(a) for a in entry.get("emails") or ())
    return SeedContact(str(entry.get("firstName", "")), str(entry.get("lastName", "")), emails)


def _attribute(e: dict[str, Any]) -> CustomAttribute:
    values = tuple(str(v) for v in e.get("values") or ())
    return CustomAttribute(str(e["name"]), str(e.get("type", "text")), values)


def _upload(e: dict[str, Any]) -> Upload:
    return Upload(str(e["altId"]), str(e.get("name", e["altId"])), int(e.get("size_bytes", 0)))


def _user(e: dict[str, Any]) -> User:
    privileges = frozenset(str(v) for v in e.get("privileges") or ())
    return User(str(e["id"]), str(e.get("name", e["id"])), privileges)


# ---------------------------------------------------------------- references between entries


def _check_references(seed: SeedData, p: _Problems) -> None:
    """Cross-entry checks: duplicates, dangling references, grants."""
    p.unique("departments", seed.departments, "department")
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
    _check_departments(seed, p)
    centers = {m.id.lower() for m in seed.message_centers}
    for i, issue in enumerate(seed.issue_types):
        if issue.message_center.lower() not in centers:
            p.add(f"issue_types[{i}]", f"unknown message center {issue.message_center!r}")
    _check_grants(seed, p)
    _check_tokens(seed, p)


def _check_departments(seed: SeedData, p: _Problems) -> None:
    for kind in ("aliases", "message_centers", "customers"):
        entries = getattr(seed, kind)
        for i, entry in enumerate(entries):
            if entry.department is not None and entry.department not in seed.departments:
                p.add(f"{kind}[{i}]", f"unknown department {entry.department!r}")


def _customer_addresses(seed: SeedData) -> Iterable[str]:
    for customer in seed.customers:
        for contact in customer.contacts:
            yield from (key(a) for a in contact.emails)


def _check_grants(seed: SeedData, p: _Problems) -> None:
    kinds = {c.id: c.type for c in seed.customers}
    for grantor, grantees in seed.grants.items():
        where = f"grants.{grantor}"
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
