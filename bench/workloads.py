"""The workloads: wrk and its Lua scripts (JSON create, XML create, rejected create)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess

from bench.servers import LUA

WORKLOADS = {  # name -> (lua script, expected status)
    "json": ("json_create.lua", 201),
    "xml": ("xml_create.lua", 201),
    "rejected": ("rejected.lua", 400),
}
FLOOR_WORKLOADS = ("json", "xml")  # the floor validates nothing, so it rejects nothing


def ensure_wrk() -> str:
    """wrk from Debian, installed on first use."""
    found = shutil.which("wrk")
    if found:
        return found
    print("installing wrk (apt-get)...", flush=True)
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "wrk"],
        check=True,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
    )
    return shutil.which("wrk") or "wrk"


def run_wrk(
    wrk: str, url: str, workload: str, connections: int, duration: float, threads: int
) -> dict[str, float]:
    script, _ = WORKLOADS[workload]
    seconds = max(1, round(duration))  # wrk takes whole seconds
    argv = [
        wrk,
        f"-t{min(threads, connections)}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        script,
        url,
    ]
    out = subprocess.run(
        argv, cwd=LUA, capture_output=True, text=True, check=True, timeout=duration + 60
    ).stdout
    match = re.search(r"^BENCH_JSON (.*)$", out, re.M)
    if not match:
        raise RuntimeError(f"wrk printed no BENCH_JSON line:\n{out}")
    return dict(json.loads(match.group(1)))


def lua_request(script: str) -> tuple[dict[str, str], bytes]:
    """The headers and body a workload's Lua script sends, for one request sent without wrk."""
    text = (LUA / script).read_text()
    headers = dict(re.findall(r'wrk\.headers\["([^"]+)"\] = "([^"]+)"', text))
    body = "".join(re.findall(r"'([^']*)'", text.split("wrk.body", 1)[1]))
    return headers, body.encode()
