"""Start servers for tests on free loopback ports, and stop them when the test ends."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
BASE_PATH = "/core/casemgr/v3"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def serve(
    argv: Sequence[str], port: int, health_path: str = "/mock/health", timeout: float = 20.0
) -> Iterator[str]:
    """Run `argv` (a server on 127.0.0.1:port) until the block ends; yield its root URL."""
    proc = subprocess.Popen(list(argv), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    root = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(proc, root + health_path, timeout)
        yield root
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stderr:
            proc.stderr.close()


def _wait_ready(proc: subprocess.Popen[bytes], url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
            raise RuntimeError(f"server exited with {proc.returncode}: {err[-2000:]}")
        with contextlib.suppress(requests.RequestException):
            if requests.get(url, timeout=1).status_code < 500:
                return
        time.sleep(0.1)
    raise RuntimeError(f"server at {url} not ready after {timeout}s")


@contextlib.contextmanager
def running_mock(*flags: str) -> Iterator[str]:
    """The reference mock in a subprocess; yields the API base URL (…/core/casemgr/v3)."""
    port = free_port()
    argv = [
        sys.executable,
        "-m",
        "mock_server",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--quiet",
        *flags,
    ]
    with serve(argv, port) as root:
        yield root + BASE_PATH
