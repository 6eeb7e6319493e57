"""Run the Gherkin scenarios against a target, in this process, and return one result each.

    inputs = load_inputs(Path("mock_server/data/profile.yaml"), base_url=mock_base_url)
    results = run_scenarios(inputs)

pytest runs with the harness's own ini (conformance/scenario_tests/pytest.ini), so the project's
tests/conftest.py and pyproject options never apply, and with plain asserts (the steps raise
Deviation, they do not rely on assertion rewriting), so a second call in the same process is
supported; the feature files are read once per process, when the binding module is first
imported (edit them between runs in separate processes).
"""

from __future__ import annotations

import contextlib
import io

import pytest

from conformance.breaker import Breaker
from conformance.errors import HarnessError
from conformance.inputs import RunInputs
from conformance.plugin import BREAKER, INPUTS, RESULTS, UNREACHABLE
from conformance.results import CheckResult
from conformance.settings import HarnessSettings


class _Collector:
    """Hands the run's inputs and breaker to the plugin; keeps its results after pytest has
    torn down."""

    def __init__(self, inputs: RunInputs, breaker: Breaker | None) -> None:
        self.inputs = inputs
        self.breaker = breaker
        self.results: list[CheckResult] = []
        self.unreachable: HarnessError | None = None

    @pytest.hookimpl(tryfirst=True)  # before the plugin's own, which reads the inputs
    def pytest_configure(self, config: pytest.Config) -> None:
        config.stash[INPUTS] = self.inputs
        if self.breaker is not None:
            config.stash[BREAKER] = self.breaker

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        self.results = config.stash.get(RESULTS, [])
        self.unreachable = config.stash.get(UNREACHABLE, None)


def pytest_args(
    harness: HarnessSettings, *, select: str | None = None, markers: str | None = None
) -> list[str]:
    """The in-process pytest's command line: the harness's own ini and test module, the plugin;
    the inputs themselves go through the stash, not through here."""
    args = [
        str(harness.scenario_tests_dir / "test_features.py"),
        "-c",
        str(harness.scenario_tests_dir / "pytest.ini"),
        "--rootdir",
        str(harness.scenario_tests_dir),
        "-p",
        "conformance.plugin",
    ]
    if select:
        args += ["-k", select]
    if markers:
        args += ["-m", markers]
    return args


def run_scenarios(
    inputs: RunInputs,
    *,
    select: str | None = None,
    markers: str | None = None,
    quiet: bool = True,
    breaker: Breaker | None = None,
) -> tuple[CheckResult, ...]:
    """Every scenario (or those `select`, a pytest -k expression, or `markers`, a -m expression
    of rule ids and areas, picks) against the inputs' target, and the checks of every response
    (conformance.traits).

    The inputs are loaded (and a bad profile, catalog or spec refused) before this is called
    (`conformance.inputs.load_inputs`). Raises TargetUnreachable when the target refuses
    connections (the run stops at the first). `breaker` is the run's (shared with the fuzzing
    stage); without it the stage makes its own.
    """
    collector = _Collector(inputs, breaker)
    args = pytest_args(inputs.harness, select=select, markers=markers)
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
