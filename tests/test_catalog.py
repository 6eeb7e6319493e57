"""The rule catalog is the contract of the mock, the scenarios and the report: keep it sound."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from conformance.catalog import AREAS, SCHEMA_PATH, load_catalog
from conformance.errors import ConfigError
from conformance.evidence import ITEMS, Level

SEED = (
    Path(__file__).resolve().parents[2] / "shared" / "seed" / "create-incoming-email-activity.txt"
)


def test_catalog_loads_with_unique_complete_entries() -> None:
    catalog = load_catalog()
    assert len(catalog.rules) >= 60
    assert len(set(catalog.ids)) == len(catalog.ids)
    assert all(re.fullmatch(r"[A-Z]+-\d\d", rid) for rid in catalog.ids)
    assert {rule.area for rule in catalog.rules} == set(AREAS)


def test_every_error_rule_names_a_vendor_code_of_its_status() -> None:
    """Only PRT-03 (no 5xx for a client's mistake) is about a status class rather than a code."""
    for rule in load_catalog().rules:
        if rule.status >= 400 and rule.id != "PRT-03":
            assert rule.code and rule.code.startswith(f"{rule.status}-"), rule.id


def test_seed_quotes_come_from_the_seed_when_source_is_seed() -> None:
    """A quote that is not in the seed would make the report lie about where a rule comes from."""
    if not SEED.exists():
        pytest.skip("shared/seed is not beside this checkout")
    seed = " ".join(SEED.read_text(encoding="utf-8").split())
    for rule in load_catalog().rules:
        if rule.source != "seed":
            continue
        for piece in re.split(r"\s*\.\.\.\s*", rule.seed):
            words = " ".join(piece.split())
            assert words in seed, f"{rule.id}: {words!r} is not in the seed"


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    raw = yaml.safe_load(Path("openapi/rules.yaml").read_text())
    raw["rules"].append(raw["rules"][0])
    bad = tmp_path / "rules.yaml"
    bad.write_text(yaml.safe_dump(raw))
    with pytest.raises(ConfigError, match="appears twice"):
        load_catalog(bad)


def test_incomplete_entries_are_refused(tmp_path: Path) -> None:
    raw = yaml.safe_load(Path("openapi/rules.yaml").read_text())
    del raw["rules"][3]["seed"]
    bad = tmp_path / "rules.yaml"
    bad.write_text(yaml.safe_dump(raw))
    with pytest.raises(ConfigError, match="missing seed"):
        load_catalog(bad)


def bad_catalog(tmp_path: Path, change: Callable[[dict[str, Any]], None]) -> Path:
    raw = yaml.safe_load(Path("openapi/rules.yaml").read_text())
    change(raw)
    bad = tmp_path / "rules.yaml"
    bad.write_text(yaml.safe_dump(raw))
    return bad


def test_every_problem_of_the_shape_is_reported_at_once_with_its_rule(tmp_path: Path) -> None:
    def break_three(raw: dict[str, Any]) -> None:
        raw["rules"][4]["area"] = "nowhere"
        raw["rules"][5]["actors"] = []
        raw["rules"][12]["evidence"]["status"] = "sure"

    with pytest.raises(ConfigError) as caught:
        load_catalog(bad_catalog(tmp_path, break_three))
    lines = str(caught.value).splitlines()
    assert lines[0].endswith("rules.yaml: 3 problems:"), lines
    ids = [load_catalog().rules[i].id for i in (4, 5, 12)]
    assert [line.split(":")[0].strip() for line in lines[1:]] == [f"rule {rid}" for rid in ids]
    assert "area: expected one of headers, query" in lines[1] and "got 'nowhere'" in lines[1]
    assert "actors: expected a non-empty list of actors" in lines[2]
    assert "evidence.status: expected one of documented, inferred, choice, got 'sure'" in lines[3]


def test_references_across_entries_are_checked_all_at_once(tmp_path: Path) -> None:
    def break_references(raw: dict[str, Any]) -> None:
        raw["rules"][8]["expect"]["code"] = "400-999"
        raw["rules"][10]["observed_through"] = ["NOPE-01"]
        raw["choice_codes"].append("499-000")

    with pytest.raises(ConfigError) as caught:
        load_catalog(bad_catalog(tmp_path, break_references))
    message = str(caught.value)
    assert "3 problems" in message and "code 400-999 not in codes" in message
    assert "observed_through names unknown ['NOPE-01']" in message
    assert "choice_codes not in codes: ['499-000']" in message


def test_a_rule_may_say_how_a_passive_observer_checks_it(tmp_path: Path) -> None:
    def passive(raw: dict[str, Any]) -> None:
        raw["rules"][0]["passive"] = "response headers"
        raw["rules"][1]["passive"] = {"header": "Content-Language", "when": ["406"]}

    assert load_catalog(bad_catalog(tmp_path, passive)).rules[0].id == "HDR-01"
    with pytest.raises(ConfigError, match="passive: expected a string or a mapping"):
        load_catalog(bad_catalog(tmp_path, lambda raw: raw["rules"][0].update(passive=3)))


def test_the_schema_names_the_evidence_items_and_levels_the_harness_knows() -> None:
    """The schema states the catalog's shape; evidence.py's items and levels must be the same."""
    defs = json.loads(SCHEMA_PATH.read_text())["$defs"]
    assert tuple(defs["item"]["enum"]) == ITEMS
    assert defs["level"]["enum"] == [level.value for level in Level]


def test_every_passive_rule_has_a_judge_and_every_judge_a_passive_rule() -> None:
    """rules.yaml `passive` says what the proxy judges; conformance.proxy.judge judges it."""
    from conformance.proxy.judge import EVERY, JUDGED_WITH_BREACHES, JUDGES

    passive = {rule.id: rule.passive for rule in load_catalog().rules if rule.passive}
    by_schema = {rid for rid, p in passive.items() if p.schema or p.schema_error}
    judged = set(JUDGES) | set(EVERY) | set(JUDGED_WITH_BREACHES) | by_schema
    assert judged == set(passive)
    assert not set(JUDGES) & by_schema  # one judge per rule
    every = {rid for rid, p in passive.items() if not p.step}
    assert every == set(EVERY) | {"PRT-03"}
