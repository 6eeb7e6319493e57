"""The mock's own settings: one frozen object, built once at the edge (__main__) and passed down.

Library code never reads the environment; `None` for a partition setting means "take the value
from the data file's `settings` block", so a flag only overrides what the user actually gave.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_DATA = PACKAGE_DIR / "data" / "default.yaml"
DEFAULT_SPEC = PACKAGE_DIR.parent / "openapi" / "openapi.yaml"
DEFAULT_RULES = PACKAGE_DIR.parent / "openapi" / "rules.yaml"

# Browser apps served from any port of the loopback host are allowed unless --cors-origin is given.
DEV_ORIGIN_REGEX = r"https?://(localhost|127\.0\.0\.1|\[::1\])(:\d+)?"


@dataclass(frozen=True)
class MockSettings:
    """Everything the mock needs to start; defaults live here and nowhere else."""

    host: str = "127.0.0.1"
    port: int = 8080
    data_file: Path = DEFAULT_DATA
    spec_file: Path = DEFAULT_SPEC
    rules_file: Path = DEFAULT_RULES
    customer_departmentalization: bool | None = None
    secure_messaging: bool | None = None
    max_email_size_mb: float | None = None
    max_body_size_kb: float | None = None
    cors_origins: tuple[str, ...] = field(default_factory=tuple)
    validate_responses: bool = True
    quiet: bool = False
    request_log_size: int = 200


@dataclass(frozen=True)
class PartitionSettings:
    """The four partition settings of the vendor application that change rule outcomes."""

    customer_departmentalization: bool
    secure_messaging: bool
    max_email_size_mb: float
    max_body_size_kb: float

    @property
    def max_email_bytes(self) -> int:
        return int(self.max_email_size_mb * 1024 * 1024)

    @property
    def max_body_bytes(self) -> int:
        return int(self.max_body_size_kb * 1024)


def resolve_partition(settings: MockSettings, from_data: PartitionSettings) -> PartitionSettings:
    """Flags win over the data file's `settings` block, one setting at a time."""
    return PartitionSettings(
        customer_departmentalization=_pick(
            settings.customer_departmentalization, from_data.customer_departmentalization
        ),
        secure_messaging=_pick(settings.secure_messaging, from_data.secure_messaging),
        max_email_size_mb=_pick(settings.max_email_size_mb, from_data.max_email_size_mb),
        max_body_size_kb=_pick(settings.max_body_size_kb, from_data.max_body_size_kb),
    )


def _pick(flag: T | None, default: T) -> T:
    return default if flag is None else flag
