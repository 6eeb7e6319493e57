"""`conformance`: check a server against the documented rules and write the reports.

    conformance run --target PROFILE [--only scenarios|fuzz] [--max-examples N] [--seed N]
                    [--report-dir DIR] [--baseline FILE] [--base-url URL] [--setting k=v]...
                    [--time-budget SECONDS] [--spec PATH] [--rule ID]... [--area NAME]...
                    [--fail-on-difference]
    conformance baseline --results results.json --out FILE
    conformance rules [--format markdown|text]
    conformance proxy --target PROFILE [--listen HOST:PORT] [--report-dir DIR] [--annotate]

Exit codes: 0 conforms, 1 the server broke a documented rule (or, in reference mode or with
--fail-on-difference, differed from the reference), 2 usage or configuration error, 3 the
target cannot be reached.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import hashlib
import json
import os
import platform
import random
import sys
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any, NoReturn, TextIO

import requests
import yaml

from conformance import baseline as baselines
from conformance.breaker import Breaker
from conformance.catalog import AREAS, Catalog, load_catalog, markdown_table
from conformance.errors import ConfigError, HarnessError, TargetUnreachable
from conformance.profile import Profile, load_profile
from conformance.results import CheckResult, Outcome, RunMeta, RunResult
from conformance.selection import Selection, select
from conformance.settings import PROJECT_ROOT, HarnessSettings

EXIT_OK, EXIT_DEVIATION, EXIT_USAGE, EXIT_UNREACHABLE = 0, 1, 2, 3
DEFAULT_REPORT_DIR = PROJECT_ROOT / "reports" / "latest"
DEFAULT_MAX_EXAMPLES = 50
DEFAULT_TIME_BUDGET_S = 120.0
STAGES = ("scenarios", "fuzz")
VENDOR_OPERATION = "create-incoming-email-activity"
READ_BACK_OPERATION = "get-activity-by-id"
VERSIONED = (
    "egain-email-activity-conformance",
    "schemathesis",
    "hypothesis",
    "pytest-bdd",
    "requests",
)


# ------------------------------------------------------------------ command line
class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        """One clear line, exit 2 (argparse's default prints the whole usage first)."""
        self.exit(EXIT_USAGE, f"{self.prog}: {message} (see `{self.prog} --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="conformance", description=__doc__.split("\n\n")[0])
    parser.add_argument("--debug", action="store_true", help="show tracebacks of harness errors")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    _add_run(commands.add_parser("run", help="check a target and write the reports"))
    base = commands.add_parser("baseline", help="write a baseline of known deviations from a run")
    base.add_argument("--results", type=Path, required=True, help="a run's results.json")
    base.add_argument("--out", type=Path, required=True, help="baseline file to write (YAML)")
    from conformance.proxy import command as proxy

    proxy.add_arguments(commands.add_parser("proxy", help="judge live traffic to a target"))
    rules = commands.add_parser("rules", help="print the rule catalog")
    rules.add_argument("--format", choices=("markdown", "text"), default="text")
    for sub in commands.choices.values():
        sub.add_argument(
            "--debug",
            action="store_true",
            default=argparse.SUPPRESS,
            help="show tracebacks of harness errors",
        )
    return parser


def _add_run(run: argparse.ArgumentParser) -> None:
    run.add_argument(
        "--target",
        type=Path,
        required=True,
        metavar="PROFILE",
        help="target profile (YAML): base URL, tokens, settings, data",
    )
    run.add_argument("--only", choices=STAGES, help="run only the scenarios or only the fuzzing")
    run.add_argument(
        "--max-examples",
        type=_positive_int,
        default=DEFAULT_MAX_EXAMPLES,
        metavar="N",
        help="fuzzing cases per operation and mode (default 50)",
    )
    run.add_argument("--seed", type=int, help="fuzzing seed (default: random, shown in the report)")
    run.add_argument(
        "--time-budget",
        type=_positive_float,
        default=DEFAULT_TIME_BUDGET_S,
        metavar="SECONDS",
        help="time budget of the fuzzing stage (default 120)",
    )
    run.add_argument(
        "--report-dir",
        type=Path,
        default=DEFAULT_REPORT_DIR,
        metavar="DIR",
        help="where report.html, results.json, junit.xml go (default reports/latest)",
    )
    run.add_argument(
        "--baseline", type=Path, metavar="FILE", help="known deviations: only new ones fail the run"
    )
    run.add_argument("--base-url", metavar="URL", help="override the profile's base_url")
    run.add_argument(
        "--setting",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override one of the profile's partition settings (repeatable)",
    )
    run.add_argument("--spec", type=Path, metavar="PATH", help="OpenAPI document to test against")
    run.add_argument(
        "--rule",
        action="append",
        default=[],
        metavar="ID",
        help="check only this rule (repeatable; globs such as 'GRT-*'); fuzzing is left out "
        "unless --only fuzz",
    )
    run.add_argument(
        "--area",
        action="append",
        default=[],
        choices=AREAS,
        metavar="NAME",
        help=f"check only the rules of this area (repeatable): {', '.join(AREAS)}",
    )
    run.add_argument(
        "--fail-on-difference",
        action="store_true",
        help="in vendor mode, fail the run on differences from the reference too",
    )


def _positive_int(text: str) -> int:
    if not text.isdigit() or int(text) <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {text!r}")
    return int(text)


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {text!r}")
    return value


def parse_settings(pairs: Sequence[str]) -> dict[str, Any]:
    """`key=value` pairs; values read as YAML scalars (true, 64, text)."""
    settings: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"--setting expects key=value, got {pair!r}")
        try:
            settings[key.strip()] = yaml.safe_load(value) if value.strip() else ""
        except yaml.YAMLError:
            settings[key.strip()] = value
    return settings


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # --help, or a usage error already explained on stderr
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    try:
        return _dispatch(args)
    except HarnessError as exc:
        _say_error(str(exc), args.debug)
        return int(exc.exit_code)
    except KeyboardInterrupt:
        _say_error("interrupted", False)
        return EXIT_USAGE
    except BrokenPipeError:  # `conformance rules | head`: the reader left, nothing to say
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silences the flush at exit
        return EXIT_OK
    except Exception as exc:  # the edge: never a bare traceback for the user
        message = f"unexpected {type(exc).__name__}: {_first_line(exc)}"
        _say_error(
            message + ("" if args.debug else " (run with --debug for the traceback)"), args.debug
        )
        return EXIT_USAGE


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "rules":
        return _rules(args.format)
    if args.command == "baseline":
        return _write_baseline(args.results, args.out)
    if args.command == "proxy":
        from conformance.proxy.command import run as run_proxy

        return run_proxy(args)
    return run_command(args)


def _say_error(message: str, debug: bool) -> None:
    if debug:
        traceback.print_exc()
    print(f"conformance: error: {message}", file=sys.stderr)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


# ------------------------------------------------------------------ rules, baseline
def _rules(fmt: str) -> int:
    catalog = load_catalog()
    if fmt == "markdown":
        sys.stdout.write(markdown_table(catalog))
        return EXIT_OK
    for rule in catalog.rules:
        expected = f"{rule.status} {rule.code}" if rule.code else str(rule.status)
        print(f"{rule.id:8} {rule.area:12} {expected:12} {rule.title} ({rule.evidence_summary})")
    return EXIT_OK


def _write_baseline(results: Path, out: Path) -> int:
    try:
        document = json.loads(results.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read results {results}: {_first_line(exc)}") from exc
    if not isinstance(document, dict):
        raise ConfigError(f"results {results}: not a conformance results file")
    deviations = baselines.deviations_from_results(document)
    target = str(document.get("meta", {}).get("target_name", ""))
    baselines.write_baseline(deviations, out, target=target, source=str(results))
    print(f"conformance: wrote {len(deviations)} known deviation(s) to {out}")
    return EXIT_OK


# ------------------------------------------------------------------ run
@dataclasses.dataclass(frozen=True)
class RunPlan:
    """Everything `run` needs, read and checked before the first request."""

    profile_path: Path
    profile: Profile
    catalog: Catalog
    harness: HarnessSettings
    spec_bytes: bytes
    stages: tuple[str, ...]
    settings: dict[str, Any]
    seed: int
    max_examples: int
    time_budget_s: float
    report_dir: Path
    baseline: tuple[baselines.KnownDeviation, ...] | None
    baseline_path: Path | None
    schema: Any  # schemathesis.BaseSchema
    knowledge: Any  # fuzz.SeedKnowledge
    selection: Selection = dataclasses.field(default_factory=Selection)
    fail_on_difference: bool = False


def plan_run(args: argparse.Namespace) -> RunPlan:
    from conformance import fuzz  # Schemathesis is heavy: import it only to run

    harness = HarnessSettings(spec_path=args.spec) if args.spec else HarnessSettings()
    settings = parse_settings(args.setting)
    profile = load_profile(args.target, base_url=args.base_url, settings=settings)
    catalog = load_catalog(harness.catalog_path)
    spec_bytes = _read_spec(harness.spec_path)
    schema = fuzz.load_schema(harness.spec_path)
    selection = select(catalog, args.rule, args.area)
    return RunPlan(
        profile_path=args.target,
        profile=profile,
        catalog=catalog,
        harness=harness,
        spec_bytes=spec_bytes,
        stages=_stages(args.only, selection),
        settings=settings,
        seed=args.seed if args.seed is not None else random.randrange(2**31),
        max_examples=args.max_examples,
        time_budget_s=args.time_budget,
        report_dir=args.report_dir,
        baseline=baselines.load_baseline(args.baseline) if args.baseline else None,
        baseline_path=args.baseline,
        schema=schema,
        knowledge=fuzz.knowledge_from(schema, catalog.codes),
        selection=selection,
        fail_on_difference=args.fail_on_difference,
    )


def _stages(only: str | None, selection: Selection) -> tuple[str, ...]:
    """Both stages; a --rule/--area selection runs the scenarios only, unless --only fuzz."""
    if only:
        return (only,)
    return ("scenarios",) if selection.active else STAGES


def _read_spec(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read the spec {path}: {exc.strerror or exc}") from exc


def probe(base_url: str, timeout_s: float, breaker: Breaker | None = None) -> None:
    """A refused, unresolvable or unconnectable host is not there (exit 3); a host that accepts
    the connection and then hangs, resets or answers garbage is there and broken: the stages
    run, record each failure and write the reports (exit 1). The probe sends through the run's
    breaker and deadline like every other request, so a hanging target's probe counts."""
    from conformance.client import make_session

    session = make_session(min(timeout_s, 10.0), breaker)
    try:
        session.get(base_url, allow_redirects=False)
    except requests.ConnectTimeout as exc:
        raise TargetUnreachable(f"cannot reach the target at {base_url}: {_reason(exc)}") from exc
    except requests.ConnectionError as exc:
        if _reason(exc) in _NOBODY_THERE:
            raise TargetUnreachable(
                f"cannot reach the target at {base_url}: {_reason(exc)}"
            ) from exc
    except requests.RequestException:
        pass  # it answered, badly (e.g. a read timeout): the stages will say how


_NOBODY_THERE = (
    "connection refused",
    "name or service not known",
    "nodename nor servname",
    "no route to host",
    "temporary failure in name resolution",
)


def _reason(exc: requests.RequestException) -> str:
    text = str(exc)
    for hint in (
        "Connection refused",
        "Name or service not known",
        "nodename nor servname",
        "timed out",
        "No route to host",
        "Temporary failure in name resolution",
    ):
        if hint in text:
            return hint.lower()
    return type(exc).__name__


def run_command(args: argparse.Namespace) -> int:
    plan = plan_run(args)
    display = make_display(sys.stdout)
    display.line(f"target {plan.profile.name} at {plan.profile.base_url}")
    breaker = Breaker()  # one per run: the probe and both stages count into it
    probe(plan.profile.base_url, plan.profile.timeout_seconds, breaker)
    result = execute(plan, display, breaker)
    return finish(plan, result, display)


def execute(plan: RunPlan, display: Display, breaker: Breaker | None = None) -> RunResult:
    """Run the stages and gather one RunResult; `breaker` is shared by both stages."""
    breaker = breaker if breaker is not None else Breaker()
    started_at = datetime.now(UTC)
    started = time.monotonic()
    checks: list[CheckResult] = []
    durations: dict[str, float] = {}
    fuzz_stats: dict[str, Any] = {}
    if "scenarios" in plan.stages:
        checks += _timed(durations, "scenarios", lambda: _scenarios(plan, display, breaker))
    if "fuzz" in plan.stages:
        found, fuzz_stats = _timed(durations, "fuzz", lambda: _fuzz(plan, display, breaker))
        checks += found
    if breaker.open:
        display.line(f"stopped sending: {breaker.note()}")
    warnings = _warnings(plan, checks, fuzz_stats)
    meta = RunMeta(
        target_name=plan.profile.name,
        base_url=plan.profile.base_url,
        spec_digest=hashlib.sha256(plan.spec_bytes).hexdigest(),
        started=started_at.strftime("%Y-%m-%d %H:%M:%S UTC"),
        duration_s=round(time.monotonic() - started, 2),
        versions=_versions(),
        seed=plan.seed if "fuzz" in plan.stages else None,
        stages=plan.stages,
        stage_durations=durations,
        spec_path=_shown_path(plan.harness.spec_path),
        documented_statuses=_documented_statuses(plan),
        max_examples=plan.max_examples if "fuzz" in plan.stages else None,
        time_budget_s=plan.time_budget_s if "fuzz" in plan.stages else None,
        mode=plan.profile.mode,
        fail_on_difference=plan.fail_on_difference,
        selection=plan.selection.describe(plan.catalog),
        warnings=warnings,
    )
    return RunResult(
        meta=meta, checks=tuple(checks), fuzz_stats=fuzz_stats, target_stopped=breaker.note()
    )


def _warnings(
    plan: RunPlan, checks: Sequence[CheckResult], fuzz_stats: dict[str, Any]
) -> tuple[str, ...]:
    """A stage whose requests mostly ended at one early gate tested almost nothing: say so."""
    from conformance.gates import gate_warning, tally
    from conformance.report.render import scenario_exchanges

    found = []
    if "scenarios" in plan.stages:
        found.append(gate_warning("scenarios", tally(scenario_exchanges(checks))))
    found.append(str(fuzz_stats.get("warning", "")))
    return tuple(w for w in found if w)


def _documented_statuses(plan: RunPlan) -> tuple[int, ...]:
    """Statuses the spec declares for the operations this run sends requests to."""
    operations = [VENDOR_OPERATION, *([READ_BACK_OPERATION] if plan.profile.read_back else [])]
    statuses = plan.knowledge.statuses
    return tuple(sorted({s for op in operations for s in statuses.get(op, ())}))


def _timed(durations: dict[str, float], stage: str, work: Callable[[], Any]) -> Any:
    started = time.monotonic()
    try:
        return work()
    finally:
        durations[stage] = round(time.monotonic() - started, 2)


def _scenarios(plan: RunPlan, display: Display, breaker: Breaker) -> list[CheckResult]:
    from conformance.scenarios import run_scenarios

    with display.working("scenarios", None):
        found = run_scenarios(
            plan.profile_path,
            base_url=plan.profile.base_url,
            settings_overrides=plan.settings,
            quiet=True,
            harness=plan.harness,
            breaker=breaker,
            markers=plan.selection.marker_expression(plan.catalog),
        )
    found = tuple(c for c in found if all(plan.selection.covers(r) for r in c.rule_ids))
    display.line(f"scenarios: {_outcomes(found)}")
    return list(found)


def _fuzz(
    plan: RunPlan, display: Display, breaker: Breaker
) -> tuple[list[CheckResult], dict[str, Any]]:
    from conformance import fuzz
    from conformance.fuzz_evidence import judged
    from conformance.steps.checks import load_spec_checks

    token = plan.profile.tokens.user
    if not token:
        skipped = CheckResult(
            id="fuzz-not-run",
            kind="fuzz",
            name="Fuzzing",
            outcome=Outcome.NOT_APPLICABLE,
            area="fuzzing",
            message="not applicable: the profile has no tokens.user",
        )
        display.line("fuzzing: not run, the profile has no tokens.user")
        return [skipped], {}
    target = fuzz.FuzzTarget(
        base_url=plan.profile.base_url,
        token=token,
        timeout_s=plan.profile.timeout_seconds,
        read_back=plan.profile.read_back,
        data=dataclasses.asdict(plan.profile.data),
    )
    options = fuzz.FuzzOptions(
        max_examples=plan.max_examples, time_budget_s=plan.time_budget_s, seed=plan.seed
    )
    with display.working("fuzzing", 1) as progress:
        outcome = fuzz.run_fuzz(
            plan.schema, target, plan.knowledge, options, progress=progress, breaker=breaker
        )
    stats = outcome.stats
    display.line(
        f"fuzzing: {stats['cases_total']} cases, {stats['findings']} finding(s), "
        f"seed {plan.seed} ({stats['duration_s']} s)"
        + (f"; stopped: {stats['stopped']}" if stats.get("stopped") else "")
    )
    spec_checks = load_spec_checks(plan.harness.spec_path)
    return [judged(check, spec_checks) for check in outcome.checks], stats


def _outcomes(checks: Sequence[CheckResult]) -> str:
    counts = {o: sum(1 for c in checks if c.outcome == o) for o in Outcome}
    return (
        f"{len(checks)} checks: {counts[Outcome.PASSED]} passed, "
        f"{counts[Outcome.FAILED]} deviating, {counts[Outcome.DIFFERENCE]} different, "
        f"{counts[Outcome.NOT_APPLICABLE]} not applicable, {counts[Outcome.ERROR]} error"
    )


def _versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in VERSIONED:
        with contextlib.suppress(metadata.PackageNotFoundError):
            versions[name] = metadata.version(name)
    return versions


def _shown_path(path: Path) -> str:
    with contextlib.suppress(ValueError):
        return str(path.resolve().relative_to(PROJECT_ROOT))
    return str(path)


LISTED_FAILURES = 25  # a dead target fails every check: the report lists them all


def finish(plan: RunPlan, result: RunResult, display: Display) -> int:
    from conformance.report import verdict, write_reports

    diff = None
    if plan.baseline is not None:
        diff = baselines.diff(
            result.failures, plan.baseline, str(plan.baseline_path), result.meta.strict
        )
    paths = write_reports(result, plan.catalog, plan.report_dir, diff)
    outcome = verdict(result, diff)
    _list_causes(result, diff, display)
    for warning in result.meta.warnings:
        display.line(warning)
    display.verdict(outcome.conforms, f"{outcome.headline} ({outcome.detail})")
    display.line(
        f"report: {_shown(paths['html'])} (also {paths['json'].name}, {paths['junit'].name})"
    )
    return EXIT_OK if outcome.conforms else EXIT_DEVIATION


def _list_causes(result: RunResult, diff: baselines.BaselineDiff | None, display: Display) -> None:
    """One line per root cause, deviations first; a dead target fails every check, so at most
    LISTED_FAILURES lines (the report lists them all)."""
    from conformance.report.render import group_rows

    rows = group_rows(result, diff, True) + group_rows(result, diff, False)
    lines = [_cause_line(row) for row in rows] + [
        f"ERROR {','.join(c.rule_ids) or '-'} {c.name}: {c.message[:120]}"
        for c in result.checks
        if c.outcome == Outcome.ERROR
    ]
    for line in lines[:LISTED_FAILURES]:
        display.line(line)
    if len(lines) > LISTED_FAILURES:
        display.line(f"... and {len(lines) - LISTED_FAILURES} more (see the report)")


def _cause_line(row: dict[str, Any]) -> str:
    group = row["group"]
    tag = "KNOWN" if row["known"] else ("DEVIATION" if group.is_deviation else "DIFFERENCE")
    checks = len(group.checks)
    return (
        f"{tag} {group.finding.rule_id} {group.finding.item}: {group.finding.cause} "
        f"({checks} check{'s' if checks != 1 else ''}, {group.exchanges} exchanges)"
    )


def _shown(path: Path) -> str:
    with contextlib.suppress(ValueError):
        return str(path.resolve().relative_to(Path.cwd()))
    return str(path)


# ------------------------------------------------------------------ display
Progress = Callable[[str, int, int], None]


class Display:
    """Line-oriented output for CI and pipes: one `conformance: ...` line per event."""

    def __init__(self, out: TextIO) -> None:
        self.out = out

    def line(self, text: str) -> None:
        print(f"conformance: {text}", file=self.out, flush=True)

    def verdict(self, conforms: bool, text: str) -> None:
        self.line(f"verdict: {text}")

    @contextlib.contextmanager
    def working(self, stage: str, total: int | None) -> Iterator[Progress]:
        self.line(f"{stage}: running")
        yield lambda label, done, planned: None


class TerminalDisplay(Display):
    """A spinner and a progress bar on a terminal (rich)."""

    def __init__(self, out: TextIO) -> None:
        from rich.console import Console

        super().__init__(out)
        self.console = Console(file=out)  # fixed file: the scenario stage redirects stdout

    def line(self, text: str) -> None:
        self.console.print(text, highlight=False, markup=False)

    def verdict(self, conforms: bool, text: str) -> None:
        style = "bold green" if conforms else "bold red"
        self.console.print(
            ("✓ " if conforms else "✗ ") + text, style=style, highlight=False, markup=False
        )

    @contextlib.contextmanager
    def working(self, stage: str, total: int | None) -> Iterator[Progress]:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )
        from rich.progress import Progress as Bar

        columns = [
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        ]
        with Bar(*columns, console=self.console, transient=True) as bar:
            task = bar.add_task(stage, total=total)

            def update(label: str, done: int, planned: int) -> None:
                bar.update(task, description=label, completed=done, total=planned)

            yield update


def make_display(out: TextIO) -> Display:
    return TerminalDisplay(out) if out.isatty() else Display(out)


if __name__ == "__main__":
    sys.exit(main())
