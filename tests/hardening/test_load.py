"""Load: 64 concurrent keep-alive clients send 20,000 valid creates to one mock.

No answer is a 5xx, no connection fails, every Location id is distinct, and the mock's store
holds exactly the activities that were answered 201 (read through GET /mock/state).
"""

from __future__ import annotations

import json
import re

import pytest
import requests

from tests.hardening import rawhttp
from tests.support import BASE_PATH, running_mock

CLIENTS = 64
CREATES = 20_000
BODY = json.dumps(
    {
        "department": {"name": "Service"},
        "type": {"value": "email", "subtype": {"value": "general"}},
        "subject": "load",
        "payload": {
            "email": {
                "emailAddresses": {"from": "bruno@client.example", "receiver": "help@shop.example"}
            }
        },
    }
).encode()
HEADERS = {
    "Authorization": "Bearer user-admin-token",
    "Accept": "application/json",
    "Content-Type": "application/json",
}


@pytest.mark.slow
def test_64_clients_20000_creates_no_5xx_distinct_ids_store_matches() -> None:
    with running_mock() as base:
        port = int(re.search(r":(\d+)/", base).group(1))  # type: ignore[union-attr]
        raw = rawhttp.request_bytes(
            "POST", f"{BASE_PATH}/activity/email/general", port, HEADERS, BODY
        )
        result = rawhttp.send_many(port, raw, CREATES, CLIENTS, timeout=200)
        state = requests.get(base.removesuffix(BASE_PATH) + "/mock/state", timeout=60).json()

    assert result.errors == []
    assert sum(result.statuses.values()) == CREATES
    assert not [s for s in result.statuses if s >= 500], result.statuses
    assert result.statuses[201] == CREATES, result.statuses  # a valid create is never refused
    ids = [loc.rsplit("/", 1)[-1] for loc in result.locations]
    assert all(re.fullmatch(rf"{BASE_PATH}/activity/\d+", loc) for loc in result.locations)
    assert len(set(ids)) == len(ids) == result.statuses[201]
    stored = [str(a["id"]) for a in state["activities"]]
    assert len(stored) == len(set(stored))
    assert set(stored) == set(ids)
