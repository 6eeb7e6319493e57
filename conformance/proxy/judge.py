"""The passive judgement of one exchange: what the request alone shows it must get, and what it got.

Each passive rule of the catalog (rules.yaml `passive`) has a precondition read from the request
(`JUDGES`, or the request schema for rules that name schema attributes) at a step of the
operation's check order. The first step at which the request breaks a rule decides the answer
it must get (that rule's status and code); an earlier gate the proxy cannot read (is the token
still valid? is that customer granted?) may answer first and is accepted. Rules whose
precondition needs the target's data read it from the profile (its tokens, data and settings).
The properties of every answer (`EVERY`) reuse `response_shape`, as `conformance run` does.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import jsonschema_rs
from defusedxml import ElementTree
from jsonschema import FormatChecker
from openapi_schema_validator import OAS30Validator

from conformance import response_shape as checks
from conformance.catalog import Catalog, Passive, Rule
from conformance.evidence import Level, weakest
from conformance.profile import Profile
from conformance.response_shape import Problem
from conformance.results import error_code_of
from conformance.spec import api_of

BEARER = re.compile(r"^bearer +[A-Za-z0-9\-._~+/]+=*$", re.IGNORECASE)
JSON_TYPES = ("application/json",)
BODY_TYPES = (*JSON_TYPES, *checks.XML_TYPES)
QUERY_PARAMETERS = frozenset({"customer"})
EMAIL = re.compile(r"^[^@\s,;<>()\[\]\"]+@[^@\s,;<>()\[\]\"]+\.[^@\s,;<>()\[\]\".]+$")
# The codes of a schema refusal, by the kind of schema error (check order, step 7).
SCHEMA_CODES = {"required": "400-146", "additionalProperties": "400-147", "not": "400-147"}
ANY_CODE = ""  # an answer of an unreadable gate: any code of its status


@dataclass(frozen=True)
class Seen:
    """One exchange as the proxy saw it; also a `checks.Answer`, so the harness's checks read it."""

    method: str
    target: str  # path and query, as sent
    request_headers: httpx.Headers
    request_body: bytes
    status_code: int
    headers: httpx.Headers
    content: bytes

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    @cached_property
    def query(self) -> tuple[tuple[str, str], ...]:
        return tuple(parse_qsl(urlsplit(self.target).query, keep_blank_values=True))


@dataclass(frozen=True)
class Breach:
    """The request breaks `rule` at its check-order step: the client's mistake, and what the
    server must answer."""

    rule: Rule
    detail: str
    codes: frozenset[str]  # the codes the answer may carry (a schema refusal: by error kind)
    cap: Level = Level.DOCUMENTED  # what this request relies on (an empty header: a choice)

    @property
    def step(self) -> int:
        return _passive(self.rule).step


@dataclass(frozen=True)
class Mistake:
    """A request that breaks the spec, told to whoever sent it ("your client sent ...")."""

    rule_id: str  # "" when no rule of the catalog covers it (a schema refusal of its own)
    sent: str
    detail: str


@dataclass
class Judgement:
    """What one exchange showed: each rule it let the proxy check (with its problems, none if
    it held), and the client's mistakes."""

    observed: dict[str, list[Problem]] = field(default_factory=dict)
    mistakes: list[Mistake] = field(default_factory=list)
    details: dict[str, str] = field(default_factory=dict)  # rule -> what the request sent

    def add(self, rule_id: str, problems: list[Problem]) -> None:
        self.observed.setdefault(rule_id, []).extend(problems)

    @property
    def violations(self) -> list[Problem]:
        return [p for problems in self.observed.values() for p in problems]


class Request:
    """The request side of an exchange, read once: actor, query, media types, parsed body."""

    def __init__(self, seen: Seen, profile: Profile) -> None:
        self.seen = seen
        self.headers = seen.request_headers
        self.query = seen.query
        self.actor = _actor(self.headers.get("Authorization"), profile)
        self.customer = next((v for k, v in self.query if k == "customer" and v), None)
        self.content_type = self.headers.get("Content-Type")
        self.media = (self.content_type or "application/json").split(";")[0].strip().lower()
        self.body_error, self.body = _parse(seen.request_body, self.media)
        self._error_problems: list[Problem] | None = None
        self.unmapped_codes: set[str] = set()  # schema refusals no rule covers (step 7)

    @property
    def as_user_or_client(self) -> bool:
        return self.actor in ("user", "client")

    @property
    def as_customer(self) -> bool:
        return self.actor == "customer"

    def error_problems(self, judge: Judge) -> list[Problem]:
        """PRT-02 and HDR-05 of an error answer, read once for both."""
        if self._error_problems is None:
            accept = self.headers.get("Accept")
            self._error_problems = checks.error_problems(judge.spec_checks, self.seen, accept)
        return self._error_problems

    def get(self, dotted: str) -> Any:
        node: Any = self.body
        for part in dotted.split("."):
            if not isinstance(node, dict):
                return None
            node = node.get(part)
        return node


def _actor(authorization: str | None, profile: Profile) -> str:
    """missing, malformed, unknown, or the profile token's name (user, client, customer...)."""
    if authorization is None:
        return "missing"
    if not BEARER.match(authorization.strip()):
        return "malformed"
    token = authorization.strip().split(None, 1)[1]
    tokens = profile.tokens
    for name in ("user", "user_without_privilege", "client", "customer"):
        if getattr(tokens, name) == token:
            return name
    return "unknown"


def _parse(body: bytes, media: str) -> tuple[str | None, Any]:
    """(why the body cannot be read, or None; the JSON value, None for XML or no body)."""
    if not body.strip() or media not in BODY_TYPES:
        return None, None
    try:
        text = body.decode("utf-8")
        if media in checks.XML_TYPES:
            ElementTree.fromstring(text)
            return None, None
        return None, json.loads(text)
    except (UnicodeDecodeError, ValueError, ElementTree.ParseError) as exc:
        return f"{type(exc).__name__}: {str(exc)[:120]}", None
    except Exception as exc:  # defusedxml refuses DTDs and entities: unreadable too
        return f"{type(exc).__name__}: {str(exc)[:120]}", None


# ------------------------------------------------------------------ preconditions, by rule
def _accepts_readable(accept: str | None) -> bool:
    if accept is None or not accept.strip():
        return True
    for item in accept.split(","):
        kind, _, params = item.partition(";")
        kind = kind.strip().lower()
        if re.search(r"q\s*=\s*0(\.0*)?\s*$", params.strip()):
            continue
        if "json" in kind or "xml" in kind or kind in ("*/*", "application/*", "text/*"):
            return True
    return False


@dataclass(frozen=True)
class Found:
    """A precondition that holds only as far as a choice or an inference of ours goes."""

    detail: str
    cap: Level


Check = Callable[["Judge", Request], str | Found | None]


def _no_authorization(judge: Judge, r: Request) -> str | None:
    return "no Authorization header" if r.actor == "missing" else None


def _not_bearer(judge: Judge, r: Request) -> str | None:
    value = r.headers.get("Authorization", "")
    return f"Authorization: {value[:40]}" if r.actor == "malformed" else None


def _bad_accept(judge: Judge, r: Request) -> str | None:
    accept = r.headers.get("Accept")
    return None if _accepts_readable(accept) else f"Accept: {accept}"


def _bad_locale(judge: Judge, r: Request) -> str | None:
    """One locale outside the enum (a q-list is read as a server chooses: see _unreadable_gates)."""
    locale = r.headers.get("Accept-Language")
    if locale is None or _is_list(locale) or locale.strip() in judge.locales:
        return None
    return f"Accept-Language: {locale}"


def _is_list(value: str) -> bool:
    return "," in value or ";" in value


def _good_locale(judge: Judge, r: Request) -> str | None:
    """A documented locale, with an Accept no server may refuse: the code of a refused Accept
    (406-101) is a choice, so with any other Accept a 406-100 may be about the Accept."""
    locale, accept = r.headers.get("Accept-Language"), r.headers.get("Accept")
    if accept is not None and accept.strip().lower() not in checks.DOCUMENTED_ACCEPT:
        return None
    return f"Accept-Language: {locale}" if locale and locale.strip() in judge.locales else None


def _actor_is(name: str) -> Check:
    def check(judge: Judge, r: Request) -> str | None:
        return f"the profile's tokens.{name}" if r.actor == name else None

    return check


def _unknown_parameter(judge: Judge, r: Request) -> str | None:
    unknown = sorted({k for k, _ in r.query if k not in QUERY_PARAMETERS})
    return f"query parameter(s) {', '.join(unknown)}" if unknown else None


def _customer_from_user(judge: Judge, r: Request) -> str | None:
    return f"customer={r.customer} as {r.actor}" if r.customer and r.as_user_or_client else None


def _customer_not_an_id(judge: Judge, r: Request) -> str | None:
    if r.customer and r.actor in ("customer", "unknown") and not r.customer.isdecimal():
        return f"customer={r.customer}"
    return None


def _ungranted(judge: Judge, r: Request) -> str | None:
    ungranted = judge.profile.data.ungranted_customer
    if r.as_customer and ungranted and r.customer == ungranted:
        return f"customer={r.customer}"
    return None


def _oversized(judge: Judge, r: Request) -> str | None:
    limit = judge.profile.settings.max_email_size_mb
    size = len(r.seen.request_body)
    return f"a body of {size} bytes" if limit and size > limit * 1024 * 1024 else None


def _unreadable_type(judge: Judge, r: Request) -> str | Found | None:
    if r.content_type is not None and not r.content_type.strip():
        return Found("an empty Content-Type", Level.CHOICE)  # a server may read it as missing
    if r.content_type is not None and r.media not in BODY_TYPES:
        return f"Content-Type: {r.content_type}"
    return None


def _empty_body(judge: Judge, r: Request) -> str | None:
    return "an empty body" if not r.seen.request_body.strip() else None


def _unreadable_body(judge: Judge, r: Request) -> str | None:
    return f"a body that cannot be read ({r.body_error})" if r.body_error else None


def _not_one_object(judge: Judge, r: Request) -> str | None:
    if r.body is not None and not isinstance(r.body, dict):
        return f"a JSON {type(r.body).__name__}"
    return None


def _missing(dotted: str, actor: str) -> Check:
    def check(judge: Judge, r: Request) -> str | None:
        if _json_object(r) and _actor_fits(r, actor) and _absent(r.get(dotted)):
            return f"no {dotted}"
        return None

    return check


def _present(names: tuple[str, ...], actor: str) -> Check:
    def check(judge: Judge, r: Request) -> str | None:
        if not (_json_object(r) and _actor_fits(r, actor)):
            return None
        sent = [name for name in names if r.get(name) is not None]
        return f"{', '.join(sent)} as {r.actor}" if sent else None

    return check


def _no_receiver_nor_center(judge: Judge, r: Request) -> str | None:
    if not (_json_object(r) and r.as_customer):
        return None
    receiver = r.get("payload.email.emailAddresses.receiver")
    center = r.get("payload.email.messageCenter.id")
    return "neither receiver nor messageCenter.id" if _absent(receiver) and center is None else None


def _from_with_customer(judge: Judge, r: Request) -> str | None:
    sent_from = r.get("payload.email.emailAddresses.from") is not None
    if _json_object(r) and r.as_customer and r.customer and sent_from:
        return f"from with customer={r.customer}"
    return None


def _nothing_to_send(judge: Judge, r: Request) -> str | None:
    if not _json_object(r):
        return None
    parts = (r.get("subject"), r.get("attachments"), r.get("payload.email.content"))
    return "none of subject, attachments, content" if all(p is None for p in parts) else None


def _issue_type_alone(judge: Judge, r: Request) -> str | None:
    alone = r.get("issueType") is not None and r.get("payload.email.messageCenter.id") is None
    return (
        "issueType without messageCenter.id"
        if _json_object(r) and r.as_customer and alone
        else None
    )


def _json_object(r: Request) -> bool:
    return isinstance(r.body, dict)


def _actor_fits(r: Request, actor: str) -> bool:
    return r.as_customer if actor == "customer" else r.as_user_or_client


def _absent(value: Any) -> bool:
    return value is None or value == "" or value == {} or value == []


USER_ONLY = ("secure", "payload.email.emailAddresses.to", "payload.email.emailAddresses.cc",
             "customer")  # fmt: skip
CUSTOMER_ONLY = ("payload.email.messageCenter", "issueType")

JUDGES: dict[str, Check] = {
    "ACT-01": _no_authorization,
    "ACT-02": _not_bearer,
    "HDR-04": _bad_accept,
    "HDR-01": _bad_locale,
    "HDR-02": _good_locale,
    "ACT-03": _actor_is("user_without_privilege"),
    "ACT-04": _actor_is("user"),
    "ACT-05": _actor_is("client"),
    "ACT-06": _actor_is("customer"),
    "QRY-01": _unknown_parameter,
    "QRY-02": _customer_from_user,
    "QRY-03": _customer_not_an_id,
    "GRT-02": _ungranted,
    "LIM-03": _oversized,
    "HDR-06": _unreadable_type,
    "BODY-01": _empty_body,
    "BODY-02": _unreadable_body,
    "BODY-03": _not_one_object,
    "UC-01": _missing("department.name", "user"),
    "UC-03": _missing("payload.email.emailAddresses.from", "user"),
    "UC-12": _missing("payload.email.emailAddresses.receiver", "user"),
    "UC-18": _present(CUSTOMER_ONLY, "user"),
    "CUS-01": _no_receiver_nor_center,
    "CUS-03": _present(("department",), "customer"),
    "CUS-16": _present(USER_ONLY, "customer"),
    "GRT-04": _from_with_customer,
    "BODY-06": _nothing_to_send,
    "CUS-12": _issue_type_alone,
}


# ------------------------------------------------------------------ the judge
class Judge:
    """Judges exchanges of one target (its profile) by the catalog's passive rules."""

    def __init__(
        self, catalog: Catalog, spec: Mapping[str, Any], profile: Profile, base_path: str
    ) -> None:
        self.catalog = catalog
        self.profile = profile
        self.spec_checks = checks.SpecChecks(spec)
        self.base_path = base_path.rstrip("/")
        self.operation = self.base_path + api_of(spec).vendor.path
        self.locales = frozenset(_locales(spec))
        self.statuses = frozenset(_declared_statuses(spec))
        self.request_schema = RequestSchema(spec)
        self.rules = [r for r in catalog.rules if r.passive is not None and r.passive.step]
        self.schema_rules = [r for r in self.rules if _by_schema(r)]
        self.templates = {code: _template(text) for code, text in catalog.codes.items()}

    def is_operation(self, seen: Seen) -> bool:
        return seen.path == self.operation

    def in_api(self, seen: Seen) -> bool:
        return seen.path.startswith(self.base_path + "/")

    def judge(self, seen: Seen) -> Judgement:
        judgement = Judgement()
        if not self.in_api(seen):
            return judgement
        request = Request(seen, self.profile)
        if self.is_operation(seen):
            self._operation(seen, request, judgement)
        for rule_id, every in EVERY.items():
            problems = every(self, seen, request)
            if problems is not None:
                judgement.add(rule_id, problems)
        return judgement

    def _operation(self, seen: Seen, request: Request, judgement: Judgement) -> None:
        breaches = sorted(self._breaches(request, judgement), key=lambda b: b.step)
        refusals = [b for b in breaches if not _served(b.rule)]
        judgement.mistakes += [Mistake(b.rule.id, _sent(b.rule), b.detail) for b in refusals]
        judgement.details.update({b.rule.id: b.detail for b in breaches})
        if refusals and seen.status_code >= 500:
            cause = "a request that breaks the spec got a 5xx"
            actual = f"{seen.status_code} for {refusals[0].detail}"
            judgement.add("PRT-03", [_problem("PRT-03", "outcome", cause, "a 4xx", actual)])
            return
        refused_at = self._served(seen, breaches, refusals[0].step if refusals else 99, judgement)
        if refusals and refusals[0].step < refused_at:
            judgement.add("PRT-03", [])
            first = [b for b in refusals if b.step == refusals[0].step]
            for breach in first:
                judgement.add(breach.rule.id, self._answered(seen, request, first, breach))

    def _served(
        self, seen: Seen, breaches: list[Breach], first_refusal: int, judgement: Judgement
    ) -> int:
        """Judge the rules that say the request is served (before any refusal it earns); the
        step at which the answer wrongly refused it (later refusals are then not judged)."""
        refused_at = 99
        for breach in (b for b in breaches if _served(b.rule) and b.step < first_refusal):
            problems = _never(seen, breach)
            judgement.add(breach.rule.id, problems)
            refused_at = min(refused_at, breach.step) if problems else refused_at
        return refused_at

    def _breaches(self, request: Request, judgement: Judgement) -> Iterator[Breach]:
        if request.seen.method != "POST":  # routing answers first: only PRT-01 applies
            if not _preflight(request):
                rule = self.catalog.get("PRT-01")
                yield Breach(rule, f"method {request.seen.method}", frozenset({rule.code or ""}))
            return
        for rule in self.rules:
            check = JUDGES.get(rule.id)
            found = check(self, request) if check else None
            if isinstance(found, Found):
                yield Breach(rule, found.detail, frozenset({rule.code or ""}), found.cap)
            elif found:
                yield Breach(rule, found, frozenset({rule.code or ""}))
        if request.seen.method == "POST" and isinstance(request.body, dict):
            yield from self._schema_breaches(request, judgement)

    def _schema_breaches(self, request: Request, judgement: Judgement) -> Iterator[Breach]:
        for error in self.request_schema.iter_errors(request.body):
            attribute, kind = _attribute(error)
            code = _schema_code(kind, error.instance)
            rule = self._schema_rule(attribute, kind)
            detail = f"{attribute or '(body)'}: {str(error.message)[:160]}"
            if rule is None:
                sent = "a body the spec's request schema refuses"
                judgement.mistakes.append(Mistake("", sent, detail))
                request.unmapped_codes.add(code)
                continue
            yield Breach(rule, detail, frozenset({code}))

    def _schema_rule(self, attribute: str, kind: str) -> Rule | None:
        """The rule whose schema attributes name `attribute`, else the one of its error kind."""
        for rule in self.schema_rules:
            assert rule.passive is not None
            if any(_names(path, attribute) for path in rule.passive.schema):
                return rule
        by_kind = [r for r in self.schema_rules if r.passive and r.passive.schema_error == kind]
        return by_kind[0] if by_kind else None

    def _answered(
        self, seen: Seen, request: Request, first: list[Breach], breach: Breach
    ) -> list[Problem]:
        """The answer to a request whose first breach (at one step) is `first`."""
        status = seen.status_code
        code = error_code_of(seen.content) if status >= 400 else None
        allowed = {(b.rule.status, c) for b in first for c in b.codes}
        allowed |= self._unreadable_gates(request, breach.step)
        if (status, code) in allowed or (status, ANY_CODE) in allowed:
            return []
        rule = breach.rule
        expected = f"{rule.status} {'/'.join(sorted(breach.codes))}".strip()
        actual = f"{status} {code or ''}".strip()
        why = f"the request sent {breach.detail}"
        if status < 400:
            item, cause = "outcome", f"a request with {_sent(rule)} was served ({status})"
        elif status != rule.status:
            item, cause = "status", f"a request with {_sent(rule)} got another status"
        else:
            item, cause = "code", f"a request with {_sent(rule)} got another code"
        level = weakest((rule.level(item), breach.cap, _passive(rule).level))
        return [_problem(rule.id, item, cause, expected, actual, why, level)]

    def _unreadable_gates(self, request: Request, step: int) -> set[tuple[int, str]]:
        """Answers of check-order gates before `step` that the request cannot tell about."""
        gates: set[tuple[int, str]] = set()
        if step > 2 and request.actor == "unknown":  # a token the profile does not list
            gates |= {(401, "401-101"), (403, "403-178")}
        if step > 3 and _negotiated(request):  # a q-list or a wildcard: a server may refuse it
            gates.add((406, ANY_CODE))
        if step > 5 and request.customer and request.actor in ("customer", "unknown"):
            gates.add((400, "400-244"))  # a grant the profile's data does not show
        if step > 7:
            gates |= {(400, code) for code in request.unmapped_codes}
        if step > 7:  # actor elements and business rules: the first one wins, in any order
            gates |= {(400, "400-146"), (400, "400-147")}
        if step > 8:
            gates.add((400, ANY_CODE))
        return gates


def _negotiated(request: Request) -> bool:
    """An Accept other than a documented value, or an Accept-Language list: what a server makes
    of them is its choice (the enum names single values)."""
    accept, locale = request.headers.get("Accept"), request.headers.get("Accept-Language")
    odd_accept = accept is not None and accept.strip().lower() not in checks.DOCUMENTED_ACCEPT
    return odd_accept or (locale is not None and _is_list(locale))


def _preflight(request: Request) -> bool:
    """A browser's CORS preflight: the server's CORS layer answers it, not the operation."""
    headers = request.headers
    return request.seen.method == "OPTIONS" and "Access-Control-Request-Method" in headers


def _served(rule: Rule) -> bool:
    return bool(rule.passive and rule.passive.never)


def _sent(rule: Rule) -> str:
    return _passive(rule).sent


def _never(seen: Seen, breach: Breach) -> list[Problem]:
    rule = breach.rule
    assert rule.passive is not None
    code = error_code_of(seen.content) if seen.status_code >= 400 else None
    if code != rule.passive.never:
        return []
    cause = f"a request with {_sent(rule)} was refused with {code}"
    actual = f"{seen.status_code} {code}"
    return [_problem(rule.id, "outcome", cause, "not refused so", actual, breach.detail)]


def _problem(
    rule_id: str,
    item: str,
    cause: str,
    expected: str,
    actual: str,
    why: str = "",
    level: Level | None = None,
) -> Problem:
    message = f"{cause}: expected {expected}, got {actual}" + (f" ({why})" if why else "")
    return Problem(rule_id, item, cause, level, message, expected, actual)


def _passive(rule: Rule) -> Passive:
    assert rule.passive is not None
    return rule.passive


def _names(path: str, attribute: str) -> bool:
    """`a.b` names exactly that attribute; `a.*` anything under `a`."""
    if path.endswith(".*"):
        return attribute.startswith(path[:-1])
    return attribute == path


def _by_schema(rule: Rule) -> bool:
    return bool(rule.passive and (rule.passive.schema or rule.passive.schema_error))


# ------------------------------------------------------------------ the request schema
def _operation(spec: Mapping[str, Any]) -> Mapping[str, Any]:
    vendor = api_of(spec).vendor
    return dict(spec["paths"][vendor.path][vendor.method.lower()])


def _locales(spec: Mapping[str, Any]) -> list[str]:
    return list(spec["components"]["parameters"]["AcceptLanguage"]["schema"]["enum"])


def _declared_statuses(spec: Mapping[str, Any]) -> list[int]:
    return [int(status) for status in _operation(spec)["responses"]]


class RequestSchema:
    """The operation's request schema: jsonschema-rs answers "valid?" (most traffic is), the
    Python validator, with the same format checks, names the errors of a body that is not."""

    def __init__(self, spec: Mapping[str, Any]) -> None:
        schema = _operation(spec)["requestBody"]["content"]["application/json"]["schema"]
        schema = {**schema, "components": spec["components"]}
        formats = FormatChecker()
        formats.checks("email")(_is_email)
        self._python = OAS30Validator(schema, format_checker=formats)
        fast_formats = {"email": _is_email, "date-time": lambda v: formats.conforms(v, "date-time")}
        self._fast = jsonschema_rs.Draft4Validator(schema, formats=fast_formats,
                                                   validate_formats=True)  # fmt: skip

    def iter_errors(self, body: Any) -> Iterator[Any]:
        try:
            if self._fast.is_valid(body):
                return iter(())
        except (ValueError, TypeError):  # what Rust cannot hold (a lone surrogate)
            pass
        return self._python.iter_errors(body)


def _is_email(value: object) -> bool:
    return not isinstance(value, str) or bool(EMAIL.match(value))


def _attribute(error: Any) -> tuple[str, str]:
    """The dotted attribute (no indexes) a schema error names, and the error's kind."""
    path = [str(p) for p in error.absolute_path if not isinstance(p, int)]
    kind = str(error.validator)
    if kind == "required":
        missing = re.search(r"'([^']+)' is a required property", str(error.message))
        path += [missing.group(1)] if missing else []
    elif kind == "additionalProperties":
        extra = re.search(r"\('([^']+)'", str(error.message))
        path += [extra.group(1)] if extra else []
    return ".".join(path), kind


def _schema_code(kind: str, instance: Any) -> str:
    if kind == "minLength" and instance == "":
        return "400-387"
    return SCHEMA_CODES.get(kind, "400-152")


def _template(text: str) -> re.Pattern[str]:
    return re.compile("^" + re.escape(text).replace(re.escape("{0}"), ".*") + "$", re.DOTALL)


# ------------------------------------------------------------------ properties of every answer
Every = Callable[[Judge, Seen, Request], list[Problem] | None]


def _created(judge: Judge, seen: Seen, request: Request) -> list[Problem] | None:
    if not judge.is_operation(seen) or seen.status_code != 201:
        return None
    problems = checks.created_problems(seen, judge.spec_checks.api)
    location = seen.headers.get("Location")
    where = (
        checks.documented_location_problem(location, judge.spec_checks.api) if location else None
    )
    if where and not problems:
        cause = f"the Location is not the documented one: {where}"
        expected = judge.spec_checks.api.location_template
        problems.append(_problem("EFF-01", "effect", cause, expected, location or ""))
    return problems


def _error_body(judge: Judge, seen: Seen, request: Request) -> list[Problem] | None:
    declared = seen.status_code in judge.statuses or not judge.is_operation(seen)
    if seen.status_code < 400 and declared:
        return None
    problems: list[Problem] = []
    if not declared:
        cause = f"a status the spec does not declare: {seen.status_code}"
        actual = str(seen.status_code)
        problems.append(_problem("PRT-02", "status", cause, "a declared status", actual))
    if seen.status_code >= 400:
        problems += [p for p in request.error_problems(judge) if p.rule_id == "PRT-02"]
        problems += _message_problems(judge, seen)
    return problems


def _message_problems(judge: Judge, seen: Seen) -> list[Problem]:
    body = checks.read_error(seen)
    code = str(body.get("code", "")) if body else ""
    template = judge.templates.get(code)
    if body is None or template is None or judge.catalog.code_level(code).value != "documented":
        return []
    message = str(body.get("developerMessage", ""))
    if template.match(message):
        return []
    cause = f"the developerMessage of {code} is not the documented one"
    return [Problem("PRT-02", "message", cause, None, cause, judge.catalog.codes[code], message)]


def _error_media(judge: Judge, seen: Seen, request: Request) -> list[Problem] | None:
    if seen.status_code < 400:
        return None
    return [p for p in request.error_problems(judge) if p.rule_id == "HDR-05"]


def _user_message(judge: Judge, seen: Seen, request: Request) -> list[Problem] | None:
    if seen.status_code < 400:
        return None
    asked = request.headers.get("X-egain-error-message", "").strip().lower() == "yes"
    body = checks.read_error(seen)
    if asked or not body or "userMessage" not in body:
        return []
    cause = "an error carries userMessage without X-egain-error-message: yes"
    return [_problem("HDR-07", "user_message", cause, "no userMessage", "userMessage")]


def _read_back(judge: Judge, seen: Seen, request: Request) -> list[Problem] | None:
    if seen.method != "GET" or seen.status_code != 200:
        return None
    if not re.fullmatch(re.escape(judge.base_path) + r"/activity/[^/]+", seen.path):
        return None
    try:
        body = json.loads(seen.content)
    except ValueError:
        body = seen.text
    return checks.read_back_problems(judge.spec_checks, body)


EVERY: dict[str, Every] = {
    "EFF-01": _created,
    "PRT-02": _error_body,
    "HDR-05": _error_media,
    "HDR-07": _user_message,
    "EFF-04": _read_back,
}
# Judged inside Judge._operation: PRT-01 (routing, before any other check) and PRT-03 (a
# client's mistake never causes a 5xx), with the request's breaches.
JUDGED_WITH_BREACHES = ("PRT-01", "PRT-03")
