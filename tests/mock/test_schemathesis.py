"""Plain Schemathesis (its pytest integration, every check that fits) finds nothing in the mock.

The harness's fuzz stage knows the seed's rules; this test deliberately does not, so it proves
the mock against the spec alone. One check is excluded, for a documented reason:
`positive_data_acceptance` expects every schema-valid body to be accepted, but most such bodies
break a business rule (unknown department, alias, address...) that no schema can express.
Headers that the seed negotiates more leniently than the spec's enums (`*/*`, q-lists) are
pinned, as in the fuzz stage. A second test runs this one against a server whose errors are
problem+json, to show the checks are not vacuous.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi import checks as oas_checks

from tests.support import BASE_PATH, free_port, running_mock, serve

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "openapi" / "openapi.yaml"
AUTH = {"Authorization": "Bearer user-admin-token"}
# Fixed at generation (not added on top of a generated case, which may spell the header in
# another case and would then mask the generated value).
PINNED = {"header.Accept": "application/json", "header.Accept-Language": "en-US"}
REJECTION = ["400", "401", "403", "404", "405", "406", "413", "415"]
BROKEN_ENV = "PLAIN_SCHEMATHESIS_BROKEN_SERVER"  # set only by the non-vacuity test below


@pytest.fixture(scope="module")
def mock_schema() -> Iterator[schemathesis.BaseSchema]:
    config = schemathesis.Config.from_dict(
        {
            "parameters": PINNED,
            "checks": {"negative_data_rejection": {"expected-statuses": REJECTION}},
            # Schemathesis's coverage phase sends one case per boundary of every keyword and is
            # not bounded by max_examples: with the vendor's Customer model (about 90 typed
            # members) it took 115 s of the suite's 10 minutes. The examples and fuzzing phases
            # (40 cases each way) stay; the long fuzzing run (tests/hardening) covers the rest.
            "phases": {"coverage": {"enabled": False}},
        }
    )
    with _target() as base_url:
        schema = schemathesis.openapi.from_path(str(SPEC), config=config)
        schema.config.update(base_url=base_url)
        yield schema


@contextlib.contextmanager
def _target() -> Iterator[str]:
    """The mock, or the broken server the non-vacuity test names; yields the API base URL."""
    broken = os.environ.get(BROKEN_ENV)
    if not broken:
        with running_mock() as base_url:
            yield base_url
        return
    port = free_port()
    argv = [sys.executable, str(ROOT / "tests" / "broken_servers.py"), broken, "--port", str(port)]
    with serve(argv, port) as root:
        yield root + BASE_PATH


schema = schemathesis.pytest.from_fixture("mock_schema")


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_mock_conforms_to_its_spec(case: schemathesis.Case) -> None:
    case.call_and_validate(
        headers=AUTH,
        excluded_checks=[oas_checks.positive_data_acceptance],
        timeout=10,
    )


def test_the_same_checks_catch_a_server_with_non_vendor_errors() -> None:
    env = {**os.environ, BROKEN_ENV: "problem-json-errors"}
    argv = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x",
            f"{Path(__file__)}::test_mock_conforms_to_its_spec"]  # fmt: skip
    run = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 1, run.stdout[-3000:]
    assert "Response violates schema" in run.stdout or "problem+json" in run.stdout, run.stdout[
        -3000:
    ]
