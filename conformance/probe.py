"""Is the target there at all? One request before the stages decide exit 3 or a run."""

from __future__ import annotations

import requests

from conformance.breaker import Breaker
from conformance.errors import TargetUnreachable


def probe(base_url: str, timeout_s: float, breaker: Breaker | None = None) -> None:
    """A refused, unresolvable or unconnectable host is not there (exit 3); a host that accepts
    the connection and then hangs, resets or answers garbage is there and broken: the stages
    run, record each failure and write the reports (exit 1). The probe sends through the run's
    breaker and deadline like every other request, so a hanging target's probe counts."""
    from conformance.client import make_session

    session = make_session(min(timeout_s, 10.0), breaker)
    try:
        session.get(base_url, allow_redirects=False)
    except requests.ConnectTimeout as exc:
        raise TargetUnreachable(f"cannot reach the target at {base_url}: {_reason(exc)}") from exc
    except requests.ConnectionError as exc:
        if _reason(exc) in _NOBODY_THERE:
            raise TargetUnreachable(
                f"cannot reach the target at {base_url}: {_reason(exc)}"
            ) from exc
    except requests.RequestException:
        pass  # it answered, badly (e.g. a read timeout): the stages will say how


_NOBODY_THERE = (
    "connection refused",
    "name or service not known",
    "nodename nor servname",
    "no route to host",
    "temporary failure in name resolution",
)


def _reason(exc: requests.RequestException) -> str:
    text = str(exc)
    for hint in (
        "Connection refused",
        "Name or service not known",
        "nodename nor servname",
        "timed out",
        "No route to host",
        "Temporary failure in name resolution",
    ):
        if hint in text:
            return hint.lower()
    return type(exc).__name__
