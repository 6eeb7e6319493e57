"""The test and bench server starter: a server that dies before it is ready is reported."""

from __future__ import annotations

import sys

import pytest

from tests.support import free_port, running_process


def test_a_server_that_dies_before_it_is_ready_is_reported_with_its_output() -> None:
    argv = [sys.executable, "-c", "import sys; sys.stderr.write('boom at start'); sys.exit(3)"]
    url = f"http://127.0.0.1:{free_port()}/"
    with (
        pytest.raises(RuntimeError, match=r"exited with 3: boom at start"),
        running_process(argv, url, timeout=20),
    ):
        pass
