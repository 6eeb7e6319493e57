"""Each passive judge bites: a synthetic exchange (no server) that breaks its rule is reported
under that rule, and the documented answer to the same request is not."""

from __future__ import annotations

import copy
import json
from typing import Any

import httpx
import pytest

from conformance import yamldoc
from conformance.catalog import load_catalog
from conformance.profile import load_profile
from conformance.proxy.judge import Judge, Seen
from conformance.proxy.session import Session
from conformance.settings import PROJECT_ROOT
from tests.proxy.support import MOCK_PROFILE

CATALOG = load_catalog()
SPEC = yamldoc.parse((PROJECT_ROOT / "openapi" / "openapi.yaml").read_text(encoding="utf-8"))
JUDGE = Judge(CATALOG, SPEC, load_profile(MOCK_PROFILE), "/core/casemgr/v3")
OPERATION = "/core/casemgr/v3/activity/email/general"
USER, VIEWER, CLIENT = "user-admin-token", "user-viewer-token", "client-token"
CUSTOMER = "customer-ana-token"
TYPE = {"value": "email", "subtype": {"value": "general"}}
ADDRESSES = {"from": "new@client.example", "receiver": "help@shop.example"}
AS_USER = {
    "department": {"name": "Service"},
    "type": TYPE,
    "subject": "s",
    "payload": {"email": {"emailAddresses": ADDRESSES}},
}
AS_CUSTOMER = {
    "type": TYPE,
    "subject": "s",
    "payload": {"email": {"messageCenter": {"id": "Service"}}},
}
CREATED = (201, {"Location": "/core/casemgr/v3/activity/1001"}, b"")


def changed(body: dict[str, Any], dotted: str, value: Any) -> dict[str, Any]:
    """`body` with `dotted` set to `value` (or removed, for ...)."""
    body = copy.deepcopy(body)
    *parents, last = dotted.split(".")
    node = body
    for part in parents:
        node = node.setdefault(part, {})
    if value is ...:
        node.pop(last)
    else:
        node[last] = value
    return body


def seen(
    answer: tuple[int, dict[str, str], bytes],
    *,
    method: str = "POST",
    target: str = OPERATION,
    token: str | None = USER,
    headers: dict[str, str] | None = None,
    body: Any = AS_USER,
) -> Seen:
    auth = {"Authorization": f"Bearer {token}"} if token else {}
    sent = {"Content-Type": "application/json", **auth, **(headers or {})}
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    status, answer_headers, answer_body = answer
    return Seen(
        method,
        target,
        httpx.Headers(sent),
        content,
        status,
        httpx.Headers(answer_headers),
        answer_body,
    )


def error(code: str, **extra: str) -> tuple[int, dict[str, str], bytes]:
    body = {"code": code, "developerMessage": CATALOG.message(code, "x"), **extra}
    return int(code[:3]), {"Content-Type": "application/json"}, json.dumps(body).encode()


# rule -> the request that breaks it (keyword arguments of `seen`)
REFUSED: dict[str, dict[str, Any]] = {
    "PRT-01": {"method": "GET", "body": b""},
    "ACT-01": {"token": None},
    "ACT-02": {"token": None, "headers": {"Authorization": "Basic dXNlcjpwdw=="}},
    "HDR-04": {"headers": {"Accept": "text/html"}},
    "HDR-01": {"headers": {"Accept-Language": "xx-XX"}},
    "ACT-03": {"token": VIEWER},
    "QRY-01": {"target": OPERATION + "?colour=red"},
    "QRY-02": {"target": OPERATION + "?customer=1001"},
    "QRY-03": {"token": CUSTOMER, "body": AS_CUSTOMER, "target": OPERATION + "?customer=abc"},
    "GRT-02": {"token": CUSTOMER, "body": AS_CUSTOMER, "target": OPERATION + "?customer=1003"},
    "LIM-03": {"body": b" " * (10 * 1024 * 1024 + 1)},
    "HDR-06": {"headers": {"Content-Type": "text/plain"}},
    "BODY-01": {"body": b""},
    "BODY-02": {"body": b'{"type": '},
    "BODY-03": {"body": [AS_USER]},
    "BODY-04": {"body": changed(AS_USER, "type.value", "sms")},
    "BODY-05": {"body": changed(AS_USER, "type.subtype.value", "notification")},
    "BODY-07": {"body": changed(AS_USER, "subject", "s" * 256)},
    "BODY-08": {"body": changed(AS_USER, "colour", "red")},
    "BODY-12": {"body": changed(AS_USER, "payload.email.content", {"markdown": "*x*"})},
    "BODY-13": {
        "body": changed(
            AS_USER,
            "payload.email.emailAddresses.replyTo",
            {"address": ["a@x.example", "b@x.example"]},
        )
    },
    "BODY-14": {"body": changed(AS_USER, "payload.email.date", {"date": "yesterday"})},
    "BODY-15": {"body": changed(AS_USER, "attachments", {"attachment": [{"inline": False}]})},
    "BODY-17": {
        "body": changed(
            AS_USER, "attachments", {"attachment": [{"altId": f"a{i}"} for i in range(26)]}
        )
    },
    "BODY-20": {"body": changed(AS_USER, "department.name", "")},
    "UC-04": {
        "body": changed(AS_USER, "payload.email.emailAddresses.from", "a@x.example, b@x.example")
    },
    "UC-08": {"body": changed(AS_USER, "customer", {"department": {"name": "Sales"}})},
    "UC-15": {"body": changed(AS_USER, "secure", "yes")},
    "UC-17": {"body": changed(AS_USER, "payload.email.emailAddresses.cc", {"address": ["nope"]})},
    "UC-01": {"token": CLIENT, "body": changed(AS_USER, "department", ...)},
    "UC-03": {"body": changed(AS_USER, "payload.email.emailAddresses.from", ...)},
    "UC-12": {"body": changed(AS_USER, "payload.email.emailAddresses.receiver", ...)},
    "UC-18": {"body": changed(AS_USER, "issueType", {"id": "301"})},
    "CUS-01": {
        "token": CUSTOMER,
        "body": changed(AS_CUSTOMER, "payload.email.messageCenter", ...),
    },
    "CUS-03": {
        "token": CUSTOMER,
        "body": changed(AS_CUSTOMER, "department", {"name": "Service"}),
    },
    "CUS-16": {"token": CUSTOMER, "body": changed(AS_CUSTOMER, "secure", True)},
    "GRT-04": {
        "token": CUSTOMER,
        "target": OPERATION + "?customer=1001",
        "body": changed(AS_CUSTOMER, "payload.email.emailAddresses", {"from": "b@x.example"}),
    },
    "BODY-06": {"body": changed(AS_USER, "subject", ...)},
    "CUS-12": {
        "token": CUSTOMER,
        "body": changed(
            changed(AS_CUSTOMER, "payload.email.messageCenter", ...),
            "payload.email.emailAddresses",
            {"receiver": "help@shop.example"},
        )
        | {"issueType": {"id": "301"}},
    },
}
# rule -> a request the rule says is served, and the refusal it must not get
SERVED: dict[str, tuple[dict[str, Any], str]] = {
    "HDR-02": ({"headers": {"Accept-Language": "sv-SE"}}, "406-100"),
    "ACT-04": ({"token": USER}, "403-178"),
    "ACT-05": ({"token": CLIENT}, "403-178"),
    "ACT-06": ({"token": CUSTOMER, "body": AS_CUSTOMER}, "403-178"),
}


def problems(exchange: Seen, rule_id: str) -> list[str]:
    judgement = JUDGE.judge(exchange)
    assert rule_id in judgement.observed, f"{rule_id} was not checked at all"
    return [p.cause for p in judgement.observed[rule_id]]


def test_every_passive_rule_has_a_case_here() -> None:
    every = {"PRT-03", "EFF-01", "EFF-04", "PRT-02", "HDR-05", "HDR-07"}  # tested one by one below
    passive = {rule.id for rule in CATALOG.rules if rule.passive}
    assert passive == set(REFUSED) | set(SERVED) | every


@pytest.mark.parametrize("rule_id", sorted(REFUSED))
def test_a_request_that_breaks_the_rule_must_be_refused_as_documented(rule_id: str) -> None:
    rule = CATALOG.get(rule_id)
    assert problems(seen(CREATED, **REFUSED[rule_id]), rule_id)  # served: the rule broke
    other_status = "406-101" if rule.status != 406 else "400-264"
    assert problems(seen(error(other_status), **REFUSED[rule_id]), rule_id)
    same_status = [c for c in CATALOG.codes if c[:3] == str(rule.status) and c != rule.code]
    if same_status and rule.passive and rule.passive.step < 8:  # later: any 400 may come first
        assert problems(seen(error(same_status[-1]), **REFUSED[rule_id]), rule_id)
    assert not problems(seen(error(str(rule.code)), **REFUSED[rule_id]), rule_id)
    mistakes = JUDGE.judge(seen(error(str(rule.code)), **REFUSED[rule_id])).mistakes
    assert rule_id in {m.rule_id for m in mistakes}  # and the client is told


@pytest.mark.parametrize("rule_id", sorted(SERVED))
def test_a_request_the_rule_says_is_served_must_not_be_refused_so(rule_id: str) -> None:
    request, refusal = SERVED[rule_id]
    assert problems(seen(error(refusal), **request), rule_id)
    assert not problems(seen(CREATED, **request), rule_id)
    assert not JUDGE.judge(seen(CREATED, **request)).mistakes


def test_an_earlier_gate_the_proxy_cannot_read_may_answer_first() -> None:
    """An unknown token may be expired: its 401 is right whatever else the request breaks."""
    exchange = seen(error("401-101"), token="issued-at-run-time", body=b"")
    assert not JUDGE.judge(exchange).violations
    assert problems(seen(error("401-101"), body=b""), "BODY-01")  # the profile's token is valid


def test_a_client_mistake_that_gets_a_5xx_breaks_prt03_only() -> None:
    judgement = JUDGE.judge(seen(error("500-100"), body=b""))
    assert {p.rule_id for p in judgement.violations} == {"PRT-03"}
    assert not problems(seen(error("400-264"), body=b""), "PRT-03")


@pytest.mark.parametrize(
    "answer",
    [
        (201, {"Location": "/core/casemgr/v3/activity/1001"}, b'{"id": "1001"}'),
        (201, {}, b""),
        (201, {"Location": "/activity/1001"}, b""),
    ],
)
def test_a_201_has_no_body_and_the_documented_location(answer: tuple) -> None:
    assert problems(seen(answer), "EFF-01")
    assert not problems(seen(CREATED), "EFF-01")


def test_an_error_carries_the_vendor_body_its_documented_message_and_a_declared_status() -> None:
    plain = (400, {"Content-Type": "application/json"}, b"oops")
    wrong_message = (
        400,
        {"Content-Type": "application/json"},
        b'{"code": "400-264", "developerMessage": "no body"}',
    )
    undeclared = (
        418,
        {"Content-Type": "application/json"},
        b'{"code": "418-1", "developerMessage": "teapot"}',
    )
    for answer in (plain, wrong_message, undeclared):
        assert problems(seen(answer, body=b""), "PRT-02")
    assert not problems(seen(error("400-264"), body=b""), "PRT-02")


def test_an_error_comes_in_the_media_type_accept_asks_for() -> None:
    xml = {"headers": {"Accept": "application/xml"}, "body": b""}
    assert problems(seen(error("400-264"), **xml), "HDR-05")
    body = (
        b"<error><code>400-264</code><developerMessage>"
        + CATALOG.message("400-264").encode()
        + b"</developerMessage></error>"
    )
    assert not problems(seen((400, {"Content-Type": "application/xml"}, body), **xml), "HDR-05")


def test_user_message_only_when_asked() -> None:
    answer = error("400-264", userMessage="Please send a body.")
    assert problems(seen(answer, body=b""), "HDR-07")
    asked = {"headers": {"X-egain-error-message": "yes"}, "body": b""}
    assert not problems(seen(answer, **asked), "HDR-07")


def test_an_activity_reads_back_in_the_spec_shape() -> None:
    read = {"method": "GET", "target": "/core/casemgr/v3/activity/1001", "body": b""}
    wrong = (200, {"Content-Type": "application/json"}, b'{"activity": "yes"}')
    assert problems(seen(wrong, **read), "EFF-04")


def test_a_q_list_is_read_as_the_server_chooses() -> None:
    """The enum names single values: a q-list may be honoured (the mock) or refused with 406."""
    q_accept = {"headers": {"Accept": "application/json;q=0.5, application/xml;q=0.9"}}
    assert not problems(seen(error("406-100"), body=b"", **q_accept), "BODY-01")
    assert "HDR-02" not in JUDGE.judge(seen(error("406-100"), **q_accept)).observed
    browser = {"headers": {"Accept-Language": "en-US,en;q=0.9"}}
    judgement = JUDGE.judge(seen(CREATED, **browser))
    assert not judgement.violations and not judgement.mistakes
    assert not JUDGE.judge(seen(error("406-100"), body=b"", **browser)).violations


def test_a_sample_exchange_reproduces_against_the_target_with_the_bytes_sent() -> None:
    """The report's curl line for a judged exchange goes to the upstream, not the proxy, and
    sends the very body the client sent (a sample used to carry no body and a bare path)."""
    session = Session(JUDGE, "mock", "http://127.0.0.1:9/core/casemgr/v3", b"spec")
    body = b'{"subject": "' + b"x" * 5000 + b'"}'
    exchange = session.exchange(seen(error("400-152"), target=f"{OPERATION}?a=1", body=body), 1.0)
    assert exchange.url == f"http://127.0.0.1:9{OPERATION}?a=1"
    assert exchange.sent_body == body
    assert exchange.body_file and f"@{exchange.body_file}" in exchange.curl()
