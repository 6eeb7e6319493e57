"""The facts the harness reads from the spec (conformance.spec): nothing else writes them."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from conformance import yamldoc
from conformance.errors import ConfigError
from conformance.response_shape import documented_location_problem
from conformance.settings import HarnessSettings
from conformance.spec import api_of, load_api


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    return yamldoc.parse(HarnessSettings().spec_path.read_text(encoding="utf-8"))


def test_the_projects_spec_names_the_base_path_and_both_operations() -> None:
    api = load_api(HarnessSettings().spec_path)
    assert api.base_path == "/core/casemgr/v3"
    assert (api.vendor.id, api.vendor.method) == ("create-incoming-email-activity", "POST")
    assert api.vendor.path == "/activity/email/general"
    assert api.vendor.statuses == {201, 400, 401, 403, 406, 500}
    assert (api.read_back.id, api.read_back.path) == ("get-activity-by-id", "/activity/{id}")
    assert api.operation_ids(read_back=False) == ("create-incoming-email-activity",)
    assert api.read_back_path("1055") == "/activity/1055"
    assert api.location.match("/core/casemgr/v3/activity/1055")["id"] == "1055"  # type: ignore[index]


def test_another_base_path_moves_every_fact_with_it(spec: dict[str, Any]) -> None:
    moved = copy.deepcopy(spec)
    moved["servers"] = [{"url": "https://vendor.example/api/v9"}]
    vendor = moved["paths"]["/activity/email/general"]["post"]
    vendor["responses"]["201"]["headers"]["Location"]["example"] = "/api/v9/activity/7"
    api = api_of(moved)
    assert api.location_template == "/api/v9/activity/{id}"
    assert documented_location_problem("/api/v9/activity/7", api) is None
    problem = documented_location_problem("/core/casemgr/v3/activity/7", api)
    assert problem == "it lacks the base path /api/v9"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: s["servers"].append({"url": "http://x/other"}), "2 base paths"),
        (
            lambda s: s["paths"]["/activity/email/general"]["post"].update(
                {"x-mock-extension": True}
            ),
            "0 operations not flagged",
        ),
        (lambda s: s["paths"].pop("/activity/{id}"), "no GET operation"),
    ],
)
def test_a_spec_that_does_not_say_is_a_config_error(
    spec: dict[str, Any], change: Any, message: str
) -> None:
    broken = copy.deepcopy(spec)
    change(broken)
    with pytest.raises(ConfigError, match=message):
        api_of(broken)
