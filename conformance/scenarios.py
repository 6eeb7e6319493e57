"""Run the Gherkin scenarios against a target, in this process, and return one result each.

    results = run_scenarios(Path("mock_server/data/profile.yaml"),
                            base_url="http://127.0.0.1:8080/core/casemgr/v3")

pytest runs with the harness's own ini (conformance/scenario_tests/pytest.ini), so the project's
tests/conftest.py and pyproject options never apply, and with plain asserts (the steps raise
Deviation, they do not rely on assertion rewriting), so a second call in the same process is
supported; the feature files are read once per process, when the binding module is first
imported (edit them between runs in separate processes).
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path
from typing import Any

import pytest

from conformance.breaker import Breaker
from conformance.catalog import load_catalog
from conformance.errors import HarnessError
from conformance.plugin import BREAKER, RESULTS, UNREACHABLE
from conformance.profile import load_profile
from conformance.response_shape import load_spec_checks
from conformance.results import CheckResult
from conformance.settings import HarnessSettings


class _Collector:
    """Hands the run's breaker to the plugin; keeps its results after pytest has torn down."""

    def __init__(self, breaker: Breaker | None) -> None:
        self.breaker = breaker
        self.results: list[CheckResult] = []
        self.unreachable: HarnessError | None = None

    def pytest_configure(self, config: pytest.Config) -> None:
        if self.breaker is not None:
            config.stash[BREAKER] = self.breaker

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        self.results = config.stash.get(RESULTS, [])
        self.unreachable = config.stash.get(UNREACHABLE, None)


def pytest_args(
    profile_path: Path,
    *,
    base_url: str | None,
    settings: dict[str, Any],
    select: str | None,
    harness: HarnessSettings,
    markers: str | None = None,
) -> list[str]:
    ini = harness.scenario_tests_dir / "pytest.ini"
    args = [
        str(harness.scenario_tests_dir / "test_features.py"),
        "-c",
        str(ini),
        "--rootdir",
        str(harness.scenario_tests_dir),
        "-p",
        "conformance.plugin",
        "--target",
        str(profile_path),
        "--spec-path",
        str(harness.spec_path),
        "--catalog-path",
        str(harness.catalog_path),
    ]
    if base_url:
        args += ["--base-url", base_url]
    for key, value in settings.items():
        args += ["--setting", f"{key}={_setting_text(value)}"]
    if select:
        args += ["-k", select]
    if markers:
        args += ["-m", markers]
    return args


def _setting_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def run_scenarios(
    profile_path: Path,
    *,
    base_url: str | None = None,
    settings_overrides: dict[str, Any] | None = None,
    select: str | None = None,
    markers: str | None = None,
    quiet: bool = True,
    harness: HarnessSettings | None = None,
    breaker: Breaker | None = None,
) -> tuple[CheckResult, ...]:
    """Every scenario (or those `select`, a pytest -k expression, or `markers`, a -m expression
    of rule ids and areas, picks) against the target, and the checks of every response
    (conformance.traits).

    Raises ConfigError for a bad profile, catalog or spec before anything runs, and
    TargetUnreachable when the target refuses connections (the run stops at the first).
    `breaker` is the run's (shared with the fuzzing stage); without it the stage makes its own.
    """
    harness = harness or HarnessSettings()
    settings = dict(settings_overrides or {})
    load_profile(profile_path, base_url=base_url, settings=settings)
    load_catalog(harness.catalog_path)
    load_spec_checks(harness.spec_path)
    collector = _Collector(breaker)
    args = pytest_args(
        profile_path,
        base_url=base_url,
        settings=settings,
        select=select,
        harness=harness,
        markers=markers,
    )
    out = io.StringIO()
    with contextlib.redirect_stdout(out) if quiet else contextlib.nullcontext():
        code = pytest.main([*args, "-q"] if quiet else args, plugins=[collector])
    if collector.unreachable is not None:
        raise collector.unreachable
    if code not in (
        pytest.ExitCode.OK,
        pytest.ExitCode.TESTS_FAILED,
        pytest.ExitCode.NO_TESTS_COLLECTED,
    ):
        raise HarnessError(f"the scenario run stopped ({code!r}):\n{out.getvalue()[-3000:]}")
    return tuple(collector.results)
