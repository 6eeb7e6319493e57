"""The harness's own settings: where the spec, the rule catalog and the features live.

Defaults are computed from the package location (the project is installed editable), in this
one place. Library code never reads the environment; the CLI builds a HarnessSettings at the edge.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
API_BASE_PATH = "/core/casemgr/v3"
OPERATION_PATH = "/activity/email/general"


@dataclass(frozen=True)
class HarnessSettings:
    spec_path: Path = field(default=PROJECT_ROOT / "openapi" / "openapi.yaml")
    catalog_path: Path = field(default=PROJECT_ROOT / "openapi" / "rules.yaml")
    features_dir: Path = field(default=PROJECT_ROOT / "features")
    scenario_tests_dir: Path = field(default=Path(__file__).resolve().parent / "scenario_tests")
    default_timeout_seconds: float = 10.0
    api_base_path: str = API_BASE_PATH
    operation_path: str = OPERATION_PATH
