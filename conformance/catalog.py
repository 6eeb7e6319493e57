"""The rule catalog (openapi/rules.yaml) as typed data: ids, seed text, expected outcomes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from conformance import yamldoc
from conformance.errors import ConfigError
from conformance.evidence import ITEM_DEFAULTS, ITEMS, Level

AREAS = (
    "headers",
    "query",
    "actors",
    "grants",
    "user-client",
    "customer",
    "body",
    "limits",
    "effects",
    "protocol",
)
ACTORS = ("user", "client", "customer")
SOURCES = ("seed", "notes", "design")
REQUIRED_FIELDS = (
    "id",
    "area",
    "title",
    "seed",
    "source",
    "actors",
    "settings",
    "needs",
    "expect",
    "evidence",
)


@dataclass(frozen=True)
class Passive:
    """What the validation proxy reads of live traffic to judge a rule (rules.yaml `passive`)."""

    sent: str  # the request-side precondition, as the client is told it ("your client sent ...")
    step: int = 0  # its step in the operation's check order; 0: a property of every answer
    schema: tuple[str, ...] = ()  # request-schema attributes whose refusal breaks the rule
    schema_error: str = ""  # or the kind of schema error (a jsonschema validator) that does
    never: str = ""  # a code the answer must not carry: the rule says such a request is served
    level: Level = Level.DOCUMENTED  # the strongest verdict (the precondition may be inferred)


PASSIVE_KEYS = frozenset({"step", "sent", "schema", "schema_error", "never", "every", "level"})


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
    """Read and check the catalog; a malformed one is a ConfigError naming the entry."""
    path = path or default_path()
    try:
        raw = yamldoc.parse(path.read_text(encoding="utf-8"))
    except (OSError, yamldoc.YAMLError) as exc:
        raise ConfigError(f"cannot read rule catalog {path}: {exc}") from exc
    codes = {str(k): str(v) for k, v in raw.get("codes", {}).items()}
    rules = tuple(_rule(entry, codes) for entry in raw.get("rules", []))
    _check_unique(rule.id for rule in rules)
    ids = {rule.id for rule in rules}
    for rule in rules:
        if unknown := sorted(set(rule.observed_through) - ids):
            raise ConfigError(f"rule {rule.id}: observed_through names unknown {unknown}")
    choice_codes = frozenset(str(c) for c in raw.get("choice_codes", []))
    if not choice_codes <= set(codes):
        raise ConfigError(f"choice_codes not in codes: {sorted(choice_codes - set(codes))}")
    return Catalog(codes=codes, rules=rules, choice_codes=choice_codes)


def _rule(entry: dict[str, Any], codes: dict[str, str]) -> Rule:
    rid = entry.get("id", "?")
    missing = [f for f in REQUIRED_FIELDS if f not in entry or entry[f] in (None, "")]
    if missing:
        raise ConfigError(f"rule {rid}: missing {', '.join(missing)}")
    expect = entry["expect"]
    code = expect.get("code")
    problems = [
        *(["unknown area"] if entry["area"] not in AREAS else []),
        *(
            ["unknown actor"]
            if not set(entry["actors"]) <= set(ACTORS) or not entry["actors"]
            else []
        ),
        *_evidence_problems(entry["evidence"], expect),
        *(["unknown source"] if entry["source"] not in SOURCES else []),
        *_passive_problems(entry.get("passive")),
        *(["expect.status missing"] if "status" not in expect else []),
        *([f"code {code} not in codes"] if code and code not in codes else []),
        *(
            [f"code {code} does not start with the status"]
            if code and not code.startswith(f"{expect.get('status')}-")
            else []
        ),
    ]
    if problems:
        raise ConfigError(f"rule {rid}: {'; '.join(problems)}")
    return Rule(
        id=rid,
        area=entry["area"],
        title=entry["title"],
        seed=entry["seed"],
        source=entry["source"],
        actors=tuple(entry["actors"]),
        settings=tuple(entry["settings"]),
        needs=tuple(entry["needs"]),
        status=int(expect["status"]),
        code=code,
        effect=expect.get("effect"),
        evidence=_evidence(entry["evidence"]),
        observed_through=tuple(entry.get("observed_through", ())),
        passive=_passive(entry.get("passive")),
    )


def _passive_problems(passive: Any) -> list[str]:
    if passive is None:
        return []
    if not isinstance(passive, dict):
        return ["passive must be a mapping"]
    problems = [f"unknown passive key {key}" for key in passive if key not in PASSIVE_KEYS]
    if ("every" in passive) == ("sent" in passive and "step" in passive):
        problems.append("passive needs either every, or step and sent")
    if passive.get("level", "documented") not in {level.value for level in Level}:
        problems.append(f"unknown passive level {passive['level']}")
    return problems


def _passive(passive: dict[str, Any] | None) -> Passive | None:
    if passive is None:
        return None
    if "every" in passive:
        return Passive(sent=f"every {passive['every']}")
    return Passive(
        sent=str(passive["sent"]),
        step=int(passive["step"]),
        schema=tuple(str(s) for s in passive.get("schema", ())),
        schema_error=str(passive.get("schema_error", "")),
        never=str(passive.get("never", "")),
        level=Level(passive.get("level", Level.DOCUMENTED.value)),
    )


def _evidence_problems(evidence: Any, expect: dict[str, Any]) -> list[str]:
    if not isinstance(evidence, dict):
        return ["evidence must be a mapping of item to level"]
    levels = {level.value for level in Level}
    problems = [f"unknown evidence item {item}" for item in evidence if item not in ITEMS]
    problems += [f"unknown evidence level {v}" for v in evidence.values() if v not in levels]
    stated = [*(["status", "code"] if expect.get("code") else []), "outcome"]
    stated += ["effect"] if expect.get("effect") else []
    problems += [f"evidence.{item} missing" for item in stated if item not in evidence]
    return problems


def _evidence(evidence: dict[str, str]) -> dict[str, Level]:
    return {**ITEM_DEFAULTS, **{item: Level(value) for item, value in evidence.items()}}


def _check_unique(ids: Iterable[str]) -> None:
    seen: set[str] = set()
    for rid in ids:
        if rid in seen:
            raise ConfigError(f"rule id {rid} appears twice")
        seen.add(rid)


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
