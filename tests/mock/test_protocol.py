"""Beyond single rules: hostile input, XML, CORS, the token endpoint, extensions, concurrency."""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime, timedelta

import pytest
import requests

from tests.mock.conftest import CLIENT, CUSTOMER, USER, Api, customer_body, user_body

AUTH = {"Authorization": f"Bearer {USER}"}


def raw_post(api: Api, data: bytes, content_type: str, **headers: str) -> requests.Response:
    return api.session.post(api.base + "/activity/email/general", data=data,
                            headers={**AUTH, "Content-Type": content_type, **headers})  # fmt: skip


def assert_vendor_error(response: requests.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["code"] == code


# ------------------------------------------------------------------ hostile input


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<activity><subject>&lol3;</subject></activity>"""
EXTERNAL = b"""<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<activity><subject>&x;</subject></activity>"""


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (BOMB, "application/xml"),
        (EXTERNAL, "application/xml"),
        (b"<activity><subject>caf\xe9</subject></activity>", "application/xml"),
        (b'{"subject": "caf\xe9"}', "application/json"),
        (b"<activity", "text/xml"),
        (b"\x00\x01\x02", "application/json"),
    ],
)
def test_unsafe_or_malformed_bodies_are_400_152_request_body(
    api: Api, data: bytes, content_type: str
) -> None:
    response = raw_post(api, data, content_type)
    assert_vendor_error(response, 400, "400-152")
    assert "'requestBody'" in response.json()["developerMessage"]


def test_xml_root_other_than_activity_is_refused(api: Api) -> None:
    body = b"<activities><activity/><activity/></activities>"
    assert_vendor_error(raw_post(api, body, "application/xml"), 400, "400-152")
    assert api.last_request()["rule_id"] == "BODY-03"


@pytest.mark.parametrize("path", ["/nowhere", "/activity/email", "/activity/email/general/x"])
def test_unknown_paths_answer_the_vendor_404(api: Api, path: str) -> None:
    assert_vendor_error(api.session.get(api.base + path, headers=AUTH), 404, "404-100")


def test_405_names_the_allowed_method_and_is_checked_before_auth(api: Api) -> None:
    response = api.session.put(api.base + "/activity/email/general")
    assert_vendor_error(response, 405, "405-100")
    assert "POST" in response.headers.get("allow", "")


def test_errors_follow_accept_xml_everywhere(api: Api) -> None:
    headers = {"Accept": "application/xml"}
    for response in (
        api.session.get(api.base + "/nowhere", headers=headers),
        api.create(user_body(), token=None, headers=headers),
        api.create(user_body(department__name="Nowhere"), headers=headers),
    ):
        assert response.headers["content-type"].startswith("application/xml")
        assert re.search(r"<error><code>\d{3}-\d+</code><developerMessage>", response.text)


def test_check_order_first_failing_check_wins(api: Api) -> None:
    """401 before 406, 406 before 403, 403 before query, query before body, media type before
    schema."""
    bad_accept = {"Accept": "text/html"}
    assert api.create(None, token=None, headers=bad_accept).status_code == 401
    viewer = api.create(None, token="user-viewer-token", headers=bad_accept)
    assert viewer.json()["code"] == "406-101"
    viewer_query = api.create(None, token="user-viewer-token", params={"x": "1"})
    assert viewer_query.json()["code"] == "403-178"
    assert api.create(None, params={"x": "1"}).json()["code"] == "400-101"
    text = api.create(None, headers={"Content-Type": "text/plain"})
    assert text.status_code == 400 and text.json()["code"] == "400-152"
    assert "'requestBody'" in text.json()["developerMessage"]
    assert api.last_request()["rule_id"] == "HDR-06"


@pytest.mark.parametrize("text", ["nul\u0000here", "bell\u0007", "lone \ud83d surrogate"])
def test_text_no_answer_could_carry_is_refused(api: Api, text: str) -> None:
    import json

    data = json.dumps(user_body(subject=text)).encode()  # ensure_ascii keeps \\u escapes
    response = raw_post(api, data, "application/json")
    assert_vendor_error(response, 400, "400-152")
    assert "'subject'" in response.json()["developerMessage"]
    emoji = api.create(user_body(subject="ok \U0001f600"))
    assert api.activity(emoji)["subject"] == "ok \U0001f600"


def test_wrong_types_everywhere_are_400s(api: Api) -> None:
    for body in ({"type": []}, {"type": {"value": 5}}, {"payload": "x", "type": None},
                 {"attachments": {"attachment": {"altId": 1}}}, {"case": {"id": -1}}):  # fmt: skip
        response = api.create(body)
        assert response.status_code == 400, (body, response.text)


# ------------------------------------------------------------------ XML in and out


def test_xml_lists_booleans_ids_and_custom_attributes(api: Api) -> None:
    xml = """<a:activity xmlns:a="urn:any">
      <a:department name="Service"/>
      <a:type><a:value>email</a:value><a:subtype value="general"/></a:type>
      <a:secure>false</a:secure>
      <a:payload><a:email>
        <a:emailAddresses><a:from>bruno@client.example</a:from>
          <a:receiver>help@shop.example</a:receiver>
          <a:cc><a:address>c@x.example</a:address></a:cc></a:emailAddresses>
        <a:content><a:html>&lt;p&gt;hi&lt;/p&gt;</a:html></a:content>
      </a:email></a:payload>
      <a:attachments><a:attachment><a:altId>8f14e45f-ceea-4c6b-9f1e-3b2a1c0d5e02</a:altId>
        <a:inline>true</a:inline><a:contentId>&lt;logo@shop.example&gt;</a:contentId>
      </a:attachment></a:attachments>
      <a:customAttributes><a:customAttribute><a:attribName>contactReason</a:attribName>
        <a:attribValues><a:attribValue><a:value>returns</a:value></a:attribValue></a:attribValues>
      </a:customAttribute></a:customAttributes>
    </a:activity>"""
    activity = api.activity(api.create(xml=xml))
    assert activity["customer"]["id"] == "1001"
    assert activity["secure"] is False
    assert activity["payload"]["email"]["emailAddresses"]["cc"] == {"address": ["c@x.example"]}
    assert activity["payload"]["email"]["content"] == {"html": "<p>hi</p>"}
    assert activity["attachments"]["attachment"][0]["inline"] is True


def test_xml_schema_errors_use_the_same_codes(api: Api) -> None:
    xml = ("<activity><department><name>Service</name></department>"
           "<type><value>email</value><subtype><value>general</value></subtype></type>"
           "<subject>s</subject><secure>maybe</secure></activity>")  # fmt: skip
    response = api.create(xml=xml)
    assert response.json()["code"] == "400-152" and "'secure'" in response.text
    unknown = xml.replace("<subject>s</subject>", "<subject>s</subject><color>red</color>")
    assert api.create(xml=unknown).json()["code"] == "400-147"


def test_read_back_in_xml_and_errors_of_the_extension(api: Api) -> None:
    location = api.create(user_body()).headers["Location"]
    xml = api.session.get(api.root + location, headers={**AUTH, "Accept": "application/xml"})
    assert xml.status_code == 200 and xml.headers["content-type"].startswith("application/xml")
    assert "<activities><activity><id>" in xml.text and "<secure>false</secure>" in xml.text
    missing = api.session.get(api.base + "/activity/424242", headers=AUTH)
    assert_vendor_error(missing, 404, "404-100")
    assert api.session.get(api.root + location).status_code == 401
    bad_accept = api.session.get(api.root + location, headers={**AUTH, "Accept": "text/csv"})
    assert bad_accept.status_code == 406


# ------------------------------------------------------------------ extensions


def test_health_state_and_request_log(api: Api) -> None:
    assert api.session.get(api.root + "/mock/health").json() == {"status": "ok"}
    api.create(user_body(department__name="Nowhere"))
    api.create(user_body())
    log = api.session.get(api.root + "/mock/requests?limit=2").json()["requests"]
    assert [(r["status"], r["code"], r["rule_id"]) for r in log] == [
        (400, "400-152", "UC-02"), (201, None, None)]  # fmt: skip
    assert log[0]["method"] == "POST" and log[0]["path"].endswith("/activity/email/general")
    assert set(log[0]) == {"method", "path", "status", "code", "rule_id", "duration_ms", "time",
                           "forced"}  # fmt: skip
    assert log[0]["forced"] is None
    logged_at = datetime.fromisoformat(log[0]["time"])
    assert logged_at.utcoffset() == timedelta(0)
    assert abs((datetime.now(UTC) - logged_at).total_seconds()) < 60
    state = api.state()
    assert {"customers", "contactPoints", "cases", "activities", "settings"} <= set(state)
    assert len(state["activities"]) == 1


def test_reset_goes_back_to_the_seed(api: Api) -> None:
    api.create(customer_body(**{"payload__email__emailAddresses__from": "x@new.example"}),
               token=CUSTOMER)  # fmt: skip
    assert api.state()["activities"]
    api.reset()
    state = api.state()
    assert state["activities"] == []
    assert "x@new.example" not in [p["address"] for p in state["contactPoints"]]
    assert api.activity(api.create(user_body()))["id"] == "1001"


def test_reset_refuses_bad_settings(api: Api) -> None:
    bad = api.session.post(api.root + "/mock/reset", json={"settings": {"max_body_size_kb": -1}})
    assert bad.status_code == 400
    unknown = api.session.post(api.root + "/mock/reset", json={"settings": {"colour": 1}})
    assert unknown.status_code == 400


def test_client_credentials_token_endpoint(api: Api) -> None:
    url = api.root + "/mock/oauth/token"
    form = {"grant_type": "client_credentials", "client_id": "crm-sync",
            "client_secret": "crm-sync-secret"}  # fmt: skip
    issued = api.session.post(url, data=form).json()
    assert issued["token_type"] == "Bearer" and issued["expires_in"] > 0
    activity = api.activity(api.create(user_body(), token=issued["access_token"]))
    assert activity["createdBy"]["id"] == "crm-sync"
    basic = api.session.post(url, data={"grant_type": "client_credentials"},
                             auth=("crm-sync", "crm-sync-secret"))  # fmt: skip
    assert basic.status_code == 200
    wrong = api.session.post(url, data={**form, "client_secret": "nope"})
    assert wrong.status_code == 401 and wrong.json() == {"error": "invalid_client"}
    grant = api.session.post(url, data={**form, "grant_type": "password"})
    assert grant.status_code == 400


def test_swagger_ui_and_spec_are_served(api: Api) -> None:
    assert api.session.get(api.base + "/ui/").status_code == 200
    spec = api.session.get(api.base + "/openapi.json").json()
    assert "/activity/email/general" in spec["paths"]


# ------------------------------------------------------------------ CORS


def test_cors_preflight_and_exposed_location(api: Api) -> None:
    origin = "http://localhost:5173"
    preflight = api.session.options(
        api.base + "/activity/email/general",
        headers={"Origin": origin, "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "authorization, content-type"},
    )  # fmt: skip
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == origin
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert "authorization" in preflight.headers["access-control-allow-headers"].lower()
    created = api.create(user_body(), headers={"Origin": origin})
    assert created.headers["access-control-allow-origin"] == origin
    assert "location" in created.headers["access-control-expose-headers"].lower()
    refused = api.create(user_body(), token=None, headers={"Origin": origin})
    assert refused.headers["access-control-allow-origin"] == origin  # errors readable too
    other = api.create(user_body(), headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers


def test_every_answer_varies_on_origin(api: Api) -> None:
    """A cache must not hand an answer made without Origin to a browser that sends one."""
    assert api.create(user_body()).headers["vary"] == "Origin"
    assert api.create(user_body(), token=None).headers["vary"] == "Origin"
    with_origin = api.create(user_body(), headers={"Origin": "http://localhost:5173"})
    assert with_origin.headers["vary"] == "Origin"


# ------------------------------------------------------------------ concurrency


def test_two_hundred_concurrent_creates_get_distinct_ids(api: Api) -> None:
    statuses: list[int] = []
    locations: list[str] = []
    lock = threading.Lock()

    def worker(count: int, token: str) -> None:
        session = requests.Session()
        for _ in range(count):
            response = session.post(
                api.base + "/activity/email/general",
                json=user_body(),
                headers={"Authorization": f"Bearer {token}"},
                timeout=30,
            )
            with lock:
                statuses.append(response.status_code)
                locations.append(response.headers.get("Location", ""))

    threads = [threading.Thread(target=worker, args=(25, USER if i % 2 else CLIENT))
               for i in range(8)]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [201] * 200
    assert len(set(locations)) == 200
    assert len(api.state()["activities"]) == 200
