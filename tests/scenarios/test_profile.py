"""The target profile: the mock's own profile loads; each kind of mistake is named clearly."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from conformance.errors import ConfigError
from conformance.profile import Profile, load_profile
from tests.scenarios.conftest import MOCK_PROFILE


def write(tmp_path: Path, raw: object) -> Path:
    path = tmp_path / "target.yaml"
    path.write_text(yaml.safe_dump(raw) if not isinstance(raw, str) else raw, encoding="utf-8")
    return path


def mock_raw() -> dict:
    return yaml.safe_load(MOCK_PROFILE.read_text(encoding="utf-8"))


def test_the_mocks_profile_loads_with_every_key() -> None:
    profile = load_profile(MOCK_PROFILE)
    assert isinstance(profile, Profile)
    assert profile.base_url.endswith("/core/casemgr/v3")
    assert profile.read_back is True and profile.mode == "reference"
    assert profile.settings.customer_departmentalization is True
    assert profile.settings.max_body_size_kb == 64
    assert profile.tokens.user_without_privilege == "user-viewer-token"
    assert profile.data.attachments and len(profile.data.attachments) == 2
    assert profile.lookup("data.custom_attributes.enumeration_value") == "billing"
    assert profile.lookup("data.alias") == "help@shop.example"
    assert profile.lookup("settings.secure_messaging") is True


def test_a_missing_key_looks_up_as_none(tmp_path: Path) -> None:
    profile = load_profile(write(tmp_path, {"base_url": "http://localhost:1/core/casemgr/v3"}))
    assert profile.lookup("data.inactive_alias") is None
    assert profile.lookup("tokens.client") is None
    assert profile.lookup("data.custom_attributes.text") is None
    assert profile.lookup("no.such.key") is None
    assert profile.name == "target"
    assert profile.mode == "vendor"  # any target but our mock is a vendor: differences reported


def test_overrides_replace_base_url_and_settings() -> None:
    profile = load_profile(
        MOCK_PROFILE,
        base_url="https://vendor.example/core/casemgr/v3/",
        settings={
            "customer_departmentalization": "false",
            "max_email_size_mb": "5",
            "secure_messaging": False,
        },
    )
    assert profile.base_url == "https://vendor.example/core/casemgr/v3"
    assert profile.settings.customer_departmentalization is False
    assert profile.settings.secure_messaging is False
    assert profile.settings.max_email_size_mb == 5
    assert profile.settings.max_body_size_kb == 64


def test_integer_ids_are_read_as_decimal_strings(tmp_path: Path) -> None:
    raw = mock_raw()
    raw["data"]["case_id"] = 1060
    assert load_profile(write(tmp_path, raw)).data.case_id == "1060"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda raw: raw.update(colour="blue"), r"unknown key\(s\) colour; known keys: name"),
        (lambda raw: raw["data"].update(alais="x"), r"data: unknown key\(s\) alais"),
        (lambda raw: raw["tokens"].update(admin="x"), r"tokens: unknown key\(s\) admin"),
        (lambda raw: raw["settings"].update(dark_mode=True),
         r"settings: unknown key\(s\) dark_mode"),
        (lambda raw: raw["data"].update(alias=["a", "b"]),
         r"data\.alias: expected a string, got list"),
        (lambda raw: raw["data"].update(attachments="one"),
         r"data\.attachments: expected a non-empty list"),
        (lambda raw: raw["settings"].update(secure_messaging="maybe"),
         r"settings\.secure_messaging: expected true or false, got 'maybe'"),
        (lambda raw: raw["settings"].update(max_body_size_kb=-1),
         r"settings\.max_body_size_kb: expected a positive whole number"),
        (lambda raw: raw.update(timeout_seconds="soon"),
         r"timeout_seconds: expected a positive number"),
        (lambda raw: raw.update(read_back="sometimes"), r"read_back: expected true or false"),
        (lambda raw: raw.update(base_url="ftp://host/core/casemgr/v3"),
         r"base_url: expected an http:// or https:// URL"),
        (lambda raw: raw.update(base_url="localhost:8080"), r"base_url: expected an http"),
        (lambda raw: raw.pop("base_url"), r"base_url is missing"),
        (lambda raw: raw.update(data="everything"), r"data: expected a mapping of keys, got str"),
        (lambda raw: raw["data"].update(department=""), r"data\.department: must not be empty"),
        (lambda raw: raw.update(mode="lenient"), r"mode: expected one of vendor, reference"),
        (lambda raw: raw.update(strict_guesses=True),
         r"strict_guesses was replaced by `mode`: `mode: reference` checks every expectation"),
    ],
)  # fmt: skip
def test_each_kind_of_mistake_is_refused_with_a_clear_message(
    tmp_path: Path, change: object, message: str
) -> None:
    raw = mock_raw()
    change(raw)  # type: ignore[operator]
    path = write(tmp_path, raw)
    with pytest.raises(ConfigError, match=message) as caught:
        load_profile(path)
    assert str(path) in str(caught.value)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"nowhere\.yaml: file not found"):
        load_profile(tmp_path / "nowhere.yaml")


def test_invalid_yaml_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_profile(write(tmp_path, "base_url: [unclosed\n"))


def test_a_top_level_list_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="expected a mapping of keys at the top level"):
        load_profile(write(tmp_path, "- a\n- b\n"))


def test_an_unknown_setting_override_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"unknown setting\(s\) dark_mode"):
        load_profile(MOCK_PROFILE, settings={"dark_mode": "on"})


def test_a_bad_base_url_override_is_refused() -> None:
    with pytest.raises(ConfigError, match="expected an http"):
        load_profile(MOCK_PROFILE, base_url="not a url")


def test_every_mistake_is_reported_at_once_each_with_its_key(tmp_path: Path) -> None:
    raw = mock_raw()
    raw.update(colour="blue", read_back="sometimes")
    raw["data"].update(alias=["a", "b"], department="")
    raw["settings"].update(max_body_size_kb=-1)
    path = write(tmp_path, raw)
    with pytest.raises(ConfigError) as caught:
        load_profile(path)
    assert str(caught.value).splitlines() == [
        f"profile {path}: 5 problems:",
        "  unknown key(s) colour; known keys: name, base_url, timeout_seconds, read_back, mode, "
        "settings, tokens, data",
        "  data.alias: expected a string, got list",
        "  data.department: must not be empty",
        "  read_back: expected true or false, got 'sometimes'",
        "  settings.max_body_size_kb: expected a positive whole number, got -1",
    ]


def test_words_and_digits_are_read_as_the_types_the_schema_allows(tmp_path: Path) -> None:
    raw = mock_raw()
    raw.update(read_back="off")
    raw["settings"].update(secure_messaging=" Yes ", max_body_size_kb="64")
    raw["data"].update(case_id=1060, department=None)
    profile = load_profile(write(tmp_path, raw))
    assert profile.read_back is False and profile.settings.secure_messaging is True
    assert profile.settings.max_body_size_kb == 64 and profile.data.case_id == "1060"
    assert profile.data.department is None  # a key set to null is as if absent
