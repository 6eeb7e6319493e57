"""Fixtures of the harness tests: the catalog, and results built from canned vendor exchanges."""

from __future__ import annotations

import json

import pytest

from conformance.catalog import Catalog, load_catalog
from conformance.results import CheckResult, Exchange, Finding, Outcome, RunMeta, RunResult

BASE_URL = "http://vendor.test/core/casemgr/v3"
OPERATION_URL = f"{BASE_URL}/activity/email/general"


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog()


def vendor_exchange(status: int, code: str | None = None, body: str = "") -> Exchange:
    """A canned vendor exchange: a POST of a minimal user request and the vendor's answer."""
    request = {
        "department": {"name": "Service"},
        "type": {"value": "email", "subtype": {"value": "general"}},
        "subject": "printer jams <b>now</b>",
    }
    answer = json.dumps({"code": code, "developerMessage": "..."}) if code else body
    headers = {"Content-Type": "application/json"} if code else {}
    if status == 201:
        headers = {"Location": "/core/casemgr/v3/activity/1055"}
    return Exchange(
        method="POST",
        url=OPERATION_URL,
        request_headers={"Authorization": "Bearer t0k", "Content-Type": "application/json"},
        request_body=json.dumps(request),
        sent_body=json.dumps(request).encode(),
        status=status,
        response_headers=headers,
        response_body=answer,
        elapsed_ms=12.5,
    )


def check(
    rule: str,
    outcome: Outcome,
    *,
    exchange: Exchange | None = None,
    message: str = "",
    kind: str = "scenario",
) -> CheckResult:
    return CheckResult(
        id=f"{rule}-1",
        kind=kind,
        name=f"scenario for {rule}",
        outcome=outcome,
        rule_ids=(rule,),
        area="headers" if rule.startswith("HDR") else "actors",
        message=message,
        expected="403 403-178" if outcome == Outcome.FAILED else "",
        actual="201" if outcome == Outcome.FAILED else "",
        exchanges=(exchange,) if exchange else (),
        fingerprint=f"{kind}:{rule}-1",
        findings=(finding(rule, message or "broke it"),) if outcome == Outcome.FAILED else (),
    )


def finding(rule: str, cause: str, level: str = "documented", item: str = "outcome") -> Finding:
    return Finding(rule, item, level, cause, cause, "403 403-178", "201")


def run_result(*checks: CheckResult, fuzz_stats: dict | None = None) -> RunResult:
    meta = RunMeta(
        target_name="canned vendor",
        base_url=BASE_URL,
        spec_digest="0" * 64,
        started="2026-01-01 00:00:00 UTC",
        duration_s=1.5,
        versions={"python": "3.11"},
        seed=7,
        stages=("scenarios", "fuzz"),
        stage_durations={"scenarios": 1.0, "fuzz": 0.5},
        documented_statuses=(201, 400, 401, 403, 406, 500),
    )
    return RunResult(meta=meta, checks=checks, fuzz_stats=fuzz_stats or {})


@pytest.fixture
def all_pass() -> RunResult:
    return run_result(
        check("HDR-01", Outcome.PASSED, exchange=vendor_exchange(406, "406-100")),
        check("ACT-04", Outcome.PASSED, exchange=vendor_exchange(201)),
    )


@pytest.fixture
def mixed() -> RunResult:
    return run_result(
        check("HDR-01", Outcome.PASSED, exchange=vendor_exchange(406, "406-100")),
        check(
            "ACT-03",
            Outcome.FAILED,
            exchange=vendor_exchange(201),
            message="a user without the privilege created the activity",
        ),
        check("ACT-05", Outcome.NOT_APPLICABLE, message="not applicable: needs tokens.client"),
        CheckResult(
            id="fuzz-001",
            kind="fuzz",
            name="Server error (create, positive case)",
            outcome=Outcome.FAILED,
            rule_ids=("PRT-03",),
            area="fuzzing",
            message="Server error",
            exchanges=(vendor_exchange(500, "500-100"),),
            fingerprint="fuzz:create:not_a_server_error:ST101:500",
            findings=(finding("PRT-03", "a generated request got not a server error"),),
        ),
        fuzz_stats={
            "cases_total": 40,
            "findings": 1,
            "seed": 7,
            "duration_s": 0.5,
            "statuses": {"400": 30, "500": 10},
            "codes": {"400-146": 30, "599-1": 1},
            "cases": {"create positive": 20, "create negative": 20},
            "operations": ["create"],
            "max_examples": 20,
            "time_budget_s": 60,
            "stopped": "",
        },
    )


@pytest.fixture
def mostly_not_applicable(catalog: Catalog) -> RunResult:
    return run_result(
        *(
            check(rule.id, Outcome.NOT_APPLICABLE, message="not applicable: needs tokens.customer")
            for rule in catalog.rules
            if rule.area in ("grants", "customer")
        ),
        check("HDR-01", Outcome.PASSED, exchange=vendor_exchange(406, "406-100")),
    )
