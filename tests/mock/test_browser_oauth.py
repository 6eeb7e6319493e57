"""A real browser (Debian's chromium through Playwright) on a page of another origin: it logs
in with the authorization code and PKCE, creates an activity with fetch (a CORS preflight),
reads it back, sees the 500 it asked for with Prefer: code=500, and a 401 after expiry."""

from __future__ import annotations

import contextlib
import functools
import http.server
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support import free_port, running_mock

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"
LIFETIME = 3  # seconds an issued token lives in this test's mock

PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>frontend</title></head><body>
<p id="who">a frontend on another origin</p>
<script>
const MOCK = "%MOCK%";
const BASE = MOCK + "/core/casemgr/v3";
const REDIRECT = location.origin + "/app.html";
const BODY = {department: {name: "Service"}, type: {value: "email", subtype: {value: "general"}},
  subject: "from the browser",
  payload: {email: {emailAddresses: {
    from: "bruno@client.example", receiver: "help@shop.example"}}}};
function b64url(bytes) {
  return btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/\\+/g, "-").replace(/\\//g, "_").replace(/=+$/, "");
}
async function login() {
  const verifier = b64url(crypto.getRandomValues(new Uint8Array(48)));
  sessionStorage.setItem("verifier", verifier);
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  location.assign(MOCK + "/mock/oauth/authorize?" + new URLSearchParams({
    response_type: "code", client_id: "mock-frontend", redirect_uri: REDIRECT,
    scope: "core.casemgr.manage", state: "st-1", code_challenge: b64url(digest),
    code_challenge_method: "S256"}));
}
async function exchange() {
  const code = new URLSearchParams(location.search).get("code");
  const answer = await fetch(MOCK + "/mock/oauth/token", {method: "POST",
    body: new URLSearchParams({grant_type: "authorization_code", code, redirect_uri: REDIRECT,
      client_id: "mock-frontend", code_verifier: sessionStorage.getItem("verifier")})});
  return {status: answer.status, body: await answer.json()};
}
async function create(token, extra) {
  const answer = await fetch(BASE + "/activity/email/general", {method: "POST",
    headers: {"Authorization": "Bearer " + token, "Content-Type": "application/json", ...extra},
    body: JSON.stringify(BODY)});
  return {status: answer.status, location: answer.headers.get("Location"),
          body: await answer.text()};
}
async function read(token, path) {
  const answer = await fetch(MOCK + path, {headers: {"Authorization": "Bearer " + token}});
  return {status: answer.status, body: await answer.json()};
}
</script></body></html>
"""


@contextlib.contextmanager
def serving(directory: Path) -> Iterator[str]:
    """A static server of `directory` on a free loopback port (the frontend's origin)."""
    port = free_port()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(directory))
    handler.log_message = lambda *args: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_a_frontend_logs_in_creates_reads_back_and_sees_forced_and_expired_answers(
    tmp_path: Path,
) -> None:
    if not shutil.which(CHROMIUM):
        pytest.skip("chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with running_mock("--token-lifetime", str(LIFETIME)) as base, serving(tmp_path) as origin:
        mock = base.removesuffix("/core/casemgr/v3")
        (tmp_path / "app.html").write_text(PAGE.replace("%MOCK%", mock), encoding="utf-8")
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            try:
                page = browser.new_page()
                errors: list[Any] = []
                page.on("pageerror", lambda error: errors.append(error))
                page.goto(origin + "/app.html")
                page.evaluate("login()")
                page.wait_for_url(mock + "/mock/oauth/authorize**", timeout=10_000)
                page.click("text=Agent Admin (user u1)")
                page.wait_for_url(origin + "/app.html?code=**", timeout=10_000)
                assert "state=st-1" in page.url
                token = page.evaluate("exchange()")
                assert token["status"] == 200, token
                issued = time.monotonic()
                access = token["body"]["access_token"]
                assert token["body"]["expires_in"] == LIFETIME

                created = page.evaluate("([t, e]) => create(t, e)", [access, {}])
                assert created["status"] == 201, created
                assert created["location"].startswith("/core/casemgr/v3/activity/")
                back = page.evaluate("([t, p]) => read(t, p)", [access, created["location"]])
                assert back["status"] == 200
                assert back["body"]["activity"][0]["subject"] == "from the browser"

                forced = page.evaluate("([t, e]) => create(t, e)", [access, {"Prefer": "code=500"}])
                assert forced["status"] == 500 and '"500-100"' in forced["body"]

                time.sleep(max(0.0, LIFETIME + 0.3 - (time.monotonic() - issued)))
                expired = page.evaluate("([t, e]) => create(t, e)", [access, {}])
                assert expired["status"] == 401 and '"401-101"' in expired["body"]
                assert errors == []
            finally:
                browser.close()
