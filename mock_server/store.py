"""The mock's state: reference data from the seed, plus what creates add, behind one lock.

Rules read the state and creates change it inside `Store.transaction()`, so concurrent requests
see each create whole and ids never repeat. `reset()` goes back to the seed.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import asdict, dataclass, field
from typing import Any, NamedTuple

from mock_server import activity
from mock_server.addresses import key
from mock_server.data import (
    Actor,
    Alias,
    Client,
    CustomAttribute,
    IssueType,
    MessageCenter,
    SeedData,
    Upload,
    User,
)
from mock_server.settings import MockSettings, PartitionSettings

FIRST_ACTIVITY_ID = 1001


class Issued(NamedTuple):
    """A token the mock issued: whose it is, the scopes granted (None: not restricted, as a
    client-credentials token), and when it expires (time.monotonic())."""

    actor: Actor
    scopes: frozenset[str] | None
    expires_at: float


@dataclass
class Contact:
    first_name: str
    last_name: str
    emails: list[str]
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Customer:
    id: str
    type: str
    department: str | None
    customer_name: str | None
    contacts: list[Contact]
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def addresses(self) -> list[str]:
        return [a for c in self.contacts for a in c.emails]


@dataclass
class Case:
    id: str
    activity_ids: list[str] = field(default_factory=list)


class State:
    """One consistent world: read by the rules, changed by creates (under the store's lock)."""

    def __init__(self, seed: SeedData, partition: PartitionSettings) -> None:
        self.partition = partition
        self.departments = {d.lower(): d for d in seed.departments}
        self.aliases: dict[str, Alias] = {key(a.address): a for a in seed.aliases}
        self.message_centers: dict[str, MessageCenter] = {
            m.id.lower(): m for m in seed.message_centers
        }
        self.issue_types: dict[str, IssueType] = {i.id: i for i in seed.issue_types}
        self.custom_attributes: dict[str, CustomAttribute] = {
            a.name.lower(): a for a in seed.custom_attributes
        }
        self.uploads: dict[str, Upload] = {u.alt_id.lower(): u for u in seed.uploads}
        self.users: dict[str, User] = {u.id: u for u in seed.users}
        self.grants = {k: frozenset(v) for k, v in seed.grants.items()}
        self.customers: dict[str, Customer] = {c.id: _customer(c) for c in seed.customers}
        self.cases: dict[str, Case] = {c: Case(c) for c in seed.cases}
        self._activities: dict[str, bytes] = {}
        self._address_owners: dict[str, list[str]] = {}
        for customer in self.customers.values():
            for address in customer.addresses:
                self._index(address, customer.id)
        self._next_activity = FIRST_ACTIVITY_ID
        self._next_case = _after(self.cases)
        self._next_customer = _after(self.customers)

    def _index(self, address: str, customer_id: str) -> None:
        self._address_owners.setdefault(key(address), []).append(customer_id)

    def owners(self, address: str, department: str | None) -> list[Customer]:
        """Customers holding `address`; within `department` (and shared ones) when it is given."""
        found = [self.customers[c] for c in self._address_owners.get(key(address), [])]
        if department is None:
            return found
        return [c for c in found if c.department in (None, department)]

    def add_contact_point(self, customer: Customer, address: str) -> None:
        if not customer.contacts:
            customer.contacts.append(Contact("", "", []))
        customer.contacts[0].emails.append(address)
        self._index(address, customer.id)

    def add_customer(self, customer: Customer) -> Customer:
        customer.id = str(self._next_customer)
        self._next_customer += 1
        self.customers[customer.id] = customer
        for address in customer.addresses:
            self._index(address, customer.id)
        return customer

    def new_case(self) -> Case:
        case = Case(str(self._next_case))
        self._next_case += 1
        self.cases[case.id] = case
        return case

    def add_activity(self, activity_id: str, facts: activity.Facts) -> None:
        """Kept packed (see activity.py): a few hundred bytes the collector never walks."""
        self._activities[activity_id] = activity.pack(facts)

    def activity(self, activity_id: str, base_path: str) -> dict[str, Any] | None:
        """The stored activity in the vendor's shape, or None."""
        stored = self._activities.get(activity_id)
        return None if stored is None else activity.unpack(stored, base_path)

    def next_activity_id(self) -> str:
        activity_id = str(self._next_activity)
        self._next_activity += 1
        return activity_id

    def snapshot(self, base_path: str) -> dict[str, Any]:
        """JSON-ready view for GET /mock/state."""
        return {
            "settings": asdict(self.partition),
            "customers": [asdict(c) for c in self.customers.values()],
            "contactPoints": [
                {"customerId": c.id, "type": "email", "address": a, "department": c.department}
                for c in self.customers.values()
                for a in c.addresses
            ],
            "cases": [asdict(c) for c in self.cases.values()],
            "activities": [activity.unpack(a, base_path) for a in self._activities.values()],
        }


def _customer(seed: Any) -> Customer:
    contacts = [Contact(c.first_name, c.last_name, list(c.emails)) for c in seed.contacts]
    return Customer(seed.id, seed.type, seed.department, seed.customer_name, contacts)


def _after(ids: dict[str, Any]) -> int:
    numbers = [int(i) for i in ids if i.isdecimal()]
    return max(numbers, default=999) + 1


class _Transaction:
    """The lock and the current state as a context manager: a plain class, because a
    @contextmanager generator costs three times as much and runs twice a request."""

    __slots__ = ("_store",)

    def __init__(self, store: Store) -> None:
        self._store = store

    def __enter__(self) -> State:
        self._store.lock.acquire()
        return self._store.state

    def __exit__(self, *exc_info: object) -> None:
        self._store.lock.release()


class Store:
    """Owns the state and its lock; injected into the app so tests can share or replace it."""

    def __init__(
        self,
        seed: SeedData,
        partition: PartitionSettings | None = None,
        token_lifetime: int = MockSettings.token_lifetime_seconds,
        *,
        base_path: str,
    ) -> None:
        self.seed = seed
        self.base_path = base_path  # the spec's, for the activities' links
        self.token_lifetime = token_lifetime
        self.default_partition = partition or seed.partition
        self.lock = threading.RLock()
        self.state = State(seed, self.default_partition)
        self._clients: dict[str, Client] = {c.id: c for c in seed.clients}
        self._issued: dict[str, Issued] = {}
        self._transaction = _Transaction(self)

    def transaction(self) -> _Transaction:
        """`with store.transaction() as state:` holds the lock for the block."""
        return self._transaction

    def reset(self, partition: PartitionSettings | None = None) -> None:
        """Back to the seed (and to the start-up settings unless others are given)."""
        with self.lock:
            self.state = State(self.seed, partition or self.default_partition)

    @property
    def partition(self) -> PartitionSettings:
        return self.state.partition

    def actor_for(self, token: str) -> Actor | None:
        """The actor a bearer token stands for: seed tokens (they never expire) and tokens
        issued by the mock, until they expire."""
        fixed = self.seed.tokens.get(token)
        if fixed is not None:
            return fixed
        issued = self._issued.get(token)
        if issued is None:
            return None
        if issued.expires_at <= time.monotonic():
            with self.lock:
                self._issued.pop(token, None)
            return None
        return issued.actor

    def scopes_of(self, token: str) -> frozenset[str] | None:
        """The scopes an issued token holds; None for a token not restricted to scopes."""
        issued = self._issued.get(token)
        return None if issued is None else issued.scopes

    def issue_token(self, token: str, actor: Actor, scopes: frozenset[str] | None) -> None:
        with self.lock:
            self._issued[token] = Issued(actor, scopes, time.monotonic() + self.token_lifetime)

    def user(self, user_id: str) -> User | None:
        return self.state.users.get(user_id)

    def issue_client_token(self, client_id: str, secret: str) -> str | None:
        """A client-credentials token; issued tokens survive reset (they are sessions, not data)."""
        client = self._clients.get(client_id)
        if client is None or not secrets.compare_digest(client.secret, secret):
            return None
        token = "mock-" + secrets.token_urlsafe(24)
        self.issue_token(token, Actor("client", client.id), None)
        return token

    def activity(self, activity_id: str) -> dict[str, Any] | None:
        with self.lock:
            return self.state.activity(activity_id, self.base_path)

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return self.state.snapshot(self.base_path)
