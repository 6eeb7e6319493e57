"""A run's inputs: the profile, the rule catalog and the spec, each read and checked once.

The CLI loads them before the first request and hands them down: to the fuzzing stage, and to
the pytest plugin that runs the scenarios in this process (`config.stash[INPUTS]`, never a
round trip through argv strings). Run alone (`pytest -p conformance.plugin --target PROFILE`),
the plugin loads them from its options with the same `load_inputs` and `parse_settings`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from conformance import yamldoc
from conformance.catalog import Catalog, load_catalog
from conformance.errors import ConfigError
from conformance.profile import Profile, load_profile
from conformance.response_shape import SpecChecks, spec_checks_from
from conformance.settings import HarnessSettings


@dataclass(frozen=True)
class RunInputs:
    """What every stage of a run reads; `spec_bytes` is the spec as read (its digest, its
    checks and the fuzzer's schema all come from these bytes)."""

    profile: Profile
    catalog: Catalog
    spec_checks: SpecChecks
    spec_bytes: bytes
    harness: HarnessSettings = field(default_factory=HarnessSettings)

    @property
    def spec_text(self) -> str:
        return self.spec_bytes.decode("utf-8")


def load_inputs(
    profile_path: Path,
    *,
    base_url: str | None = None,
    settings: Mapping[str, Any] | None = None,
    harness: HarnessSettings | None = None,
) -> RunInputs:
    """Read and check the profile (with the overrides), the catalog and the spec; a ConfigError
    names the file of the first input that is wrong."""
    harness = harness or HarnessSettings()
    spec_bytes = _read_spec(harness.spec_path)
    return RunInputs(
        profile=load_profile(profile_path, base_url=base_url, settings=dict(settings or {})),
        catalog=load_catalog(harness.catalog_path),
        spec_checks=spec_checks_from(spec_bytes.decode("utf-8"), harness.spec_path),
        spec_bytes=spec_bytes,
        harness=harness,
    )


def _read_spec(path: Path) -> bytes:
    try:
        data = path.read_bytes()
        data.decode("utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read the spec {path}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"cannot read the spec {path}: not UTF-8 ({exc.reason})") from exc
    return data


def parse_settings(pairs: Sequence[str]) -> dict[str, Any]:
    """`--setting key=value` pairs; values read as YAML scalars (true, 64, text)."""
    settings: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"--setting expects key=value, got {pair!r}")
        settings[key.strip()] = _scalar(value)
    return settings


def _scalar(text: str) -> Any:
    try:
        return yamldoc.parse(text) if text.strip() else ""
    except yamldoc.YAMLError:
        return text
