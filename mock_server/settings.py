"""The mock's own settings: one frozen object, built once at the edge (__main__) and passed down.

Library code never reads the environment; `None` for a partition setting means "take the value
from the data file's `settings` block", so a flag only overrides what the user actually gave.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, TypeVar

T = TypeVar("T")
ConnexionStack = Literal["fast", "stock"]
CONNEXION_STACKS: tuple[ConnexionStack, ...] = ("fast", "stock")

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_DATA = PACKAGE_DIR / "data" / "default.yaml"
DEFAULT_SPEC = PACKAGE_DIR.parent / "openapi" / "openapi.yaml"
DEFAULT_RULES = PACKAGE_DIR.parent / "openapi" / "rules.yaml"

# Browser apps served from any port of the loopback host are allowed unless --cors-origin is given.
DEV_ORIGIN_REGEX = r"https?://(localhost|127\.0\.0\.1|\[::1\])(:\d+)?"


MAX_LATENCY_MS = 60_000


@dataclass(frozen=True)
class Latency:
    """Added to every vendor request: a fixed delay (min == max) or one drawn from a range."""

    min_ms: int
    max_ms: int

    @classmethod
    def parse(cls, text: str) -> Latency:
        """`200` or `100-400` (milliseconds, at most MAX_LATENCY_MS); ValueError otherwise."""
        low, sep, high = text.strip().partition("-")
        if not low.strip().isdecimal() or (sep and not high.strip().isdecimal()):
            raise ValueError(f"latency {text!r} is not MS or MIN-MAX (whole milliseconds)")
        latency = cls(int(low), int(high) if sep else int(low))
        if latency.min_ms > latency.max_ms or latency.max_ms > MAX_LATENCY_MS:
            raise ValueError(f"latency {text!r}: MIN <= MAX <= {MAX_LATENCY_MS} ms")
        return latency


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
    latency: Latency | None = None  # --latency / MOCK_LATENCY: none by default
    token_lifetime_seconds: int = 3600  # issued tokens (OAuth): then 401 401-101
    # "fast": Connexion's stack with the overrides of connexion_internals (written for one minor
    # release); "stock": Connexion's public API only. Same answers; stock is slower.
    connexion_stack: ConnexionStack = "fast"


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
