"""One exception hierarchy: a harness that cannot run vs a server that broke a rule."""

from __future__ import annotations

from typing import Any

from conformance.results import trim

EXIT_OK, EXIT_DEVIATION, EXIT_USAGE, EXIT_UNREACHABLE = 0, 1, 2, 3


def first_line(exc: BaseException) -> str:
    """An exception's first line of text (its type's name when it has none), for one-line errors."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


class HarnessError(Exception):
    """The harness could not run (exit code 2); subclasses say why."""

    exit_code = 2


class ConfigError(HarnessError):
    """A bad profile, catalog, spec or command line (exit code 2)."""


class TargetUnreachable(HarnessError):
    """The server under test cannot be reached at all (exit code 3)."""

    exit_code = 3


class TargetStopped(HarnessError):
    """The target stopped answering mid-run, so a request was not sent (see conformance.breaker).

    The check that wanted to send it is an ERROR, and the run exits 1: the server failed, the
    harness did not.
    """

    exit_code = 1


class Deviation(AssertionError):
    """The server under test broke a documented rule; fails a pytest step as it is."""

    def __init__(
        self,
        message: str,
        *,
        rule_ids: tuple[str, ...] = (),
        expected: Any = None,
        actual: Any = None,
    ) -> None:
        # Trimmed: a message may quote a server's answer, and a hostile server answers megabytes
        # (kept whole, 250 scenarios x 32 MB ran the harness out of memory).
        message = trim(message)
        super().__init__(message)
        self.message = message
        self.rule_ids = rule_ids
        self.expected = expected
        self.actual = actual
