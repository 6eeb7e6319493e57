"""A run reads each of its inputs once (issue #13) and hands them down; one `parse_settings`.

`run_counting_reads` runs the CLI counting the reads of its input files; the selected run of
test_selection.py goes through it and asserts one read each (a run of its own would cost a
mock and a scenario stage more)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conformance.errors import ConfigError
from conformance.inputs import parse_settings
from tests.support import ROOT

Finished = subprocess.CompletedProcess[str]
# Counts every read of a file named like an input, by Path or open(), in a whole `run`.
RUNNER = """
import builtins, collections, json, pathlib, sys
INPUTS = ("profile.yaml", "rules.yaml", "openapi.yaml")
reads = collections.Counter()
def counted(original):
    def read(self, *args, **kwargs):
        reads[self.name] += self.name in INPUTS
        return original(self, *args, **kwargs)
    return read
pathlib.Path.read_text = counted(pathlib.Path.read_text)
pathlib.Path.read_bytes = counted(pathlib.Path.read_bytes)
plain_open = builtins.open
def opened(file, *args, **kwargs):
    name = pathlib.Path(file).name if isinstance(file, (str, pathlib.Path)) else ""
    reads[name] += name in INPUTS
    return plain_open(file, *args, **kwargs)
builtins.open = opened
from conformance.cli import main
code = main(sys.argv[1:])
print(json.dumps({"reads": {k: v for k, v in reads.items() if v}}))
sys.exit(code)
"""


def run_counting_reads(*args: str | Path) -> tuple[Finished, dict[str, int]]:
    """`conformance` with `args` in a fresh interpreter; how often it read each input file."""
    proc = subprocess.run(
        [sys.executable, "-c", RUNNER, *(str(a) for a in args)],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    lines = proc.stdout.strip().splitlines()
    assert lines, proc.stderr[-3000:]
    return proc, dict(json.loads(lines[-1])["reads"])


def test_settings_are_typed_yaml_scalars() -> None:
    pairs = ["secure_messaging=false", "max_body_size_kb= 64", "name=", "mode=a:b"]
    assert parse_settings(pairs) == {
        "secure_messaging": False,
        "max_body_size_kb": 64,
        "name": "",
        "mode": "a:b",
    }
    with pytest.raises(ConfigError, match="--setting expects key=value, got 'secure'"):
        parse_settings(["secure"])
