"""OAuth 2 authorization code with PKCE on the mock (Authlib), over HTTP: users and customers,
scopes honoured, tokens that expire; client credentials and the fixed tokens as before."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import time
from html import unescape
from typing import Any

import pytest
import requests

from mock_server.__main__ import settings_from
from tests.mock.conftest import CREATE, Api, customer_body, user_body
from tests.support import running_mock

REDIRECT = "http://127.0.0.1:5173/callback"


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def authorize(api: Api, actor: str, scope: str = "core.casemgr.manage",
              redirect: str = REDIRECT) -> tuple[str, str]:  # fmt: skip
    """The login page, then the choice of `actor`: (code, verifier)."""
    verifier, challenge = pkce()
    query = {"response_type": "code", "client_id": "mock-frontend", "redirect_uri": redirect,
             "scope": scope, "state": "s-42", "code_challenge": challenge,
             "code_challenge_method": "S256"}  # fmt: skip
    page = api.session.get(api.root + "/mock/oauth/authorize", params=query, timeout=10)
    assert page.status_code == 200, page.text
    assert "Agent Admin (user u1)" in page.text and "(customer 1000)" in page.text
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page.text))
    fields = {unescape(k): unescape(v) for k, v in fields.items()}
    chosen = api.session.post(api.root + "/mock/oauth/authorize", data={**fields, "actor": actor},
                              allow_redirects=False, timeout=10)  # fmt: skip
    assert chosen.status_code == 302, chosen.text
    location = chosen.headers["Location"]
    assert location.startswith(REDIRECT + "?") and "state=s-42" in location
    code = re.search(r"code=([^&]+)", location)
    assert code
    return code.group(1), verifier


def exchange(api: Api, code: str, verifier: str) -> requests.Response:
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT,
            "client_id": "mock-frontend", "code_verifier": verifier}  # fmt: skip
    return api.session.post(api.root + "/mock/oauth/token", data=form, timeout=10)


def login(api: Api, actor: str, scope: str = "core.casemgr.manage") -> dict[str, Any]:
    token = exchange(api, *authorize(api, actor, scope))
    assert token.status_code == 200, token.text
    return dict(token.json())


def test_a_user_logs_in_with_code_and_pkce_and_creates(api: Api) -> None:
    token = login(api, "user:u1")
    assert token["token_type"] == "Bearer" and token["expires_in"] == 3600
    assert token["scope"] == "core.casemgr.manage"
    created = api.create(user_body(), token=token["access_token"])
    assert created.status_code == 201, created.text
    assert api.activity(created)["createdBy"]["id"] == "u1"


def test_a_customer_logs_in_too(api: Api) -> None:
    token = login(api, "customer:1000", "https://api.egain.cloud/auth/core.casemgr.manage")
    created = api.create(customer_body(), token=token["access_token"])
    assert created.status_code == 201, created.text
    assert api.activity(created)["customer"]["id"] == "1000"


def test_a_token_without_the_manage_scope_is_refused(api: Api) -> None:
    token = login(api, "user:u1", "core.casemgr.read")
    refused = api.create(user_body(), token=token["access_token"])
    assert refused.status_code == 403 and refused.json()["code"] == "403-178"


def test_pkce_is_required_and_checked(api: Api) -> None:
    code, _ = authorize(api, "user:u1")
    wrong = exchange(api, code, secrets.token_urlsafe(48))
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"
    code, _ = authorize(api, "user:u1")
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT,
            "client_id": "mock-frontend"}  # fmt: skip
    missing = api.session.post(api.root + "/mock/oauth/token", data=form, timeout=10)
    assert missing.status_code == 400 and missing.json()["error"] == "invalid_request"
    bare = {"response_type": "code", "client_id": "mock-frontend", "redirect_uri": REDIRECT}
    no_challenge = api.session.get(api.root + "/mock/oauth/authorize", params=bare, timeout=10)
    assert no_challenge.status_code == 400


def test_a_code_is_used_once_and_redirects_stay_on_allowed_origins(api: Api) -> None:
    code, verifier = authorize(api, "user:u1")
    assert exchange(api, code, verifier).status_code == 200
    assert exchange(api, code, verifier).status_code == 400
    _, challenge = pkce()
    foreign = api.session.get(api.root + "/mock/oauth/authorize", timeout=10, params={
        "response_type": "code", "client_id": "mock-frontend", "code_challenge": challenge,
        "code_challenge_method": "S256", "redirect_uri": "https://evil.example/cb"})  # fmt: skip
    assert foreign.status_code == 400


def test_client_credentials_and_fixed_tokens_as_before(api: Api) -> None:
    form = {"grant_type": "client_credentials", "client_id": "crm-sync",
            "client_secret": "crm-sync-secret"}  # fmt: skip
    issued = api.session.post(api.root + "/mock/oauth/token", data=form, timeout=10)
    assert issued.status_code == 200
    assert api.create(user_body(), token=issued.json()["access_token"]).status_code == 201
    assert api.create(user_body(), token="user-admin-token").status_code == 201


def test_token_lifetime_setting() -> None:
    assert settings_from([], {}).token_lifetime_seconds == 3600
    assert settings_from([], {"MOCK_TOKEN_LIFETIME": "5"}).token_lifetime_seconds == 5
    assert settings_from(["--token-lifetime", "7"], {}).token_lifetime_seconds == 7
    for bad in ("0", "soon", "-1"):
        with pytest.raises(SystemExit):
            settings_from([], {"MOCK_TOKEN_LIFETIME": bad})
        with pytest.raises(SystemExit):
            settings_from(["--token-lifetime", bad], {})


def test_issued_tokens_expire_with_401_101() -> None:
    with running_mock("--token-lifetime", "1") as base:
        api = Api(base)
        token = login(api, "user:u1")
        assert token["expires_in"] == 1
        assert api.create(user_body(), token=token["access_token"]).status_code == 201
        time.sleep(1.1)
        expired = api.create(user_body(), token=token["access_token"])
        assert expired.status_code == 401 and expired.json()["code"] == "401-101"
        assert api.create(user_body(), token="user-admin-token").status_code == 201
        response = requests.post(api.base + CREATE, timeout=10, json=user_body(),
                                 headers={"Authorization": "Bearer user-admin-token"})  # fmt: skip
        assert response.status_code == 201
