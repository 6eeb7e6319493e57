"""The three commands: `rules` prints the catalog, `baseline` writes one from a run's results,
`run` plans, probes, executes the stages and finishes."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from conformance import baseline as baselines
from conformance.breaker import Breaker
from conformance.catalog import load_catalog, markdown_table
from conformance.display import make_display
from conformance.errors import EXIT_OK, ConfigError, first_line
from conformance.execute import execute
from conformance.finish import finish
from conformance.probe import probe
from conformance.run_plan import plan_run


def rules_command(fmt: str) -> int:
    catalog = load_catalog()
    if fmt == "markdown":
        sys.stdout.write(markdown_table(catalog))
        return EXIT_OK
    for rule in catalog.rules:
        expected = f"{rule.status} {rule.code}" if rule.code else str(rule.status)
        print(f"{rule.id:8} {rule.area:12} {expected:12} {rule.title} ({rule.evidence_summary})")
    return EXIT_OK


def baseline_command(results: Path, out: Path) -> int:
    try:
        document = json.loads(results.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read results {results}: {first_line(exc)}") from exc
    if not isinstance(document, dict):
        raise ConfigError(f"results {results}: not a conformance results file")
    deviations = baselines.deviations_from_results(document)
    target = str(document.get("meta", {}).get("target_name", ""))
    baselines.write_baseline(deviations, out, target=target, source=str(results))
    print(f"conformance: wrote {len(deviations)} known deviation(s) to {out}")
    return EXIT_OK


def run_command(args: argparse.Namespace) -> int:
    plan = plan_run(args)
    display = make_display(sys.stdout)
    display.line(f"target {plan.inputs.profile.name} at {plan.inputs.profile.base_url}")
    breaker = Breaker()  # one per run: the probe and both stages count into it
    probe(
        plan.inputs.profile.base_url,
        plan.inputs.profile.timeout_seconds,
        breaker,
        plan.inputs.harness.transport,
    )
    result = execute(plan, display, breaker)
    return finish(plan, result, display)
