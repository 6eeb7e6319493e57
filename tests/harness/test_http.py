"""The HTTP layer of the harness: the reachability probe, curl reproductions, vendor codes."""

from __future__ import annotations

import errno
import hashlib
import shlex
import shutil
import subprocess

import pytest
import requests
import responses

from conformance.errors import TargetUnreachable
from conformance.probe import probe
from conformance.results import (
    QUOTED_BODY_BYTES,
    Exchange,
    Outcome,
    RuleStatus,
    error_code_of,
    rule_status,
)
from tests.harness.conftest import BASE_URL, check, vendor_exchange
from tests.support import free_port


@responses.activate
def test_any_http_answer_means_the_target_is_reachable() -> None:
    responses.add(responses.GET, BASE_URL, status=404, json={"code": "404-100"})
    probe(BASE_URL, 5)


@responses.activate
def test_a_refused_connection_is_unreachable() -> None:
    refused = ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused")
    responses.add(responses.GET, BASE_URL, body=requests.ConnectionError(refused))
    with pytest.raises(TargetUnreachable, match="connection refused") as caught:
        probe(BASE_URL, 5)
    assert caught.value.exit_code == 3


def test_a_closed_port_is_unreachable_over_real_sockets() -> None:
    with pytest.raises(TargetUnreachable, match="cannot reach the target"):
        probe(f"http://127.0.0.1:{free_port()}/core/casemgr/v3", 2)


def test_curl_quotes_everything_and_sends_exactly_the_headers_sent() -> None:
    body = b'{"subject": "it\'s $HOME; rm -rf /"}'
    exchange = Exchange(
        method="POST",
        url=f"{BASE_URL}/activity/email/general?customer=1000",
        request_headers={
            "Authorization": "Bearer t0k",
            "Content-Length": str(len(body)),
            "Connection": "keep-alive",
            "Content-Type": "",
        },
        request_body=body.decode(),
        sent_body=body,
    )
    argv = shlex.split(exchange.curl())
    assert argv[:7] == [
        "curl",
        "-i",
        "-X",
        "POST",
        f"{BASE_URL}/activity/email/general?customer=1000",
        "--globoff",  # the URL as it is: no [] {} globbing, no /../ squashing
        "--path-as-is",
    ]
    headers = [argv[i + 1] for i, arg in enumerate(argv) if arg == "-H"]
    # as sent (an empty value as curl spells it); curl's own defaults switched off; the
    # Content-Length curl computes itself from the same bytes
    assert headers == [
        "Authorization: Bearer t0k",
        "Connection: keep-alive",
        "Content-Type;",
        "Accept:",
        "User-Agent:",
        "Expect:",
    ]
    assert argv[-2:] == ["--data-binary", body.decode()]


@pytest.mark.parametrize(
    "body", [b"x" * (QUOTED_BODY_BYTES + 1), b"\xff\xfe not UTF-8", b"@/etc/passwd", b"a\0b"]
)
def test_a_body_a_shell_argument_cannot_carry_exactly_is_read_from_a_file(body: bytes) -> None:
    exchange = Exchange("POST", BASE_URL, {}, request_body="preview", sent_body=body)
    assert exchange.body_file == f"bodies/{hashlib.sha256(body).hexdigest()}.bin"
    assert shlex.split(exchange.curl())[-2:] == ["--data-binary", "@" + exchange.body_file]


@pytest.mark.skipif(shutil.which("curl") is None, reason="the curl binary is not installed")
def test_the_curl_command_runs_in_a_shell() -> None:
    """What a reader pastes: the command parses and curl accepts every argument."""
    exchange = vendor_exchange(201)
    port = free_port()  # nothing listens: curl exits 7 (could not connect), not 2 (bad usage)
    command = exchange.curl().replace("http://vendor.test", f"http://127.0.0.1:{port}")
    done = subprocess.run(["bash", "-c", command], capture_output=True, timeout=30)
    assert done.returncode == 7, done.stderr


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b'{"code": "400-146", "developerMessage": "x"}', "400-146"),
        ('<error xmlns="urn:x"><code>406-100</code></error>', "406-100"),
        ("<ns:error xmlns:ns='urn:x'><ns:code> 401-101 </ns:code></ns:error>", "401-101"),
        (b"<error><code>400-146</code>", None),  # not well-formed
        (b"<page><code>400-146</code></page>", None),  # not an error body
        (b'<!DOCTYPE e [<!ENTITY c "400-1">]><error><code>&c;</code></error>', None),
        (b"Internal Server Error", None),
        (b'["400-146"]', None),
        (b'{"code": 400}', None),
    ],
)
def test_error_code_of_json_and_xml_bodies(body: bytes | str, code: str | None) -> None:
    assert error_code_of(body) == code


def test_rule_status_from_its_checks() -> None:
    passed, failed = check("HDR-01", Outcome.PASSED), check("HDR-01", Outcome.FAILED)
    na, error = check("HDR-01", Outcome.NOT_APPLICABLE), check("HDR-01", Outcome.ERROR)
    assert rule_status([]) == RuleStatus.NOT_CHECKED
    assert rule_status([na, na]) == RuleStatus.NOT_APPLICABLE
    assert rule_status([passed, na]) == RuleStatus.PASSED
    assert rule_status([passed, failed]) == RuleStatus.FAILED
    assert rule_status([passed, error]) == RuleStatus.FAILED
