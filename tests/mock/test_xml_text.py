"""No text read from XML can hold what the mock cannot store, so the XML path skips that walk.

XML 1.0 has no control characters (but tab, newline and carriage return), no surrogates and no
U+FFFE or U+FFFF, raw or as character references; expat refuses every one. The vendor checks rely
on it (vendor_checks.VendorChecks._body); this test holds it for text, attributes and CDATA.
Text written as XML (ElementTree) is escaped and says what the JSON says.
"""

from __future__ import annotations

import json

import pytest
from defusedxml.ElementTree import fromstring

from mock_server import xmlcodec
from mock_server.errors import error_body
from mock_server.settings import MockSettings
from mock_server.validation import load_spec, request_schema

FORBIDDEN = [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xD800, 0xDFFF, 0xFFFE, 0xFFFF]
PLACES = (
    "<activity><subject>a{}b</subject></activity>",
    '<activity><case id="a{}b"/></activity>',
    "<activity><subject><![CDATA[a{}b]]></subject></activity>",
)
SCHEMA = request_schema(load_spec(MockSettings().spec_file))


def spellings(code: int) -> list[str]:
    raw = [] if 0xD800 <= code <= 0xDFFF else [chr(code)]  # a raw surrogate is not UTF-8
    return [*raw, f"&#{code};", f"&#x{code:X};"]


@pytest.mark.parametrize("code", FORBIDDEN, ids=hex)
def test_xml_refuses_every_character_the_mock_cannot_store(code: int) -> None:
    for place in PLACES:
        for text in spellings(code):
            if "CDATA" in place and text.startswith("&"):
                continue  # a reference inside CDATA is plain text, not the character
            with pytest.raises(xmlcodec.XmlBodyError):
                xmlcodec.parse(place.format(text).encode("utf-8"), SCHEMA)


def test_the_three_allowed_control_characters_are_read() -> None:
    body = xmlcodec.parse(b"<activity><subject>a&#9;b&#10;c&#13;d</subject></activity>", SCHEMA)
    assert body == {"subject": "a\tb\nc\rd"}


def test_an_xml_error_body_holds_what_the_json_one_holds() -> None:
    """Same members, same cuts (userMessage at 1024), text escaped by ElementTree."""
    args = ("400-146", 'a & <b> "c"', "ü" * 2000)
    xml, xml_type = error_body(*args, as_xml=True)
    as_json, json_type = error_body(*args, as_xml=False)
    assert (xml_type, json_type) == ("application/xml", "application/json")
    assert xml.startswith(b'<?xml version="1.0" encoding="UTF-8"?><error><code>400-146</code>')
    root = fromstring(xml)
    assert {child.tag: child.text for child in root} == json.loads(as_json)


def test_a_member_that_is_no_xml_name_is_written_as_member() -> None:
    xml = xmlcodec.dump({"a b": "x", "xmlns": "y", "ok": [1, True, None]}, "customer")
    assert xml.endswith(
        b'<customer><member name="a b">x</member><member name="xmlns">y</member>'
        b"<ok>1</ok><ok>true</ok><ok></ok></customer>"
    )


@pytest.mark.parametrize("code", FORBIDDEN)
def test_an_xml_error_naming_a_forbidden_character_is_well_formed(code: int) -> None:
    """JSON can carry any character in a member name, and the error echoes the name: the XML
    answer writes what XML cannot hold as U+FFFD, so a client can still read the code."""
    body, _ = error_body("400-147", f"the member a{chr(code)}b is not allowed", None, True)
    error = fromstring(body)
    assert error.findtext("code") == "400-147"
    assert error.findtext("developerMessage") == "the member a\ufffdb is not allowed"
