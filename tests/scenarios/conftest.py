"""Helpers for the scenario tests: run the scenarios in a fresh interpreter, read the verdicts."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.support import BASE_PATH, ROOT, free_port, serve

MOCK_PROFILE = ROOT / "mock_server" / "data" / "profile.yaml"

RUNNER = """
import dataclasses, json, sys
from pathlib import Path
from conformance.inputs import load_inputs
from conformance.scenarios import run_scenarios
profile, base_url, overrides = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
results = run_scenarios(load_inputs(Path(profile), base_url=base_url, settings=overrides))
print(json.dumps([{"id": r.id, "kind": r.kind, "name": r.name, "outcome": r.outcome.value,
                   "rule_ids": list(r.rule_ids), "message": r.message,
                   "exchanges": len(r.exchanges),
                   "findings": [dataclasses.asdict(f) for f in r.findings]} for r in results]))
"""


def run_scenarios_in_subprocess(
    base_url: str, overrides: Mapping[str, Any] | None = None, profile: Path = MOCK_PROFILE
) -> list[dict[str, Any]]:
    """run_scenarios in its own interpreter, so this pytest process is left undisturbed."""
    proc = subprocess.run(
        [sys.executable, "-c", RUNNER, str(profile), base_url, json.dumps(dict(overrides or {}))],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    if proc.returncode != 0:
        raise AssertionError(f"scenario run failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
    return list(json.loads(proc.stdout.strip().splitlines()[-1]))


def bad(results: list[dict[str, Any]]) -> list[str]:
    """The failed, different and errored checks, readable in an assertion message."""
    return [f"{r['outcome']} {r['rule_ids']} {r['name']}: {r['message'][:300]}"
            for r in results if r["outcome"] in ("failed", "difference", "error")]  # fmt: skip


@contextmanager
def broken_server(name: str, *flags: str) -> Iterator[str]:
    """tests/broken_servers.py NAME on a free port; yields the API base URL."""
    port = free_port()
    argv = [sys.executable, str(ROOT / "tests" / "broken_servers.py"), name, "--port", str(port),
            *flags]  # fmt: skip
    with serve(argv, port) as root:
        yield root + BASE_PATH


@pytest.fixture
def mock_profile() -> Path:
    return MOCK_PROFILE
