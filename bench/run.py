"""Benchmark the mock side by side with Prism's mock and a bare Starlette floor; print figures.

    .venv/bin/python bench/run.py                      # everything: 3 rounds of 5 s a figure
    .venv/bin/python bench/run.py --rounds 1 --sections throughput
    .venv/bin/python bench/run.py --label after --json-out bench/results/after.json

Sections: throughput (wrk: JSON create, XML create, rejected create; 10 and 50 connections;
mock, prism, floor interleaved in every round so they see the same machine; the figures are
the median round's), memory (RSS of a fresh mock before and after 100,000 creates, floor
alongside), conformance (the harness's full run against a fresh mock: total and per stage;
fuzz cases/s against Schemathesis's own CLI with the same --max-examples). Installs wrk
(apt-get) and Prism (npm, into bench/.node) when missing. Every server listens on 127.0.0.1
and is stopped before the script ends. A script, not a test.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.measure import conformance, memory, throughput
from bench.output import conformance_text, ratio_table, throughput_table

# ------------------------------------------------------------------ main


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sections",
        default="throughput,memory,conformance",
        help="comma-separated: throughput, memory, conformance",
    )
    parser.add_argument(
        "--servers", default="mock,prism,floor", help="also mock-stock, mock-base (throughput)"
    )
    parser.add_argument(
        "--baseline-root", type=Path, help="the checkout whose mock is mock-base (e.g. main's)"
    )
    parser.add_argument("--workloads", default="json,xml,rejected")
    parser.add_argument("--connections", default="10,50")
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per measurement")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds before each")
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="throughput rounds, servers interleaved in each; figures from the median round",
    )
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--creates", type=int, default=100_000, help="for the memory figure")
    parser.add_argument("--max-examples", type=int, default=100, help="fuzz cases per operation")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--label", default="", help="a name for this run, e.g. before/after")
    parser.add_argument("--json-out", type=Path, help="also write every figure here")
    args = parser.parse_args(argv)
    args.sections = args.sections.split(",")
    args.servers = args.servers.split(",")
    args.workloads = args.workloads.split(",")
    args.connections = [int(c) for c in args.connections.split(",")]
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    report: dict[str, object] = {
        "label": args.label,
        "started": _now(),
        "args": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
    }
    text: list[str] = []
    failed = False
    for section in args.sections:
        try:
            text += SECTIONS[section](args, report)
        except Exception as exc:  # a bench reports what it could measure and goes on
            failed = True
            text += ["", f"{section.upper()} FAILED: {type(exc).__name__}: {exc}"]
    title = f"BENCH {args.label} {report['started']} ({os.cpu_count()} cores)".replace("  ", " ")
    print("\n" + title + "\n" + "\n".join(text))
    if args.json_out:
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        args.json_out.write_text(json.dumps(report, indent=2, default=str))
    return 1 if failed else 0


def _throughput_section(args: argparse.Namespace, report: dict[str, object]) -> list[str]:
    print(
        f"throughput ({args.rounds} rounds of {args.duration:g} s each, wrk, interleaved):",
        flush=True,
    )
    results = throughput(args)
    report["throughput"] = [vars(m) for m in results]
    return ["", "THROUGHPUT", throughput_table(results), "", "RATIOS (req/s)", ratio_table(results)]


def _memory_section(args: argparse.Namespace, report: dict[str, object]) -> list[str]:
    print(f"memory ({args.creates} creates, 50 connections):", flush=True)
    rows = memory(args)
    report["memory"] = rows
    return ["", "MEMORY"] + [
        f"{r['server']:6} RSS {r['rss_before_mb']:.1f} MB -> {r['rss_after_mb']:.1f} MB "
        f"after {r['created']} creates ({r['bytes_per_create']:.0f} B/create, "
        f"{r['seconds']:.1f} s)"
        for r in rows
    ]


def _conformance_section(args: argparse.Namespace, report: dict[str, object]) -> list[str]:
    print(f"conformance (seed {args.seed}, --max-examples {args.max_examples}):", flush=True)
    conf = conformance(args)
    report["conformance"] = conf
    return ["", "CONFORMANCE", conformance_text(conf)]


SECTIONS = {
    "throughput": _throughput_section,
    "memory": _memory_section,
    "conformance": _conformance_section,
}


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


if __name__ == "__main__":
    raise SystemExit(main())
