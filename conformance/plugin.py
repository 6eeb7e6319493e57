"""The pytest plugin that runs the Gherkin scenarios against a target (`-p conformance.plugin`).

The run's inputs (profile, catalog, spec checks: `conformance.inputs`) come loaded, in
`config.stash[INPUTS]`, from `run_scenarios`; run alone, the plugin loads them from its options
(--target PROFILE, --base-url URL, --setting key=value, --spec-path, --catalog-path). Fixtures:
profile, catalog, spec_checks, recorder, client, ctx. Each scenario becomes one CheckResult,
collected in `config.stash[RESULTS]`: skips whose reason starts with "not applicable:" are
NOT_APPLICABLE, a Deviation is FAILED, any other exception (or a skip without that reason) is
ERROR; a scenario whose request the run's breaker refused (TargetStopped: the target stopped
answering) is ERROR with the breaker's message. `run_scenarios` hands the run's Breaker in
through `config.stash[BREAKER]`; run alone, the plugin makes its own for the session.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conformance.breaker import Breaker
from conformance.catalog import AREAS, Catalog
from conformance.client import ApiClient, Recorder
from conformance.errors import ConfigError, Deviation, TargetStopped, TargetUnreachable
from conformance.evidence import Level
from conformance.inputs import RunInputs, load_inputs, parse_settings
from conformance.profile import Profile
from conformance.response_shape import SpecChecks
from conformance.results import CheckResult, Finding, Outcome, outcome_of
from conformance.settings import DEFAULT_TRANSPORT, TRANSPORTS, HarnessSettings
from conformance.steps.context import NOT_APPLICABLE, Blocked, ScenarioContext
from conformance.traits import TraitLog

pytest_plugins = ["conformance.steps.given", "conformance.steps.when", "conformance.steps.then"]

RESULTS = pytest.StashKey[list[CheckResult]]()
UNREACHABLE = pytest.StashKey[TargetUnreachable]()
RECORDER = pytest.StashKey[Recorder]()
SCENARIO_NAME = pytest.StashKey[str]()
REPORTS = pytest.StashKey[list[tuple[pytest.TestReport, Any]]]()
INPUTS = pytest.StashKey[RunInputs]()
BREAKER = pytest.StashKey[Breaker]()
TRAITS = pytest.StashKey[TraitLog]()
CONTEXT = pytest.StashKey[ScenarioContext]()
# Tags a scenario carries when its own request relies on an inferred form or a choice of ours.
RELIES_ON = {"inferred": Level.INFERRED, "choice": Level.CHOICE}


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("conformance", "conformance scenarios against a target")
    group.addoption("--target", metavar="PROFILE", help="target profile (YAML)")
    group.addoption("--base-url", metavar="URL", help="override the profile's base_url")
    group.addoption(
        "--setting",
        metavar="KEY=VALUE",
        action="append",
        default=[],
        help="override one of the profile's settings (repeatable)",
    )
    group.addoption("--spec-path", metavar="FILE", help="OpenAPI document (default: the project's)")
    group.addoption("--catalog-path", metavar="FILE", help="rule catalog (default: the project's)")
    group.addoption("--transport", choices=TRANSPORTS, default=DEFAULT_TRANSPORT)


def _inputs_from_options(config: pytest.Config) -> RunInputs:
    """The inputs of a run of the plugin alone, from its options; a bad one is a usage error."""
    target = config.getoption("--target")
    try:
        if not target:
            raise ConfigError("no target profile: pass --target PROFILE")
        settings = parse_settings(config.getoption("--setting"))
        base_url = config.getoption("--base-url")
        harness = _harness_from_options(config)
        return load_inputs(Path(target), base_url=base_url, settings=settings, harness=harness)
    except ConfigError as exc:
        raise pytest.UsageError(str(exc)) from exc


def _harness_from_options(config: pytest.Config) -> HarnessSettings:
    defaults = HarnessSettings()
    spec, catalog = config.getoption("--spec-path"), config.getoption("--catalog-path")
    return HarnessSettings(
        spec_path=Path(spec) if spec else defaults.spec_path,
        catalog_path=Path(catalog) if catalog else defaults.catalog_path,
        transport=config.getoption("--transport"),
    )


def pytest_configure(config: pytest.Config) -> None:
    """Register every rule id and area as a marker, so --strict-markers accepts the tags."""
    inputs = config.stash.get(INPUTS, None) or _inputs_from_options(config)
    config.stash[INPUTS] = inputs
    catalog = inputs.catalog
    for rule in catalog.rules:
        config.addinivalue_line("markers", f"{rule.id}: {rule.title}")
    for area in AREAS:
        config.addinivalue_line("markers", f"{area}: rules of the {area} area")
    for tag, level in RELIES_ON.items():
        config.addinivalue_line("markers", f"{tag}: the request relies on an {level} form")
    config.stash[RESULTS] = []
    config.stash[TRAITS] = TraitLog(catalog)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """The properties of every response, once each (conformance.traits)."""
    config = session.config
    if TRAITS in config.stash and RESULTS in config.stash:
        config.stash[RESULTS].extend(config.stash[TRAITS].results())


@pytest.fixture(scope="session")
def traits(pytestconfig: pytest.Config) -> TraitLog:
    return pytestconfig.stash[TRAITS]


@pytest.fixture(scope="session")
def harness(pytestconfig: pytest.Config) -> HarnessSettings:
    return pytestconfig.stash[INPUTS].harness


@pytest.fixture(scope="session")
def catalog(pytestconfig: pytest.Config) -> Catalog:
    return pytestconfig.stash[INPUTS].catalog


@pytest.fixture(scope="session")
def spec_checks(pytestconfig: pytest.Config) -> SpecChecks:
    return pytestconfig.stash[INPUTS].spec_checks


@pytest.fixture(scope="session")
def profile(pytestconfig: pytest.Config) -> Profile:
    return pytestconfig.stash[INPUTS].profile


@pytest.fixture
def recorder(request: pytest.FixtureRequest) -> Recorder:
    recorder = Recorder()
    request.node.stash[RECORDER] = recorder
    return recorder


@pytest.fixture(scope="session")
def breaker(pytestconfig: pytest.Config) -> Breaker:
    """The run's breaker (shared with the fuzzing stage when the CLI runs both)."""
    return pytestconfig.stash.setdefault(BREAKER, Breaker())


@pytest.fixture
def client(
    profile: Profile, recorder: Recorder, breaker: Breaker, harness: HarnessSettings
) -> ApiClient:
    timeout = profile.timeout_seconds
    return ApiClient(
        profile.base_url, timeout, recorder, breaker=breaker, transport=harness.transport
    )


@pytest.fixture
def ctx(request: pytest.FixtureRequest, profile: Profile, catalog: Catalog) -> ScenarioContext:
    names = {mark.name for mark in request.node.iter_markers()}
    relies_on = [level for tag, level in RELIES_ON.items() if tag in names]
    context = ScenarioContext(
        profile=profile,
        catalog=catalog,
        rule_ids=rule_ids_of(request.node, catalog),
        relies_on=relies_on[-1] if relies_on else Level.DOCUMENTED,
    )
    request.node.stash[CONTEXT] = context
    return context


def rule_ids_of(item: pytest.Item, catalog: Catalog) -> tuple[str, ...]:
    names = {mark.name for mark in item.iter_markers()}
    return tuple(rid for rid in catalog.ids if rid in names)


def pytest_bdd_before_scenario(request: pytest.FixtureRequest, feature: Any, scenario: Any) -> None:
    request.node.stash[SCENARIO_NAME] = scenario.name


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> bool | None:
    """Once the run's breaker is open, a scenario is not run at all: it would send nothing.

    It is recorded as an error, "not sent", as a scenario whose request the breaker refused is;
    running it only to be refused cost a stopped run most of its time."""
    breaker = item.config.stash.get(BREAKER, None)
    if breaker is None or not breaker.open:
        return None
    breaker.refused += 1
    item.config.stash[RESULTS].append(_not_sent(item, f"{breaker.tripped}; not sent"))
    return True


def _not_sent(item: pytest.Item, message: str) -> CheckResult:
    rule_ids, area = _rules_and_area(item)
    name = _unrun_name(item)
    return CheckResult(
        id=item.nodeid,
        kind="scenario",
        name=name,
        outcome=Outcome.ERROR,
        rule_ids=rule_ids,
        area=area,
        message=message,
        fingerprint=f"{','.join(rule_ids)}:{name}",
    )


def _unrun_name(item: pytest.Item) -> str:
    """A scenario's name without running it: pytest-bdd's docstring ("Feature: Scenario") and,
    for an outline, the example's id."""
    doc = str(getattr(getattr(item, "obj", None), "__doc__", "") or "")
    name = doc.split(": ", 1)[-1] or item.name
    callspec = getattr(item, "callspec", None)
    return f"{name} [{callspec.id}]" if callspec is not None else name


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    item.stash.setdefault(REPORTS, []).append((report, call.excinfo))
    if report.when == "teardown":
        result = _check_result(item)
        item.config.stash[RESULTS].append(result)
        _stop_if_unreachable(item, call)
    return report


def _stop_if_unreachable(item: pytest.Item, call: pytest.CallInfo[None]) -> None:
    for _, excinfo in item.stash[REPORTS]:
        if excinfo is not None and isinstance(excinfo.value, TargetUnreachable):
            item.config.stash[UNREACHABLE] = excinfo.value
            item.session.shouldstop = f"target unreachable: {excinfo.value}"


def _rules_and_area(item: pytest.Item) -> tuple[tuple[str, ...], str]:
    """The scenario's rule ids (catalog order) and its area (its tag, else its first rule's)."""
    catalog = item.config.stash[INPUTS].catalog
    rule_ids = rule_ids_of(item, catalog)
    names = {mark.name for mark in item.iter_markers()}
    area = next((a for a in AREAS if a in names), catalog.get(rule_ids[0]).area if rule_ids else "")
    return rule_ids, area


def _check_result(item: pytest.Item) -> CheckResult:
    rule_ids, area = _rules_and_area(item)
    name = item.stash.get(SCENARIO_NAME, item.name)
    ctx = item.stash.get(CONTEXT, None)
    outcome, message = _verdict(item.stash[REPORTS], ctx)
    findings = tuple(ctx.findings) if ctx is not None else ()
    shown = next((f for f in findings if f.is_deviation), findings[0] if findings else None)
    recorder = item.stash.get(RECORDER, None)
    return CheckResult(
        id=item.nodeid,
        kind="scenario",
        name=name,
        outcome=outcome,
        rule_ids=rule_ids,
        area=area,
        message=shown.message if shown and outcome != Outcome.ERROR else message,
        expected=shown.expected if shown else "",
        actual=shown.actual if shown else "",
        exchanges=tuple(recorder.exchanges) if recorder else (),
        duration_s=round(sum(r.duration for r, _ in item.stash[REPORTS]), 4),
        fingerprint=f"{','.join(rule_ids)}:{name}",
        findings=findings,
    )


def _verdict(
    reports: list[tuple[pytest.TestReport, Any]], ctx: ScenarioContext | None
) -> tuple[Outcome, str]:
    """The scenario's outcome: what its own assertions found, unless it could not run."""
    for report, excinfo in reports:
        if report.skipped:
            reason = _skip_reason(report)
            if reason.startswith(NOT_APPLICABLE):
                return Outcome.NOT_APPLICABLE, reason
            return Outcome.ERROR, f"skipped without a not-applicable reason: {reason}"
        if report.failed:
            problem = _failure(report, excinfo, ctx)
            if problem is not None:
                return Outcome.ERROR, problem
    return outcome_of(ctx.findings if ctx is not None else []), ""


def _skip_reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
    return reason.removeprefix("Skipped: ")


def _failure(report: pytest.TestReport, excinfo: Any, ctx: ScenarioContext | None) -> str | None:
    """Why a scenario could not run to an answer; None when its failure is a finding."""
    exc = excinfo.value if excinfo is not None else None
    if isinstance(exc, TargetStopped):
        return str(exc)
    if isinstance(exc, Blocked) and ctx is not None:
        return None
    if isinstance(exc, Deviation) and ctx is not None and report.when == "call":
        # The target failed to answer at all (a timeout, a dropped connection).
        ctx.findings.append(_no_answer(ctx, exc))
        return None
    text = f"{type(exc).__name__}: {exc}" if exc is not None else str(report.longrepr)
    return f"{report.when}: {text}"


def _no_answer(ctx: ScenarioContext, exc: Deviation) -> Finding:
    rule_id = ctx.rule_ids[0] if ctx.rule_ids else ""
    return Finding(
        rule_id=rule_id,
        item="outcome",
        level=Level.DOCUMENTED.value,
        cause=f"no answer: {exc.actual}",
        message=exc.message,
        expected="an answer",
        actual=str(exc.actual),
    )
