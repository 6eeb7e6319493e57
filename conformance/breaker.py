"""A circuit breaker shared by one whole run: stop sending to a target that stopped answering.

Without it, a target that hangs costs the full timeout for every request of every scenario and
fuzzing case (250 scenarios x 10 s is 40 minutes). After `TRANSPORT_FAILURE_LIMIT` consecutive
transport failures (a timeout, a deadline passed, a reset or dropped connection) the breaker
opens: every later request raises `TargetStopped` without being sent, so the run ends in about
limit x timeout. Any HTTP answer, whatever its status, closes the count again.

One Breaker belongs to one run: the CLI makes it and hands it to the probe, the scenario stage
and the fuzzing stage, which all send through sessions from `conformance.client.make_session`.
Not thread-safe: a run sends one request at a time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from conformance.errors import TargetStopped

TRANSPORT_FAILURE_LIMIT = 3  # consecutive transport failures before the target counts as gone
_PLURALS = {"timeout": "timeouts", "connection failure": "connection failures"}


@dataclass
class Breaker:
    """Counts consecutive transport failures; once `limit` is reached, refuses to send."""

    limit: int = TRANSPORT_FAILURE_LIMIT
    failures: list[str] = field(default_factory=list)  # kinds of the current streak
    tripped: str = ""  # why the breaker opened; empty while closed
    refused: int = 0  # requests not sent since it opened

    @property
    def open(self) -> bool:
        return bool(self.tripped)

    def before_send(self) -> None:
        """Raise TargetStopped instead of sending once the target has stopped answering."""
        if self.open:
            self.refused += 1
            raise TargetStopped(f"{self.tripped}; not sent")

    def success(self) -> None:
        """An HTTP answer arrived: the target is alive, the streak starts over."""
        if not self.open:
            self.failures.clear()

    def failure(self, kind: str) -> None:
        """A transport failure of `kind` ("timeout" or "connection failure")."""
        if self.open:
            return
        self.failures.append(kind)
        if len(self.failures) >= self.limit:
            self.tripped = f"target stopped answering after {_streak(self.failures)}"

    def note(self) -> str:
        """A sentence for the report, or "" while the breaker is closed."""
        if not self.open:
            return ""
        return (
            f"The {self.tripped}; the harness stopped sending to it, and "
            f"{self.refused} later request(s) were not sent (their checks are marked error)."
        )


def _streak(kinds: list[str]) -> str:
    """`3 consecutive timeouts`, or the mixed form naming each kind once."""
    distinct = sorted(set(kinds))
    if len(distinct) == 1:
        return f"{len(kinds)} consecutive {_PLURALS.get(distinct[0], distinct[0] + 's')}"
    named = " and ".join(_PLURALS.get(k, k + "s") for k in distinct)
    return f"{len(kinds)} consecutive transport failures ({named})"
