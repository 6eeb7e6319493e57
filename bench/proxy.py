"""The proxy's overhead: the mock direct and through `conformance proxy`, side by side in one run.

    .venv/bin/python bench/proxy.py [--connections 10 50] [--duration 5] [--warmup 2] [--rounds 3]
                                    [--workloads json rejected]

A fresh mock and a proxy in front of it (each its own process, 127.0.0.1, free ports); wrk
(Debian; installed with apt-get when missing) with bench/lua's workloads against both, direct
and proxied interleaved in every round so both see the same machine. Prints, per workload and
connection count, the median round's req/s, p50 and p99 of each, the added p50 and p99 (ms) and
the ratios proxy/direct; the proxy's report counts at the end (every exchange judged, 0
deviations expected against the mock). A script, not a test.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.workloads import WORKLOADS, ensure_wrk, run_wrk  # noqa: E402
from tests.support import BASE_PATH, free_port, mock_argv, proxy_argv, running_process  # noqa: E402

PROFILE = ROOT / "mock_server" / "data" / "profile.yaml"
CREATE = f"{BASE_PATH}/activity/email/general"


@contextmanager
def servers(tmp: Path) -> Iterator[tuple[str, str]]:
    """The mock, and the proxy in front of it; yields (direct, proxied) create URLs."""
    mock_port, proxy_port = free_port(), free_port()
    profile = yaml.safe_load(PROFILE.read_text())
    profile["base_url"] = f"http://127.0.0.1:{mock_port}{BASE_PATH}"
    (tmp / "profile.yaml").write_text(yaml.safe_dump(profile))
    mock = mock_argv(mock_port)
    proxy = proxy_argv(tmp / "profile.yaml", proxy_port, tmp / "report")
    with (
        running_process(mock, f"http://127.0.0.1:{mock_port}/mock/health", 60),
        running_process(proxy, f"http://127.0.0.1:{proxy_port}/_conformance/health", 60),
    ):
        yield f"http://127.0.0.1:{mock_port}{CREATE}", f"http://127.0.0.1:{proxy_port}{CREATE}"


def wrk(binary: str, url: str, workload: str, connections: int, seconds: int) -> dict[str, float]:
    """One round of bench.workloads' wrk (one thread), as req/s and p50/p99 in ms."""
    raw = run_wrk(binary, url, workload, connections, seconds, threads=1)
    return {
        "rps": raw["requests"] / (raw["duration_us"] / 1e6),
        "p50": raw["p50"] / 1000,
        "p99": raw["p99"] / 1000,
        "errors": raw["connect"] + raw["read"] + raw["write"] + raw["timeout"],
    }


def median_round(rounds: list[dict[str, float]]) -> dict[str, float]:
    """The round of median throughput (its latencies go with it)."""
    ranked = sorted(rounds, key=lambda r: r["rps"])
    return ranked[len(ranked) // 2]


def compare(binary: str, urls: tuple[str, str], args: argparse.Namespace) -> list[dict]:
    rows = []
    for workload in args.workloads:
        for connections in args.connections:
            rounds: dict[str, list[dict[str, float]]] = {"direct": [], "proxy": []}
            for _ in range(args.rounds):
                for name, url in zip(("direct", "proxy"), urls, strict=True):
                    wrk(binary, url, workload, connections, args.warmup)
                    rounds[name].append(wrk(binary, url, workload, connections, args.duration))
            direct, proxy = median_round(rounds["direct"]), median_round(rounds["proxy"])
            rows.append(
                {
                    "workload": workload,
                    "connections": connections,
                    "direct": direct,
                    "proxy": proxy,
                    "added_p50_ms": proxy["p50"] - direct["p50"],
                    "added_p99_ms": proxy["p99"] - direct["p99"],
                    "ratio_p50": proxy["p50"] / direct["p50"],
                    "ratio_p99": proxy["p99"] / direct["p99"],
                    "ratio_rps": proxy["rps"] / direct["rps"],
                }
            )
    return rows


def show(rows: list[dict]) -> None:
    print(
        f"{'workload':9} {'conns':>5} | {'direct req/s':>12} {'p50':>7} {'p99':>7} | "
        f"{'proxy req/s':>11} {'p50':>7} {'p99':>7} | {'+p50 ms':>8} {'+p99 ms':>8} | "
        f"{'p50 x':>6} {'p99 x':>6} {'req/s x':>7}"
    )
    for r in rows:
        d, p = r["direct"], r["proxy"]
        print(
            f"{r['workload']:9} {r['connections']:>5} | {d['rps']:>12.0f} {d['p50']:>7.2f} "
            f"{d['p99']:>7.2f} | {p['rps']:>11.0f} {p['p50']:>7.2f} {p['p99']:>7.2f} | "
            f"{r['added_p50_ms']:>8.2f} {r['added_p99_ms']:>8.2f} | {r['ratio_p50']:>6.2f} "
            f"{r['ratio_p99']:>6.2f} {r['ratio_rps']:>7.2f}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/proxy.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--connections", type=int, nargs="+", default=[10, 50])
    parser.add_argument("--duration", type=int, default=5, help="seconds a figure")
    parser.add_argument("--warmup", type=int, default=2, help="seconds before each figure")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--workloads", nargs="+", choices=sorted(WORKLOADS), default=["json", "rejected"]
    )
    parser.add_argument("--json-out", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    binary = ensure_wrk()
    with tempfile.TemporaryDirectory() as tmp, servers(Path(tmp)) as urls:
        rows = compare(binary, urls, args)
        report = requests.get(
            urls[1].split(BASE_PATH)[0] + "/_conformance/report", timeout=120
        ).json()
    show(rows)
    traffic, counts = report["traffic"], report["counts"]
    print(
        f"proxy: {traffic.get('exchanges', 0)} exchanges, {traffic.get('judged', 0)} judged, "
        f"{counts['deviations']} deviation(s), {traffic.get('faults', 0)} fault(s)"
    )
    if args.json_out:
        args.json_out.write_text(json.dumps({"rows": rows, "traffic": traffic}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
