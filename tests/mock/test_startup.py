"""Starting the mock: flags, MOCK_* variables, the data file and its validation, start-up time."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
import yaml

from mock_server.__main__ import settings_from
from mock_server.data import DataError, load_seed
from mock_server.settings import DEFAULT_DATA
from tests.mock.conftest import CUSTOMER, Api, customer_body, user_body
from tests.support import READY_S, ROOT, free_port, running_mock


def test_flags_switch_every_setting_off() -> None:
    """The settings given as flags at start behave as their 'off' positions."""
    flags = ("--no-customer-departmentalization", "--no-secure-messaging",
             "--max-body-size-kb", "1", "--max-email-size-mb", "0.01")  # fmt: skip
    with running_mock(*flags) as base:
        api = Api(base)
        assert api.state()["settings"] == {
            "customer_departmentalization": False, "secure_messaging": False,
            "max_email_size_mb": 0.01, "max_body_size_kb": 1}  # fmt: skip
        carla = user_body(payload__email__emailAddresses__from="carla@client.example")
        assert api.activity(api.create(carla))["customer"]["id"] == "1003"  # UC-10 off
        assert api.create(user_body(secure=True)).json()["code"] == "400-152"  # UC-16
        assert api.create(customer_body(), token=CUSTOMER).json()["code"] == "400-152"  # CUS-15
        long = user_body(payload__email__content={"text": "a" * 1100})
        assert api.create(long).json()["code"] == "400-152"  # LIM-01 at 1 KB
        huge = user_body(payload__email__content={"text": "a" * 20_000})
        too_large = api.create(huge)  # LIM-03 at 10 KB
        assert too_large.status_code == 400 and api.last_request()["rule_id"] == "LIM-03"


def test_environment_variables_and_flags() -> None:
    env = {
        "MOCK_SECURE_MESSAGING": "false",
        "MOCK_PORT": "9001",
        "MOCK_CORS_ORIGIN": "http://a,http://b",
    }
    settings = settings_from([], env)
    assert settings.secure_messaging is False and settings.port == 9001
    assert settings.cors_origins == ("http://a", "http://b")
    assert settings.customer_departmentalization is None  # falls back to the data file
    flagged = settings_from(["--secure-messaging", "--quiet", "--port", "1"], env)
    assert flagged.secure_messaging is True and flagged.quiet and flagged.port == 1
    assert settings_from([], {}).host == "127.0.0.1"
    with pytest.raises(SystemExit):
        settings_from([], {"MOCK_QUIET": "perhaps"})


def test_it_comes_up_and_logs_one_line_per_request(tmp_path: Path) -> None:
    """READY_S guards against a hang, not a speed: how fast it starts is a figure for bench/."""
    port = free_port()
    log = (tmp_path / "stderr.txt").open("w")
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "mock_server", "--port", str(port)], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=log)  # fmt: skip
    try:
        ready = None
        while time.monotonic() - started < READY_S:
            try:
                requests.get(f"http://127.0.0.1:{port}/mock/health", timeout=0.5)
                ready = time.monotonic() - started
                break
            except requests.ConnectionError:
                time.sleep(0.02)
        assert ready is not None, f"not answering after {READY_S} s"
        requests.get(f"http://127.0.0.1:{port}/core/casemgr/v3/nowhere", timeout=5)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()
    lines = (tmp_path / "stderr.txt").read_text().splitlines()
    assert any('"GET /core/casemgr/v3/nowhere" 404 404-100' in line for line in lines), lines


def _write(tmp_path: Path, change: dict) -> Path:
    data = yaml.safe_load(DEFAULT_DATA.read_text(encoding="utf-8"))
    data.update(change)
    path = tmp_path / "data.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"aliases": [{"id": "1", "address": "a@x.example", "department": "Nowhere"}]},
         "unknown department 'Nowhere'"),
        ({"grants": {"1000": [str(2000 + i) for i in range(76)]}}, "at most 75"),
        ({"grants": {"1000": ["1004"]}}, "grants are between individuals"),
        ({"cases": ["1060", "1060"]}, "duplicate case id"),
        ({"customers": [
            {"id": "1", "contacts": [{"emails": ["same@x.example"]}]},
            {"id": "2", "contacts": [{"emails": ["SAME@x.example"]}]}], "grants": {},
          "tokens": {}}, "duplicate customer email address"),
        ({"tokens": {"t": {"actor": "user", "id": "nobody"}}}, "unknown user 'nobody'"),
        ({"settings": {"max_body_size_kb": "big"}}, "must be a positive number"),
        ({"colour": "blue"}, "unknown top-level key"),
        ({"issue_types": [{"id": "1", "message_center": "Nowhere"}]},
         r"issue_types\[0\]: unknown message center 'Nowhere'"),
        ({"uploads": [{"altId": "a", "size_bytes": -1}]},
         r"uploads\[0\].size_bytes: must be a non-negative integer"),
    ],
)  # fmt: skip
def test_data_file_problems_are_named(tmp_path: Path, change: dict, message: str) -> None:
    with pytest.raises(DataError, match=message):
        load_seed(_write(tmp_path, change))


def test_every_problem_of_the_shape_is_named_at_once_with_its_path(tmp_path: Path) -> None:
    """The schema (mock_server/data/data.schema.json) reports all of them in one run."""
    change = {
        "settings": {"secure_messaging": "yes", "colour": 1},
        "aliases": [{"id": "1", "address": "not an address", "department": "Service"}, {}],
        "customers": [{"id": "12a", "type": "alien"}],
        "tokens": {"t": {"actor": "robot", "id": "x"}},
    }
    with pytest.raises(DataError) as caught:
        load_seed(_write(tmp_path, change))
    assert str(caught.value).splitlines()[1:] == [
        "  - settings.colour: unknown key",
        "  - settings.secure_messaging: must be true or false",
        "  - aliases[0].address: invalid address 'not an address'",
        "  - aliases[1]: 'id' is a required property",
        "  - aliases[1]: 'address' is a required property",
        "  - aliases[1]: 'department' is a required property",
        "  - customers[0].id: customer id '12a' must be decimal digits",
        "  - customers[0].type: 'alien' is not one of ['individual', 'group', 'corporate']",
        "  - tokens.t.actor: must be one of user, client, customer",
    ]


def test_default_data_loads_and_a_bad_file_stops_the_cli(tmp_path: Path) -> None:
    assert len(load_seed(DEFAULT_DATA).customers) == 6
    bad = _write(tmp_path, {"cases": ["1", "1"]})
    done = subprocess.run([sys.executable, "-m", "mock_server", "--data", str(bad)], cwd=ROOT,
                          capture_output=True, text=True, timeout=30)  # fmt: skip
    assert done.returncode == 2
    assert "duplicate case id" in done.stderr and "Traceback" not in done.stderr


def test_a_replacement_data_file_is_served(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        {
            "departments": ["Service", "Sales", "Support"],
            "aliases": [
                {
                    "id": "9",
                    "name": "Support",
                    "department": "Support",
                    "address": "support@shop.example",
                    "active": True,
                }
            ],
        },
    )
    with running_mock("--data", str(path)) as base:
        body = user_body(
            department__name="Support",
            payload__email__emailAddresses__receiver="support@shop.example",
        )
        api = Api(base)
        # departmentalization is on: ana (Service) is unknown in Support
        assert api.create(body).json()["code"] == "400-146"
        body["customer"] = {"type": {"value": "individual"}}
        created = api.activity(api.create(body))
        assert api.customer(created["customer"]["id"])["department"] == "Support"
