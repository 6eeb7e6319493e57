"""Documents checked against a JSON Schema, every problem reported at once with its path.

A schema words its own errors with three keys JSON Schema leaves alone: `x-expected` (what a
value should be: "expected a string, got list"), `x-messages` (a message per failing keyword,
`{missing}` naming the missing keys of `required`) and `x-replaced` (keys that were replaced,
and by what). A value of the wrong type is shown by its type, any other by itself.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from conformance.errors import ConfigError

Located = Callable[[Sequence[Any]], str]  # an error's path -> how the message names the place


def validator(path: Path) -> Draft202012Validator:
    """The schema in `path` (JSON), checked as a schema."""
    schema = json.loads(path.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def refuse_problems(where: str, found: Sequence[str]) -> None:
    """ConfigError naming `where` and every problem (one line each when there are several)."""
    if len(found) == 1:
        raise ConfigError(f"{where}: {found[0]}")
    if found:
        raise ConfigError(f"{where}: {len(found)} problems:\n  " + "\n  ".join(found))


def problems(
    checker: Draft202012Validator, document: Any, located: Located | None = None
) -> list[str]:
    """Every problem of `document`, in document order, each once, with where it is."""
    errors = sorted(checker.iter_errors(document), key=lambda e: _sort_key(e.absolute_path))
    name = located or dotted
    found = [_with_place(name(list(e.absolute_path)), text) for e in errors for text in _worded(e)]
    return list(dict.fromkeys(found))


def dotted(path: Sequence[Any]) -> str:
    return ".".join(str(part) for part in path)


def _sort_key(path: Sequence[Any]) -> tuple[str, ...]:
    """Document order: list indexes by number (rule 10 after rule 9), keys by name."""
    return tuple(f"{p:09d}" if isinstance(p, int) else str(p) for p in path)


def _with_place(place: str, text: str) -> str:
    return f"{place}: {text}" if place else text


def _worded(error: ValidationError) -> list[str]:
    schema = error.schema if isinstance(error.schema, dict) else {}
    if error.validator == "additionalProperties":
        return _unknown_keys(error.instance, schema)
    own = _own_message(error)
    if own is not None:
        return [own]
    if "x-expected" in schema:
        return [f"expected {schema['x-expected']}, got {_shown(error)}"]
    if error.validator == "enum":
        return [f"expected one of {', '.join(map(str, schema['enum']))}, got {_shown(error)}"]
    return [error.message]


def _own_message(error: ValidationError) -> str | None:
    """The schema's message for the failing keyword, or a branch's for an anyOf that failed."""
    for each in (error, *error.context):
        schema = each.schema if isinstance(each.schema, dict) else {}
        template = schema.get("x-messages", {}).get(each.validator)
        if template is not None:
            return str(template).format(missing=", ".join(_missing(each)))
    return None


def _missing(error: ValidationError) -> list[str]:
    if error.validator != "required" or not isinstance(error.instance, dict):
        return []
    return [str(key) for key in error.validator_value if key not in error.instance]


def _unknown_keys(instance: Any, schema: dict[str, Any]) -> list[str]:
    known = list(schema.get("properties", {}))
    replaced = schema.get("x-replaced", {})
    unknown = sorted(str(k) for k in instance if k not in known)
    found = [str(replaced[k]) for k in unknown if k in replaced]
    if others := [k for k in unknown if k not in replaced]:
        found.append(f"unknown key(s) {', '.join(others)}; known keys: {', '.join(known)}")
    return found


def _shown(error: ValidationError) -> str:
    return type(error.instance).__name__ if _wrong_type(error) else repr(error.instance)


def _wrong_type(error: ValidationError) -> bool:
    """A type error, or an anyOf whose every branch refused the type."""
    if error.validator == "type":
        return True
    return error.validator == "anyOf" and all(_wrong_type(e) for e in error.context)
