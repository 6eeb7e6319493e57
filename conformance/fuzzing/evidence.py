"""What a fuzzing finding means: the root cause it shows, and how sure the docs are of it.

Schemathesis judges answers by the spec, and the spec holds the mock's choices too (its 404,
405, 413 and 415; the strictness of the request schema; the read-back operation). A finding is
a deviation only where the vendor documents what was broken; elsewhere it is a difference.
Root causes are worded as `conformance.response_shape` words them, so a 201 with a body found by
the fuzzer and by the scenarios is one deviation.
"""

from __future__ import annotations

import dataclasses

from conformance.evidence import Level
from conformance.response_shape import SpecChecks
from conformance.results import CheckResult, Finding, Outcome, outcome_of


def judged(check: CheckResult, spec_checks: SpecChecks) -> CheckResult:
    """`check` (a fuzzing finding) with its finding and outcome; other checks as they are."""
    if check.kind != "fuzz" or check.outcome != Outcome.FAILED:
        return check
    finding = _finding(check, spec_checks)
    return dataclasses.replace(check, findings=(finding,), outcome=outcome_of([finding]))


def _finding(check: CheckResult, spec_checks: SpecChecks) -> Finding:
    _, operation, name, _, status_text = (check.fingerprint.split(":") + [""] * 5)[:5]
    status = int(status_text) if status_text.isdigit() else None
    rule_id, item, cause, level = _cause(name, status, check.message, spec_checks)
    if operation != spec_checks.api.vendor.id and rule_id not in ("PRT-03", "ACT-01"):
        level = Level.CHOICE  # the read-back operation is the mock's extension
    return Finding(
        rule_id=rule_id,
        item=item,
        level=level.value,
        cause=cause,
        message=check.message,
        expected=check.expected,
        actual=check.actual,
    )


def _cause(
    name: str, status: int | None, message: str, spec_checks: SpecChecks
) -> tuple[str, str, str, Level]:
    by_status = spec_checks.status_level(status) if status is not None else Level.DOCUMENTED
    if name in ("not_a_server_error", "response_timeout"):
        return (
            "PRT-03",
            "outcome",
            f"a generated request got {name.replace('_', ' ')}",
            Level.DOCUMENTED,
        )
    if name == "vendor_error_body":
        if "is not a documented vendor code" in message:
            return "PRT-02", "code", "an error code no vendor document has", Level.INFERRED
        return "PRT-02", "body", "the error body is not a JSON object or an XML <error>", by_status
    if name == "status_code_conformance":
        return "PRT-02", "status", f"a status the spec does not declare: {status}", Level.DOCUMENTED
    if name == "content_type_conformance":
        return (
            "HDR-05",
            "media",
            "an error answered in a media type the spec does not declare",
            by_status,
        )
    if name == "response_headers_conformance":
        return "EFF-01", "effect", "a 201 answer has no Location header", Level.DOCUMENTED
    if name == "response_schema_conformance":
        return _schema_cause(status, by_status)
    if name == "auth_enforced":
        return (
            "ACT-01",
            "outcome",
            "a request without a valid token was not refused",
            Level.DOCUMENTED,
        )
    if name == "valid_token_accepted":
        return (
            "ACT-04",
            "outcome",
            "a schema-valid request with the user token was refused",
            Level.DOCUMENTED,
        )
    # negative_data_rejection and anything new: the request schema holds choices of ours.
    return "", "schema", f"{name.replace('_', ' ')}", Level.INFERRED


def _schema_cause(status: int | None, by_status: Level) -> tuple[str, str, str, Level]:
    if status == 201:
        return (
            "EFF-01",
            "effect",
            "a 201 answer has a body; the spec says it has none",
            Level.DOCUMENTED,
        )
    if status is not None and status >= 400:
        return "PRT-02", "body", "the error body does not match the spec's Error schema", by_status
    cause = "the activity read back does not match the spec's ActivityList schema"
    return "EFF-04", "effect", cause, Level.INFERRED
