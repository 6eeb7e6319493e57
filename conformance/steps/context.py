"""The state of one scenario: who sends what, and what came back."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NoReturn

import pytest
import requests

from conformance.catalog import Catalog
from conformance.profile import Profile
from conformance.requests_builder import MissingData, require

NOT_APPLICABLE = "not applicable:"  # the prefix of a skip reason the report shows as such


def not_applicable(reason: str) -> NoReturn:
    pytest.skip(f"{NOT_APPLICABLE} {reason}")


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

    @property
    def strict(self) -> bool:
        """Exact status and code, unless every rule of the scenario is a guess and the
        profile does not ask for guesses to be checked exactly."""
        if self.profile.strict_guesses or not self.rule_ids:
            return True
        return any(self.catalog.get(rid).certainty != "guess" for rid in self.rule_ids)

    def need(self, key: str) -> Any:
        return need(self.profile, key)

    def last_response(self) -> requests.Response:
        if self.response is None:
            raise RuntimeError("a Then step ran before any request was sent")
        return self.response
