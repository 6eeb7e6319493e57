"""Faults: an upstream that refuses, hangs, resets or answers garbage gets the client a 502 or
504 in the vendor's error shape with the proxy's own code, within the deadline; the proxy stays
up and records each. Bad input to the proxy itself gets a clear 4xx."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
import requests
import yaml

from conformance.proxy.command import Proxy
from tests.hardening.rawhttp import exchange, request_bytes
from tests.proxy.support import MOCK_PROFILE, proxy_plan
from tests.support import BASE_PATH, ROOT, free_port, serve

DEADLINE_S = 1.0  # the profile's timeout_seconds: each exchange's deadline
CLIENT_BOUND_S = 15.0  # the test's own bound: a proxy that never answers fails, never hangs
FAULTY = ROOT / "tests" / "hardening" / "faulty_targets.py"
KINDS = ("hang", "reset", "garbage")
OPERATION = BASE_PATH + "/activity/email/general"


@pytest.fixture(scope="module")
def profile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    raw = yaml.safe_load(MOCK_PROFILE.read_text(encoding="utf-8"))
    path = tmp_path_factory.mktemp("faults") / "profile.yaml"
    path.write_text(yaml.safe_dump({**raw, "timeout_seconds": DEADLINE_S}), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def upstreams() -> Iterator[dict[str, str]]:
    """Each faulty server of tests/hardening on its port, and a port nobody listens on."""
    with ExitStack() as stack:
        urls = {}
        for kind in KINDS:
            port = free_port()
            argv = [sys.executable, str(FAULTY), kind, "--port", str(port)]
            urls[kind] = stack.enter_context(serve(argv, port)) + BASE_PATH
        urls["refused"] = f"http://127.0.0.1:{free_port()}{BASE_PATH}"
        yield urls


@pytest.fixture(scope="module")
def proxy(profile: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Proxy, str]]:
    """One proxy for every test here (each points it at its upstream), with a small body cap."""
    nobody = f"http://127.0.0.1:{free_port()}{BASE_PATH}"
    proxy = Proxy(proxy_plan(profile, nobody, tmp_path_factory.mktemp("proxy")))
    proxy.app.max_request = 1024
    with proxy.running() as url:
        yield proxy, url


def _point(proxy: Proxy, base_url: str) -> None:
    proxy.app.origin = base_url.split(BASE_PATH)[0]


@pytest.mark.parametrize(("kind", "status", "sent"), [
    ("refused", 502, 2), ("hang", 504, 1), ("reset", 502, 2), ("garbage", 502, 2),
])  # fmt: skip
def test_an_upstream_fault_is_a_clear_502_or_504_and_the_proxy_stays_up(
    kind: str, status: int, sent: int, upstreams: dict[str, str], proxy: tuple[Proxy, str]
) -> None:
    watching, url = proxy
    _point(watching, upstreams[kind])
    for _ in range(sent):  # the second one too: the proxy is still there
        auth = {"Authorization": "Bearer user-admin-token"}
        answer = requests.post(url + OPERATION, data=b"{}", headers=auth, timeout=CLIENT_BOUND_S)
        assert answer.status_code == status
        body = answer.json()
        assert body["code"] == f"{status}-990"
        assert body["developerMessage"].startswith("conformance proxy: ")
        assert answer.headers["x-conformance-proxy"] == "fault"
    assert requests.get(url + "/_conformance/health", timeout=CLIENT_BOUND_S).status_code == 200
    result = watching.session.result()
    faults = {c.actual: c for c in result.checks if c.kind == "fault"}
    recorded = "timeout" if kind == "hang" else kind
    assert faults[recorded].count == sent and result.failures  # a fault is a deviation


def test_an_xml_client_gets_the_fault_in_xml(
    upstreams: dict[str, str], proxy: tuple[Proxy, str]
) -> None:
    watching, url = proxy
    _point(watching, upstreams["refused"])
    answer = requests.post(url + OPERATION, data=b"{}", timeout=CLIENT_BOUND_S,
                           headers={"Accept": "application/xml"})  # fmt: skip
    assert answer.status_code == 502
    assert answer.headers["Content-Type"] == "application/xml"
    assert answer.text.startswith("<error><code>502-990</code>")


@pytest.fixture
def proxy_port(proxy: tuple[Proxy, str]) -> int:
    return int(proxy[1].rsplit(":", 1)[1])


def test_a_body_over_the_proxys_cap_is_413_and_never_sent(proxy_port: int) -> None:
    raw = request_bytes("POST", OPERATION, proxy_port, body=b"x" * 2048)
    answer = exchange(proxy_port, raw, timeout=CLIENT_BOUND_S)
    assert answer.status == 413
    assert json.loads(answer.body)["code"] == "413-990"


@pytest.mark.parametrize("raw", [
    b"NOT A REQUEST LINE\r\n\r\n",
    b"GET /core/casemgr/v3 HTTP/1.1\r\nHost: x\r\nX-Huge: " + b"a" * (256 * 1024) + b"\r\n\r\n",
    b"GET /a b c HTTP/1.1\r\nHost: x\r\n\r\n",
], ids=["request-line", "huge-header", "spaces-in-target"])  # fmt: skip
def test_a_malformed_request_or_huge_headers_get_a_4xx(proxy_port: int, raw: bytes) -> None:
    answer = exchange(proxy_port, raw, timeout=CLIENT_BOUND_S)
    assert 400 <= answer.status < 500
    if b"X-Huge" in raw:
        assert answer.status == 431 and json.loads(answer.body)["code"] == "431-990"
