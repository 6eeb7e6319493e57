"""The facts the harness takes from the spec instead of writing them down: the API's base path,
the vendor operation, the read-back operation and a created activity's Location.

The spec says them once (`servers`, `paths`, `x-mock-extension`, the 201's `Location`); every
module that needs one asks the `Api` that `api_of` (a parsed document) or `load_api` (a file)
returns, so a spec with another base path or operation id needs no change in the harness.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from conformance import yamldoc
from conformance.errors import ConfigError

_PARAMETER = re.compile(r"\\\{[^/]+?\\\}")  # a path parameter, once re.escape'd
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@dataclass(frozen=True)
class Operation:
    id: str
    method: str  # upper case
    path: str  # relative to the base path, as the spec writes it: /activity/{id}
    statuses: frozenset[int]  # the statuses the vendor documents (x-vendor-statuses)


@dataclass(frozen=True)
class Api:
    base_path: str  # the path every server URL in the spec shares
    vendor: Operation  # the one operation not flagged x-mock-extension
    read_back: Operation  # the GET at the path a 201's Location names

    def operation_ids(self, read_back: bool) -> tuple[str, ...]:
        """The operations a run sends to: the vendor's, and the read-back when the target has it."""
        return (self.vendor.id, self.read_back.id) if read_back else (self.vendor.id,)

    def read_back_path(self, activity_id: str) -> str:
        """The read-back GET's path for one activity, relative to the base path."""
        return re.sub(r"\{[^/]+?\}", activity_id, self.read_back.path, count=1)

    @property
    def location_template(self) -> str:
        """A created activity's documented Location, as the docs write it."""
        return self.base_path + self.read_back.path

    @functools.cached_property
    def location(self) -> re.Pattern[str]:
        """A documented Location (host-relative); the activity's decimal id is group `id`."""
        return re.compile(f"^{re.escape(self.base_path)}{self._activity_path}$")

    @functools.cached_property
    def location_tail(self) -> re.Pattern[str]:
        """The read-back path at the end of a Location, whatever base comes before it."""
        return re.compile(f"{self._activity_path}$")

    @property
    def _activity_path(self) -> str:
        return _PARAMETER.sub("(?P<id>[0-9]+)", re.escape(self.read_back.path), count=1)


def api_of(spec: Mapping[str, Any]) -> Api:
    """The Api a parsed OpenAPI document describes; ConfigError when it does not say."""
    operations = list(_operations(spec))
    vendor = [op for op, flagged in operations if not flagged]
    if len(vendor) != 1:
        raise ConfigError(
            f"spec: {len(vendor)} operations not flagged x-mock-extension; expected the one "
            "vendor operation"
        )
    base_path = _base_path(spec)
    read_back = _read_back(spec, base_path, vendor[0], [op for op, _ in operations])
    return Api(base_path, vendor[0], read_back)


@functools.cache
def load_api(path: Path) -> Api:
    """The Api of the spec file at `path` (read once per process)."""
    try:
        spec = yamldoc.parse(path.read_text(encoding="utf-8"))
    except (OSError, yamldoc.YAMLError) as exc:
        raise ConfigError(f"cannot read the spec {path}: {exc}") from exc
    if not isinstance(spec, Mapping):
        raise ConfigError(f"spec {path}: not an OpenAPI document")
    return api_of(spec)


def _operations(spec: Mapping[str, Any]) -> Iterator[tuple[Operation, bool]]:
    """Every operation with an operationId, and whether it is flagged x-mock-extension."""
    for path, item in (spec.get("paths") or {}).items():
        for method in _METHODS:
            raw = item.get(method) if isinstance(item, Mapping) else None
            if isinstance(raw, Mapping) and "operationId" in raw:
                statuses = frozenset(int(s) for s in raw.get("x-vendor-statuses", ()))
                operation = Operation(str(raw["operationId"]), method.upper(), path, statuses)
                yield operation, raw.get("x-mock-extension") is True


def _base_path(spec: Mapping[str, Any]) -> str:
    """The path every server URL shares (`servers`); ConfigError when they disagree."""
    paths = {urlsplit(str(s.get("url", ""))).path.rstrip("/") for s in spec.get("servers") or ()}
    if len(paths) != 1:
        raise ConfigError(f"spec: servers name {len(paths)} base paths; expected one")
    return paths.pop()


def _read_back(
    spec: Mapping[str, Any], base_path: str, vendor: Operation, operations: list[Operation]
) -> Operation:
    """The GET whose path the vendor operation's 201 `Location` example names."""
    example = _location_example(spec, vendor)
    for op in operations:
        template = _PARAMETER.sub("[^/]+", re.escape(base_path + op.path))
        if op.method == "GET" and re.fullmatch(template, example):
            return op
    raise ConfigError(f"spec: no GET operation at the 201's Location {example}")


def _location_example(spec: Mapping[str, Any], vendor: Operation) -> str:
    raw = spec["paths"][vendor.path][vendor.method.lower()]
    header = (raw.get("responses") or {}).get("201", {}).get("headers", {}).get("Location")
    if isinstance(header, Mapping) and isinstance(header.get("example"), str):
        return header["example"]
    raise ConfigError(f"spec: the 201 of {vendor.id} has no Location example")
