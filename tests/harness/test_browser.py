"""The HTML report opened in a real browser (Debian's chromium, headless): it loads from disk
with no console error and renders to a screenshot."""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from conformance.catalog import Catalog
from conformance.report import write_reports
from conformance.results import RunResult

CONSOLE = re.compile(r"CONSOLE\(\d+\)|Uncaught|Failed to load resource|ERR_FILE_NOT_FOUND")


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail("chromium is not installed (Debian package `chromium`), and CI is set")
    pytest.skip("chromium is not installed (apt-get install chromium)")


def open_in_chromium(page: Path, screenshot: Path, profile_dir: Path) -> str:
    """Load `page` headless, write a screenshot, return the browser's log (console included)."""
    cmd = [
        chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile_dir}",
        "--enable-logging=stderr",
        "--v=0",
        f"--screenshot={screenshot}",
        "--window-size=1280,2000",
        page.as_uri(),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=90)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stderr


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", header[16:24])
    return width, height


@pytest.mark.browser
def test_the_report_loads_in_chromium_without_console_errors(
    mixed: RunResult, catalog: Catalog, tmp_path: Path
) -> None:
    html = write_reports(mixed, catalog, tmp_path / "report")["html"]
    shot = tmp_path / "report.png"
    log = open_in_chromium(html, shot, tmp_path / "chromium-profile")
    assert not CONSOLE.findall(log), log[-3000:]
    assert png_size(shot) == (1280, 2000)
    assert shot.stat().st_size > 50_000  # a rendered page, not a blank one


@pytest.mark.browser
def test_the_console_check_does_catch_a_page_error(tmp_path: Path) -> None:
    """The detector is not vacuous: a page that logs an error and throws is caught."""
    page = tmp_path / "broken.html"
    page.write_text(
        "<!DOCTYPE html><title>x</title><script>console.error('boom');undefinedFunction();</script>"
    )
    log = open_in_chromium(page, tmp_path / "broken.png", tmp_path / "chromium-profile")
    assert CONSOLE.search(log), log[-3000:]


def test_the_report_needs_nothing_beyond_its_own_file(
    mixed: RunResult, catalog: Catalog, tmp_path: Path
) -> None:
    html = write_reports(mixed, catalog, tmp_path)["html"].read_text()
    assert not re.search(r"""\b(?:src|href)\s*=\s*["'](?!#)""", html)  # only in-page anchors
    assert not re.search(r"@import|url\(", html)
    assert "<script" not in html
