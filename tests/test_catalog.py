"""The rule catalog is the contract of the mock, the scenarios and the report: keep it sound."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from conformance.catalog import AREAS, load_catalog
from conformance.errors import ConfigError

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
