"""A run's plan: its inputs (read once) and options, checked before the first request is sent."""

from __future__ import annotations

import argparse
import dataclasses
import random
from pathlib import Path
from typing import Any

from conformance import baseline as baselines
from conformance.inputs import RunInputs, load_inputs, parse_settings
from conformance.selection import Selection, select
from conformance.settings import HarnessSettings

STAGES = ("scenarios", "fuzz")


@dataclasses.dataclass(frozen=True)
class RunPlan:
    """Everything `run` needs, read and checked before the first request."""

    inputs: RunInputs
    stages: tuple[str, ...]
    seed: int
    max_examples: int
    time_budget_s: float
    report_dir: Path
    baseline: tuple[baselines.KnownDeviation, ...] | None
    baseline_path: Path | None
    schema: Any  # schemathesis.BaseSchema
    knowledge: Any  # fuzzing.schema.SeedKnowledge
    selection: Selection = dataclasses.field(default_factory=Selection)
    fail_on_difference: bool = False


def plan_run(args: argparse.Namespace) -> RunPlan:
    from conformance.fuzzing import schema as fuzz_schema  # Schemathesis is heavy: only to run

    harness = HarnessSettings(transport=args.transport)
    harness = dataclasses.replace(harness, spec_path=args.spec) if args.spec else harness
    settings = parse_settings(args.setting)
    inputs = load_inputs(args.target, base_url=args.base_url, settings=settings, harness=harness)
    schema = fuzz_schema.schema_from_text(inputs.spec_text, harness.spec_path)
    selection = select(inputs.catalog, args.rule, args.area)
    return RunPlan(
        inputs=inputs,
        stages=_stages(args.only, selection),
        seed=args.seed if args.seed is not None else random.randrange(2**31),
        max_examples=args.max_examples,
        time_budget_s=args.time_budget,
        report_dir=args.report_dir,
        baseline=baselines.load_baseline(args.baseline) if args.baseline else None,
        baseline_path=args.baseline,
        schema=schema,
        knowledge=fuzz_schema.knowledge_from(schema, inputs.catalog.codes),
        selection=selection,
        fail_on_difference=args.fail_on_difference,
    )


def _stages(only: str | None, selection: Selection) -> tuple[str, ...]:
    """Both stages; a --rule/--area selection runs the scenarios only, unless --only fuzz."""
    if only:
        return (only,)
    return ("scenarios",) if selection.active else STAGES
