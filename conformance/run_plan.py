"""A run's plan: every input read and checked before the first request is sent."""

from __future__ import annotations

import argparse
import dataclasses
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from conformance import baseline as baselines
from conformance.catalog import Catalog, load_catalog
from conformance.errors import ConfigError
from conformance.profile import Profile, load_profile
from conformance.selection import Selection, select
from conformance.settings import HarnessSettings

STAGES = ("scenarios", "fuzz")


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
    knowledge: Any  # fuzzing.schema.SeedKnowledge
    selection: Selection = dataclasses.field(default_factory=Selection)
    fail_on_difference: bool = False


def plan_run(args: argparse.Namespace) -> RunPlan:
    from conformance.fuzzing import schema as fuzz_schema  # Schemathesis is heavy: only to run

    harness = HarnessSettings(spec_path=args.spec) if args.spec else HarnessSettings()
    settings = parse_settings(args.setting)
    profile = load_profile(args.target, base_url=args.base_url, settings=settings)
    catalog = load_catalog(harness.catalog_path)
    spec_bytes = _read_spec(harness.spec_path)
    schema = fuzz_schema.load_schema(harness.spec_path)
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
        knowledge=fuzz_schema.knowledge_from(schema, catalog.codes),
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
