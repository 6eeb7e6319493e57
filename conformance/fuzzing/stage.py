"""Fuzzing stage: Schemathesis generates requests from the spec; the seed's rules judge the answers.

Positive (schema-valid) and negative (schema-invalid) cases are sent to the target with the
profile's user token. Schemathesis's checks find server errors, undocumented statuses, wrong
content types, missing headers, responses that break the spec, accepted invalid data and ignored
authentication. What the seed adds: a schema-valid request that a business rule refuses with a
documented vendor error (status in the operation's responses, `code` in the rule catalog) is the
server doing its job, not a finding; an error body without a documented code is one (PRT-02).

Runs are bounded (examples per operation and mode, and a time budget) and reproducible (one
seed drives Hypothesis); every finding carries the exchange and a curl command.

Every case goes out with the documented Accept and Accept-Language (`sent_headers`), so a case
is refused for what it is about, not at the header gate. The stats count how every case ended
(`answers`, as `conformance.gates.tally`) and carry `warning`, loud and non-empty when most cases
ended at one early gate (authentication, Accept, not found...): such a run tested almost nothing.

Cases are sent through a session from `conformance.client.make_session`, the harness's one HTTP
seam: each gets the profile's timeout as a wall-clock deadline (connect plus whole response) and
the run's breaker, which ends the stage once the target stopped answering. Schemathesis's own
`request-timeout` setting is only a requests timeout (per socket read); it is not used, the
`timeout` passed to `case.call` (the same seconds) overrides it and the adapter enforces the
deadline. What the seam cannot cover: time Schemathesis and Hypothesis spend generating a case
(bounded by the stage's time budget, checked between cases, not mid-case).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import hypothesis
import requests
import schemathesis
from schemathesis.core.failures import Failure, FailureGroup

from conformance.breaker import Breaker
from conformance.client import make_session, sent_exchange
from conformance.errors import TargetStopped, first_line
from conformance.fuzzing.cases import (
    FuzzOptions,
    FuzzTarget,
    exchange_from,
    sent_headers,
    strategy_for,
)
from conformance.fuzzing.checks import ResponseTimeout, all_checks
from conformance.fuzzing.findings import (
    FuzzRun,
    Progress,
    record,
    results_of,
    stats_of,
    tally_answer,
)
from conformance.fuzzing.schema import SeedKnowledge, find_operation
from conformance.gates import NO_ANSWER
from conformance.results import CheckResult

MODES = (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE)


@dataclass(frozen=True)
class FuzzOutcome:
    checks: tuple[CheckResult, ...]
    stats: dict[str, Any]


class _Stop(Exception):
    """Ends a Hypothesis run early: time budget spent or target gone."""


class _BudgetSpent(_Stop):
    pass


class _TargetGone(_Stop):
    pass


def run_fuzz(
    schema: schemathesis.BaseSchema,
    target: FuzzTarget,
    knowledge: SeedKnowledge,
    options: FuzzOptions,
    *,
    progress: Progress | None = None,
    session: requests.Session | None = None,
    breaker: Breaker | None = None,
) -> FuzzOutcome:
    """Fuzz the vendor operation (and the read-back GET when the target has it).

    `breaker` is the run's (shared with the scenario stage); a `session` given is used as it is.
    """
    started = time.monotonic()
    operation_ids = list(knowledge.api.operation_ids(target.read_back))
    operations = [find_operation(schema, oid) for oid in operation_ids]
    run = FuzzRun(
        schema=schema,
        target=target,
        knowledge=knowledge,
        options=options,
        progress=progress,
        session=session or make_session(target.timeout_s, breaker, target.transport),
        deadline=started + options.time_budget_s,
        checks=all_checks(knowledge),
        planned=len(operations) * len(MODES) * options.max_examples,
    )
    for index, (operation_id, operation) in enumerate(zip(operation_ids, operations, strict=True)):
        for mode_index, mode in enumerate(MODES):
            if run.stopped:
                break
            seed = options.seed + 2 * index + mode_index
            _drive(run, operation_id, strategy_for(operation, mode, target), seed)
    checks = results_of(run, operation_ids)
    return FuzzOutcome(
        checks=checks, stats=stats_of(run, operation_ids, time.monotonic() - started)
    )


def _drive(run: FuzzRun, operation_id: str, strategy: Any, seed: int) -> None:
    @hypothesis.settings(
        max_examples=run.options.max_examples,
        deadline=None,
        database=None,
        phases=[hypothesis.Phase.generate],
        suppress_health_check=list(hypothesis.HealthCheck),
        verbosity=hypothesis.Verbosity.quiet,
        report_multiple_bugs=False,
    )
    @hypothesis.seed(seed)
    @hypothesis.given(case=strategy)
    def fuzz(case: Any) -> None:
        _one_case(run, operation_id, case)

    done_before = run.done
    try:
        fuzz()
    except _BudgetSpent:
        run.stopped = "time budget spent"
    except _TargetGone as exc:
        run.stopped = run.lost_target = str(exc)
    except hypothesis.errors.Unsatisfiable:
        pass  # the strategy produced no usable case; the stats show zero cases for it
    run.planned -= run.options.max_examples - (run.done - done_before)  # fewer than planned


def _one_case(run: FuzzRun, operation_id: str, case: Any) -> None:
    if time.monotonic() > run.deadline:
        raise _BudgetSpent()
    mode = case.meta.generation.mode.value if case.meta is not None else "positive"
    headers = sent_headers(case.headers, run.target.token)
    kwargs = {"session": run.session, "timeout": run.target.timeout_s}
    try:
        response = case.call(base_url=run.target.base_url, headers=headers, **kwargs)
    except TargetStopped as exc:
        raise _TargetGone(str(exc)) from exc
    except requests.Timeout as exc:
        _record_timeout(run, operation_id, case, headers, exc)
        return
    except requests.ConnectionError as exc:
        raise _TargetGone(f"the target stopped answering: {first_line(exc)}") from exc
    tally_answer(run, operation_id, mode, response)
    transport = {"base_url": run.target.base_url, "headers": headers, **kwargs}
    try:
        case.validate_response(
            response, checks=run.checks, headers=headers, transport_kwargs=transport
        )
    except FailureGroup as group:
        for failure in group.exceptions:
            record(run, operation_id, mode, failure, exchange_from(response))
    except Failure as failure:
        record(run, operation_id, mode, failure, exchange_from(response))
    except requests.ConnectionError as exc:  # a probe of ignored_auth lost the target
        raise _TargetGone(f"the target stopped answering: {first_line(exc)}") from exc


def _record_timeout(
    run: FuzzRun, operation_id: str, case: Any, headers: dict[str, str], exc: requests.Timeout
) -> None:
    sent = exc.request if isinstance(exc.request, requests.PreparedRequest) else None
    exchange = sent_exchange(
        sent or _prepared(run, case, headers), error=f"timeout after {run.target.timeout_s} s"
    )
    failure = ResponseTimeout(
        operation=case.operation.label,
        message=f"no answer within {run.target.timeout_s} s; reproduce with: {exchange.curl()}",
    )
    run.answers[NO_ANSWER] += 1
    record(run, operation_id, "?", failure, exchange)


def _prepared(run: FuzzRun, case: Any, headers: dict[str, str]) -> requests.PreparedRequest:
    """The request a case sends, prepared as the session prepares it (when a timeout did not
    carry the one sent)."""
    kwargs = case.as_transport_kwargs(base_url=run.target.base_url, headers=headers)
    fields = ("method", "url", "headers", "params", "data", "json", "cookies")
    request = requests.Request(**{k: v for k, v in kwargs.items() if k in fields})
    return run.session.prepare_request(request)
