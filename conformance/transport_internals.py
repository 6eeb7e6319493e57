"""Every touch of a urllib3 or requests internal, in one place.

Written for urllib3 2.8 and requests 2.34 (pinned to those minors in pyproject.toml). The
private or undocumented names used, and why:

- urllib3 `HTTPConnectionPool._make_request(conn, ...)` (private), overridden in a subclass:
  the one point that sees the connection a request uses *before* the response arrives, so the
  deadline watchdog (`conformance.client`) can shut its socket during connect and headers too.
- urllib3 `PoolManager.pool_classes_by_scheme` (an undocumented instance attribute), replaced
  so that the manager builds those subclasses.
- requests `Response._content` and `Response._content_consumed` (private), set so that
  `response.content` is the body read in chunks up to the cap, not the whole body.

`HarnessSettings.transport = "plain"` (conformance.settings) sends without any of them: the
deadline is then enforced only once the response has arrived (through the public
`urllib3.HTTPResponse.connection`), connect and headers bounded by the per-read timeout alone,
and a body is read whole, uncapped. Verdicts stay the same; only that precision is lost. If an
upgrade breaks this module, run plain until it is fixed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import requests
from urllib3 import PoolManager

WRITTEN_FOR = {"urllib3": "2.8", "requests": "2.34"}


def watch_connections(manager: PoolManager, attach: Callable[[Any], None]) -> None:
    """Have `manager`'s pools call `attach(conn)` with each connection before a request on it."""

    def watched(pool_cls: type) -> type:
        class Watched(pool_cls):  # type: ignore[valid-type,misc]
            def _make_request(self, conn: Any, *args: Any, **kwargs: Any) -> Any:
                attach(conn)
                return super()._make_request(conn, *args, **kwargs)

        return Watched

    manager.pool_classes_by_scheme = {
        scheme: watched(cls) for scheme, cls in manager.pool_classes_by_scheme.items()
    }


def set_content(response: requests.Response, body: bytes) -> None:
    """Make `body` the response's `content`, as if requests had read it itself."""
    response._content = body
    response._content_consumed = True  # type: ignore[attr-defined]  # requests' own flag
