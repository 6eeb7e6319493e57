"""The independent server's own data and its in-memory store.

Written from the vendor docs only: departments, email aliases, message centers, issue types,
customers (with their email contact points), grants, cases, custom attributes, uploaded files,
users, client applications and bearer tokens. None of it is shared with the reference mock.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any


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


@dataclass
class Customer:
    id: str
    kind: str
    department: str | None  # None: shared across departments
    emails: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Upload:
    alt_id: str
    name: str
    size: int


@dataclass(frozen=True)
class CustomAttribute:
    name: str
    values: tuple[str, ...] | None  # None: free text; a tuple: an enumeration


@dataclass(frozen=True)
class Actor:
    """Who sent the request: kind is user, client or customer."""

    kind: str
    id: str
    privileged: bool = True


DEPARTMENTS = ("Support", "Billing")

ALIASES = (
    Alias("41", "Support inbox", "support@indie-desk.example", "Support", True),
    Alias("42", "Legacy inbox", "legacy@indie-desk.example", "Support", False),
    Alias("43", "Billing inbox", "billing@indie-desk.example", "Billing", True),
)

MESSAGE_CENTERS = (
    MessageCenter("Support Portal", "Support", True),
    MessageCenter("Retired Portal", "Support", False),
    MessageCenter("Billing Portal", "Billing", True),
)

ISSUE_TYPES = (
    IssueType("77", "Broken device", "Support Portal"),
    IssueType("78", "Setup help", "Support Portal"),
    IssueType("79", "Invoice question", "Billing Portal"),
)

CASES = ("88010", "88011")

CUSTOM_ATTRIBUTES = (
    CustomAttribute("ticketRef", None),
    CustomAttribute("channelHint", ("phone", "web", "store")),
)

UPLOADS = (
    Upload("c0ffee00-1111-4aaa-8bbb-000000000001", "receipt.pdf", 30_000),
    Upload("c0ffee00-1111-4aaa-8bbb-000000000002", "photo.jpg", 5_000),
    Upload("c0ffee00-1111-4aaa-8bbb-000000000003", "video.mov", 9 * 1024 * 1024),
    Upload("c0ffee00-1111-4aaa-8bbb-000000000004", "backup.zip", 8 * 1024 * 1024 - 16 * 1024),
)

TOKENS = {
    "indep-agent-7f3a": Actor("user", "agent-1", privileged=True),
    "indep-reader-2c9d": Actor("user", "agent-2", privileged=False),
    "indep-app-5e11": Actor("client", "billing-bot"),
    "indep-maria-90b4": Actor("customer", "7000"),
}

GRANTS = {"7000": ("7001", "7002", "7004")}  # 7004 is of Billing: counts only when shared


def initial_customers() -> list[Customer]:
    return [
        Customer("7000", "individual", "Support", ["maria@buyers.example"]),
        Customer("7001", "individual", "Support", ["tomas@buyers.example"]),
        Customer("7002", "individual", "Support", []),
        Customer("7003", "individual", "Billing", ["lena@buyers.example"]),
        Customer("7004", "individual", "Billing", ["oskar@buyers.example"]),
        Customer("7005", "corporate", "Support", ["desk@northwind.example"]),
    ]


class Store:
    """Everything that changes while the server runs: customers, cases and activities."""

    def __init__(self) -> None:
        self.customers: dict[str, Customer] = {c.id: c for c in initial_customers()}
        self.cases: set[str] = set(CASES)
        self.activities: dict[str, dict[str, Any]] = {}
        self._activity_ids = itertools.count(500000)
        self._customer_ids = itertools.count(7100)
        self._case_ids = itertools.count(88100)

    def customers_with_email(self, address: str, department: str | None) -> list[Customer]:
        """Customers holding `address`; with a department, only those of it (or shared ones)."""
        return [
            c
            for c in self.customers.values()
            if address in c.emails and (department is None or c.department in (department, None))
        ]

    def new_customer(
        self, kind: str, department: str | None, emails: list[str], details: dict[str, Any]
    ) -> Customer:
        customer = Customer(str(next(self._customer_ids)), kind, department, emails, details)
        self.customers[customer.id] = customer
        return customer

    def new_case(self) -> str:
        case_id = str(next(self._case_ids))
        self.cases.add(case_id)
        return case_id

    def add_activity(self, activity: dict[str, Any]) -> str:
        activity_id = str(next(self._activity_ids))
        activity["id"] = activity_id
        self.activities[activity_id] = activity
        return activity_id


def alias_by_address(address: str) -> Alias | None:
    """Addresses are matched exactly (case-sensitively), as configured."""
    return next((a for a in ALIASES if a.address == address), None)


def message_center(mc_id: str) -> MessageCenter | None:
    return next((m for m in MESSAGE_CENTERS if m.id == mc_id), None)


def issue_type(it_id: str) -> IssueType | None:
    return next((i for i in ISSUE_TYPES if i.id == it_id), None)


def upload(alt_id: str) -> Upload | None:
    return next((u for u in UPLOADS if u.alt_id == alt_id), None)


def custom_attribute(name: str) -> CustomAttribute | None:
    return next((c for c in CUSTOM_ATTRIBUTES if c.name == name), None)
