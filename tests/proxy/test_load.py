"""bench/proxy_load.py bounded: 64 connections through the proxy, every answer byte-identical to
the upstream's, none lost or duplicated. The full 64 x 5,000 is run by hand (bench/README.md)."""

from __future__ import annotations

from bench.proxy_load import run

CONNECTIONS, PER_CONNECTION = 64, 10


def test_every_answer_through_the_proxy_is_the_upstreams_and_none_is_lost_or_repeated() -> None:
    figures = run(CONNECTIONS, PER_CONNECTION)
    assert figures.ok, figures.samples
    assert figures.answered == figures.requests == CONNECTIONS * PER_CONNECTION
    assert figures.upstream_saw == figures.requests
    assert figures.mismatches == figures.lost == figures.duplicated == 0
