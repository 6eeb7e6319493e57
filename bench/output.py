"""The figures as text: throughput and ratio tables, the conformance lines."""

from __future__ import annotations

from bench.measure import Measure, harness_fuzz_rate


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
