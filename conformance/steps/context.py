"""The state of one scenario: who sends what, and what came back."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NoReturn

import pytest
import requests

from conformance.catalog import Catalog
from conformance.evidence import Level, capped, strongest, weakest
from conformance.profile import Profile
from conformance.requests_builder import MissingData, require
from conformance.results import Finding

NOT_APPLICABLE = "not applicable:"  # the prefix of a skip reason the report shows as such


def not_applicable(reason: str) -> NoReturn:
    pytest.skip(f"{NOT_APPLICABLE} {reason}")


class Blocked(Exception):
    """A step recorded why the scenario cannot go on (e.g. a refusal where a 201 was wanted)."""


def need(profile: Profile, key: str) -> Any:
    """The profile's value at `key`, or the scenario is not applicable for want of it."""
    try:
        return require(profile, key)
    except MissingData:
        not_applicable(f"profile has no {key}")


@dataclass
class ScenarioContext:
    """What the Given steps build, the When step sends and the Then steps check."""

    profile: Profile
    catalog: Catalog
    rule_ids: tuple[str, ...] = ()
    actor: str = "user"
    authorization: str | None = None
    body: Any = None  # dict for a built body; see raw_body for anything else
    raw_body: str | bytes | None = None
    no_body: bool = False
    xml: bool = False
    xml_namespace: str | None = None
    xml_attributes: tuple[str, ...] = ()
    headers: dict[str, str] = field(default_factory=dict)
    omitted_headers: set[str] = field(default_factory=set)
    params: dict[str, str] = field(default_factory=dict)
    fresh: list[str] = field(default_factory=list)
    response: requests.Response | None = None
    stored: dict[str, Any] | None = None
    stored_body: Any = None  # the whole read-back answer the stored activity came from
    earlier: list[dict[str, Any]] = field(default_factory=list)  # activities read, in order
    relies_on: Level = Level.DOCUMENTED  # the scenario's own tag: @inferred or @choice
    findings: list[Finding] = field(default_factory=list)

    @property
    def cap(self) -> Level:
        """The strongest level anything this scenario expects can have: what its own request
        relies on (its tag; an XML body in the inferred element form, ids as attributes a
        choice)."""
        levels = [self.relies_on]
        if self.xml and self.raw_body is None and not self.no_body:
            levels.append(Level.CHOICE if self.xml_attributes else Level.INFERRED)
        return weakest(levels)

    def miss(
        self,
        item: str,
        cause: str,
        *,
        expected: Any = "",
        actual: Any = "",
        message: str = "",
        level: Level | None = None,
        rule_id: str | None = None,
    ) -> None:
        """Record an expected item the target answered otherwise; the scenario goes on.

        `rule_id` names the rule an item belongs to whatever the scenario's own tag (the error's
        media type is HDR-05's in every scenario that checks it), so that breaking one fact shows
        under one rule."""
        if rule_id is None:
            rule_id, stated = self._level(item)
        else:
            stated = self.catalog.get(rule_id).level(item)
        self.findings.append(
            Finding(
                rule_id=rule_id,
                item=item,
                level=capped(level or stated, self.cap).value,
                cause=cause,
                message=message or cause,
                expected=_text(expected),
                actual=_text(actual),
            )
        )

    def stop(self, item: str, cause: str, **details: Any) -> NoReturn:
        """Record the miss and end the scenario: nothing after it can be checked."""
        self.miss(item, cause, **details)
        raise Blocked(cause)

    def _level(self, item: str) -> tuple[str, Level]:
        """The scenario's rule that is surest of `item`, and how sure it is."""
        rules = [self.catalog.get(rid) for rid in self.rule_ids]
        if not rules:
            return "", Level.DOCUMENTED
        level = strongest(rule.level(item) for rule in rules)
        return next(r.id for r in rules if r.level(item) == level), level

    def need(self, key: str) -> Any:
        return need(self.profile, key)

    def last_response(self) -> requests.Response:
        if self.response is None:
            raise RuntimeError("a Then step ran before any request was sent")
        return self.response


def _text(value: Any) -> str:
    return "" if value is None else str(value)
