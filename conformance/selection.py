"""A subset of the catalog to run: `--rule ID` (globs such as `GRT-*`) and `--area NAME`."""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from conformance.catalog import AREAS, Catalog, Rule
from conformance.errors import ConfigError


@dataclass(frozen=True)
class Selection:
    """The rules a run is asked to check; empty means all of them."""

    patterns: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()
    rule_ids: frozenset[str] = frozenset()  # every rule the patterns or areas name

    @property
    def active(self) -> bool:
        return bool(self.patterns or self.areas)

    def covers(self, rule_id: str) -> bool:
        return not self.active or rule_id in self.rule_ids

    def marker_expression(self, catalog: Catalog) -> str | None:
        """A pytest -m expression over the scenarios' rule tags, or None for all of them."""
        if not self.active:
            return None
        return " or ".join(rid for rid in catalog.ids if rid in self.rule_ids)

    def describe(self, catalog: Catalog) -> dict[str, Any]:
        """What the report says of the selection."""
        if not self.active:
            return {}
        return {
            "rules": list(self.patterns),
            "areas": list(self.areas),
            "selected": [rid for rid in catalog.ids if rid in self.rule_ids],
            "left_out": [rid for rid in catalog.ids if rid not in self.rule_ids],
        }


def select(catalog: Catalog, patterns: Sequence[str], areas: Sequence[str]) -> Selection:
    """The rules `patterns` (ids or globs) and `areas` name; one that names none is an error."""
    unknown_areas = [a for a in areas if a not in AREAS]
    if unknown_areas:
        raise ConfigError(f"unknown area(s) {', '.join(unknown_areas)}; known: {', '.join(AREAS)}")
    chosen: set[str] = set()
    for pattern in patterns:
        matched = _matching(catalog.rules, pattern)
        if not matched:
            raise ConfigError(f"--rule {pattern}: no rule of the catalog matches it")
        chosen |= matched
    chosen |= {rule.id for rule in catalog.rules if rule.area in areas}
    return Selection(tuple(patterns), tuple(areas), frozenset(chosen))


def _matching(rules: Sequence[Rule], pattern: str) -> set[str]:
    return {rule.id for rule in rules if fnmatch.fnmatchcase(rule.id, pattern.upper())}
