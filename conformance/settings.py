"""The harness's own settings and defaults: where the spec, the rule catalog and the features
live, how long to wait for an answer, how to send.

Defaults are written here and nowhere else; paths are computed from the package location (the
project is installed editable). Library code never reads the environment; the CLI builds a
HarnessSettings at the edge.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_TIMEOUT_S = 10.0  # a target profile's timeout_seconds when it has none; the probe's cap
# "fenced": send through the urllib3/requests overrides (conformance.transport_internals) for
# an exact wall-clock deadline and a body cap; "plain": none of them, the same verdicts.
Transport = Literal["fenced", "plain"]
TRANSPORTS: tuple[Transport, ...] = ("fenced", "plain")
DEFAULT_TRANSPORT: Transport = "fenced"


@dataclass(frozen=True)
class HarnessSettings:
    spec_path: Path = field(default=PROJECT_ROOT / "openapi" / "openapi.yaml")
    catalog_path: Path = field(default=PROJECT_ROOT / "openapi" / "rules.yaml")
    features_dir: Path = field(default=PROJECT_ROOT / "features")
    scenario_tests_dir: Path = field(default=Path(__file__).resolve().parent / "scenario_tests")
    default_timeout_seconds: float = DEFAULT_TIMEOUT_S
    transport: Transport = DEFAULT_TRANSPORT
