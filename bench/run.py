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
import contextlib
import dataclasses
import datetime
import functools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
# The exact-count keep-alive load generator the load test uses: wrk runs for a duration, the
# memory figure needs an exact number of creates.
from tests.hardening import rawhttp  # noqa: E402
from tests.support import free_port, running_process  # noqa: E402

BENCH = ROOT / "bench"
LUA = BENCH / "lua"
NODE = BENCH / ".node"
PRISM = NODE / "node_modules" / ".bin" / "prism"
SPEC = ROOT / "openapi" / "openapi.yaml"
PROFILE = ROOT / "mock_server" / "data" / "profile.yaml"
BASE_PATH = "/core/casemgr/v3"
CREATE_PATH = f"{BASE_PATH}/activity/email/general"
TOKEN = "user-admin-token"
PY = sys.executable

WORKLOADS = {  # name -> (lua script, expected status)
    "json": ("json_create.lua", 201),
    "xml": ("xml_create.lua", 201),
    "rejected": ("rejected.lua", 400),
}
FLOOR_WORKLOADS = ("json", "xml")  # the floor validates nothing, so it rejects nothing


# ------------------------------------------------------------------ tools


def ensure_wrk() -> str:
    """wrk from Debian, installed on first use."""
    found = shutil.which("wrk")
    if found:
        return found
    print("installing wrk (apt-get)...", flush=True)
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "wrk"],
        check=True,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
    )
    return shutil.which("wrk") or "wrk"


def ensure_prism() -> Path:
    """@stoplight/prism-cli from npm, installed into bench/.node on first use."""
    if not PRISM.exists():
        print("installing @stoplight/prism-cli (npm, bench/.node)...", flush=True)
        NODE.mkdir(exist_ok=True)
        subprocess.run(
            [
                "npm",
                "install",
                "--prefix",
                str(NODE),
                "--no-audit",
                "--no-fund",
                "--silent",
                "@stoplight/prism-cli",
            ],
            check=True,
        )
    return PRISM


# ------------------------------------------------------------------ servers


@dataclass
class Server:
    name: str
    proc: subprocess.Popen[bytes]
    port: int
    create_url: str

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@contextlib.contextmanager
def started(
    name: str,
    argv: Sequence[str],
    port: int,
    ready_path: str,
    create_path: str = CREATE_PATH,
    timeout: float = 60.0,
) -> Iterator[Server]:
    """Run a server until the block ends; wait until `ready_path` answers below 500."""
    root = f"http://127.0.0.1:{port}"
    with running_process(argv, root + ready_path, timeout) as proc:
        yield Server(name, proc, port, root + create_path)


def start_mock(
    name: str = "mock", *flags: str, root: Path | None = None
) -> contextlib.AbstractContextManager[Server]:
    """This checkout's mock, or (root) the one of another checkout, e.g. main's for a before."""
    port = free_port()
    python = [PY] if root is None else ["env", f"PYTHONPATH={root}", PY, "-P"]
    argv = [*python, "-m", "mock_server", "--host", "127.0.0.1", "--port", str(port), "--quiet"]
    return started(name, [*argv, *flags], port, "/mock/health")


def mock_starters(args: argparse.Namespace) -> dict[str, Any]:
    """mock; mock-stock: on Connexion's stock stack; mock-base: the one at --baseline-root."""
    return {
        "mock": start_mock,
        "mock-stock": functools.partial(start_mock, "mock-stock", "--connexion-stack", "stock"),
        "mock-base": functools.partial(start_mock, "mock-base", root=args.baseline_root),
    }


def start_floor() -> contextlib.AbstractContextManager[Server]:
    port = free_port()
    return started(
        "floor", [PY, str(BENCH / "floor_app.py"), "--port", str(port)], port, "/mock/health"
    )


@contextlib.contextmanager
def start_prism() -> Iterator[Server]:
    """Prism's mock of our own document; finds whether it routes with the base path or not."""
    port = free_port()
    argv = [
        str(ensure_prism()),
        "mock",
        str(SPEC),
        "-h",
        "127.0.0.1",
        "-p",
        str(port),
        "-v",
        "silent",
    ]
    with started("prism", argv, port, CREATE_PATH) as server:
        server.create_url = server.root + _prism_path(server.root)
        yield server


def _prism_path(root: str) -> str:
    for path in (CREATE_PATH, CREATE_PATH.removeprefix(BASE_PATH)):
        if requests.post(root + path, timeout=5).status_code != 404:
            return path
    return CREATE_PATH


# ------------------------------------------------------------------ throughput


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


def run_wrk(
    wrk: str, url: str, workload: str, connections: int, duration: float, threads: int
) -> dict[str, float]:
    script, _ = WORKLOADS[workload]
    seconds = max(1, round(duration))  # wrk takes whole seconds
    argv = [
        wrk,
        f"-t{min(threads, connections)}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        script,
        url,
    ]
    out = subprocess.run(
        argv, cwd=LUA, capture_output=True, text=True, check=True, timeout=duration + 60
    ).stdout
    match = re.search(r"^BENCH_JSON (.*)$", out, re.M)
    if not match:
        raise RuntimeError(f"wrk printed no BENCH_JSON line:\n{out}")
    return dict(json.loads(match.group(1)))


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
    text = (LUA / script).read_text()
    headers = dict(re.findall(r'wrk\.headers\["([^"]+)"\] = "([^"]+)"', text))
    body = "".join(re.findall(r"'([^']*)'", text.split("wrk.body", 1)[1]))
    resp = requests.post(server.create_url, data=body.encode(), headers=headers, timeout=10)
    ok = resp.status_code == expected or (expected >= 400 and 400 <= resp.status_code < 500)
    return "" if ok else f"{server.name} {workload}: {resp.status_code} {resp.text[:200]}"


def throughput(args: argparse.Namespace) -> list[Measure]:
    wrk = ensure_wrk()
    results: list[Measure] = []
    with contextlib.ExitStack() as stack:
        servers = []
        for name in args.servers:
            starter = {**mock_starters(args), "prism": start_prism, "floor": start_floor}[name]
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


def throughput_table(results: list[Measure]) -> str:
    lines = [
        f"{'server':11}{'workload':10}{'conns':>6}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'unexpected':>12}  rounds req/s"
    ]
    for m in results:
        rounds = "/".join(str(r) for r in m.rounds_rps)
        lines.append(
            f"{m.server:11}{m.workload:10}{m.connections:>6}{m.rps:>10.0f}"
            f"{m.p50_ms:>9.2f}{m.p99_ms:>9.2f}{m.unexpected:>12}  {rounds}"
        )
    return "\n".join(lines)


def ratio_table(results: list[Measure]) -> str:
    """mock/prism and mock/floor per workload; '*' marks a side that answered unexpectedly."""
    by_key = {(m.server, m.workload, m.connections): m for m in results}
    lines = [f"{'workload':10}{'conns':>6}{'mock/prism':>12}{'mock/floor':>12}"]
    for (server, workload, conns), mock in by_key.items():
        if server != "mock":
            continue
        cells = [_ratio(mock, by_key.get((other, workload, conns))) for other in ("prism", "floor")]
        lines.append(f"{workload:10}{conns:>6}{cells[0]:>12}{cells[1]:>12}")
    lines.append("(* one side answered other than expected: see 'unexpected'; '-' not measured)")
    return "\n".join(lines)


def _ratio(mock: Measure, other: Measure | None) -> str:
    if other is None or not other.rps:
        return "-"
    flag = "*" if mock.unexpected or other.unexpected else ""
    return f"{mock.rps / other.rps:.2f}x{flag}"


def _rate_ratio(num: float, den: float) -> str:
    return f"{num / den:.2f}x" if den else "-"


# ------------------------------------------------------------------ memory


def rss_kb(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of a process, in kB, from /proc."""
    status = Path(f"/proc/{pid}/status").read_text()
    return {
        key: int(re.search(rf"^{key}:\s+(\d+) kB", status, re.M).group(1))  # type: ignore[union-attr]
        for key in ("VmRSS", "VmHWM")
    }


def memory(args: argparse.Namespace) -> list[dict[str, object]]:
    text = (LUA / "json_create.lua").read_text()
    headers = dict(re.findall(r'wrk\.headers\["([^"]+)"\] = "([^"]+)"', text))
    body = "".join(re.findall(r"'([^']*)'", text.split("wrk.body", 1)[1])).encode()
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


# ------------------------------------------------------------------ conformance


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


def conformance_text(conf: dict[str, object]) -> str:
    stages = conf.get("stage_durations") or {}
    assert isinstance(stages, dict)
    lines = [
        f"harness total {conf['harness_wall_s']:.1f} s (exit {conf['harness_exit']}, "
        f"{conf['checks']} checks, {conf['failures']} failures)"
    ]
    lines += [f"  stage {name:12} {secs:7.1f} s" for name, secs in stages.items()]
    cases, seconds, rate = harness_fuzz_rate(conf)
    st = conf["schemathesis"]
    assert isinstance(st, dict)
    lines.append(
        f"fuzz: harness {cases} cases in {seconds:.1f} s = {rate:.1f} cases/s; "
        f"schemathesis CLI {st['cases']} cases in {st['running_s']:.1f} s = "
        f"{st['cases_per_s']:.1f} cases/s (exit {st['exit']}); "
        f"harness/CLI = {_rate_ratio(rate, st['cases_per_s'])}"
    )
    if "harness_stderr" in conf:
        lines.append(f"harness stderr: {conf['harness_stderr']}")
    return "\n".join(lines)


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
