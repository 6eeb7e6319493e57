"""The servers the benchmark starts (mock, Prism's mock, the floor), each on a free port of
127.0.0.1 and stopped when its block ends; the paths and token they are measured with."""

from __future__ import annotations

import contextlib
import functools
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from conformance.spec import load_api
from tests.support import free_port, running_process

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
LUA = BENCH / "lua"
NODE = BENCH / ".node"
PRISM = NODE / "node_modules" / ".bin" / "prism"
SPEC = ROOT / "openapi" / "openapi.yaml"
PROFILE = ROOT / "mock_server" / "data" / "profile.yaml"
API = load_api(SPEC)  # the base path and the operation's path, as the spec writes them
BASE_PATH = API.base_path
CREATE_PATH = BASE_PATH + API.vendor.path
TOKEN = "user-admin-token"
PY = sys.executable


def ensure_prism() -> Path:
    """@stoplight/prism-cli from npm, installed into bench/.node on first use."""
    if not PRISM.exists():
        print("installing @stoplight/prism-cli (npm, bench/.node)...", flush=True)
        NODE.mkdir(exist_ok=True)
        subprocess.run(
            [
                "npm",
                "install",
                "--prefix",
                str(NODE),
                "--no-audit",
                "--no-fund",
                "--silent",
                "@stoplight/prism-cli",
            ],
            check=True,
        )
    return PRISM


@dataclass
class Server:
    name: str
    proc: subprocess.Popen[bytes]
    port: int
    create_url: str

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@contextlib.contextmanager
def started(
    name: str,
    argv: Sequence[str],
    port: int,
    ready_path: str,
    create_path: str = CREATE_PATH,
    timeout: float = 60.0,
) -> Iterator[Server]:
    """Run a server until the block ends; wait until `ready_path` answers below 500."""
    root = f"http://127.0.0.1:{port}"
    with running_process(argv, root + ready_path, timeout) as proc:
        yield Server(name, proc, port, root + create_path)


def start_mock(
    name: str = "mock", *flags: str, root: Path | None = None
) -> contextlib.AbstractContextManager[Server]:
    """This checkout's mock, or (root) the one of another checkout, e.g. main's for a before."""
    port = free_port()
    python = [PY] if root is None else ["env", f"PYTHONPATH={root}", PY, "-P"]
    argv = [*python, "-m", "mock_server", "--host", "127.0.0.1", "--port", str(port), "--quiet"]
    return started(name, [*argv, *flags], port, "/mock/health")


def mock_starters(baseline_root: Path | None) -> dict[str, Any]:
    """mock; mock-stock: on Connexion's stock stack; mock-base: the one at baseline_root."""
    return {
        "mock": start_mock,
        "mock-stock": functools.partial(start_mock, "mock-stock", "--connexion-stack", "stock"),
        "mock-base": functools.partial(start_mock, "mock-base", root=baseline_root),
    }


def start_floor() -> contextlib.AbstractContextManager[Server]:
    port = free_port()
    return started(
        "floor", [PY, str(BENCH / "floor_app.py"), "--port", str(port)], port, "/mock/health"
    )


@contextlib.contextmanager
def start_prism() -> Iterator[Server]:
    """Prism's mock of our own document; finds whether it routes with the base path or not."""
    port = free_port()
    argv = [
        str(ensure_prism()),
        "mock",
        str(SPEC),
        "-h",
        "127.0.0.1",
        "-p",
        str(port),
        "-v",
        "silent",
    ]
    with started("prism", argv, port, CREATE_PATH) as server:
        server.create_url = server.root + _prism_path(server.root)
        yield server


def _prism_path(root: str) -> str:
    for path in (CREATE_PATH, CREATE_PATH.removeprefix(BASE_PATH)):
        if requests.post(root + path, timeout=5).status_code != 404:
            return path
    return CREATE_PATH
