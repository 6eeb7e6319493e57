"""Where a stage's requests ended: a tally of the answers, and a warning when they hit one gate.

A server refuses a request at an early gate (authentication, Accept or Accept-Language, the path,
the privilege, the Content-Type) before it reads the body. A stage whose cases mostly end there
tested almost nothing, however few findings it reports: against a server that refused the
fuzzer's `Accept: */*` with 406, 150 cases were refused and the run still said "0 findings".
`tally` counts a stage's answers, `gate_warning` says so loudly. Pure functions, no I/O.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from conformance.results import Exchange, error_code_of

NO_ANSWER = "no answer"  # the tally key of an exchange that got no HTTP answer


@dataclass(frozen=True)
class Gate:
    """An early refusal: what the server refused, and what to check in the profile or target."""

    name: str
    check: str


# The early gates, by status: the one place they are listed.
GATES: dict[int, Gate] = {
    401: Gate("authentication", "check tokens in the profile"),
    403: Gate("authorisation", "check that the profile's tokens carry the privileges needed"),
    404: Gate("not found", "check base_url in the profile"),
    406: Gate(
        "Accept or Accept-Language",
        "the target refused the documented headers (Accept: application/json, "
        "Accept-Language: en-US); check what it answers to them",
    ),
    415: Gate(
        "Content-Type",
        "the target refused the documented Content-Type (application/json); "
        "check what it answers to it",
    ),
}


def answer_of(status: int | None, body: bytes | str = "") -> str:
    """One answer's tally key: "201", "400 400-152" (status and vendor code), or "no answer".

    The vendor code is read from the body of error answers (4xx, 5xx) only.
    """
    if status is None:
        return NO_ANSWER
    code = error_code_of(body) if status >= 400 and body else None
    return f"{status} {code}" if code else str(status)


def tally(exchanges: Iterable[Exchange]) -> dict[str, int]:
    """How many exchanges ended with each answer (keys as `answer_of`), most frequent first."""
    counts = Counter(answer_of(e.status, e.response_body) for e in exchanges)
    return dict(counts.most_common())


def status_of(key: str) -> int | None:
    """The status of a tally key, None for "no answer" (or a key that is not one)."""
    head = key.split(" ", 1)[0]
    return int(head) if head.isdigit() else None


def gate_warning(stage: str, tally: Mapping[str, int]) -> str:
    """A loud one-line warning when most of a stage's exchanges ended at one early gate, else "".

    "Most" is more than half. A stage that sent nothing is warned about too.
    """
    total = sum(tally.values())
    if total == 0:
        return f"WARNING: {stage} sent no request at all: it tested nothing"
    by_status: Counter[int] = Counter()
    for key, count in tally.items():
        status = status_of(key)
        if status in GATES:
            by_status[status] += count
    if not by_status:
        return ""
    status, count = by_status.most_common(1)[0]
    if 2 * count <= total:
        return ""
    gate = GATES[status]
    return (
        f"WARNING: {stage} tested almost nothing: {count} of {total} cases ended at the "
        f"{gate.name} gate ({status}); {gate.check}"
    )


__all__ = ["GATES", "NO_ANSWER", "Gate", "answer_of", "gate_warning", "status_of", "tally"]
