"""What the stage sends: the target and bounds, the generated cases, their headers, and
exchanges recorded from what went out and came back."""

from __future__ import annotations

import copy
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import requests
import schemathesis
from hypothesis import strategies as st

from conformance.client import make_session, sent_exchange
from conformance.errors import TargetStopped
from conformance.results import Exchange, trim
from conformance.settings import DEFAULT_TIMEOUT_S, DEFAULT_TRANSPORT, Transport

# Headers pinned to valid values in negative cases. The spec's enums are stricter than the
# negotiation the seed and the design describe: `*/*` and q-lists are honoured in Accept and
# Accept-Language, and an empty header takes its default (HDR-03). An off-enum value of theirs is
# not negative data; the scenarios (HDR-01..HDR-06) check these headers exactly.
LENIENT_HEADERS = {
    "Accept": "application/json",
    "Accept-Language": "en-US",
}
# The documented values every case is sent with when it carries none of its own (positive and
# negative alike). Schemathesis leaves the optional Accept and Accept-Language out of many
# positive cases, and the requests session it sends through lays its own `Accept: */*` over the
# case's value (pinned ones included) unless `case.call` is given one: without these, cases went
# out with `Accept: */*` and often no locale, which a strict server refuses with 406 before it
# reads the body, and the stage tested nothing. A value the case was generated with (from the
# spec's enums: application/xml, a locale) is kept.
DOCUMENTED_HEADERS = LENIENT_HEADERS


@dataclass(frozen=True)
class FuzzTarget:
    """What the fuzzing stage needs from the target profile."""

    base_url: str
    token: str
    timeout_s: float = DEFAULT_TIMEOUT_S
    read_back: bool = False
    data: Mapping[str, Any] = field(default_factory=dict)
    transport: Transport = DEFAULT_TRANSPORT


@dataclass(frozen=True)
class FuzzOptions:
    max_examples: int = 50  # per operation and generation mode
    time_budget_s: float = 120.0  # for the whole stage
    seed: int = 0


def baseline_body(data: Mapping[str, Any]) -> dict[str, Any] | None:
    """A valid user request built from the profile's data, so positive cases can reach 201."""
    sender = data.get("existing_customer_email") or data.get("customer_email")
    if not (data.get("department") and data.get("alias") and sender):
        return None
    return {
        "department": {"name": data["department"]},
        "type": {"value": "email", "subtype": {"value": "general"}},
        "subject": "conformance fuzzing",
        "payload": {"email": {"emailAddresses": {"from": sender, "receiver": data["alias"]}}},
    }


def anchored(generated: Any, anchor: Mapping[str, Any]) -> Any:
    """The generated body with the anchor's elements laid over it (the anchor wins)."""
    if not isinstance(generated, dict):
        return copy.deepcopy(dict(anchor))
    merged = dict(generated)
    for key, value in anchor.items():
        if isinstance(value, Mapping):
            merged[key] = anchored(generated.get(key), value)
        else:
            merged[key] = value
    return merged


def strategy_for(operation: Any, mode: schemathesis.GenerationMode, target: FuzzTarget) -> Any:
    pinned = LENIENT_HEADERS if mode.is_negative else None
    plain = operation.as_strategy(generation_mode=mode, headers=pinned)
    anchor = baseline_body(target.data) if operation.method.upper() == "POST" else None
    if mode.is_negative or anchor is None:
        return plain

    def lay_anchor(case: Any) -> Any:
        if case.media_type == "application/json":
            case.body = anchored(case.body, anchor)
        return case

    fixed = operation.as_strategy(body=anchor, media_type="application/json")
    return st.one_of(plain, plain.map(lay_anchor), fixed)


def sent_headers(case_headers: Mapping[str, str] | None, token: str) -> dict[str, str]:
    """The headers passed to `case.call`: each documented one (the case's own value if it has
    one, else the documented value), and the token.

    The case's own values are passed again on purpose: Schemathesis lays the session's headers
    under the ones passed here and over the case's, so an Accept left out here would go out as
    requests' session default `*/*` even when the case carries one.
    """
    own = {name.lower(): value for name, value in (case_headers or {}).items()}
    documented = {k: own.get(k.lower(), v) for k, v in DOCUMENTED_HEADERS.items()}
    return {**documented, "Authorization": f"Bearer {token}"}


def exchange_from(response: schemathesis.Response) -> Exchange:
    """The exchange of a case's answer, its request exactly as sent."""
    return sent_exchange(
        response.request,
        status=response.status_code,
        response_headers={k: ", ".join(v) for k, v in response.headers.items()},
        response_body=trim(response.content.decode("utf-8", errors="replace")),
        elapsed_ms=round(response.elapsed * 1000, 1),
    )


def resend(
    request: requests.PreparedRequest, token: str | None, transport: Mapping[str, Any]
) -> Exchange:
    """Send a recorded request again with another bearer token (None: no Authorization)."""
    probe = request.copy()
    probe.headers.pop("Authorization", None)
    if token is not None:
        probe.headers["Authorization"] = f"Bearer {token}"
    timeout = transport.get("timeout", DEFAULT_TIMEOUT_S)
    session = transport.get("session") or make_session(timeout)
    started = time.monotonic()
    try:
        answer = session.send(probe, timeout=timeout)
    except (requests.RequestException, TargetStopped) as exc:
        return sent_exchange(probe, error=str(exc))
    elapsed = time.monotonic() - started
    headers = {k: [v] for k, v in answer.headers.items()}
    return exchange_from(
        schemathesis.Response(answer.status_code, headers, answer.content, probe, elapsed, True)
    )
