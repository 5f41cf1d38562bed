"""A refused form says why in a sentence, beside the field it is about.

Bad input is posted to the main forms (give feedback, ask for feedback, give kudos, open a
promotion round, post a challenge, submit to one, change a password). Each answer must
show the reason as a sentence (a capital, a full stop, none of pydantic's words), and
when one field is wrong: that input marked ``aria-invalid="true"`` and described by the
message (``aria-describedby``), the message beside it, and the summary at the top linking
to the input. A request that does not even parse (pydantic's validation) gets sentences
too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import pytest

from renown.core.errors import InputError, Invalid
from renown.core.roles import Role
from renown.web.form_errors import FormError, form_error, issue_sentence, sentence
from tests.web.conftest import PASSWORD, Platform, csrf_of
from tests.web.page_walk import visible_text
from tests.web.test_challenges_pages import form_fields

HTML = {"accept": "text/html"}
NOT_A_SENTENCE = re.compile(
    r"value_error|[Ff]ield required|Input should be|String should|\('body'|\[\"body\"|loc"
)


@dataclass
class _Element:
    tag: str
    attrs: dict[str, str]
    text: list[str] = field(default_factory=list)


class _Ids(HTMLParser):
    """Every element with an id (its attributes and text), and the alert's link."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.by_id: dict[str, _Element] = {}
        self.alert_links: list[str] = []
        self._open: list[_Element] = []
        self._in_alert = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if values.get("role") == "alert":
            self._in_alert += 1
        if tag == "a" and self._in_alert:
            self.alert_links.append(values.get("href", ""))
        if "id" in values:
            element = _Element(tag, values)
            self.by_id[values["id"]] = element
            if tag not in {"input", "br", "img"}:
                self._open.append(element)

    def handle_endtag(self, tag: str) -> None:
        if self._open and self._open[-1].tag == tag:
            self._open.pop()
        if tag == "p" and self._in_alert:
            self._in_alert -= 1

    def handle_data(self, data: str) -> None:
        for element in self._open:
            element.text.append(data)


def assert_tied(html: str, field_name: str, message: str) -> None:
    """``message`` is shown as a sentence beside the input of ``field_name``, which is
    marked invalid and described by it, and the summary links to the input."""
    assert not re.search(rf'\S(id="{field_name}-field")', html), "attributes run together"
    page = _Ids()
    page.feed(html)
    control = page.by_id.get(f"{field_name}-field")
    assert control is not None, f"no element with id {field_name}-field"
    assert control.attrs.get("aria-invalid") == "true", control.attrs
    described = control.attrs.get("aria-describedby", "").split()
    assert f"{field_name}-error" in described, control.attrs
    beside = page.by_id.get(f"{field_name}-error")
    assert beside is not None, f"no message with id {field_name}-error"
    shown = " ".join("".join(beside.text).split())
    assert shown == message, shown
    assert f"#{field_name}-field" in page.alert_links
    assert_sentences(html)


def assert_sentences(html: str) -> None:
    """Every error shown on the page reads as a sentence."""
    page = _Ids()
    page.feed(html)
    texts = re.findall(r'<p class="[^"]*error[^"]*"[^>]*>(.*?)</p>', html, re.S)
    texts += re.findall(r"<li>(.*?)</li>", html[html.find("Something is wrong") :], re.S)
    for raw in texts:
        text = visible_text(raw)
        if not text:
            continue
        assert text[0].isupper() and text.endswith((".", "!", "?")), text
        assert not NOT_A_SENTENCE.search(text), text


def _form(platform: Platform, who: Role, path: str) -> tuple[Any, str]:
    browser = platform.browser(who)
    return browser, csrf_of(browser.get(path).text)


# --- the helpers themselves ------------------------------------------------------------------


def test_a_reason_becomes_a_sentence_and_keeps_its_field() -> None:
    assert sentence("feedback needs a text or at least one rating") == (
        "Feedback needs a text or at least one rating."
    )
    assert sentence("Already one.") == "Already one."
    assert sentence("roster.csv: 2 problems") == "roster.csv: 2 problems."  # a file's name
    error = form_error(Invalid("a kudos message must be 1 to 1000 characters", field="message"))
    assert (error, error.field, error.field_id, error.message_id) == (
        "A kudos message must be 1 to 1000 characters.",
        "message",
        "message-field",
        "message-error",
    )
    assert form_error(Invalid("this request has expired")).field is None
    assert form_error(InputError("notes.exe", "is not an accepted file type")) == (
        "File notes.exe: is not an accepted file type."
    )
    assert isinstance(form_error(error), FormError)


@pytest.mark.parametrize(
    ("issue", "expected"),
    [
        ({"loc": ["body", "text"], "msg": "Field required", "type": "missing"},
         "The text is missing: fill it in."),
        ({"loc": ["body", "text"], "msg": "String should have at most 5000 characters",
          "type": "string_too_long"}, "The text should have at most 5000 characters."),
        ({"loc": ["body", "receiver_id"], "msg": "Input should be a valid integer, unable to "
          "parse string as an integer", "type": "int_parsing"},
         "The receiver should be a valid integer."),
        ({"loc": ["body", "transparency"], "msg": "Input should be 'everyone' or 'no_one'",
          "type": "literal_error"}, "The transparency is not one of the choices offered."),
        ({"loc": ["body", "name"], "msg": "contains a control character (U+0000)",
          "type": "control_character"}, "The name contains a control character (U+0000)."),
        ({"loc": ["query", "team_id"], "msg": "Value error, an id is between 1 and 9",
          "type": "value_error"}, "The team: an id is between 1 and 9."),
    ],
)  # fmt: skip
def test_pydantic_problems_read_as_sentences(issue: dict[str, Any], expected: str) -> None:
    assert issue_sentence(issue) == expected


# --- the forms ----------------------------------------------------------------------------


def test_give_feedback_ties_an_empty_text_to_the_text_field(platform: Platform) -> None:
    colleague = platform.cast.public
    browser, csrf = _form(platform, Role.EMPLOYEE, f"/feedback/give?to={colleague}")
    answer = browser.post(
        "/feedback/give",
        data={"csrf_token": csrf, "receiver_id": str(colleague), "text": "  "},
        headers=HTML,
    )
    assert answer.status_code == 422
    assert_tied(answer.text, "text", "Feedback needs a text or at least one rating.")


def test_public_anonymous_feedback_is_tied_to_the_anonymous_box(platform: Platform) -> None:
    colleague = platform.cast.public
    browser, csrf = _form(platform, Role.EMPLOYEE, f"/feedback/give?to={colleague}")
    answer = browser.post(
        "/feedback/give",
        data={
            "csrf_token": csrf,
            "receiver_id": str(colleague),
            "text": "Great demo.",
            "visibility": "public",
            "anonymous": "true",
        },
        headers=HTML,
    )
    assert answer.status_code == 422
    assert_tied(
        answer.text,
        "anonymous",
        "Public feedback is shown one by one, so it cannot be anonymous.",
    )
    assert 'aria-describedby="anonymous-error anonymous-help"' in answer.text  # hint kept


def test_kudos_without_a_message_is_tied_to_the_message(platform: Platform) -> None:
    browser, csrf = _form(platform, Role.EMPLOYEE, "/kudos")
    answer = browser.post(
        "/kudos",
        data={"csrf_token": csrf, "receiver_id": str(platform.cast.public), "message": "   "},
        headers=HTML,
    )
    assert answer.status_code == 422
    assert_tied(answer.text, "message", "A kudos message must be 1 to 1000 characters.")


def test_a_bad_outside_rater_is_tied_to_the_raters_box(platform: Platform) -> None:
    browser, csrf = _form(platform, Role.EMPLOYEE, "/feedback/request")
    answer = browser.post(
        "/feedback/request",
        data={
            "csrf_token": csrf,
            "raters": "not-an-address, Ana Client",
            "expires_on": "2099-01-01",
        },
        headers=HTML,
    )
    assert answer.status_code == 422
    assert_tied(
        answer.text,
        "external",
        "Line 1 of the outside raters: “not-an-address” is not an e-mail address (it has no @).",
    )


def test_a_round_without_a_name_is_tied_to_the_name(platform: Platform) -> None:
    browser, csrf = _form(platform, Role.HR, "/talent")
    answer = browser.post(
        "/talent/rounds",
        data={
            "csrf_token": csrf,
            "name": "   ",
            "target": "Senior Engineer",
            "criterion_key": ["performance"],
            "criterion_weight": ["1"],
            "top_n": "2",
            "performance_criteria": ["performance"],
            "potential_criteria": ["prominence_internal"],
            "missing_policy": "reweigh",
            "transparency": "no_one",
        },
        headers=HTML,
    )
    assert answer.status_code == 422, answer.text[:500]
    assert_tied(answer.text, "name", "A round's name must be 1 to 200 characters.")


def test_a_challenge_with_dates_out_of_order_is_tied_to_the_date(platform: Platform) -> None:
    browser, csrf = _form(platform, Role.SPONSOR, "/challenges/new")
    answer = browser.post(
        "/challenges/new",
        data=form_fields(csrf_token=csrf, submission_ends_at=""),
        headers=HTML,
    )
    assert answer.status_code == 422
    assert_tied(answer.text, "submission_ends_at", "Submission ends: a date and time is required.")
    answer = browser.post(
        "/challenges/new", data=form_fields(csrf_token=csrf, passing_score="140"), headers=HTML
    )
    assert answer.status_code == 422
    assert_tied(answer.text, "passing_score", "The passing score must be between 0 and 100.")


def test_a_wrong_current_password_is_tied_to_its_field(platform: Platform) -> None:
    browser, csrf = _form(platform, Role.MEMBER, "/account")
    answer = browser.post(
        "/account/password",
        data={
            "csrf_token": csrf,
            "current_password": "not-" + PASSWORD,
            "new_password": "a brand new passphrase 42",
            "repeat_password": "a brand new passphrase 42",
        },
        headers=HTML,
    )
    assert answer.status_code == 422
    assert_tied(answer.text, "current_password", "The current password is not right.")
    differ = browser.post(
        "/account/password",
        data={
            "csrf_token": csrf,
            "current_password": PASSWORD,
            "new_password": "a brand new passphrase 42",
            "repeat_password": "a brand new passphrase 43",
        },
        headers=HTML,
    )
    assert differ.status_code == 422
    assert_tied(differ.text, "repeat_password", "The two new passwords differ.")


def test_a_form_post_that_does_not_parse_is_answered_in_sentences(platform: Platform) -> None:
    """A form whose route draws no form again (the main forms do: test_form_refill)."""
    browser, csrf = _form(platform, Role.HR, "/feedback/overview")
    answer = browser.post(
        "/feedback/settings",
        data={"csrf_token": csrf, "anonymity_threshold": "many"},
        headers=HTML,
    )
    assert answer.status_code == 422
    shown = visible_text(answer.text)
    assert "The anonymity threshold should be a valid integer." in shown
    assert_sentences(answer.text)
