"""Every rule of the catalog has scenarios; every rule tag names a rule of the catalog."""

from __future__ import annotations

import re
from pathlib import Path

from pytest_bdd.feature import get_features

from conformance.catalog import AREAS, load_catalog
from conformance.settings import HarnessSettings

RULE_TAG = re.compile(r"^[A-Z]+-\d+$")


def scenario_tags() -> list[tuple[str, str, set[str]]]:
    """(feature file, scenario name, tags including the feature's) for every scenario."""
    features = get_features([str(HarnessSettings().features_dir)])
    return [(feature.rel_filename, name, set(scenario.tags) | set(feature.tags))
            for feature in features for name, scenario in feature.scenarios.items()]  # fmt: skip


def test_every_rule_in_the_catalog_has_a_scenario() -> None:
    tagged = {tag for _, _, tags in scenario_tags() for tag in tags}
    missing = [rid for rid in load_catalog().ids if rid not in tagged]
    assert not missing, f"rules without a scenario: {missing}"


def test_every_rule_tag_names_a_rule_of_the_catalog() -> None:
    ids = set(load_catalog().ids)
    unknown = [(f, name, tag) for f, name, tags in scenario_tags() for tag in tags
               if RULE_TAG.match(tag) and tag not in ids]  # fmt: skip
    assert not unknown, f"scenarios tagged with unknown rule ids: {unknown}"


def test_every_scenario_has_a_rule_and_the_area_of_its_file() -> None:
    catalog = load_catalog()
    for filename, name, tags in scenario_tags():
        rules = [tag for tag in tags if RULE_TAG.match(tag)]
        assert rules, f"{filename}: {name!r} has no rule tag"
        areas = [tag for tag in tags if tag in AREAS]
        assert areas == [Path(filename).stem], f"{filename}: {name!r}: {areas}"
        assert all(catalog.get(rid).area == areas[0] for rid in rules), (filename, name, rules)


def test_there_is_one_feature_file_per_area() -> None:
    files = sorted(p.stem for p in HarnessSettings().features_dir.glob("*.feature"))
    assert files == sorted(AREAS)


def test_error_rules_have_a_refusal_and_a_passing_case_somewhere() -> None:
    """Each rule has its negative case; the positive case of an error rule is a 201 scenario
    of the same rule, or (for header and transport rules) a valid request of another rule."""
    features = get_features([str(HarnessSettings().features_dir)])
    steps_by_rule: dict[str, list[str]] = {}
    for feature in features:
        for scenario in feature.scenarios.values():
            text = " ".join(step.name for step in scenario.steps)
            for tag in scenario.tags:
                steps_by_rule.setdefault(tag, []).append(text)
    for rule in load_catalog().rules:
        texts = steps_by_rule[rule.id]
        if rule.code:
            assert any("refused with status" in t for t in texts), f"{rule.id}: no refusal"
        else:
            assert any("201 Created" in t or "not a server error" in t for t in texts), rule.id
