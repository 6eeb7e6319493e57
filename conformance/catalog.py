"""The rule catalog (openapi/rules.yaml) as typed data: ids, seed text, expected outcomes.

Its shape is stated once, in openapi/rules.schema.json beside it (the areas too); only what
crosses entries is checked here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from conformance import json_schemas, yamldoc
from conformance.errors import ConfigError
from conformance.evidence import ITEM_DEFAULTS, Level

SCHEMA_PATH = Path(__file__).resolve().parents[1] / "openapi" / "rules.schema.json"
_CHECKER = json_schemas.validator(SCHEMA_PATH)
AREAS: tuple[str, ...] = tuple(_CHECKER.schema["$defs"]["area"]["enum"])


@dataclass(frozen=True)
class Passive:
    """What the validation proxy reads of live traffic to judge a rule (rules.yaml `passive`)."""

    sent: str  # the request-side precondition, as the client is told it ("your client sent ...")
    step: int = 0  # its step in the operation's check order; 0: a property of every answer
    schema: tuple[str, ...] = ()  # request-schema attributes whose refusal breaks the rule
    schema_error: str = ""  # or the kind of schema error (a jsonschema validator) that does
    never: str = ""  # a code the answer must not carry: the rule says such a request is served
    level: Level = Level.DOCUMENTED  # the strongest verdict (the precondition may be inferred)


@dataclass(frozen=True)
class Rule:
    id: str
    area: str
    title: str
    seed: str
    source: str
    actors: tuple[str, ...]
    settings: tuple[str, ...]
    needs: tuple[str, ...]
    status: int
    code: str | None
    effect: str | None
    evidence: dict[str, Level]  # item -> level, every item of evidence.ITEMS that applies
    # Rules a scenario of this one can only see it through (a new customer's department is
    # seen only through the department's lookup): breaking those shows here too.
    observed_through: tuple[str, ...] = ()
    passive: Passive | None = None  # None: live traffic alone cannot show the rule broken

    def level(self, item: str) -> Level:
        """How sure the docs are of `item` (an item the rule leaves out: as its outcome)."""
        return self.evidence.get(item) or self.evidence["outcome"]

    @property
    def evidence_summary(self) -> str:
        """One phrase for tables: 'documented', or each item's level where they differ."""
        stated = {
            i: self.evidence[i]
            for i in ("outcome", "status", "code", "effect")
            if i in self.evidence
        }
        if len(set(stated.values())) == 1:
            return next(iter(stated.values())).value
        return ", ".join(f"{item} {level.value}" for item, level in stated.items())


@dataclass(frozen=True)
class Catalog:
    codes: dict[str, str]
    rules: tuple[Rule, ...]
    choice_codes: frozenset[str] = frozenset()  # codes no vendor document has: the mock's own

    def code_level(self, code: str) -> Level:
        """A code's message template: documented, unless the code is the mock's own choice."""
        if code in self.codes and code not in self.choice_codes:
            return Level.DOCUMENTED
        return Level.CHOICE

    def get(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(rule.id for rule in self.rules)

    def message(self, code: str, *args: str) -> str:
        """The vendor's developerMessage for a code, with its placeholder filled."""
        return self.codes[code].format(*args)


def default_path() -> Path:
    return Path(__file__).resolve().parents[1] / "openapi" / "rules.yaml"


def load_catalog(path: Path | None = None) -> Catalog:
    """Read and check the catalog: its shape (openapi/rules.schema.json), then what crosses
    entries; a ConfigError names the file and every problem, each with its rule."""
    path = path or default_path()
    where = f"rule catalog {path}"
    try:
        raw = yamldoc.parse(path.read_text(encoding="utf-8"))
    except (OSError, yamldoc.YAMLError) as exc:
        raise ConfigError(f"cannot read {where}: {exc}") from exc
    json_schemas.refuse_problems(where, json_schemas.problems(_CHECKER, raw, _located(raw)))
    json_schemas.refuse_problems(where, _cross_reference_problems(raw))
    return Catalog(
        codes={str(k): str(v) for k, v in raw["codes"].items()},
        rules=tuple(_rule(entry) for entry in raw["rules"]),
        choice_codes=frozenset(raw.get("choice_codes", ())),
    )


def _located(raw: Any) -> json_schemas.Located:
    """Names a place inside rule N by the rule's id: `rule HDR-01: expect.status`."""

    def located(path: Sequence[Any]) -> str:
        if len(path) < 2 or path[0] != "rules":
            return json_schemas.dotted(path)
        entry = raw["rules"][path[1]]
        rid = entry.get("id") if isinstance(entry, dict) else None
        rule = f"rule {rid}" if isinstance(rid, str) else f"rule #{path[1] + 1}"
        return f"{rule}: {json_schemas.dotted(path[2:])}" if len(path) > 2 else rule

    return located


def _cross_reference_problems(raw: dict[str, Any]) -> list[str]:
    """What no one entry's shape can say: ids unique, codes and rules named that exist."""
    codes, rules = set(raw["codes"]), raw["rules"]
    ids = [entry["id"] for entry in rules]
    found = [f"rule id {rid} appears twice" for rid in sorted({i for i in ids if ids.count(i) > 1})]
    found += [problem for entry in rules for problem in _rule_references(entry, codes, set(ids))]
    if unknown := sorted(set(raw.get("choice_codes", ())) - codes):
        found.append(f"choice_codes not in codes: {unknown}")
    return found


def _rule_references(entry: dict[str, Any], codes: set[str], ids: set[str]) -> list[str]:
    code, status = entry["expect"].get("code"), entry["expect"]["status"]
    found = [f"code {code} not in codes"] if code and code not in codes else []
    if code and not code.startswith(f"{status}-"):
        found.append(f"code {code} does not start with the status")
    if unknown := sorted(set(entry.get("observed_through", ())) - ids):
        found.append(f"observed_through names unknown {unknown}")
    found += _passive_problems(entry.get("passive"))
    return [f"rule {entry['id']}: {problem}" for problem in found]


def _passive_problems(passive: Any) -> list[str]:
    """The schema allows a phrase or any small mapping; a level must be one of ours."""
    if isinstance(passive, dict) and passive.get("level", "documented") not in set(Level):
        return [f"unknown passive level {passive['level']}"]
    return []


def _passive(passive: str | dict[str, Any] | None) -> Passive | None:
    """The proxy's reading: `every` (a property of every answer), or `step` and `sent`."""
    if passive is None:
        return None
    if isinstance(passive, str) or "every" in passive or "sent" not in passive:
        what = passive if isinstance(passive, str) else passive.get("every")
        return Passive(sent=f"every {what}")
    return Passive(
        sent=str(passive["sent"]),
        step=int(passive.get("step", 0)),
        schema=tuple(str(s) for s in passive.get("schema", ())),
        schema_error=str(passive.get("schema_error", "")),
        never=str(passive.get("never", "")),
        level=Level(passive.get("level", Level.DOCUMENTED.value)),
    )


def _rule(entry: dict[str, Any]) -> Rule:
    expect = entry["expect"]
    return Rule(
        id=entry["id"],
        area=entry["area"],
        title=entry["title"],
        seed=entry["seed"],
        source=entry["source"],
        actors=tuple(entry["actors"]),
        settings=tuple(entry["settings"]),
        needs=tuple(entry["needs"]),
        status=int(expect["status"]),
        code=expect.get("code"),
        effect=expect.get("effect"),
        evidence={**ITEM_DEFAULTS, **{k: Level(v) for k, v in entry["evidence"].items()}},
        observed_through=tuple(entry.get("observed_through", ())),
        passive=_passive(entry.get("passive")),
    )


def markdown_table(catalog: Catalog) -> str:
    """The catalog as the README's table: generated, never typed twice."""
    lines = [
        "| id | area | rule | actors | expected | evidence |",
        "|---|---|---|---|---|---|",
    ]
    for rule in catalog.rules:
        expected = f"{rule.status} `{rule.code}`" if rule.code else str(rule.status)
        title = rule.title.replace("|", "\\|")
        lines.append(
            f"| {rule.id} | {rule.area} | {title} | {', '.join(rule.actors)} | {expected} "
            f"| {rule.evidence_summary} |"
        )
    return "\n".join(lines) + "\n"
