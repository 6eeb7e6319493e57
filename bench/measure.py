"""The measurements: throughput (servers interleaved in every round, the median round kept),
memory (RSS around an exact number of creates) and the harness's own run against a fresh mock."""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import re
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from bench.servers import (
    BASE_PATH,
    CREATE_PATH,
    PROFILE,
    PY,
    ROOT,
    SPEC,
    TOKEN,
    Server,
    mock_starters,
    start_floor,
    start_mock,
    start_prism,
)
from bench.workloads import FLOOR_WORKLOADS, WORKLOADS, ensure_wrk, lua_request, run_wrk

# The exact-count keep-alive load generator the load test uses: wrk runs for a duration, the
# memory figure needs an exact number of creates.
from tests.hardening import rawhttp


@dataclass
class Measure:
    server: str
    workload: str
    connections: int
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    unexpected: int  # answers other than the workload's expected status class, plus errors
    rounds_rps: tuple[float, ...] = ()  # every round's req/s; the figures are the median round's


def measure(
    wrk: str, server: Server, workload: str, connections: int, args: argparse.Namespace
) -> Measure:
    if args.warmup > 0:
        run_wrk(wrk, server.create_url, workload, connections, args.warmup, args.threads)
    raw = run_wrk(wrk, server.create_url, workload, connections, args.duration, args.threads)
    expected = WORKLOADS[workload][1]
    transport = raw["connect"] + raw["read"] + raw["write"] + raw["timeout"]
    # wrk counts answers >= 400 as status errors: all of them when a 4xx is expected.
    wrong = raw["status"] if expected < 400 else raw["requests"] - raw["status"]
    return Measure(
        server.name,
        workload,
        connections,
        rps=raw["requests"] / (raw["duration_us"] / 1e6),
        p50_ms=raw["p50"] / 1000,
        p99_ms=raw["p99"] / 1000,
        requests=int(raw["requests"]),
        unexpected=int(transport + wrong),
    )


def probe(server: Server, workload: str) -> str:
    """One request of the workload with requests, so a wrong answer is seen before the run."""
    script, expected = WORKLOADS[workload]
    headers, body = lua_request(script)
    resp = requests.post(server.create_url, data=body, headers=headers, timeout=10)
    ok = resp.status_code == expected or (expected >= 400 and 400 <= resp.status_code < 500)
    return "" if ok else f"{server.name} {workload}: {resp.status_code} {resp.text[:200]}"


def throughput(args: argparse.Namespace) -> list[Measure]:
    wrk = ensure_wrk()
    results: list[Measure] = []
    with contextlib.ExitStack() as stack:
        servers = []
        for name in args.servers:
            starters = mock_starters(args.baseline_root)
            starter = {**starters, "prism": start_prism, "floor": start_floor}[name]
            servers.append(stack.enter_context(starter()))
        for workload in args.workloads:
            for server in servers:
                if server.name == "floor" and workload not in FLOOR_WORKLOADS:
                    continue
                problem = probe(server, workload)
                if problem:
                    print(f"  warning: unexpected probe answer: {problem}", flush=True)
            for connections in args.connections:
                cells: dict[str, list[Measure]] = {}
                for round_ in range(1, args.rounds + 1):  # servers interleaved in every round
                    for server in servers:
                        if server.name == "floor" and workload not in FLOOR_WORKLOADS:
                            continue
                        m = measure(wrk, server, workload, connections, args)
                        print(
                            f"  {m.server:10} {m.workload:8} c={m.connections:<3} r{round_} "
                            f"{m.rps:9.0f} req/s  p50 {m.p50_ms:7.2f} ms  "
                            f"p99 {m.p99_ms:8.2f} ms  unexpected {m.unexpected}",
                            flush=True,
                        )
                        cells.setdefault(server.name, []).append(m)
                results += [median_round(rounds) for rounds in cells.values()]
    return results


def median_round(rounds: list[Measure]) -> Measure:
    """The round with the median req/s (the lower middle of an even count), all rounds kept."""
    ordered = sorted(rounds, key=lambda m: m.rps)
    middle = ordered[(len(ordered) - 1) // 2]
    return dataclasses.replace(middle, rounds_rps=tuple(round(m.rps) for m in rounds))


def rss_kb(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of a process, in kB, from /proc."""
    status = Path(f"/proc/{pid}/status").read_text()
    return {
        key: int(re.search(rf"^{key}:\s+(\d+) kB", status, re.M).group(1))  # type: ignore[union-attr]
        for key in ("VmRSS", "VmHWM")
    }


def memory(args: argparse.Namespace) -> list[dict[str, object]]:
    headers, body = lua_request("json_create.lua")
    rows = []
    starters = {"mock": start_mock, "floor": start_floor}
    for starter in (starters[name] for name in args.servers if name in starters):
        with starter() as server:
            before = rss_kb(server.proc.pid)
            request = rawhttp.request_bytes("POST", CREATE_PATH, server.port, headers, body)
            t0 = time.monotonic()
            result = rawhttp.send_many(server.port, request, args.creates, 50, timeout=900)
            elapsed = time.monotonic() - t0
            after = rss_kb(server.proc.pid)
            row = {
                "server": server.name,
                "creates": args.creates,
                "created": result.statuses.get(201, 0),
                "other": dict(result.statuses),
                "errors": len(result.errors),
                "rss_before_mb": before["VmRSS"] / 1024,
                "rss_after_mb": after["VmRSS"] / 1024,
                "hwm_after_mb": after["VmHWM"] / 1024,
                "bytes_per_create": (after["VmRSS"] - before["VmRSS"]) * 1024 / args.creates,
                "seconds": elapsed,
            }
            print(
                f"  {row['server']:6} {row['created']} x 201 of {args.creates} in "
                f"{elapsed:.1f} s: RSS {row['rss_before_mb']:.1f} -> {row['rss_after_mb']:.1f}"
                f" MB ({row['bytes_per_create']:.0f} B/create)",
                flush=True,
            )
            rows.append(row)
    return rows


def conformance(args: argparse.Namespace) -> dict[str, object]:
    out: dict[str, object] = {}
    with start_mock() as server, tempfile.TemporaryDirectory() as tmp:
        base = server.root + BASE_PATH
        argv = [
            str(Path(PY).with_name("conformance")),
            "run",
            "--target",
            str(PROFILE),
            "--base-url",
            base,
            "--report-dir",
            tmp,
            "--seed",
            str(args.seed),
            "--max-examples",
            str(args.max_examples),
        ]
        t0 = time.monotonic()
        proc = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=1800)
        out["harness_wall_s"] = time.monotonic() - t0
        out["harness_exit"] = proc.returncode
        results = _load_results(Path(tmp))
        meta = results.get("meta", {})
        out["stage_durations"] = meta.get("stage_durations") or {}
        out["fuzz_stats"] = results.get("fuzz_stats") or {}
        checks = results.get("checks", [])
        out["checks"] = len(checks)
        out["failures"] = sum(c.get("outcome") in ("failed", "error") for c in checks)
        if proc.returncode not in (0, 1):
            out["harness_stderr"] = proc.stderr[-1500:]
    with start_mock() as server, tempfile.TemporaryDirectory() as tmp:
        out["schemathesis"] = _schemathesis_cli(server.root + BASE_PATH, Path(tmp), args)
    return out


def _load_results(folder: Path) -> dict[str, object]:
    found = sorted(folder.rglob("results.json"))
    return dict(json.loads(found[0].read_text())) if found else {}


def _schemathesis_cli(base: str, tmp: Path, args: argparse.Namespace) -> dict[str, object]:
    argv = [
        str(Path(PY).with_name("schemathesis")),
        "run",
        str(SPEC),
        "--url",
        base,
        "-n",
        str(args.max_examples),
        "--seed",
        str(args.seed),
        "--no-color",
        "-H",
        f"Authorization: Bearer {TOKEN}",
        "--report",
        "json",
        "--report-dir",
        str(tmp),
        "--workers",
        "1",
    ]
    t0 = time.monotonic()
    proc = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=1800)
    wall = time.monotonic() - t0
    reports = sorted(tmp.glob("*.json"))
    report = json.loads(reports[0].read_text()) if reports else {}
    cases = int(report.get("test_cases", {}).get("generated", 0))
    running = float(report.get("running_time", wall))
    return {
        "exit": proc.returncode,
        "cases": cases,
        "running_s": running,
        "wall_s": wall,
        "cases_per_s": cases / running if running else 0.0,
    }


def harness_fuzz_rate(conf: dict[str, object]) -> tuple[int, float, float]:
    """Cases, seconds and cases/s of the harness's fuzz stage, from its results."""
    stats = conf.get("fuzz_stats") or {}
    assert isinstance(stats, dict)
    cases = int(stats.get("cases_total", 0))
    stages = conf.get("stage_durations") or {}
    assert isinstance(stages, dict)
    seconds = float(stats.get("duration_s") or stages.get("fuzz", 0.0))
    return cases, seconds, (cases / seconds if seconds else 0.0)
