"""--annotate adds the exchange's violations as a header and leaves the body alone; the report
is served and written on demand at /_conformance/report."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from conformance.proxy.command import Proxy
from conformance.proxy.forward import ANNOTATION
from tests.independent.mutations import Switch, serving
from tests.independent.server import create_app
from tests.proxy.support import INDEPENDENT_PROFILE, proxy_plan
from tests.support import BASE_PATH

OPERATION = BASE_PATH + "/activity/email/general"
TYPE = {"value": "email", "subtype": {"value": "general"}}
ADDRESSES = {"from": "tomas@buyers.example", "receiver": "support@indie-desk.example"}
BODY = {"department": {"name": "Support"}, "type": TYPE, "subject": "s",
        "payload": {"email": {"emailAddresses": ADDRESSES}}}  # fmt: skip
AUTH = {"Authorization": "Bearer indep-agent-7f3a", "Accept": "application/json"}  # a user


@pytest.fixture(scope="module")
def annotating(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A proxy with --annotate in front of the independent server that ignores unknown query
    parameters (QRY-01 broken)."""
    report_dir = tmp_path_factory.mktemp("annotate")
    with serving(Switch(create_app("QRY-01"))) as base_url:
        proxy = Proxy(proxy_plan(INDEPENDENT_PROFILE, base_url, report_dir, annotate=True))
        with proxy.running() as url:
            yield url, report_dir


def test_a_broken_answer_carries_its_violations_in_a_header(annotating: tuple[str, Path]) -> None:
    url, _ = annotating
    broken = requests.post(url + OPERATION + "?colour=red", json=BODY, headers=AUTH, timeout=30)
    assert broken.status_code == 201 and broken.content == b""
    assert broken.headers[ANNOTATION].startswith("QRY-01 outcome: ")
    assert (
        "client QRY-01: a query parameter the operation does not define"
        in broken.headers[ANNOTATION]
    )
    fine = requests.post(url + OPERATION, json=BODY, headers=AUTH, timeout=30)
    assert fine.status_code == 201 and ANNOTATION not in fine.headers


def test_the_report_is_served_and_written_on_demand(annotating: tuple[str, Path]) -> None:
    url, report_dir = annotating
    requests.post(url + OPERATION + "?colour=red", json=BODY, headers=AUTH, timeout=30)
    document = requests.get(url + "/_conformance/report", timeout=60).json()
    assert document["counts"]["deviations"] >= 1
    assert {c["rule_id"] for c in document["root_causes"]} == {"QRY-01"}
    assert document["client_mistakes"][0]["rule_id"] == "QRY-01"
    written = json.loads((report_dir / "results.json").read_text(encoding="utf-8"))
    assert written["traffic"]["exchanges"] >= 1
    assert (report_dir / "report.html").read_text(encoding="utf-8").count("your client sent") >= 1
    html = requests.get(url + "/_conformance/report.html", timeout=60)
    assert html.headers["Content-Type"].startswith("text/html") and "QRY-01" in html.text
