"""The three outputs render from one RunResult: all passing, mixed, and mostly not applicable."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conformance.baseline import KnownDeviation, diff
from conformance.catalog import Catalog
from conformance.report import results_document, verdict, write_reports
from conformance.results import Outcome, RunResult
from tests.harness.conftest import check, run_result, vendor_exchange


def _rules(document: dict) -> dict[str, str]:
    return {rule["id"]: rule["status"] for rule in document["rules"]}


def test_all_pass_conforms_and_every_output_says_so(
    all_pass: RunResult, catalog: Catalog, tmp_path: Path
) -> None:
    paths = write_reports(all_pass, catalog, tmp_path)
    assert {p.name for p in paths.values()} == {"report.html", "results.json", "junit.xml"}
    html = paths["html"].read_text()
    assert html.index("Conforms") < html.index("Rules of the catalog")  # the verdict first
    document = json.loads(paths["json"].read_text())
    assert document["verdict"]["conforms"] is True
    assert _rules(document)["HDR-01"] == "passed"
    assert _rules(document)["BODY-01"] == "not_checked"
    suite = ET.parse(paths["junit"]).getroot()
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("2", "0", "0")


def test_mixed_run_shows_each_failure_with_request_response_and_curl(
    mixed: RunResult, catalog: Catalog, tmp_path: Path
) -> None:
    paths = write_reports(mixed, catalog, tmp_path)
    html = paths["html"].read_text()
    assert "Does not conform" in html
    assert "ACT-03 &middot; outcome: a user without the privilege created the activity" in html
    assert "curl -i -X POST http://vendor.test/core/casemgr/v3/activity/email/general" in html
    assert "Location: /core/casemgr/v3/activity/1055" in html  # the response, headers and all
    assert "&lt;b&gt;now&lt;/b&gt;" in html and "<b>now</b>" not in html  # autoescaped
    assert "599-1" in html  # an undocumented code seen by the fuzzer is listed in coverage
    document = json.loads(paths["json"].read_text())
    statuses = _rules(document)
    assert (statuses["ACT-03"], statuses["PRT-03"], statuses["ACT-05"], statuses["HDR-01"]) == (
        "failed",
        "failed",
        "not_applicable",
        "passed",
    )
    assert {d["fingerprint"] for d in document["deviations"]} == {
        "scenario:ACT-03-1#ACT-03|outcome|a user without the privilege created the activity",
        "fuzz:create:not_a_server_error:ST101:500#PRT-03|outcome|"
        "a generated request got not a server error",
    }
    assert [g["rule_id"] for g in document["root_causes"]] == ["ACT-03", "PRT-03"]
    assert all(d["curl"][0].startswith("curl ") for d in document["deviations"])


def test_mixed_run_junit_has_one_testcase_per_check(mixed: RunResult) -> None:
    from conformance.report.render import junit_xml

    root = ET.fromstring(junit_xml(mixed))
    assert (root.get("tests"), root.get("failures"), root.get("skipped")) == ("4", "2", "1")
    failure = root.find(".//testcase[@name='[ACT-03] scenario for ACT-03']/failure")
    assert failure is not None and "reproduce: curl" in (failure.text or "")
    assert {s.get("name") for s in root.iter("testsuite")} == {
        "conformance.scenario",
        "conformance.fuzz",
    }


def test_not_applicable_heavy_run_conforms_and_counts_areas(
    mostly_not_applicable: RunResult, catalog: Catalog, tmp_path: Path
) -> None:
    document = results_document(mostly_not_applicable, catalog)
    counts = document["counts"]["rules"]
    assert counts["passed"] == 1 and counts["failed"] == 0
    assert counts["not_applicable"] == sum(r.area in ("grants", "customer") for r in catalog.rules)
    assert document["verdict"]["conforms"] is True
    html = write_reports(mostly_not_applicable, catalog, tmp_path)["html"].read_text()
    assert "needs tokens.customer" in html  # the reason is the evidence


def test_rule_status_mixing_passed_and_not_applicable_is_passed(catalog: Catalog) -> None:
    result = run_result(
        check("HDR-01", Outcome.PASSED),
        check("HDR-01", Outcome.NOT_APPLICABLE, message="not applicable: x"),
    )
    assert _rules(results_document(result, catalog))["HDR-01"] == "passed"


def test_coverage_counts_rules_statuses_and_codes(mixed: RunResult, catalog: Catalog) -> None:
    cov = results_document(mixed, catalog)["coverage"]
    assert (cov["rules_checked"], cov["rules_total"]) == (3, len(catalog.rules))
    seen = {row["status"]: row for row in cov["statuses"]}
    assert seen[500]["seen"] == 11 and seen[500]["documented"]
    assert seen[405]["documented"] and seen[405]["seen"] == 0  # in the catalog, not yet seen
    codes = {row["code"]: row for row in cov["codes"]}
    assert codes["403-178"]["documented"] and codes["599-1"]["documented"] is False


def test_with_a_baseline_known_deviations_do_not_fail_the_run(
    mixed: RunResult, catalog: Catalog, tmp_path: Path
) -> None:
    known = [
        KnownDeviation(
            "scenario:ACT-03-1#ACT-03|outcome|a user without the privilege created the activity",
            ("ACT-03",),
        ),
        KnownDeviation(
            "fuzz:create:not_a_server_error:ST101:500#PRT-03|outcome|"
            "a generated request got not a server error",
            ("PRT-03",),
        ),
        KnownDeviation("scenario:GONE-1", ("HDR-07",), "fixed since"),
    ]
    changes = diff(mixed.failures, known, "known.yaml")
    assert verdict(mixed, changes).conforms
    paths = write_reports(mixed, catalog, tmp_path, changes)
    html = paths["html"].read_text()
    assert "Fixed since the baseline (1)" in html and "fixed since" in html
    root = ET.parse(paths["junit"]).getroot()
    assert root.get("failures") == "0" and root.get("skipped") == "3"
    assert json.loads(paths["json"].read_text())["baseline"]["fixed"] == ["scenario:GONE-1"]


@pytest.mark.parametrize("status", [None, 502])
def test_exchanges_without_an_answer_or_with_a_gateway_error_render(
    status: int | None, catalog: Catalog, tmp_path: Path
) -> None:
    exchange = vendor_exchange(502, body="<html>bad gateway</html>")
    if status is None:
        from dataclasses import replace

        exchange = replace(exchange, status=None, response_body="", error="connection reset")
    result = run_result(check("PRT-03", Outcome.ERROR, exchange=exchange, message="hung up"))
    html = write_reports(result, catalog, tmp_path)["html"].read_text()
    assert ("connection reset" if status is None else "bad gateway") in html
