"""The spec as Schemathesis reads it, and what the seed documents (vendor codes, statuses)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import schemathesis

from conformance.errors import ConfigError, first_line
from conformance.spec import Api, api_of

# Statuses a schema-invalid request may get: Schemathesis's defaults plus the spec's 413.
REJECTION_STATUSES = ["400", "401", "403", "404", "405", "406", "413", "415", "422", "5xx"]


@dataclass(frozen=True)
class SeedKnowledge:
    """What the seed documents: the vendor codes (rule catalog) and each operation's statuses."""

    codes: frozenset[str]
    statuses: Mapping[str, frozenset[int]]  # operationId -> statuses the spec declares
    api: Api  # the base path and the operations (conformance.spec)


def load_schema(spec_path: Path) -> schemathesis.BaseSchema:
    """The spec file as a Schemathesis schema; an unreadable or invalid spec is a ConfigError."""
    try:
        text = spec_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the spec {spec_path}: {first_line(exc)}") from exc
    return schema_from_text(text, spec_path)


def schema_from_text(text: str, spec_path: Path) -> schemathesis.BaseSchema:
    """The spec's text, already read once for the run, as a Schemathesis schema located at
    `spec_path` (as `from_path` would have it); an invalid spec is a ConfigError."""
    config = schemathesis.Config.from_dict(
        {"checks": {"negative_data_rejection": {"expected-statuses": REJECTION_STATUSES}}}
    )
    try:
        schema = schemathesis.openapi.from_file(text, config=config)
    except Exception as exc:  # Schemathesis raises several types for a bad document
        raise ConfigError(f"cannot read the spec {spec_path}: {first_line(exc)}") from exc
    schema.location = spec_path.absolute().as_uri()
    return schema


def knowledge_from(schema: schemathesis.BaseSchema, codes: Iterable[str]) -> SeedKnowledge:
    statuses: dict[str, frozenset[int]] = {}
    for path_item in schema.raw_schema.get("paths", {}).values():
        for operation in path_item.values():
            if isinstance(operation, dict) and "operationId" in operation:
                declared = operation.get("responses", {})
                statuses[operation["operationId"]] = frozenset(
                    int(s) for s in declared if str(s).isdigit()
                )
    return SeedKnowledge(codes=frozenset(codes), statuses=statuses, api=api_of(schema.raw_schema))


def find_operation(schema: schemathesis.BaseSchema, operation_id: str) -> Any:
    try:
        return schema.find_operation_by_id(operation_id)  # type: ignore[attr-defined]
    except Exception as exc:
        raise ConfigError(f"the spec has no operation {operation_id!r}: {first_line(exc)}") from exc
