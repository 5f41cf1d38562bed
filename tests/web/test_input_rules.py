"""The shared input rules on their own: what text may contain, what counts as JSON, and what
an error answer may repeat of the input."""

from __future__ import annotations

import json

import pytest

from renown.core.errors import Invalid
from renown.core.text import check_text, text_problem
from renown.web.issues import MAX_ISSUES, public_issues
from renown.web.json_body import parse_json


@pytest.mark.parametrize("value", ["Ana Lima", "ñandú 🦤", "a-b_c.d@e.example", ""])
def test_ordinary_text_passes_both_rules(value: str) -> None:
    assert text_problem(value) is None
    assert text_problem(value, multiline=True) is None


@pytest.mark.parametrize("value", ["a\tb", "a\nb", "a\r\nb"])
def test_tabs_and_new_lines_are_for_multi_line_text_only(value: str) -> None:
    assert text_problem(value) is not None
    assert text_problem(value, multiline=True) is None


@pytest.mark.parametrize("value", ["\x00", "a\x01", "\x0b", "\x1f", "\x7f", "\ud800"])
def test_control_characters_and_surrogates_are_refused_everywhere(value: str) -> None:
    assert text_problem(value) is not None
    assert text_problem(value, multiline=True) is not None


def test_a_refusal_names_the_field_and_the_character_but_not_the_text() -> None:
    with pytest.raises(Invalid) as refused:
        check_text("hunter2\x00", "the password")
    assert str(refused.value) == "the password contains a control character (U+0000)"


@pytest.mark.parametrize(
    ("document", "reason"),
    [
        (b'{"a": NaN}', "NaN and Infinity are not JSON numbers"),
        (b'{"a": -Infinity}', "NaN and Infinity are not JSON numbers"),
        (b'{"a": "\\ud800"}', "lone surrogate"),
        (b'{"a": [1, {"b": 1e999}]}', "number out of range at body.a[1].b"),
        (b'{"a": 1', "EOF"),
    ],
)
def test_what_is_not_json_is_a_decode_error(document: bytes, reason: str) -> None:
    with pytest.raises(json.JSONDecodeError) as refused:
        parse_json(document)
    assert reason in refused.value.msg


def test_json_reads_as_python_json_does() -> None:
    document = '{"a": [1, 2.5, true, null, "😀 \\u00e9"], "big": 12345678901234567890}'
    assert parse_json(document.encode()) == json.loads(document)


def test_issues_repeat_short_scalars_only_and_never_secrets() -> None:
    issues = public_issues(
        [
            {"loc": ("body", "name"), "msg": "bad", "type": "t", "input": "x" * 1000},
            {"loc": ("body",), "msg": "Field required", "type": "missing", "input": {"a": 1}},
            {"loc": ("body", "new_password"), "msg": "bad", "type": "t", "input": "s3cret"},
            {"loc": ("body", "n"), "msg": "bad", "type": "t", "input": 10**5000},
            {"loc": ("body", "k" * 500, "\ud800"), "msg": "bad \udc00", "type": "t"},
        ]
    )
    assert len(issues[0]["input"]) == 60
    assert "input" not in issues[1] and "input" not in issues[3]
    assert issues[2]["input"] == "[redacted]"
    assert len(issues[4]["loc"][1]) == 60 and issues[4]["loc"][2] == "\ufffd"
    json.dumps(issues).encode("utf-8")  # every answer can be sent


def test_issues_are_listed_up_to_a_point() -> None:
    errors = [{"loc": ("body", i), "msg": "bad", "type": "t"} for i in range(1000)]
    issues = public_issues(errors)
    assert len(issues) == MAX_ISSUES + 1
    assert issues[-1]["msg"].startswith("980 more problems")
