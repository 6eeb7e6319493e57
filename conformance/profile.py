"""The target profile: one YAML file describing a server under test.

It names the base URL, the partition settings the target runs with, a bearer token per actor and
the names and ids of the target's data the scenarios use. Every key but `base_url` is optional:
a scenario whose key is missing is reported as not applicable, with the key as the reason. The
file's shape is stated once, in conformance/schemas/profile.schema.json; this module turns a
checked document into typed data.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from conformance import json_schemas, yamldoc
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
    mode: str = "vendor"  # how a difference from the reference counts (the schema's `mode`)
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


_Section = TypeVar("_Section")

# ------------------------------------------------------------------ reading and checking
SCHEMA_PATH = Path(__file__).resolve().parent / "schemas" / "profile.schema.json"
_CHECKER = json_schemas.validator(SCHEMA_PATH)
SETTING_KEYS = tuple(_CHECKER.schema["properties"]["settings"]["properties"])
TRUE_WORDS = ("true", "yes", "on", "1")  # a flag may be written as a word (the schema's pattern)


def load_profile(
    path: Path, *, base_url: str | None = None, settings: dict[str, Any] | None = None
) -> Profile:
    """Read and check a profile; `base_url` and `settings` override the file's values.

    Raises ConfigError naming the file and every problem with its key (a missing file, invalid
    YAML, an unknown key, a value of the wrong type, a base URL that is not http(s)...): the
    shape is conformance/schemas/profile.schema.json.
    """
    where = f"profile {path}"
    raw = _with_overrides(_read_yaml(path), where, base_url, settings)
    json_schemas.refuse_problems(where, json_schemas.problems(_CHECKER, raw))
    return Profile(
        name=_text(raw.get("name", path.stem)),
        base_url=str(raw["base_url"]).strip().rstrip("/"),
        timeout_seconds=float(raw.get("timeout_seconds", 10)),
        read_back=_flag(raw.get("read_back", False)),
        mode=str(raw.get("mode", "vendor")),
        settings=_section(TargetSettings, raw.get("settings")),
        tokens=_section(Tokens, raw.get("tokens")),
        data=_section(Data, raw.get("data")),
        source=path,
    )


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
    """The file's keys with the command line's laid over them (checked with them, after)."""
    merged = dict(raw)
    if base_url is not None:
        merged["base_url"] = base_url
    if settings:
        if unknown := sorted(k for k in settings if k not in SETTING_KEYS):
            raise ConfigError(
                f"{where}: unknown setting(s) {', '.join(unknown)}; "
                f"known settings: {', '.join(SETTING_KEYS)}"
            )
        current = merged.get("settings") or {}
        if not isinstance(current, Mapping):
            raise ConfigError(f"{where}.settings: expected a mapping of keys")
        merged["settings"] = {**current, **settings}
    return merged


# ------------------------------------------------------------------ checked values to typed ones
def _text(value: Any) -> str:
    """Names and ids are strings; an integer id is kept as its decimal string."""
    return str(value).strip()


def _flag(value: Any) -> bool:
    return value.strip().lower() in TRUE_WORDS if isinstance(value, str) else bool(value)


def _whole(value: Any) -> int:
    return int(str(value).strip())


def _texts(value: Any) -> tuple[str, ...]:
    return tuple(_text(item) for item in value)


def _custom_attributes(value: Any) -> CustomAttributes:
    return _section(CustomAttributes, value)


# A section's field type (as annotated) -> how a checked value of it becomes that type.
_CONVERSIONS: dict[str, Callable[[Any], Any]] = {
    "str | None": _text,
    "bool | None": _flag,
    "int | None": _whole,
    "tuple[str, ...] | None": _texts,
    "CustomAttributes | None": _custom_attributes,
}


def _section(cls: type[_Section], raw: Mapping[str, Any] | None) -> _Section:
    """Dataclass `cls` from a checked mapping; a key set to null is as if absent."""
    types = {f.name: str(f.type) for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    values = {k: _CONVERSIONS[types[k]](v) for k, v in (raw or {}).items() if v is not None}
    return cls(**values)
