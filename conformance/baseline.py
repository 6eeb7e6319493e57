"""Known deviations: a baseline file, and the diff of a run against it (new / known / fixed).

A baseline is YAML (or JSON, a subset) holding a list of deviations; each is identified by its
fingerprint, and carries its rule ids and name for the humans who read the file:

    deviations:
      - fingerprint: "HDR-03:A missing header takes its default#HDR-03|outcome|expected 201..."
        rule_ids: [HDR-03]
        name: A missing header takes its documented default

A fingerprint names a check *and* one root cause of it (rule, item, what was wrong): a check
that is known for one cause and breaks for another is new, and so is a known deviation whose
cause changed.

A bare list of such entries (or of fingerprint strings) is accepted too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from conformance import yamldoc
from conformance.errors import ConfigError
from conformance.results import CheckResult


@dataclass(frozen=True)
class KnownDeviation:
    fingerprint: str
    rule_ids: tuple[str, ...] = ()
    name: str = ""


@dataclass(frozen=True)
class BaselineDiff:
    """A run's deviations sorted against a baseline."""

    source: str
    new: tuple[CheckResult, ...]
    known: tuple[CheckResult, ...]
    fixed: tuple[KnownDeviation, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "new": [c.identity for c in self.new],
            "known": [c.identity for c in self.known],
            "fixed": [d.fingerprint for d in self.fixed],
        }

    @property
    def known_identities(self) -> set[str]:
        return {i for c in self.known for i in c.identities(True)}


def load_baseline(path: Path) -> tuple[KnownDeviation, ...]:
    """Read a baseline file; a missing or malformed one is a ConfigError."""
    try:
        raw = yamldoc.parse(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"baseline {path}: file not found") from exc
    except (OSError, UnicodeDecodeError, yamldoc.YAMLError) as exc:
        raise ConfigError(f"baseline {path}: cannot read: {exc}") from exc
    entries = raw.get("deviations") if isinstance(raw, Mapping) else raw
    if entries is None:
        entries = []
    if not isinstance(entries, list):
        raise ConfigError(f"baseline {path}: expected a list of deviations")
    return tuple(_entry(item, f"baseline {path}: entry {i + 1}") for i, item in enumerate(entries))


def _entry(item: Any, where: str) -> KnownDeviation:
    if isinstance(item, str) and item.strip():
        return KnownDeviation(fingerprint=item.strip())
    if not isinstance(item, Mapping) or not str(item.get("fingerprint") or "").strip():
        raise ConfigError(f"{where}: expected a fingerprint")
    rule_ids = item.get("rule_ids") or ()
    if isinstance(rule_ids, str) or not isinstance(rule_ids, list | tuple):
        raise ConfigError(f"{where}: rule_ids must be a list")
    return KnownDeviation(
        fingerprint=str(item["fingerprint"]).strip(),
        rule_ids=tuple(str(r) for r in rule_ids),
        name=str(item.get("name") or ""),
    )


def diff(
    failing: Iterable[CheckResult],
    known: Iterable[KnownDeviation],
    source: str,
    strict: bool = False,
) -> BaselineDiff:
    """Sort a run's failing checks into new and known by root cause; a check is known only
    when every cause of it is; baseline entries not seen any more are fixed."""
    current = list(failing)
    known_by_print = {d.fingerprint: d for d in known}
    seen = {identity for c in current for identity in c.identities(strict)}
    is_known = [all(i in known_by_print for i in c.identities(strict)) for c in current]
    return BaselineDiff(
        source=source,
        new=tuple(c for c, k in zip(current, is_known, strict=True) if not k),
        known=tuple(c for c, k in zip(current, is_known, strict=True) if k),
        fixed=tuple(d for fp, d in known_by_print.items() if fp not in seen),
    )


def deviations_from_results(results: Mapping[str, Any]) -> tuple[KnownDeviation, ...]:
    """The deviations recorded in a results.json (see report.render.results_document)."""
    entries = results.get("deviations")
    if not isinstance(entries, list):
        raise ConfigError("results file: no `deviations` list (is it a conformance results.json?)")
    return tuple(_entry(item, f"results file: deviation {i + 1}") for i, item in enumerate(entries))


def write_baseline(
    deviations: Iterable[KnownDeviation], out: Path, *, target: str = "", source: str = ""
) -> Path:
    """Write a baseline file (YAML) listing `deviations`."""
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    header = (
        "# Known deviations: `conformance run --baseline THIS_FILE` fails only on new ones.\n"
        f"# Written {stamp} from {source or 'a run'}"
        f"{f' against {target}' if target else ''}.\n"
    )
    doc = {
        "version": 1,
        "target": target,
        "deviations": [
            {"fingerprint": d.fingerprint, "rule_ids": list(d.rule_ids), "name": d.name}
            for d in deviations
        ],
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(header + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), "utf-8")
    return out
