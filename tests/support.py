"""Start servers for tests on free loopback ports, and stop them when the test ends."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

import requests

from mock_server.settings import CONNEXION_STACKS, MockSettings

ROOT = Path(__file__).resolve().parents[1]
BASE_PATH = "/core/casemgr/v3"
# The Connexion stack every mock a test starts runs on (scripts/test runs the mock's tests on
# both): MOCK_CONNEXION_STACK, the variable the mock itself reads.
MOCK_STACK = os.environ.get("MOCK_CONNEXION_STACK", MockSettings.connexion_stack)
assert MOCK_STACK in CONNEXION_STACKS, f"MOCK_CONNEXION_STACK={MOCK_STACK!r}: fast or stock"


def mock_settings(**changes: Any) -> MockSettings:
    """MockSettings for an in-process mock, on this run's Connexion stack."""
    return MockSettings(connexion_stack=MOCK_STACK, **changes)  # type: ignore[arg-type]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


READY_S = 20.0  # how long a started server may take to answer: a hang guard, not a speed


@contextlib.contextmanager
def running_process(
    argv: Sequence[str], ready_url: str, timeout: float
) -> Iterator[subprocess.Popen[bytes]]:
    """Run `argv` until the block ends, once `ready_url` answers below 500; stop it after.

    Its output goes to a temporary file, read back only if it dies before it is ready: a pipe
    that nobody reads while it serves could fill and stall it.
    """
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(list(argv), cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_ready(proc, ready_url, timeout, log)
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@contextlib.contextmanager
def serve(
    argv: Sequence[str], port: int, health_path: str = "/mock/health", timeout: float = READY_S
) -> Iterator[str]:
    """Run `argv` (a server on 127.0.0.1:port) until the block ends; yield its root URL."""
    root = f"http://127.0.0.1:{port}"
    with running_process(argv, root + health_path, timeout):
        yield root


def _wait_ready(proc: subprocess.Popen[bytes], url: str, timeout: float, log: IO[bytes]) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log.seek(0)
            tail = log.read().decode(errors="replace")[-2000:]
            raise RuntimeError(f"server exited with {proc.returncode}: {tail}")
        with contextlib.suppress(requests.RequestException):
            if requests.get(url, timeout=1).status_code < 500:
                return
        time.sleep(0.1)
    raise RuntimeError(f"server at {url} not ready after {timeout}s")


@contextlib.contextmanager
def running_mock(*flags: str) -> Iterator[str]:
    """The reference mock in a subprocess; yields the API base URL (…/core/casemgr/v3)."""
    port = free_port()
    with serve(mock_argv(port, *flags), port) as root:
        yield root + BASE_PATH


def mock_argv(port: int, *flags: str) -> list[str]:
    """The reference mock on 127.0.0.1:port, quiet, on the stack the test run asks for."""
    return [sys.executable, "-m", "mock_server", "--host", "127.0.0.1", "--port", str(port),
            "--quiet", "--connexion-stack", MOCK_STACK, *flags]  # fmt: skip


def proxy_argv(profile: Path, port: int, report_dir: Path) -> list[str]:
    """`conformance proxy` in front of the profile's base_url, listening on 127.0.0.1:port."""
    listen = f"127.0.0.1:{port}"
    return [sys.executable, "-m", "conformance.cli", "proxy", "--target", str(profile),
            "--listen", listen, "--report-dir", str(report_dir)]  # fmt: skip
