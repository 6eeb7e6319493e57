"""Schema errors found by jsonschema-rs get the same vendor code and attribute as the reference.

The mock classifies an invalid body from jsonschema-rs's errors (fast); the Python validator's
errors are the reference the classification was written for. This differential test sends
thousands of seeded mutations of the spec's own examples through both and wants the same set
of (code, attribute) pairs, and so the same answer, for every one.
"""

from __future__ import annotations

import copy
import random
from typing import Any

import pytest

from mock_server.errors import ApiError
from mock_server.settings import MockSettings
from mock_server.validation import BodyValidator, load_spec, request_schema

CASES = 3000
ODD_VALUES: list[Any] = [
    "", " ", "x" * 300, 0, -1, 1.5, True, None, [], {}, ["a"], {"a": 1},
    "not-an-email", "a@b.example", "2026-13-45T99:00:00Z", "2026-11-27T10:00:00Z",
    "email", "general", "individual", "\u00e9t\u00e9",
]  # fmt: skip


@pytest.fixture(scope="module")
def validator() -> BodyValidator:
    return BodyValidator(request_schema(load_spec(MockSettings().spec_file)))


def examples() -> list[dict[str, Any]]:
    spec = load_spec(MockSettings().spec_file)
    content = spec["paths"]["/activity/email/general"]["post"]["requestBody"]["content"]
    named = spec["components"]["examples"]
    refs = [e["$ref"].rsplit("/", 1)[-1] for e in content["application/json"]["examples"].values()]
    found = [named[name]["value"] for name in refs]
    assert len(found) >= 2, "the spec's JSON request examples are the seeds of this test"
    return found


def containers(node: Any) -> list[Any]:
    """Every dict and list inside `node`, itself included."""
    found = [node] if isinstance(node, dict | list) else []
    children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else []
    for child in children:
        found.extend(containers(child))
    return found


def mutate(body: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """One to three random changes: drop, add or replace a member, or wrap one in a list."""
    body = copy.deepcopy(body)
    for _ in range(rng.randint(1, 3)):
        target = rng.choice(containers(body))
        if isinstance(target, list):
            if target:
                target[rng.randrange(len(target))] = copy.deepcopy(rng.choice(ODD_VALUES))
            continue
        action = rng.choice(("drop", "add", "replace", "replace", "wrap"))
        names = list(target)
        if action == "add" or not names:
            # a copy: a shared odd value added into itself would make the body a cycle
            name = rng.choice(("colour", "id", "value", "name", "extra", "department"))
            target[name] = copy.deepcopy(rng.choice(ODD_VALUES))
        elif action == "drop":
            del target[rng.choice(names)]
        elif action == "replace":
            target[rng.choice(names)] = copy.deepcopy(rng.choice(ODD_VALUES))
        else:
            name = rng.choice(names)
            target[name] = [target[name]]
    return body


def fast_answer(validator: BodyValidator, body: dict[str, Any]) -> tuple[str, str] | None:
    try:
        validator.validate(body)
    except ApiError as error:
        return error.code, error.args_[0]
    return None


def test_fast_and_reference_classifications_agree_on_mutated_examples(
    validator: BodyValidator,
) -> None:
    rng = random.Random(20261127)
    seeds = examples()
    invalid = 0
    for _ in range(CASES):
        body = mutate(rng.choice(seeds), rng)
        reference = validator.reference_errors(body)
        fast = [] if validator._fast_valid(body) else validator._errors(body)
        assert set(fast) == set(reference), body
        if reference:
            invalid += 1
            expected = min(reference, key=lambda e: (("400-146", "400-147", "400-387",
                                                       "400-152").index(e[0]), e[1]))  # fmt: skip
            assert fast_answer(validator, body) == expected, body
    assert invalid > CASES // 2  # the mutations mostly break the body: the test has teeth


def test_a_body_rust_cannot_hold_is_classified_by_the_reference(validator: BodyValidator) -> None:
    body = examples()[0] | {"subject": "\ud800 lone surrogate", "colour": "blue"}
    assert validator._errors(body) == validator.reference_errors(body)
    assert ("400-147", "colour") in validator._errors(body)
