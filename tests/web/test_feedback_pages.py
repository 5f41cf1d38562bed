"""The feedback pages through the real app: forms post through the session with its CSRF
token, refusals re-render the form with the reason, outside raters' links work once
without an account, and nothing on a page runs inline script."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from html import unescape
from typing import Any

import sqlalchemy as sa

from renown.core.roles import Role
from renown.notify.inapp import do_notify
from renown.store.tables.org import Person
from tests.web.conftest import Platform, csrf_of

HTML = {"accept": "text/html"}
HTMX = {"hx-request": "true"}
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.S)
SPEC_BLOCK = re.compile(
    r'<script type="application/json" id="competency-spec">(.*?)</script>', re.S
)
LINK = re.compile(r"data-rater-link>([^<]+)<")


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _get(platform: Platform, who: Role, url: str, status: int = 200, **headers: str) -> Any:
    answer = platform.browser(who).get(url, headers={**HTML, **headers})
    assert answer.status_code == status, answer.text
    return answer


def _name(platform: Platform, person_id: int) -> str:
    with platform.sessions() as session:
        return str(session.scalar(sa.select(Person.name).where(Person.id == person_id)))


def test_staff_navigation_links_to_feedback_and_notifications(platform: Platform) -> None:
    html = _get(platform, Role.EMPLOYEE, "/").text
    nav = html[html.index('<nav aria-label="Main">') : html.index("</nav>")]
    assert 'href="/feedback"' in nav
    assert 'hx-get="/notifications/badge"' in html
    sponsor = _get(platform, Role.SPONSOR, "/").text
    assert 'href="/feedback"' not in sponsor
    assert _get(platform, Role.SPONSOR, "/notifications").status_code == 200
    assert platform.browser(Role.SPONSOR).get("/feedback", headers=HTML).status_code == 403


def test_giving_feedback_through_the_form_reaches_the_colleague(platform: Platform) -> None:
    colleague = platform.cast.public  # the recruiter's own person in the test installation
    form = _get(platform, Role.EMPLOYEE, f"/feedback/give?to={colleague}").text
    assert _name(platform, colleague) in form
    relationship = re.search(r"data-relationship>(\w+)<", form)
    assert relationship and relationship.group(1) in {"peer", "other"}
    assert (
        'name="anonymous" value="true" id="anonymous-field" aria' in form
    )  # enabled between colleagues
    sent = platform.browser(Role.EMPLOYEE).post(
        "/feedback/give",
        data={
            "csrf_token": csrf_of(form),
            "receiver_id": str(colleague),
            "text": "Thanks for the onboarding guide.",
            "rating": ["communication:5", "craft:"],
            "visibility": "private",
        },
    )
    assert sent.status_code == 303, sent.text
    assert sent.headers["location"] == "/feedback/given?sent=1"
    given = _text(_get(platform, Role.EMPLOYEE, "/feedback/given?sent=1").text)
    assert "your feedback was sent" in given and "Thanks for the onboarding guide." in given
    received = _text(_get(platform, Role.RECRUITER, "/feedback").text)
    assert "Thanks for the onboarding guide." in received
    assert _name(platform, platform.cast.employee) in received
    badge = _get(platform, Role.RECRUITER, "/notifications/badge", **HTMX).text
    assert 'data-unread="' in badge


def test_a_refused_form_comes_back_with_the_reason_and_the_text(platform: Platform) -> None:
    answer = platform.browser(Role.EMPLOYEE).post(
        "/feedback/give",
        data={
            "receiver_id": str(platform.cast.public),
            "text": "Keep this text",
            "visibility": "public",
            "anonymous": "true",
        },
        headers=HTML,
    )
    assert answer.status_code == 422
    assert "cannot be anonymous" in answer.text and "Keep this text" in answer.text


def test_anonymity_is_offered_only_where_it_is_allowed(platform: Platform) -> None:
    html = _get(platform, Role.MANAGER, f"/feedback/give?to={platform.cast.report}").text
    assert re.search(r'name="anonymous" value="true"\s+disabled', html)
    assert "Manager feedback is always named" in _text(html)


def test_the_picker_lists_only_people_the_giver_may_see(platform: Platform) -> None:
    private = _name(platform, platform.cast.private)
    shown = _get(platform, Role.EMPLOYEE, f"/feedback/people-search?q={private}", **HTMX).text
    assert private not in shown
    seen_by_hr = _get(platform, Role.HR, f"/feedback/people-search?q={private}", **HTMX).text
    assert private in seen_by_hr and f"/feedback/give?to={platform.cast.private}" in seen_by_hr
    assert (
        f'data-pick-person="{platform.cast.private}"'
        in _get(platform, Role.HR, f"/feedback/people-search?q={private}&mode=request", **HTMX).text
    )


def test_a_colleague_answers_a_request_from_the_pending_tab(platform: Platform) -> None:
    form = _get(platform, Role.EMPLOYEE, "/feedback/request").text
    sent = platform.browser(Role.EMPLOYEE).post(
        "/feedback/request",
        data={
            "csrf_token": csrf_of(form),
            "person_ids": [str(platform.members[Role.HR].person_id)],
            "expires_on": "2099-01-01",
            "message": "Was my demo clear?",
        },
        headers=HTML,
    )
    assert sent.status_code == 422  # more than 180 days ahead
    sent = platform.browser(Role.EMPLOYEE).post(
        "/feedback/request",
        data={
            "person_ids": [str(platform.members[Role.HR].person_id)],
            "expires_on": re.search(r'name="expires_on"[^>]* value="([\d-]+)"', form).group(1),  # type: ignore[union-attr]
            "message": "Was my demo clear?",
        },
    )
    assert sent.status_code == 200 and "Request sent" in sent.text
    pending = _get(platform, Role.HR, "/feedback/pending").text
    request_id = re.search(r"/feedback/requests/(\d+)/answer", pending).group(1)  # type: ignore[union-attr]
    page = _get(platform, Role.HR, f"/feedback/requests/{request_id}/answer").text
    assert "Was my demo clear?" in page
    answered = platform.browser(Role.HR).post(
        f"/feedback/requests/{request_id}/answer", data={"text": "Very clear."}
    )
    assert answered.status_code == 303
    assert (
        f"/feedback/requests/{request_id}/answer"
        not in _get(platform, Role.HR, "/feedback/pending").text
    )
    _get(platform, Role.HR, f"/feedback/requests/{request_id}/answer", status=404)
    requested = _text(_get(platform, Role.EMPLOYEE, "/feedback/requested").text)
    assert "1 of 1 answered" in requested and "fixed" in requested


def test_an_outside_rater_answers_once_through_the_link_page(platform: Platform) -> None:
    sent = platform.browser(Role.MANAGER).post(
        "/feedback/request",
        data={
            "raters": "ceo@client.example, Cleo Client",
            "expires_on": _expiry(platform),
            "message": "How did our team do?",
        },
    )
    assert sent.status_code == 200, sent.text
    (url,) = LINK.findall(sent.text)
    path = url[url.index("/r/") :]
    outsider = platform.anonymous()
    page = outsider.get(path, headers=HTML)
    assert page.status_code == 200
    assert "How did our team do?" in page.text and "Cleo Client" in page.text
    assert 'href="/feedback"' not in page.text  # no navigation for someone signed out
    thanks = outsider.post(path, data={"csrf_token": csrf_of(page.text), "text": "Great team."})
    assert thanks.status_code == 200 and "Thank you" in thanks.text
    again = outsider.get(path, headers=HTML)
    assert "already used" in again.text and "<textarea" not in again.text
    assert outsider.get("/r/fbr_" + "z" * 43, headers=HTML).status_code == 404
    received = _text(_get(platform, Role.MANAGER, "/feedback").text)
    assert "Great team." in received and "Cleo Client" in received


def _expiry(platform: Platform) -> str:
    form = _get(platform, Role.MANAGER, "/feedback/request").text
    found = re.search(r'name="expires_on"[^>]* value="([\d-]+)"', form)
    assert found
    return found.group(1)


def test_managers_and_hr_open_a_reports_feedback_from_the_profile(platform: Platform) -> None:
    report = platform.cast.report
    profile = _get(platform, Role.MANAGER, f"/people/{report}").text
    assert f'href="/feedback/people/{report}"' in profile
    assert f'href="/feedback/people/{report}"' in _get(platform, Role.HR, f"/people/{report}").text
    public = _get(platform, Role.EMPLOYEE, f"/people/{platform.cast.public}").text
    assert "/feedback/people/" not in public
    page = _text(_get(platform, Role.MANAGER, f"/feedback/people/{report}").text)
    assert f"Feedback about {_name(platform, report)}" in page
    assert "fewer than" in page
    _get(platform, Role.EMPLOYEE, f"/feedback/people/{report}", status=404)


def test_competency_trends_are_a_chart_without_inline_script(platform: Platform) -> None:
    client = platform.browser(Role.ADMIN)
    form = _get(platform, Role.ADMIN, f"/feedback/give?to={platform.members[Role.HR].person_id}")
    posted = client.post(
        "/feedback/give",
        data={
            "csrf_token": csrf_of(form.text),
            "receiver_id": str(platform.members[Role.HR].person_id),
            "rating": ["delivery:4", "leadership:2"],
            "visibility": "manager",
        },
    )
    assert posted.status_code == 303, posted.text
    for url in ("/feedback", f"/feedback/people/{platform.members[Role.HR].person_id}"):
        answer = _get(platform, Role.HR, url)
        spec = json.loads(SPEC_BLOCK.search(answer.text).group(1))  # type: ignore[union-attr]
        lines = {(v["competency"], v["mean"]) for v in spec["data"]["values"]}
        assert {("Delivery", 4.0), ("Leadership", 2.0)} <= lines
        assert spec["encoding"]["color"]["field"] == "competency"
        for attributes in SCRIPT_TAG.findall(answer.text):
            assert "src=" in attributes or 'type="application/json"' in attributes, url


def test_hr_overview_and_settings(platform: Platform) -> None:
    page = _text(_get(platform, Role.HR, "/feedback/overview").text)
    assert "Anonymity threshold" in page and "Core competencies" in page
    _get(platform, Role.EMPLOYEE, "/feedback/overview", status=403)
    saved = platform.browser(Role.HR).post("/feedback/settings", data={"anonymity_threshold": "6"})
    assert saved.status_code == 303
    try:
        assert 'value="6"' in _get(platform, Role.HR, "/feedback/overview?saved=threshold").text
        low = platform.browser(Role.HR).post(
            "/feedback/settings", data={"anonymity_threshold": "2"}
        )
        assert low.status_code == 422
    finally:
        platform.browser(Role.HR).post("/feedback/settings", data={"anonymity_threshold": "5"})


def _unread(platform: Platform, who: Role) -> int:
    badge = _get(platform, who, "/notifications/badge", **HTMX).text
    found = re.search(r'data-unread="(\d+)"', badge)
    return int(found.group(1)) if found else 0


def test_notifications_are_listed_and_marked_read(platform: Platform) -> None:
    with platform.sessions() as session, session.begin():
        note = do_notify(
            session,
            org_id=platform.acme_id,
            person_id=platform.members[Role.HR].person_id,
            kind="feedback.received",
            text="Someone gave you feedback",
            link="/feedback/received",
            now=datetime.now(UTC),
        )
        note_id = note.id
    before = _unread(platform, Role.HR)
    assert before >= 1
    html = _get(platform, Role.HR, "/notifications").text
    assert f'action="/notifications/{note_id}/read"' in html
    marked = platform.browser(Role.HR).post(f"/notifications/{note_id}/read")
    assert marked.status_code == 303 and marked.headers["location"] == "/notifications"
    assert (
        f'action="/notifications/{note_id}/read"'
        not in _get(platform, Role.HR, "/notifications").text
    )
    assert _unread(platform, Role.HR) == before - 1
    assert platform.browser(Role.EMPLOYEE).post(f"/notifications/{note_id}/read").status_code == 404
