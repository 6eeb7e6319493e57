"""The mutation suite: the independent server with one documented fact broken, once per break.

    python -m tests.independent.mutations [--json] [--only RULE_ID ...]

For every break of `tests.independent.breaks.BREAKS`, the server (in a thread of this process,
on a free loopback port) is swapped for one with that break, and `conformance run` checks the
broken rule's area in vendor mode. A break is *caught* when the run exits 1 with deviations that
name the broken rule and no other. A few breaks change an item the catalog only infers; the
harness must report those as a difference of that rule, and nothing more (DIFFERENCES).
Prints one line per break and "caught N of M".
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import uvicorn
from tests.independent.breaks import BREAKS
from tests.independent.server import create_app

from conformance.catalog import load_catalog
from conformance.cli import main as conformance
from tests.support import BASE_PATH, free_port

PROFILE = Path(__file__).with_name("profile.yaml")
# Breaks of an item the catalog does not hold as documented: a difference is the right verdict.
DIFFERENCES = {
    "HDR-03": "a missing header taking its default is inferred: the docs also call it required",
}

Scope = MutableMapping[str, Any]
App = Callable[[Scope, Any, Any], Awaitable[None]]


class Switch:
    """An ASGI app whose inner app can be swapped between runs (one per break, fresh state)."""

    def __init__(self, app: App) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        await self.app(scope, receive, send)


@dataclass(frozen=True)
class Verdict:
    rule: str
    broken: str
    exit_code: int
    deviations: tuple[str, ...]  # root causes, as "RULE item: cause"
    differences_of_rule: int
    caught: bool


@contextlib.contextmanager
def serving(switch: Switch) -> Iterator[str]:
    """The switch on 127.0.0.1:free port, in a thread; yields the API base URL."""
    port = free_port()
    config = uvicorn.Config(switch, host="127.0.0.1", port=port, log_level="warning",
                            lifespan="off", access_log=False)  # fmt: skip
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the independent server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}{BASE_PATH}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def judge(rule: str, base_url: str, report_dir: Path, area: str) -> Verdict:
    """One `conformance run` of the broken rule's area, and what it found."""
    argv = ["run", "--target", str(PROFILE), "--base-url", base_url, "--only", "scenarios",
            "--area", area, "--report-dir", str(report_dir)]  # fmt: skip
    with contextlib.redirect_stdout(io.StringIO()):
        code = conformance(argv)
    causes = json.loads((report_dir / "results.json").read_text())["root_causes"]
    deviations = tuple(
        f"{c['rule_id']} {c['item']}: {c['cause']}" for c in causes if c["verdict"] == "deviation"
    )
    of_rule = [c for c in causes if c["rule_id"] == rule and c["verdict"] == "difference"]
    if rule in DIFFERENCES:
        caught = code == 0 and not deviations and bool(of_rule)
    else:
        own = all(d.startswith(f"{rule} ") for d in deviations)
        caught = code == 1 and bool(deviations) and own
    return Verdict(rule, BREAKS[rule], code, deviations, len(of_rule), caught)


def run_all(rules: list[str]) -> list[Verdict]:
    catalog = load_catalog()
    switch = Switch(create_app())
    verdicts = []
    with serving(switch) as base_url, tempfile.TemporaryDirectory() as tmp:
        for rule in rules:
            switch.app = create_app(rule)
            area = catalog.get(rule).area
            verdicts.append(judge(rule, base_url, Path(tmp) / rule, area))
    return verdicts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.independent.mutations")
    parser.add_argument("--json", action="store_true", help="print the verdicts as JSON")
    parser.add_argument("--only", nargs="*", metavar="RULE_ID", help="these breaks only")
    args = parser.parse_args(argv)
    rules = args.only or list(BREAKS)
    verdicts = run_all(rules)
    if args.json:
        print(json.dumps([asdict(v) for v in verdicts]))
    else:
        for v in verdicts:
            mark = "caught" if v.caught else "MISSED"
            print(f"{mark:7} {v.rule:8} exit {v.exit_code} {v.broken}; {'; '.join(v.deviations)}")
    caught = sum(v.caught for v in verdicts)
    print(f"caught {caught} of {len(verdicts)}", file=sys.stderr if args.json else sys.stdout)
    return 0 if caught == len(verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
