"""Is the target there at all? One request before the stages decide exit 3 or a run."""

from __future__ import annotations

import requests

from conformance.breaker import Breaker
from conformance.client import make_session, nobody_there
from conformance.errors import TargetUnreachable
from conformance.settings import DEFAULT_TIMEOUT_S, DEFAULT_TRANSPORT, Transport


def probe(
    base_url: str,
    timeout_s: float,
    breaker: Breaker | None = None,
    transport: Transport = DEFAULT_TRANSPORT,
) -> None:
    """A refused, unresolvable or unconnectable host is not there (exit 3); a host that accepts
    the connection and then hangs, resets or answers garbage is there and broken: the stages
    run, record each failure and write the reports (exit 1). The probe sends through the run's
    breaker and deadline like every other request, so a hanging target's probe counts."""
    session = make_session(min(timeout_s, DEFAULT_TIMEOUT_S), breaker, transport)
    try:
        session.get(base_url, allow_redirects=False)
    except requests.ConnectTimeout as exc:  # no connection within the deadline: nobody there
        raise TargetUnreachable(
            f"cannot reach the target at {base_url}: connect timed out"
        ) from exc
    except requests.RequestException as exc:
        reason = nobody_there(exc)  # else it answered, badly: the stages will say how
        if reason:
            raise TargetUnreachable(f"cannot reach the target at {base_url}: {reason}") from exc
