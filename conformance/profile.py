"""The target profile: one YAML file describing a server under test.

It names the base URL, the partition settings the target runs with, a bearer token per actor and
the names and ids of the target's data the scenarios use. Every key but `base_url` is optional:
a scenario whose key is missing is reported as not applicable, with the key as the reason.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from conformance import yamldoc
from conformance.errors import ConfigError


@dataclass(frozen=True)
class TargetSettings:
    """The four partition settings; None when the profile does not say."""

    customer_departmentalization: bool | None = None
    secure_messaging: bool | None = None
    max_email_size_mb: int | None = None
    max_body_size_kb: int | None = None


@dataclass(frozen=True)
class Tokens:
    """Bearer tokens, one per actor role."""

    user: str | None = None
    user_without_privilege: str | None = None
    client: str | None = None
    customer: str | None = None


@dataclass(frozen=True)
class CustomAttributes:
    text: str | None = None
    enumeration: str | None = None
    enumeration_value: str | None = None


@dataclass(frozen=True)
class Data:
    """Names and ids of the target's data (see the README's key table)."""

    department: str | None = None
    other_department: str | None = None
    alias: str | None = None
    inactive_alias: str | None = None
    other_department_alias: str | None = None
    message_center: str | None = None
    inactive_message_center: str | None = None
    other_department_message_center: str | None = None
    issue_type: str | None = None
    issue_type_of_other_message_center: str | None = None
    customer_id: str | None = None
    customer_email: str | None = None
    existing_customer_email: str | None = None
    existing_customer_id: str | None = None
    other_department_customer_email: str | None = None
    other_department_customer_email_2: str | None = None
    granted_customer: str | None = None
    granted_customer_email: str | None = None
    other_department_granted_customer: str | None = None
    ungranted_customer: str | None = None
    granted_customer_without_email: str | None = None
    case_id: str | None = None
    custom_attributes: CustomAttributes | None = None
    attachments: tuple[str, ...] | None = None
    oversized_attachment: str | None = None
    near_limit_attachment: str | None = None
    new_address_domain: str | None = None


@dataclass(frozen=True)
class Profile:
    name: str
    base_url: str
    timeout_seconds: float = 10.0
    read_back: bool = False
    mode: str = "vendor"  # MODES: how a difference from the reference counts
    settings: TargetSettings = TargetSettings()
    tokens: Tokens = Tokens()
    data: Data = Data()
    source: Path | None = None

    def lookup(self, dotted: str) -> Any:
        """The value at a dotted key ("data.alias", "settings.secure_messaging") or None."""
        node: Any = self
        for part in dotted.split("."):
            if node is None or not dataclasses.is_dataclass(node) or not hasattr(node, part):
                return None
            node = getattr(node, part)
        return node


# ------------------------------------------------------------------ validation


def _text(value: Any, where: str) -> str:
    """Names and ids: strings; integers are accepted for ids and kept as decimal strings."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ConfigError(f"{where}: expected a string, got {type(value).__name__}")
    text = str(value).strip()
    if not text:
        raise ConfigError(f"{where}: must not be empty")
    return text


def _flag(value: Any, where: str) -> bool:
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in ("true", "yes", "on", "1"):
            return True
        if lowered in ("false", "no", "off", "0"):
            return False
    if not isinstance(value, bool):
        raise ConfigError(f"{where}: expected true or false, got {value!r}")
    return value


def _positive_int(value: Any, where: str) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ConfigError(f"{where}: expected a positive whole number, got {value!r}")
    return value


def _positive_number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ConfigError(f"{where}: expected a positive number of seconds, got {value!r}")
    return float(value)


def _text_list(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise ConfigError(f"{where}: expected a non-empty list of strings")
    return tuple(_text(item, f"{where}[{i}]") for i, item in enumerate(value))


def _section(
    raw: Any, where: str, cls: type, kinds: Mapping[str, Callable[[Any, str], Any]]
) -> Any:
    """Build dataclass `cls` from mapping `raw`, refusing unknown keys and wrong types."""
    if raw is None:
        return cls()
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{where}: expected a mapping of keys, got {type(raw).__name__}")
    unknown = sorted(str(k) for k in raw if k not in kinds)
    if unknown:
        raise ConfigError(
            f"{where}: unknown key(s) {', '.join(unknown)}; known keys: {', '.join(kinds)}"
        )
    values = {k: kinds[k](v, f"{where}.{k}") for k, v in raw.items() if v is not None}
    return cls(**values)


def _custom_attributes(raw: Any, where: str) -> CustomAttributes:
    kinds = {f.name: _text for f in dataclasses.fields(CustomAttributes)}
    return _section(raw, where, CustomAttributes, kinds)  # type: ignore[no-any-return]


SETTING_KINDS: dict[str, Callable[[Any, str], Any]] = {
    "customer_departmentalization": _flag,
    "secure_messaging": _flag,
    "max_email_size_mb": _positive_int,
    "max_body_size_kb": _positive_int,
}
TOKEN_KINDS: dict[str, Callable[[Any, str], Any]] = {
    f.name: _text for f in dataclasses.fields(Tokens)
}
DATA_KINDS: dict[str, Callable[[Any, str], Any]] = {
    **{f.name: _text for f in dataclasses.fields(Data)},
    "custom_attributes": _custom_attributes,
    "attachments": _text_list,
}
MODES = {
    "vendor": "a difference (another choice where the docs are silent) is reported, never fails",
    "reference": "a difference fails the run as a deviation does (our own mock)",
}
REPLACED_KEYS = {
    "strict_guesses": (
        "strict_guesses was replaced by `mode`: `mode: reference` checks every expectation "
        "exactly, as strict_guesses: true did (for our reference mock); `mode: vendor`, the "
        "default, fails the run only on deviations from the vendor's docs and reports "
        "differences of choice apart (`conformance run --fail-on-difference` to fail on them too)"
    ),
}
TOP_KEYS = (
    "name",
    "base_url",
    "timeout_seconds",
    "read_back",
    "mode",
    "settings",
    "tokens",
    "data",
)


def _mode(value: Any, where: str) -> str:
    if value not in MODES:
        known = "; ".join(f"{name}: {meaning}" for name, meaning in MODES.items())
        raise ConfigError(f"{where}: expected one of {', '.join(MODES)} ({known}), got {value!r}")
    return str(value)


def _base_url(value: Any, where: str) -> str:
    url = _text(value, where)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"{where}: expected an http:// or https:// URL with a host, got {url!r}")
    if parts.query or parts.fragment:
        raise ConfigError(f"{where}: must not carry a query or fragment, got {url!r}")
    return url.rstrip("/")


def _read_yaml(path: Path) -> Mapping[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ConfigError(f"profile {path}: file not found") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"profile {path}: cannot read: {exc}") from exc
    try:
        raw = yamldoc.parse(text)
    except yamldoc.YAMLError as exc:
        raise ConfigError(f"profile {path}: not valid YAML: {exc}") from exc
    if not isinstance(raw, Mapping):
        raise ConfigError(f"profile {path}: expected a mapping of keys at the top level")
    return raw


def _with_overrides(
    raw: Mapping[str, Any], where: str, base_url: str | None, settings: Mapping[str, Any] | None
) -> dict[str, Any]:
    merged = dict(raw)
    if base_url is not None:
        merged["base_url"] = base_url
    if settings:
        unknown = sorted(k for k in settings if k not in SETTING_KINDS)
        if unknown:
            raise ConfigError(
                f"{where}: unknown setting(s) {', '.join(unknown)}; "
                f"known settings: {', '.join(SETTING_KINDS)}"
            )
        current = merged.get("settings") or {}
        if not isinstance(current, Mapping):
            raise ConfigError(f"{where}.settings: expected a mapping of keys")
        merged["settings"] = {**current, **settings}
    return merged


def load_profile(
    path: Path, *, base_url: str | None = None, settings: dict[str, Any] | None = None
) -> Profile:
    """Read and check a profile; `base_url` and `settings` override the file's values.

    Raises ConfigError naming the file and the key for a missing file, invalid YAML, an unknown
    key, a value of the wrong type or a base URL that is not http(s).
    """
    where = f"profile {path}"
    raw = _with_overrides(_read_yaml(path), where, base_url, settings)
    for key, replaced in REPLACED_KEYS.items():
        if key in raw:
            raise ConfigError(f"{where}: {replaced}")
    unknown = sorted(str(k) for k in raw if k not in TOP_KEYS)
    if unknown:
        raise ConfigError(
            f"{where}: unknown key(s) {', '.join(unknown)}; known keys: {', '.join(TOP_KEYS)}"
        )
    if raw.get("base_url") is None:
        raise ConfigError(f"{where}: base_url is missing (set it in the file or pass a base URL)")
    return Profile(
        name=_text(raw.get("name", path.stem), f"{where}: name"),
        base_url=_base_url(raw["base_url"], f"{where}: base_url"),
        timeout_seconds=_positive_number(
            raw.get("timeout_seconds", 10), f"{where}: timeout_seconds"
        ),
        read_back=_flag(raw.get("read_back", False), f"{where}: read_back"),
        mode=_mode(raw.get("mode", "vendor"), f"{where}: mode"),
        settings=_section(raw.get("settings"), f"{where}: settings", TargetSettings, SETTING_KINDS),
        tokens=_section(raw.get("tokens"), f"{where}: tokens", Tokens, TOKEN_KINDS),
        data=_section(raw.get("data"), f"{where}: data", Data, DATA_KINDS),
        source=path,
    )
