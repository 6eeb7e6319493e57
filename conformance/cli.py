"""`conformance`: check a server against the documented rules and write the reports.

    conformance run --target PROFILE [--only scenarios|fuzz] [--max-examples N] [--seed N]
                    [--report-dir DIR] [--baseline FILE] [--base-url URL] [--setting k=v]...
                    [--time-budget SECONDS] [--spec PATH] [--transport fenced|plain]
                    [--rule ID]... [--area NAME]...
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
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from conformance.catalog import AREAS
from conformance.commands import baseline_command, rules_command, run_command
from conformance.errors import EXIT_OK, EXIT_USAGE, HarnessError, first_line
from conformance.run_plan import STAGES
from conformance.settings import (
    DEFAULT_MAX_EXAMPLES,
    DEFAULT_REPORT_DIR,
    DEFAULT_TIME_BUDGET_S,
    DEFAULT_TRANSPORT,
    TRANSPORTS,
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
        "--transport",
        choices=TRANSPORTS,
        default=DEFAULT_TRANSPORT,
        help="fenced (default): exact deadlines and a streamed body cap through urllib3/requests "
        "internals; plain: without them, the same verdicts",
    )
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
        message = f"unexpected {type(exc).__name__}: {first_line(exc)}"
        _say_error(
            message + ("" if args.debug else " (run with --debug for the traceback)"), args.debug
        )
        return EXIT_USAGE


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "rules":
        return rules_command(args.format)
    if args.command == "baseline":
        return baseline_command(args.results, args.out)
    if args.command == "proxy":
        from conformance.proxy.command import run as run_proxy

        return run_proxy(args)
    return run_command(args)


def _say_error(message: str, debug: bool) -> None:
    if debug:
        traceback.print_exc()
    print(f"conformance: error: {message}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
