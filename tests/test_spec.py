"""The OpenAPI document is the single source of truth: keep it valid, loadable, consistent."""

from __future__ import annotations

import copy
import functools
import warnings
from pathlib import Path
from typing import Any

import openapi_spec_validator
import prance
import pytest
import schemathesis
import yaml
from defusedxml import ElementTree as DefusedET
from jsonschema.exceptions import ValidationError
from openapi_schema_validator import OAS30Validator, oas30_format_checker

from mock_server import xmlcodec

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "openapi" / "openapi.yaml"
RULES = ROOT / "openapi" / "rules.yaml"
POST_PATH = "/activity/email/general"
READ_PATH = "/activity/{id}"
ERROR_STATUSES = ("400", "401", "403", "404", "405", "406", "500")

Json = dict[str, Any]


@functools.cache
def raw_spec() -> Json:
    return yaml.safe_load(SPEC.read_text(encoding="utf-8"))


@functools.cache
def resolved_spec() -> Json:
    parser = prance.ResolvingParser(str(SPEC), backend="openapi-spec-validator")
    return parser.specification


def post_operation() -> Json:
    return resolved_spec()["paths"][POST_PATH]["post"]


def schema_validator(name: str) -> OAS30Validator:
    schema = resolved_spec()["components"]["schemas"][name]
    return OAS30Validator(schema, format_checker=oas30_format_checker)


def request_examples(media_type: str) -> dict[str, Any]:
    content = post_operation()["requestBody"]["content"][media_type]
    return {name: example["value"] for name, example in content["examples"].items()}


def documented_codes() -> dict[str, str]:
    return yaml.safe_load(RULES.read_text(encoding="utf-8"))["codes"]


def minimal_request() -> Json:
    return copy.deepcopy(request_examples("application/json")["minimalUser"])


def first_error_keyword(instance: Json) -> str:
    errors = list(schema_validator("CreateEmailActivityRequest").iter_errors(instance))
    assert errors, "expected the instance to be invalid"
    return errors[0].validator  # type: ignore[return-value]


# ------------------------------------------------------------------ the document itself


def test_spec_validates_with_openapi_spec_validator() -> None:
    openapi_spec_validator.validate(raw_spec())


def test_spec_resolves_with_prance() -> None:
    assert set(resolved_spec()["paths"]) == {POST_PATH, READ_PATH}


def test_schemathesis_loads_without_warnings_and_lists_both_operations() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        schema = schemathesis.openapi.from_path(str(SPEC))
        operations = [result.ok() for result in schema.get_all_operations()]
    assert [str(w.message) for w in caught] == []
    found = {(op.method.upper(), op.path) for op in operations}
    assert found == {("POST", POST_PATH), ("GET", READ_PATH)}


def test_operation_identity_and_routing_hints() -> None:
    post = raw_spec()["paths"][POST_PATH]["post"]
    assert post["operationId"] == "create-incoming-email-activity"
    assert post["tags"] == ["Activity"]
    assert post["x-openapi-router-controller"] == "mock_server.handlers"
    assert post["x-mock-handler"] == "create_incoming_email_activity"
    assert len(post["x-check-order"]) == 10
    read = raw_spec()["paths"][READ_PATH]["get"]
    assert read["operationId"] == "get-activity-by-id"
    assert read["x-mock-extension"] is True


def test_servers_and_security_alternatives() -> None:
    spec = raw_spec()
    urls = [server["url"] for server in spec["servers"]]
    assert urls == [
        "https://api.egain.cloud/core/casemgr/v3",
        "http://127.0.0.1:8080/core/casemgr/v3",
    ]
    schemes = spec["components"]["securitySchemes"]
    assert set(schemes) == {"oAuthUser", "oAuthClient", "oAuthCustomer"}
    assert [next(iter(alt)) for alt in spec["security"]] == list(schemes)
    assert "clientCredentials" in schemes["oAuthClient"]["flows"]
    assert (
        "https://api.egain.cloud/auth/core.casemgr.read"
        in (schemes["oAuthUser"]["flows"]["authorizationCode"]["scopes"])
    )


def test_vendor_required_headers_are_optional_with_defaults() -> None:
    defaults = {"Accept-Language": "en-US", "Accept": "application/json"}
    defaults["Content-Type"] = "application/json"
    params = {p["name"]: p for p in post_operation()["parameters"]}
    for name, default in defaults.items():
        assert params[name]["required"] is False
        assert params[name]["x-vendor-required"] is True
        assert params[name]["schema"]["default"] == default
    assert len(params["Accept-Language"]["schema"]["enum"]) == 15
    assert len(params["Content-Type"]["schema"]["enum"]) == 5
    assert params["customer"]["schema"] == {"type": "string"}


def test_resolutions_are_recorded() -> None:
    resolutions = raw_spec()["x-resolutions"]
    assert len(resolutions) >= 11
    assert all(set(item) == {"topic", "choice", "reason"} for item in resolutions)
    assert "Resolutions" in raw_spec()["info"]["description"]


def test_created_response_has_a_location_header() -> None:
    created = post_operation()["responses"]["201"]
    assert "content" not in created
    location = created["headers"]["Location"]
    assert location["schema"]["pattern"] == "^/core/casemgr/v3/activity/[0-9]+$"


# ------------------------------------------------------------------ request schema and examples


def test_json_and_xml_request_examples_share_names() -> None:
    json_names = set(request_examples("application/json"))
    assert set(request_examples("application/xml")) == json_names
    assert len(json_names) >= 7


@pytest.mark.parametrize("name", sorted(request_examples("application/json")))
def test_json_request_example_is_valid(name: str) -> None:
    example = request_examples("application/json")[name]
    schema_validator("CreateEmailActivityRequest").validate(example)


@pytest.mark.parametrize("name", sorted(request_examples("application/xml")))
def test_xml_request_example_is_an_activity_document(name: str) -> None:
    text = request_examples("application/xml")[name]
    assert isinstance(text, str)
    root = DefusedET.fromstring(text)
    assert root.tag.rsplit("}", 1)[-1] == "activity"


def _ids_as_text(value: Any, key: str = "") -> Any:
    """XML carries every id as text; JSON examples may send ids as numbers (both are accepted).
    Other integers (a contact's contactOrder) are integers in XML too (the schema converts)."""
    if isinstance(value, dict):
        return {name: _ids_as_text(item, name) for name, item in value.items()}
    if isinstance(value, list):
        return [_ids_as_text(item, key) for item in value]
    is_int = isinstance(value, int) and not isinstance(value, bool)
    return str(value) if is_int and key == "id" else value


@pytest.mark.parametrize("name", sorted(request_examples("application/xml")))
def test_xml_request_example_reads_as_its_json_twin_and_validates(name: str) -> None:
    """The XML shape (a guess for v3) must carry exactly what the JSON example carries."""
    schema = resolved_spec()["components"]["schemas"]["CreateEmailActivityRequest"]
    text = request_examples("application/xml")[name]
    decoded = xmlcodec.parse(text.encode("utf-8"), schema)
    schema_validator("CreateEmailActivityRequest").validate(decoded)
    assert decoded == _ids_as_text(request_examples("application/json")[name])


def _drop_type_value(body: Json) -> None:
    del body["type"]["value"]


def _add_unknown_attribute(body: Json) -> None:
    body["priority"] = "1"


def _department_in_customer(body: Json) -> None:
    body["customer"] = {"type": {"value": "individual"}, "department": {"name": "Service"}}


def _long_subject(body: Json) -> None:
    body["subject"] = "x" * 256


def _wrong_type_value(body: Json) -> None:
    body["type"]["value"] = "chat"


def _bad_from_address(body: Json) -> None:
    body["payload"]["email"]["emailAddresses"]["from"] = "not-an-address"


def _bad_date(body: Json) -> None:
    body["payload"]["email"]["date"] = {"date": "yesterday"}


def _empty_department(body: Json) -> None:
    body["department"]["name"] = ""


def _two_reply_to(body: Json) -> None:
    addresses = ["a@client.example", "b@client.example"]
    body["payload"]["email"]["emailAddresses"]["replyTo"] = {"address": addresses}


def _too_many_attachments(body: Json) -> None:
    body["attachments"] = {"attachment": [{"altId": f"id-{n}"} for n in range(26)]}


def _attachment_without_alt_id(body: Json) -> None:
    body["attachments"] = {"attachment": [{"inline": False}]}


def _reply_to_as_plain_string(body: Json) -> None:
    body["payload"]["email"]["emailAddresses"]["replyTo"] = "a@client.example"


NEGATIVE_CASES = {
    "type.value missing": (_drop_type_value, "required"),
    "unknown top-level attribute": (_add_unknown_attribute, "additionalProperties"),
    "department inside customer": (_department_in_customer, "not"),  # 400-147 (open element)
    "subject over 255": (_long_subject, "maxLength"),
    "type.value not email": (_wrong_type_value, "enum"),
    "from not an email": (_bad_from_address, "format"),
    "date not a date-time": (_bad_date, "format"),
    "empty department.name": (_empty_department, "minLength"),
    "two replyTo addresses": (_two_reply_to, "maxItems"),
    "26 attachments": (_too_many_attachments, "maxItems"),
    "attachment without altId": (_attachment_without_alt_id, "required"),
    "replyTo not a wrapper": (_reply_to_as_plain_string, "type"),
}


@pytest.mark.parametrize("case", sorted(NEGATIVE_CASES))
def test_invalid_request_fails_with_expected_keyword(case: str) -> None:
    mutate, keyword = NEGATIVE_CASES[case]
    body = minimal_request()
    mutate(body)
    assert first_error_keyword(body) == keyword


@pytest.mark.parametrize("case_id", ["1060", 1060])
def test_ids_accept_strings_and_numbers(case_id: str | int) -> None:
    body = minimal_request()
    body["case"] = {"id": case_id}
    schema_validator("CreateEmailActivityRequest").validate(body)


@pytest.mark.parametrize("bad_id", ["", -1, 1.5, True, None])
def test_ids_refuse_empty_negative_and_other_types(bad_id: Any) -> None:
    body = minimal_request()
    body["case"] = {"id": bad_id}
    with pytest.raises(ValidationError):
        schema_validator("CreateEmailActivityRequest").validate(body)


def test_only_type_is_required_at_the_top() -> None:
    schema = resolved_spec()["components"]["schemas"]["CreateEmailActivityRequest"]
    assert schema["required"] == ["type"]
    schema_validator("CreateEmailActivityRequest").validate(
        {"type": {"value": "email", "subtype": {"value": "general"}}}
    )


def test_request_schema_names_xml_root_activity() -> None:
    schema = raw_spec()["components"]["schemas"]["CreateEmailActivityRequest"]
    assert schema["xml"] == {"name": "activity"}


def test_customer_schema_refuses_department_and_keeps_other_members() -> None:
    """The element is open (the vendor's examples send members its model lacks), department
    is refused inside it (the seed), and known members keep their types."""
    schema = raw_spec()["components"]["schemas"]["NewCustomer"]
    assert schema["additionalProperties"] is True
    assert schema["properties"]["department"] == {**schema["properties"]["department"], "not": {}}
    validator = schema_validator("NewCustomer")
    assert not validator.is_valid({"department": {"name": "Sales"}})
    assert not validator.is_valid({"type": {"value": "person"}})
    validator.validate({"type": {"value": "group", "group": {"affiliation": "x"}}, "foo": 1})


# ------------------------------------------------------------------ errors


def error_examples(status: str, media_type: str = "application/json") -> dict[str, Any]:
    content = post_operation()["responses"][status]["content"][media_type]
    return {name: example["value"] for name, example in content["examples"].items()}


def all_json_error_examples() -> list[tuple[str, str]]:
    return [(status, name) for status in ERROR_STATUSES for name in error_examples(status)]


@pytest.mark.parametrize(("status", "name"), all_json_error_examples())
def test_error_example_is_a_valid_error_of_its_status(status: str, name: str) -> None:
    example = error_examples(status)[name]
    schema_validator("Error").validate(example)
    assert example["code"].startswith(f"{status}-")


def test_every_documented_code_is_an_example_under_its_status() -> None:
    for code in documented_codes():
        status = code.split("-")[0]
        codes = {example["code"] for example in error_examples(status).values()}
        assert code in codes, code
        xml = error_examples(status, "application/xml").values()
        assert any(f"<code>{code}</code>" in text for text in xml), code


def test_error_examples_use_the_catalog_messages() -> None:
    templates = documented_codes()
    for status in ERROR_STATUSES:
        for example in error_examples(status).values():
            prefix = templates[example["code"]].split("{0}")[0]
            assert example["developerMessage"].startswith(prefix), example["code"]


@pytest.mark.parametrize(
    ("body", "keyword"),
    [
        ({"code": "400-101"}, "required"),
        ({"code": "4001", "developerMessage": "x"}, "pattern"),
        ({"code": "400-101", "developerMessage": "x" * 256}, "maxLength"),
        ({"code": "400-101", "developerMessage": "x", "extra": 1}, "additionalProperties"),
    ],
)
def test_invalid_error_body_is_refused(body: Json, keyword: str) -> None:
    errors = list(schema_validator("Error").iter_errors(body))
    assert [error.validator for error in errors] == [keyword]


def test_read_back_example_is_a_valid_activity_list() -> None:
    read = resolved_spec()["paths"][READ_PATH]["get"]
    content = read["responses"]["200"]["content"]["application/json"]
    for example in content["examples"].values():
        schema_validator("ActivityList").validate(example["value"])
