"""A refused form comes back as it was sent, with the reason beside its field.

The feedback request form used to come back empty when the server refused it (a past
date, nobody asked, a bad outside rater): the colleagues picked, the "About" choice, the
message and every choice were lost. And input FastAPI refuses before the route runs (a
text longer than its limit, a value changed in the browser's tools) drew the bare error
page instead of the form. Each test here fails on that code: it posts what a person could
send and looks for what they typed in the answer.
"""

from __future__ import annotations

import html
import re

import sqlalchemy as sa

from renown.core.roles import Role
from renown.feedback.address_words import in_our_words
from renown.store.tables.org import Person
from tests.web.conftest import Platform, add_kudos, csrf_of
from tests.web.test_form_errors import HTML, assert_sentences, assert_tied

HTMX = {"HX-Request": "true"}
LONG = "x" * 10_000
PAST = "2020-01-02"
API = "/api/v1"


def _name(platform: Platform, person_id: int) -> str:
    with platform.sessions() as session:
        return str(session.scalar(sa.select(Person.name).where(Person.id == person_id)))


def _chips(page: str) -> str:
    start = page.index("data-picked>")
    return page[start : page.index("</ul>", start)]


def _textarea(page: str, name: str) -> str:
    found = re.search(rf'<textarea name="{name}"[^>]*>(.*?)</textarea>', page, re.S)
    assert found, f"no textarea {name}"
    return html.unescape(found.group(1))


def _selected(page: str, name: str) -> str:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S)
    assert select, f"no select {name}"
    chosen = re.findall(r'<option value="([^"]*)" selected>', select.group(1))
    assert len(chosen) == 1, chosen
    return chosen[0]


def _request(platform: Platform, **changes: object) -> tuple[dict[str, object], str]:
    """A manager's request form filled in fully, with ``changes``, and the form's page."""
    browser = platform.browser(Role.MANAGER)
    page = browser.get("/feedback/request").text
    key = re.search(r'name="competencies" value="([^"]+)"', page)
    data: dict[str, object] = {
        "csrf_token": csrf_of(page),
        "person_ids": [str(platform.cast.public)],
        "subject_id": str(platform.cast.report),
        "raters": "ana@client.example, Ana Client",
        "message": "How did the launch go for the team?",
        "competencies": [key.group(1)] if key else [],
        "anonymity": "allowed",
        "visibility": "manager",
        "expires_on": PAST,
    }
    data.update(changes)
    answer = browser.post("/feedback/request", data=data, headers=HTML)
    assert answer.status_code == 422, answer.text[:400]
    return data, answer.text


def _assert_kept(platform: Platform, sent: dict[str, object], page: str) -> None:
    """Everything of ``sent`` is in the form of ``page``."""
    chips = _chips(page)
    for person_id in sent["person_ids"]:  # type: ignore[attr-defined]
        assert f'<input type="hidden" name="person_ids" value="{person_id}">' in chips
        assert html.escape(_name(platform, int(person_id))) in chips
        assert "data-picked-empty" not in chips
    assert f'name="subject_id" value="{sent["subject_id"]}" data-picker-value' in page
    assert f"Chosen: <strong>{html.escape(_name(platform, platform.cast.report))}" in page
    assert _textarea(page, "message") == sent["message"]
    assert _textarea(page, "raters") == sent["raters"]
    for key in sent["competencies"]:  # type: ignore[attr-defined]
        assert f'name="competencies" value="{key}" checked' in page
    assert _selected(page, "anonymity") == sent["anonymity"]
    assert _selected(page, "visibility") == sent["visibility"]
    assert re.search(rf'name="expires_on"[^>]* value="{sent["expires_on"]}"', page)


# --- 1. the request form keeps what was typed -------------------------------------------------


def test_a_request_with_a_past_date_comes_back_as_it_was_sent(platform: Platform) -> None:
    sent, page = _request(platform)
    assert_tied(page, "expires_at", "A request expires in the future, within 180 days.")
    _assert_kept(platform, sent, page)


def test_a_request_without_a_colleague_keeps_the_rest(platform: Platform) -> None:
    sent, page = _request(platform, person_ids=[], raters="", expires_on="2031-01-01")
    assert "A request needs at least one recipient." in page
    assert "data-picked-empty" in _chips(page)
    assert _textarea(page, "message") == sent["message"]
    assert _selected(page, "visibility") == "manager"
    assert 'name="expires_on" id="expires_at-field" value="2031-01-01"' in page


def test_a_request_with_a_bad_rater_line_keeps_the_rest(platform: Platform) -> None:
    raters = "ana@client.example, Ana Client\nnot-an-email, Bo Client"
    sent, page = _request(platform, raters=raters)
    assert_tied(
        page,
        "external",
        "Line 2 of the outside raters: “not-an-email” is not an e-mail address (it has no @).",
    )
    _assert_kept(platform, sent, page)


# --- 2. what FastAPI refuses draws the form, not the error page -------------------------------


def test_an_over_long_request_message_is_refused_beside_it(platform: Platform) -> None:
    sent, page = _request(platform, message=LONG, expires_on="2031-01-01")
    assert "Something is wrong" not in page
    assert_tied(page, "message", "The message should have at most 5000 characters.")
    _assert_kept(platform, sent, page)


def test_over_long_feedback_is_refused_beside_the_text(platform: Platform) -> None:
    colleague = platform.cast.public
    browser = platform.browser(Role.EMPLOYEE)
    csrf = csrf_of(browser.get(f"/feedback/give?to={colleague}").text)
    answer = browser.post(
        "/feedback/give",
        data={
            "csrf_token": csrf,
            "receiver_id": str(colleague),
            "text": LONG,
            "visibility": "manager",
        },
        headers=HTML,
    )
    assert answer.status_code == 422
    assert "Something is wrong" not in answer.text
    assert_tied(answer.text, "text", "The text should have at most 5000 characters.")
    assert _textarea(answer.text, "text") == LONG
    assert re.search(r'name="visibility" value="manager"[^>]* checked', answer.text)
    assert f'name="receiver_id" value="{colleague}"' in answer.text


def test_an_over_long_answer_is_refused_beside_the_text(platform: Platform) -> None:
    asker = platform.browser(Role.EMPLOYEE)
    form = asker.get("/feedback/request").text
    expiry = re.search(r'name="expires_on"[^>]* value="([\d-]+)"', form)
    assert expiry
    sent = asker.post(
        "/feedback/request",
        data={"person_ids": [str(platform.members[Role.HR].person_id)], "expires_on": expiry[1]},
    )
    assert sent.status_code == 200 and "Request sent" in sent.text
    hr = platform.browser(Role.HR)
    found = re.search(r"/feedback/requests/(\d+)/answer", hr.get("/feedback/pending").text)
    assert found
    answer = hr.post(found[0], data={"text": LONG}, headers=HTML)
    assert answer.status_code == 422
    assert "Something is wrong" not in answer.text
    assert_tied(answer.text, "text", "The text should have at most 5000 characters.")
    assert _textarea(answer.text, "text") == LONG


def test_an_over_long_kudos_is_refused_beside_the_message(platform: Platform) -> None:
    browser = platform.browser(Role.EMPLOYEE)
    csrf = csrf_of(browser.get("/kudos").text)
    receiver = platform.cast.public
    answer = browser.post(
        "/kudos",
        data={"csrf_token": csrf, "receiver_id": str(receiver), "message": "y" * 2000},
        headers=HTML,
    )
    assert answer.status_code == 422
    assert_tied(answer.text, "message", "The message should have at most 1000 characters.")
    assert _textarea(answer.text, "message") == "y" * 2000
    assert f'name="receiver_id" value="{receiver}" checked' in answer.text


def test_a_mistyped_receiver_brings_the_kudos_form_back(platform: Platform) -> None:
    browser = platform.browser(Role.EMPLOYEE)
    csrf = csrf_of(browser.get("/kudos").text)
    answer = browser.post(
        "/kudos",
        data={"csrf_token": csrf, "receiver_id": "someone", "message": "Thanks for the demo"},
        headers=HTML,
    )
    assert answer.status_code == 422
    assert "The receiver should be a valid integer." in answer.text
    assert _textarea(answer.text, "message") == "Thanks for the demo"
    assert_sentences(answer.text)


def test_the_api_and_other_roles_answer_as_before(platform: Platform) -> None:
    api = platform.bearer(Role.EMPLOYEE).post(
        f"{API}/feedback", json={"receiver_id": platform.cast.public, "text": LONG}
    )
    assert api.status_code == 422
    assert api.json()["detail"][0]["loc"] == ["body", "text"]
    plain = platform.browser(Role.EMPLOYEE).post(
        "/feedback/give", data={"receiver_id": str(platform.cast.public), "text": LONG}
    )  # a client that does not read pages gets the located problems
    assert plain.status_code == 422 and plain.json()["detail"][0]["loc"] == ["body", "text"]
    outsider = platform.browser(Role.MEMBER).post(
        "/feedback/give",
        data={"receiver_id": str(platform.cast.public), "text": LONG},
        headers=HTML,
    )
    assert outsider.status_code == 403 and 'name="text"' not in outsider.text


# --- 3. a kudos comment too long is refused in its thread -------------------------------------


def test_an_over_long_comment_is_refused_in_the_thread_and_kept(platform: Platform) -> None:
    kudos = add_kudos(platform, platform.acme_id, platform.cast.public, platform.cast.manager)
    client = platform.browser(Role.EMPLOYEE)
    for text in ("z" * 10_000, "   "):
        refused = client.post(f"/kudos/{kudos}/comments", data={"text": text}, headers=HTMX)
        assert refused.status_code == 200  # htmx swaps 2xx answers only
        assert "A comment must be 1 to 1000 characters." in refused.text
        assert f'name="text" value="{text}"' in refused.text
        assert 'aria-invalid="true"' in refused.text
        assert "No comments yet." in refused.text
    control = client.post(f"/kudos/{kudos}/comments", data={"text": "a\x00b"}, headers=HTMX)
    assert control.status_code == 200
    assert "The text contains a control character (U+0000)" in control.text
    page = client.post(f"/kudos/{kudos}/comments", data={"text": "z" * 1001}, headers=HTML)
    assert page.status_code == 422 and "A comment must be 1 to 1000 characters." in page.text


# --- 5. an outside rater's address is refused in our words ------------------------------------


def test_email_validators_reasons_read_as_ours() -> None:
    assert in_our_words("An email address must have an @-sign.") == "it has no @"
    assert (
        in_our_words("The part after the @-sign is not valid. It should have a period.")
        == "the part after the @ has no dot, as in client.example"
    )
    unknown = in_our_words("The email address contains unsafe characters: U+202E.")
    assert unknown == "the address contains unsafe characters: U+202E"
    assert "email" not in in_our_words("Some new email reason about the @-sign.")


def test_a_rater_line_without_a_name_is_named(platform: Platform) -> None:
    _sent, page = _request(platform, raters="\n\nana@client.example")
    assert_tied(
        page,
        "external",
        "Line 3 of the outside raters has no name: write it after the address and a comma.",
    )
