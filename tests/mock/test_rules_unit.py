"""The business rules (mock_server/rules.py) as pure functions: no server, no HTTP.

The world is the default data file through the mock's own loader (`load_seed`, `State`); each
refusal names the rule the catalog gives it, and each pass says what the create would store.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

import pytest

from mock_server import rules
from mock_server.data import Actor, load_seed
from mock_server.errors import ApiError
from mock_server.rules import Submission
from mock_server.settings import DEFAULT_DATA
from mock_server.store import State
from tests.mock.conftest import customer_body, user_body

SEED = load_seed(DEFAULT_DATA)
ADMIN, VIEWER = Actor("user", "u1"), Actor("user", "u2")
CLIENT = Actor("client", "crm-sync")
ANA, DORA = Actor("customer", "1000"), Actor("customer", "1002")  # Service; Dora has no address
ATTACHMENT, OVERSIZED = (
    "8f14e45f-ceea-4c6b-9f1e-3b2a1c0d5e01",
    "8f14e45f-ceea-4c6b-9f1e-3b2a1c0d5e03",
)
NEAR_LIMIT = "8f14e45f-ceea-4c6b-9f1e-3b2a1c0d5e04"  # 16 KB under the email size limit
OFF = {"customer_departmentalization": False}


def state(**partition: Any) -> State:
    """A fresh world from the seed; `partition` changes the partition settings."""
    return State(SEED, dataclasses.replace(SEED.partition, **partition))


def create(sub: Submission, world: State | None = None) -> rules.Decision:
    """Step 8 (the actor's elements), then steps 9-10, as the pipeline and handler run them."""
    rules.check_elements(sub)
    return rules.decide(world or state(), sub)


def refusal(call: Any, *args: Any) -> tuple[str | None, int, str, tuple[str, ...]]:
    with pytest.raises(ApiError) as caught:
        call(*args)
    error = caught.value
    return error.rule_id, error.status, error.code, error.args_


# ---------------------------------------------------------------- steps 4-5: privilege, query


def test_a_user_needs_manage_partition_resources() -> None:
    world = state()
    for actor in (ADMIN, CLIENT, ANA):
        rules.check_privilege(actor, world)  # raises ApiError on a refusal
    expected = ("ACT-03", 403, "403-178", ("create activity",))
    assert refusal(rules.check_privilege, VIEWER, world) == expected
    assert refusal(rules.check_privilege, Actor("user", "nobody"), world) == expected


@pytest.mark.parametrize(
    ("actor", "query", "partition", "expected"),
    [
        (ANA, [], {}, None),
        (ANA, [("customer", "")], {}, None),  # an empty customer= counts as absent
        (ADMIN, [("customer", "")], {}, None),
        (ANA, [("customer", "1000")], {}, None),  # herself: not on behalf
        (ANA, [("customer", "1001")], {}, "1001"),  # granted, same department
        (ANA, [("customer", "1005")], OFF, "1005"),  # granted, the department does not count
    ],
)  # fmt: skip
def test_the_customer_parameter_names_whom_a_customer_acts_for(
    actor: Actor, query: list[tuple[str, str]], partition: dict[str, Any], expected: str | None
) -> None:
    assert rules.check_query(actor, query, state(**partition)) == expected


@pytest.mark.parametrize(
    ("actor", "query", "expected"),
    [
        (ANA, [("colour", "x"), ("customer", "1001"), ("size", "1"), ("colour", "y")],
         ("QRY-01", "400-101", ("colour, size",))),  # every unknown name, once each
        (ADMIN, [("customer", "1000")], ("QRY-02", "400-101", ("customer",))),
        (CLIENT, [("customer", "1000")], ("QRY-02", "400-101", ("customer",))),
        (ANA, [("customer", "10x")], ("QRY-03", "400-244", ("customer",))),
        (ANA, [("customer", "9999")], ("QRY-03", "400-244", ("customer",))),
        (ANA, [("customer", "1001"), ("customer", "1002")], ("QRY-03", "400-244", ("customer",))),
        (ANA, [("customer", "1003")], ("GRT-02", "400-244", ("customer",))),  # not granted
        (ANA, [("customer", "1005")], ("GRT-02", "400-244", ("customer",))),  # other department
    ],
)  # fmt: skip
def test_a_query_the_operation_does_not_take_is_refused(
    actor: Actor, query: list[tuple[str, str]], expected: tuple[str, str, tuple[str, ...]]
) -> None:
    rule_id, status, code, args = refusal(rules.check_query, actor, query, state())
    assert (rule_id, code, args) == expected and status == 400


# ---------------------------------------------------------------- steps 8-10: refusals

EMAIL = "payload.email"
ADDRESSES = f"{EMAIL}.emailAddresses"
ATTRIBUTE = "customAttributes.customAttribute"


def attachment(**fields: Any) -> dict[str, Any]:
    return {"attachment": [{"altId": ATTACHMENT, **fields}]}


def attribute(name: Any, *values: str) -> dict[str, Any]:
    item: dict[str, Any] = {} if name is None else {"attribName": name}
    if values:
        item["attribValues"] = {"attribValue": [{"value": v} for v in values]}
    return {"customAttribute": [item]}


AGENT_REFUSALS = [
    # (rule, body, partition, code, attribute)
    ("UC-18", user_body(payload__email__messageCenter={"id": "Service"}), {}, "400-147",
     f"{EMAIL}.messageCenter"),
    ("UC-18", user_body(issueType={"id": "301"}), {}, "400-147", "issueType"),
    ("UC-01", user_body(department=None), {}, "400-146", "department.name"),
    ("UC-03", user_body(**{"payload__email__emailAddresses__from": None}), {}, "400-146",
     f"{ADDRESSES}.from"),
    ("UC-12", user_body(payload__email__emailAddresses__receiver=None), {}, "400-146",
     f"{ADDRESSES}.receiver"),
    ("BODY-20", user_body(department__name="  "), {}, "400-387", "department.name"),
    ("BODY-06", user_body(subject=None), {}, "400-146", "subject"),
    ("BODY-06", user_body(subject="", payload__email__content={}), {}, "400-146", "subject"),
    ("UC-02", user_body(department__name="Nowhere"), {}, "400-152", "department.name"),
    ("UC-13", user_body(payload__email__emailAddresses__receiver="old-help@shop.example"), {},
     "400-152", f"{ADDRESSES}.receiver"),  # inactive
    ("UC-13", user_body(payload__email__emailAddresses__receiver="sales@shop.example"), {},
     "400-152", f"{ADDRESSES}.receiver"),  # of another department
    ("UC-13", user_body(payload__email__emailAddresses__receiver="nobody@shop.example"), {},
     "400-152", f"{ADDRESSES}.receiver"),
    ("UC-07", user_body(payload__email__emailAddresses__from="new@client.example"), {},
     "400-146", "customer"),
    ("UC-10", user_body(payload__email__emailAddresses__from="carla@client.example"), {},
     "400-146", "customer"),  # a customer of Sales: unknown in Service
    ("UC-16", user_body(secure=True), {"secure_messaging": False}, "400-152", "secure"),
    ("UC-16", user_body(secure="true"), {"secure_messaging": False}, "400-152", "secure"),
    ("BODY-09", user_body(case={"id": "9999"}), {}, "400-194", "9999"),
    ("BODY-11", user_body(customAttributes=attribute(None)), {}, "400-146",
     f"{ATTRIBUTE}.attribName"),
    ("BODY-11", user_body(customAttributes=attribute("shoeSize")), {}, "400-152",
     f"{ATTRIBUTE}.attribName"),
    ("BODY-11", user_body(customAttributes=attribute("contactReason", "billing", "gossip")), {},
     "400-152", f"{ATTRIBUTE}.attribValues.attribValue.value"),
    ("BODY-15", user_body(attachments={"attachment": [{"altId": "no-such-upload"}]}), {},
     "400-194", "no-such-upload"),
    ("BODY-16", user_body(attachments=attachment(inline=True)), {}, "400-146",
     "attachments.attachment.contentId"),
    ("LIM-01", user_body(payload__email__content={"text": "a" * (64 * 1024 + 1)}), {}, "400-152",
     f"{EMAIL}.content"),
    ("LIM-01", user_body(payload__email__content={"text": "é" * 40_000}), {}, "400-152",
     f"{EMAIL}.content"),  # UTF-8 bytes, not characters
    ("LIM-02", user_body(attachments={"attachment": [{"altId": OVERSIZED}]}), {}, "400-152",
     "attachments"),
]  # fmt: skip

CUSTOMER_REFUSALS = [
    # (rule, actor, on behalf of, body, partition, code, attribute)
    ("CUS-03", ANA, None, customer_body(department={"name": "Service"}), {}, "400-147",
     "department"),
    ("CUS-16", ANA, None, customer_body(secure=True), {}, "400-147", "secure"),
    ("CUS-16", ANA, None, customer_body(customer={"type": {"value": "individual"}}), {},
     "400-147", "customer"),
    ("CUS-16", ANA, None, customer_body(payload__email__emailAddresses={"cc": ["a@x.example"]}),
     {}, "400-147", f"{ADDRESSES}.cc"),
    ("GRT-04", ANA, "1001",
     customer_body(payload__email__emailAddresses={"from": "ana@client.example"}), {}, "400-147",
     f"{ADDRESSES}.from"),
    ("CUS-01", ANA, None, customer_body(payload__email__messageCenter={}), {}, "400-146",
     f"{EMAIL}.messageCenter.id"),
    ("CUS-01", ANA, None, customer_body(payload__email__messageCenter=None), {}, "400-146",
     f"{EMAIL}.messageCenter.id"),  # neither a receiver nor a message center
    ("GRT-05", ANA, "1002", customer_body(), {}, "400-244", "customer"),
    ("CUS-04", ANA, None, customer_body(payload__email__messageCenter={"id": "Archive"}), {},
     "400-152", f"{EMAIL}.messageCenter.id"),  # inactive
    ("CUS-04", ANA, None, customer_body(payload__email__messageCenter={"id": "Nowhere"}), {},
     "400-152", f"{EMAIL}.messageCenter.id"),
    ("CUS-05", ANA, None, customer_body(payload__email__messageCenter={"id": "Sales"}), {},
     "400-152", f"{EMAIL}.messageCenter.id"),
    ("CUS-06", ANA, None, customer_body(payload__email__messageCenter=None,
     payload__email__emailAddresses={"receiver": "old-help@shop.example"}), {}, "400-152",
     f"{ADDRESSES}.receiver"),
    ("CUS-07", ANA, None, customer_body(payload__email__messageCenter=None,
     payload__email__emailAddresses={"receiver": "sales@shop.example"}), {}, "400-152",
     f"{ADDRESSES}.receiver"),
    ("CUS-08", DORA, None, customer_body(), {}, "400-146", f"{ADDRESSES}.from"),
    ("CUS-09", ANA, None,
     customer_body(payload__email__emailAddresses={"from": "bruno@client.example"}), {},
     "400-152", f"{ADDRESSES}.from"),  # another customer's address
    ("CUS-11", ANA, None,
     customer_body(payload__email__emailAddresses={"from": "carla@client.example"}), OFF,
     "400-152", f"{ADDRESSES}.from"),  # another department's customer's, departments off
    ("CUS-12", ANA, None, customer_body(payload__email__messageCenter=None, issueType={"id": "301"},
     payload__email__emailAddresses={"receiver": "help@shop.example"}), {}, "400-152",
     "issueType.id"),
    ("CUS-13", ANA, None, customer_body(issueType={"id": "303"}), {}, "400-152", "issueType.id"),
    ("CUS-13", ANA, None, customer_body(issueType={}), {}, "400-152", "issueType.id"),
    ("CUS-15", ANA, None, customer_body(), {"secure_messaging": False}, "400-152", "secure"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("rule_id", "body", "partition", "code", "attribute"),
    AGENT_REFUSALS,
    ids=[f"{case[0]}-{i}" for i, case in enumerate(AGENT_REFUSALS)],
)
def test_a_user_or_client_create_is_refused_by_its_rule(
    rule_id: str, body: dict[str, Any], partition: dict[str, Any], code: str, attribute: str
) -> None:
    for actor in (ADMIN, CLIENT):
        sub = Submission(actor, None, body)
        assert refusal(create, sub, state(**partition)) == (rule_id, 400, code, (attribute,))


@pytest.mark.parametrize(
    ("rule_id", "actor", "on_behalf", "body", "partition", "code", "attribute"),
    CUSTOMER_REFUSALS,
    ids=[f"{case[0]}-{i}" for i, case in enumerate(CUSTOMER_REFUSALS)],
)
def test_a_customer_create_is_refused_by_its_rule(
    rule_id: str,
    actor: Actor,
    on_behalf: str | None,
    body: dict[str, Any],
    partition: dict[str, Any],
    code: str,
    attribute: str,
) -> None:
    sub = Submission(actor, on_behalf, body)
    assert refusal(create, sub, state(**partition)) == (rule_id, 400, code, (attribute,))


def test_every_refusal_of_rules_py_has_a_case() -> None:
    """The tables above reach every rule id rules.py raises (a new one needs a case here)."""
    source = Path(rules.__file__).read_text(encoding="utf-8")
    raised = set(_rule_ids(source))
    covered = {case[0] for case in (*AGENT_REFUSALS, *CUSTOMER_REFUSALS)}
    covered |= {"ACT-03", "QRY-01", "QRY-02", "QRY-03", "GRT-02"}  # the step 4-5 tests
    assert raised - covered == set() and len(raised) > 30


def _rule_ids(source: str) -> list[str]:
    return re.findall(r'"((?:UC|CUS|GRT|QRY|ACT|BODY|LIM)-[0-9]+)"', source)


# ---------------------------------------------------------------- steps 8-10: what passes


def test_an_agent_create_for_a_known_sender_uses_that_customer() -> None:
    """UC-05: the owner of `from` in the department; the customer element is then ignored."""
    body = user_body(customer={"type": {"value": "corporate"}}, secure="true")
    decision = create(Submission(ADMIN, None, body))
    assert decision.customer is not None and decision.customer.id == "1000"
    assert decision.new_customer is None and decision.department == "Service"
    assert decision.alias is not None and decision.alias.id == "201" and decision.secure is True


def test_names_match_regardless_of_case_and_are_kept_as_configured() -> None:
    body = user_body(department__name="service",
                     payload__email__emailAddresses__receiver="HELP@shop.example")  # fmt: skip
    decision = create(Submission(CLIENT, None, body))
    assert decision.department == "Service" and decision.alias is not None


def test_an_unknown_sender_with_a_customer_element_is_a_new_customer() -> None:
    """UC-06: the element's members kept, its contact gets the `from` address."""
    element = {"type": {"value": "individual"}, "contacts": {"contact": [{"firstName": "Ines",
               "lastName": "Sousa", "phone": "1"}]}, "loyalty": "gold"}  # fmt: skip
    body = user_body(payload__email__emailAddresses__from="ines@client.example", customer=element)
    decision = create(Submission(ADMIN, None, body))
    new = decision.new_customer
    assert decision.customer is None and new is not None
    assert (new.type, new.department, new.extra["loyalty"]) == ("individual", "Service", "gold")
    [contact] = new.contacts
    assert (contact.first_name, contact.emails, contact.extra) == (
        "Ines", ["ines@client.example"], {"phone": "1"})  # fmt: skip


def test_a_corporate_customer_element_gives_its_one_contact() -> None:
    element = {"type": {"value": "corporate"}, "customerName": "Beta",
               "corporate": {"contact": {"firstName": "Rui"}}}  # fmt: skip
    body = user_body(payload__email__emailAddresses__from="rui@beta.example", customer=element)
    new = create(Submission(ADMIN, None, body)).new_customer
    assert new is not None and (new.type, new.customer_name) == ("corporate", "Beta")
    assert [(c.first_name, c.emails) for c in new.contacts] == [("Rui", ["rui@beta.example"])]


def test_without_departmentalization_a_sender_of_any_department_is_known() -> None:
    """UC-10 off: Carla (Sales) is found from Service; a new customer has no department."""
    carla = user_body(payload__email__emailAddresses__from="carla@client.example")
    decision = create(Submission(ADMIN, None, carla), state(**OFF))
    assert decision.customer is not None and decision.customer.id == "1003"
    body = user_body(payload__email__emailAddresses__from="n@client.example", customer={})
    new = create(Submission(ADMIN, None, body), state(**OFF)).new_customer
    assert new is not None and new.department is None


def test_a_customer_create_is_secure_and_from_the_customers_own_address() -> None:
    """CUS-08: the application picks the address; the message center gives the department."""
    decision = create(Submission(ANA, None, customer_body(issueType={"id": "301"})))
    assert decision.secure is True and decision.from_address == "ana@client.example"
    assert decision.center is not None and decision.center.id == "Service"
    assert decision.issue_type is not None and decision.issue_type.id == "301"
    assert decision.department == "Service" and not decision.sent_on_behalf


def test_a_customer_may_write_to_an_alias_instead_of_a_message_center() -> None:
    addresses = {"receiver": "help@shop.example"}
    body = customer_body(
        payload__email__messageCenter=None, payload__email__emailAddresses=addresses
    )
    decision = create(Submission(ANA, None, body))
    assert decision.center is None and decision.alias is not None
    assert decision.department == "Service"


def test_a_customer_acting_for_a_granted_one_sends_from_that_ones_address() -> None:
    """GRT-01: on behalf of Bruno, from Bruno's address."""
    decision = create(Submission(ANA, "1001", customer_body()))
    assert decision.customer is not None and decision.customer.id == "1001"
    assert decision.from_address == "bruno@client.example" and decision.sent_on_behalf


@pytest.mark.parametrize(
    ("address", "partition", "new_point"),
    [("ana@client.example", {}, False), ("ANA@client.example", {}, False),
     ("ana.other@client.example", {}, True),  # CUS-10: a new contact point
     ("carla@client.example", {}, True)],  # CUS-11 on: unknown in Service, so a new one
)  # fmt: skip
def test_a_customers_own_from_address(
    address: str, partition: dict[str, Any], new_point: bool
) -> None:
    body = customer_body(payload__email__emailAddresses={"from": address})
    decision = create(Submission(ANA, None, body), state(**partition))
    assert decision.from_address == address and decision.new_contact_point is new_point


def test_references_and_sizes_within_the_limits_pass() -> None:
    """BODY-09, BODY-11, BODY-15, BODY-16 and LIM-01/02 at their limits."""
    body = user_body(
        case={"id": " 1060 "},
        customAttributes={"customAttribute": [
            {"attribName": "ORDERNUMBER", "attribValues": {"attribValue": [{"value": "x"}]}},
            {"attribName": "contactReason",
             "attribValues": {"attribValue": [{"value": "Billing"}]}}]},
        attachments=attachment(inline=True, contentId="c1"),
        payload__email__content={"text": "a" * (32 * 1024), "html": "b" * (32 * 1024)},
    )  # fmt: skip
    decision = create(Submission(CLIENT, None, body))
    assert decision.case_id == "1060" and [u.alt_id for u in decision.uploads] == [ATTACHMENT]
    near = user_body(attachments={"attachment": [{"altId": NEAR_LIMIT}]},
                     payload__email__content={"text": "a" * (16 * 1024)})  # fmt: skip
    assert create(Submission(CLIENT, None, near)).uploads[0].size_bytes == 10469376


def test_content_size_counts_utf8_bytes_of_text_and_html() -> None:
    body = user_body(payload__email__content={"text": "é", "html": "<p>a</p>"})
    assert rules.content_size(body) == 2 + 8
    assert rules.content_size(user_body()) == 0


# ---------------------------------------------------------------- effects


def test_commit_stores_the_activity_its_new_customer_and_a_new_case() -> None:
    world = state()
    body = user_body(payload__email__emailAddresses__from="ines@client.example", customer={})
    sub = Submission(ADMIN, None, body)
    decision = create(sub, world)
    activity_id = rules.commit(world, sub, decision, "Agent Admin")
    assert activity_id == "1001"
    new = world.owners("ines@client.example", "Service")
    assert [c.id for c in new] == ["1006"] and world.cases["1062"].activity_ids == ["1001"]
    stored = world.activity("1001", "/core/casemgr/v3")
    assert stored is not None and stored["customer"]["id"] == "1006"


def test_commit_adds_a_customers_new_contact_point_to_an_existing_case() -> None:
    world = state()
    body = customer_body(
        case={"id": "1060"}, payload__email__emailAddresses={"from": "a2@client.example"}
    )
    sub = Submission(ANA, None, body)
    rules.commit(world, sub, create(sub, world), "Ana Lima")
    assert "a2@client.example" in world.customers["1000"].addresses
    assert world.cases["1060"].activity_ids == ["1001"]
