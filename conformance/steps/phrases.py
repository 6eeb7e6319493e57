"""The little language of values in the feature files.

"text" / 42 / true / {"a": 1}       a JSON literal
the profile's alias                  data.alias of the profile (not applicable if missing)
the profile's case_id as a number    the same, as a JSON number
a fresh email address                a new address in data.new_address_domain
the fresh email address              the one made last in this scenario
<N> characters                       a string of N letters
<N> characters of "<c>"              a string of N times the character c
<N> attachments                      an attachments element, cycling data.attachments
the value sent in "<dotted.path>"    what the request body holds there
the first activity's "<dotted.path>" what the first activity read back in this scenario holds
the configured custom attributes     data.custom_attributes: the text one and the enumeration
                                     one with its allowed value
the custom enumeration attribute with the value "<v>"
the custom enumeration attribute with its allowed value and "<v>"   two values, v second
the first attachment with {...}      a one-item attachment list: data.attachments[0] + JSON
the first attachment and one with altId "<id>"   a two-item list, the unknown id second
the oversized attachment             a one-item attachment list: data.oversized_attachment
the near-limit attachment            a one-item attachment list: data.near_limit_attachment
the near-limit attachment and the first attachment
                                     data.near_limit_attachment and data.attachments[0]
"""

from __future__ import annotations

import json
import re
from typing import Any

from conformance import requests_builder as build
from conformance.steps.context import ScenarioContext, need, not_applicable

PROFILE_VALUE = re.compile(r"the profile's (?P<key>[\w.]+?)(?P<number> as a number)?")
CHARACTERS = re.compile(r"(?P<n>\d+) characters")
CHARACTERS_OF = re.compile(r'(?P<n>\d+) characters of "(?P<char>[^"])"')
ATTACHMENTS = re.compile(r"(?P<n>\d+) attachments")
SENT_VALUE = re.compile(r'the value sent in "(?P<path>[^"]+)"')
FIRST_READ = re.compile(r'the first activity\'s "(?P<path>[^"]+)"')
ENUM_VALUE = re.compile(r'the custom enumeration attribute with the value "(?P<value>[^"]*)"')
ENUM_VALUES = re.compile(
    r'the custom enumeration attribute with its allowed value and "(?P<value>[^"]*)"'
)
FIRST_ATTACHMENT = re.compile(r"the first attachment with (?P<json>\{.*\})")
FIRST_AND_ALT_ID = re.compile(r'the first attachment and one with altId "(?P<alt_id>[^"]+)"')


def profile_key(key: str) -> str:
    return key if key.split(".")[0] in ("data", "tokens", "settings") else f"data.{key}"


def resolve(ctx: ScenarioContext, text: str) -> Any:
    text = text.strip()
    if match := PROFILE_VALUE.fullmatch(text):
        value = need(ctx.profile, profile_key(match["key"]))
        return _as_number(value, match["key"]) if match["number"] else value
    if text == "a fresh email address":
        ctx.fresh.append(
            build.fresh_address(ctx.profile)
            if ctx.profile.data.new_address_domain
            else need(ctx.profile, "data.new_address_domain")
        )
        return ctx.fresh[-1]
    if text == "the fresh email address":
        return ctx.fresh[-1]
    if match := CHARACTERS.fullmatch(text):
        return "x" * int(match["n"])
    if match := CHARACTERS_OF.fullmatch(text):
        return match["char"] * int(match["n"])
    if match := ATTACHMENTS.fullmatch(text):
        return build.attachments(need(ctx.profile, "data.attachments"), int(match["n"]))
    if match := SENT_VALUE.fullmatch(text):
        return build.get_path(ctx.body, match["path"])
    if match := FIRST_READ.fullmatch(text):
        if not ctx.earlier:
            raise ValueError("no activity was read back before the first activity's value")
        return build.get_path(ctx.earlier[0], match["path"])
    if text == "the configured custom attributes":
        return [
            _attribute(ctx.need("data.custom_attributes.text"), "conformance"),
            _attribute(
                ctx.need("data.custom_attributes.enumeration"),
                ctx.need("data.custom_attributes.enumeration_value"),
            ),
        ]
    if match := ENUM_VALUE.fullmatch(text):
        return [_attribute(ctx.need("data.custom_attributes.enumeration"), match["value"])]
    if match := ENUM_VALUES.fullmatch(text):
        attribute = _attribute(
            ctx.need("data.custom_attributes.enumeration"),
            ctx.need("data.custom_attributes.enumeration_value"),
        )
        attribute["attribValues"]["attribValue"].append({"value": match["value"]})
        return [attribute]
    if text == "the oversized attachment":
        return [{"altId": ctx.need("data.oversized_attachment")}]
    if text == "the near-limit attachment":
        return [{"altId": ctx.need("data.near_limit_attachment")}]
    if text == "the near-limit attachment and the first attachment":
        near, first = ctx.need("data.near_limit_attachment"), ctx.need("data.attachments")[0]
        return [{"altId": near}, {"altId": first}]
    if match := FIRST_AND_ALT_ID.fullmatch(text):
        return [{"altId": ctx.need("data.attachments")[0]}, {"altId": match["alt_id"]}]
    if match := FIRST_ATTACHMENT.fullmatch(text):
        return [{"altId": ctx.need("data.attachments")[0], **json.loads(match["json"])}]
    try:
        return json.loads(text)
    except ValueError as exc:
        raise ValueError(f"a step value must be JSON or a known phrase, got {text!r}") from exc


def _as_number(value: Any, key: str) -> int:
    if not str(value).isdigit():
        not_applicable(f"the profile's {key} ({value!r}) is not a decimal number")
    return int(value)


def _attribute(name: str, value: str) -> dict[str, Any]:
    return {"attribName": name, "attribValues": {"attribValue": [{"value": value}]}}
