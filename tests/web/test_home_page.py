"""The home page of every role and the main menu, on the shared test installation.

Things to answer are made through the product's own functions (a feedback request, a
calibration session, a decided round's appeal) and must then appear on the home page of
whoever answers them, with a link that opens where they are answered, and on nobody
else's. Challenge-only accounts get cards and no prominence data at all. Every link of the
menu, for every role, must open (no 403 or 404 dead ends).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
import sqlalchemy as sa

from renown.core.roles import Role
from renown.feedback.actions import Answer, check_give_feedback
from renown.feedback.requests import check_request_feedback
from renown.scoring.changes import FIRST_RUN
from renown.store.tables.challenges import (
    Challenge,
    ChallengeAppeal,
    ChallengeRegistration,
    ChallengeReview,
    ChallengeReviewer,
    ChallengeSubmission,
)
from renown.store.tables.org import Person
from renown.talent.calibration import check_open_session
from renown.web.people.home import initials
from tests.web.conftest import Platform, add_kudos, principal_of_account
from tests.web.talent_fillers import _clock, appeal_filler, new_round

HTML = {"accept": "text/html"}
HREF = re.compile(r'href="([^"]+)"')


def _html(platform: Platform, role: Role, url: str = "/") -> str:
    answer = platform.browser(role).get(url, headers=HTML)
    assert answer.status_code == 200, (url, answer.text[:500])
    return answer.text


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _section(html: str, heading_id: str) -> str:
    """The <section> whose heading has ``heading_id`` (its HTML)."""
    start = html.rindex("<section", 0, html.index(f'id="{heading_id}"'))
    return html[start : html.index("</section>", start)]


def _todo(html: str) -> str:
    return _section(html, "todo-title")


def _name(platform: Platform, person_id: int) -> str:
    with platform.sessions() as session:
        return str(session.scalar(sa.select(Person.name).where(Person.id == person_id)))


def _main(html: str) -> str:
    return html[html.index("<main") : html.index("</main>")]


# --- To do ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def feedback_request(platform: Platform) -> int:
    """HR asks the employee (only) for feedback about themselves; the request's id."""
    hr = platform.members[Role.HR]
    with platform.sessions() as session, session.begin():
        created = check_request_feedback(
            session,
            principal_of_account(session, hr.account_id),
            person_ids=[platform.cast.employee],
            expires_at=datetime.now(UTC) + timedelta(days=14),
            message="How did the launch go?",
        )
        return int(created.request.id)


def test_an_employee_sees_the_feedback_request_waiting_for_them_and_opens_it(
    platform: Platform, feedback_request: int
) -> None:
    html = _html(platform, Role.EMPLOYEE)
    todo = _todo(html)
    hr_name = _name(platform, platform.members[Role.HR].person_id or 0)
    link = f"/feedback/requests/{feedback_request}/answer"
    assert f'href="{link}"' in todo
    text = _text(todo)
    assert f"{hr_name} asks for your feedback · by " in text  # about themselves: no "on"
    assert "Feedback requests to answer (1)" in text
    assert re.search(r'data-todo-count="(\d+)"', todo).group(1) == "1"  # type: ignore[union-attr]
    answer = _text(_html(platform, Role.EMPLOYEE, link))
    assert "How did the launch go?" in answer


@pytest.mark.parametrize("role", [Role.MANAGER, Role.RECRUITER, Role.HR])
def test_nobody_else_sees_someone_elses_feedback_request(
    platform: Platform, feedback_request: int, role: Role
) -> None:
    todo = _todo(_html(platform, role))
    assert f"/feedback/requests/{feedback_request}/answer" not in todo
    assert "Feedback requests to answer" not in todo


def test_hr_sees_an_open_appeal_and_the_round_where_it_is_answered(platform: Platform) -> None:
    hr = platform.members[Role.HR]
    appeal_filler(platform, hr, "own")
    html = _html(platform, Role.HR)
    todo = _todo(html)
    found = re.search(r'href="(/talent/rounds/(\d+)#appeals)">1 appeal in ([^<]+)</a>', todo)
    assert found, _text(todo)
    assert "Promotion appeals to answer (1)" in _text(todo)
    board = _html(platform, Role.HR, found.group(1).split("#")[0])
    assert "I would like the decision reviewed" in _text(board)
    for role in (Role.EMPLOYEE, Role.MANAGER):
        assert "appeal" not in _text(_todo(_html(platform, role)))


def test_a_manager_sees_the_open_calibration_session_of_their_reports_round(
    platform: Platform,
) -> None:
    round_id = new_round(platform, platform.acme_id, transparency="no_one")
    hr = platform.members[Role.HR]
    with platform.sessions() as session, session.begin():
        opened = check_open_session(
            session,
            principal_of_account(session, hr.account_id),
            round_id,
            "Autumn calibration",
            clock=_clock(),
        )
        session_id = int(opened.id)
    link = f"/talent/rounds/{round_id}/ninebox?session_id={session_id}"
    for role in (Role.MANAGER, Role.HR):
        todo = _todo(_html(platform, role))
        assert f'href="{link}"' in todo.replace("&amp;", "&"), role
        assert "Autumn calibration, in Matrix round" in _text(todo)
    assert "Autumn calibration" in _text(_html(platform, Role.MANAGER, link))
    for role in (Role.EMPLOYEE, Role.RECRUITER):
        assert "Autumn calibration" not in _html(platform, role)


def _challenge_scene(
    platform: Platform, reviewer: int, author: int, *, appealed: bool = False
) -> tuple[int, str]:
    """A development challenge with one submission by ``author`` and ``reviewer`` named:
    in review with no scorecard filled yet, or (``appealed``) reviewed, in its appeals
    window, with an open appeal against the scorecard. (id, title)."""
    now = datetime.now(UTC)
    start = now - timedelta(days=10)
    closed = now - timedelta(days=3 if appealed else 1)
    title = "Home page appeal challenge" if appealed else "Home page review challenge"
    with platform.sessions.begin() as session:
        challenge = Challenge(
            org_id=platform.acme_id,
            sponsor_account_id=platform.members[Role.SPONSOR].account_id,
            sponsor_name="Acme Finance team",
            title=title,
            specification="Export invoices.",
            kind="development",
            skills=["python"],
            scorecard=[],
            currency="USD",
            max_submission_bytes=1024 * 1024,
            file_types=[".pdf"],
            accepts_urls=False,
            registration_starts_at=start,
            registration_ends_at=start + timedelta(days=5),
            submission_ends_at=closed,
            review_ends_at=now - timedelta(days=1) if appealed else now + timedelta(days=3),
            appeals_ends_at=now + timedelta(days=5),
            phase="appeals" if appealed else "review",
            published_at=start,
            created_at=start,
        )
        session.add(challenge)
        session.flush()
        session.add(
            ChallengeRegistration(challenge_id=challenge.id, account_id=author, registered_at=start)
        )
        session.add(
            ChallengeReviewer(challenge_id=challenge.id, account_id=reviewer, added_at=start)
        )
        submission = ChallengeSubmission(
            challenge_id=challenge.id,
            account_id=author,
            version=1,
            submitted_at=start + timedelta(days=6),
            filename="work.pdf",
            content_type="application/pdf",
            size=12,
            sha256="0" * 64,
            content=b"%PDF-1.7\nx\n",
        )
        session.add(submission)
        session.flush()
        if appealed:
            review = ChallengeReview(
                challenge_id=challenge.id,
                submission_id=submission.id,
                reviewer_account_id=reviewer,
                answers={"quality": 3.0},
                comment="",
                score=66.0,
                submitted_at=closed + timedelta(hours=1),
                updated_at=closed + timedelta(hours=1),
            )
            session.add(review)
            session.flush()
            session.add(
                ChallengeAppeal(
                    challenge_id=challenge.id,
                    review_id=review.id,
                    question="quality",
                    text="It was better than that.",
                    raised_at=now - timedelta(hours=2),
                    previous_value=3.0,
                )
            )
        session.flush()
        return int(challenge.id), title


def test_a_reviewer_sees_the_submissions_to_review_and_the_sponsor_the_entries(
    platform: Platform,
) -> None:
    employee = platform.members[Role.EMPLOYEE]
    member = platform.members[Role.MEMBER]
    challenge_id, title = _challenge_scene(platform, employee.account_id, member.account_id)
    todo = _todo(_html(platform, Role.EMPLOYEE))
    assert f'href="/challenges/{challenge_id}/review"' in todo
    assert f"1 submission to review in {title}" in _text(todo)
    assert "Submission 1" in _text(
        _html(platform, Role.EMPLOYEE, f"/challenges/{challenge_id}/review")
    )
    assert title not in _todo(_html(platform, Role.MEMBER))  # the author does not review
    sponsor = _text(_main(_html(platform, Role.SPONSOR)))
    assert re.search(r"Entries in review [1-9]\d* entr(?:y|ies) In review: .*" + title, sponsor), (
        sponsor
    )


def test_a_reviewer_sees_the_appeals_against_their_scorecards(platform: Platform) -> None:
    employee = platform.members[Role.EMPLOYEE]
    member = platform.members[Role.MEMBER]
    challenge_id, title = _challenge_scene(
        platform, employee.account_id, member.account_id, appealed=True
    )
    todo = _todo(_html(platform, Role.EMPLOYEE))
    assert f"1 appeal against your scorecards in {title}" in _text(todo)
    assert "Challenge appeals to answer (1)" in _text(todo)
    page = _text(_html(platform, Role.EMPLOYEE, f"/challenges/{challenge_id}/review"))
    assert "It was better than that." in page
    for role in (Role.MEMBER, Role.SPONSOR, Role.MANAGER):
        assert "against your scorecards" not in _todo(_html(platform, role)), role


# --- Recognition, feedback received, score change --------------------------------------


def test_the_home_shows_kudos_with_initials_named_feedback_and_the_score_change(
    platform: Platform,
) -> None:
    giver = platform.cast.public
    add_kudos(platform, platform.acme_id, giver, platform.cast.employee, message="Saved launch day")
    hr = platform.members[Role.HR]
    with platform.sessions() as session, session.begin():
        principal = principal_of_account(session, hr.account_id)
        for anonymous, words in ((False, "Named: clear release notes"), (True, "Hidden giver")):
            check_give_feedback(
                session,
                principal,
                receiver_id=platform.cast.employee,
                answer=Answer(text=words),
                anonymous=anonymous,
            )
    html = _html(platform, Role.EMPLOYEE)
    kudos = _section(html, "kudos-title")
    giver_name = _name(platform, giver)
    assert "Saved launch day" in _text(kudos)
    assert f'<span class="avatar" aria-hidden="true">{initials(giver_name)}</span>' in kudos
    feedback = _text(_section(html, "feedback-title"))
    assert "Named: clear release notes" in feedback
    assert _name(platform, hr.person_id or 0) in feedback
    assert "Hidden giver" not in html  # an anonymous answer is never shown one by one
    own = _text(_section(html, "own-title"))
    assert FIRST_RUN.capitalize() in own


def test_initials_stand_for_first_and_last_names() -> None:
    assert initials("Ada Lovelace") == "AL"
    assert initials("Jean-Luc Picard") == "JP"
    assert initials("Plato") == "P"
    assert initials("  ") == "?"


# --- Start pages -------------------------------------------------------------------------


def _cards(html: str) -> dict[str, str]:
    """Start cards by title -> their text."""
    block = html[html.index('aria-label="Start"') :]
    block = block[: block.index("</section>")]
    cards = {}
    for article in re.findall(r"<article.*?</article>", block, re.S):
        title = _text(re.search(r"<h2>(.*?)</h2>", article, re.S).group(1))  # type: ignore[union-attr]
        cards[title] = _text(article)
    return cards


def test_hr_gets_a_start_page_of_cards_leading_to_their_main_jobs(platform: Platform) -> None:
    html = _html(platform, Role.HR)
    cards = _cards(html)
    assert set(cards) == {"Scoring", "Promotion rounds", "Feedback", "Kudos"}
    assert re.search(
        r"^Scoring 0 imports in progress Latest run as of \d\d \w{3} \d{4}", cards["Scoring"]
    )
    assert re.search(r"Promotion rounds \d+ open rounds?\b", cards["Promotion rounds"])
    assert 'href="/feedback/overview">Feedback</a>' in html
    for href in set(HREF.findall(html[html.index('aria-label="Start"') :].split("</section>")[0])):
        assert platform.browser(Role.HR).get(href, headers=HTML).status_code == 200, href


def test_a_recruiter_starts_from_the_radar_and_sees_no_organisation_summary(
    platform: Platform,
) -> None:
    html = _html(platform, Role.RECRUITER)
    assert list(_cards(html)) == ["Radar", "People", "Marketplace"]
    assert "Top 10" not in _text(html)


@pytest.mark.parametrize("role", [Role.SPONSOR, Role.MEMBER])
def test_challenge_only_accounts_get_cards_and_no_prominence_data(
    platform: Platform, role: Role
) -> None:
    html = _html(platform, role)
    main = _text(_main(html))
    for word in ("Score", "Leaderboard", "Kudos", "Feedback requests", "Promotion"):
        assert word not in main, word
    expected = (
        ["Your challenges", "Entries in review", "Prize ledger"]
        if role is Role.SPONSOR
        else ["Your challenges", "Submissions", "Invitations"]
    )
    assert list(_cards(html)) == expected
    for href in set(HREF.findall(_main(html))):
        assert platform.browser(role).get(href, headers=HTML).status_code == 200, href


# --- The main menu -------------------------------------------------------------------------


def _menu_links(html: str) -> set[str]:
    header = html[html.index('<header class="topbar">') : html.index("</header>")]
    return set(HREF.findall(header))


@pytest.mark.parametrize("role", list(Role))
def test_every_menu_link_opens_for_the_role(platform: Platform, role: Role) -> None:
    html = _html(platform, role)
    links = _menu_links(html)
    assert "/" in links and "/account" in links
    client = platform.browser(role)
    dead = {
        link: code for link in links if (code := client.get(link, headers=HTML).status_code) != 200
    }
    assert dead == {}


def test_hr_menu_leads_to_the_overviews_and_staff_to_their_own_feedback(
    platform: Platform,
) -> None:
    for role in (Role.HR, Role.ADMIN):
        links = _menu_links(_html(platform, role))
        assert "/feedback/overview" in links and "/feedback" not in links
        assert "/kudos" in links
    employee = _menu_links(_html(platform, Role.EMPLOYEE))
    assert "/feedback" in employee and "/feedback/overview" not in employee
    overview = _html(platform, Role.HR, "/feedback/overview")
    nav = overview[overview.index('<nav aria-label="Main">') :]
    assert '<a href="/feedback/overview" aria-current="page">Feedback</a>' in nav


def test_the_menu_is_a_disclosure_that_works_without_javascript(platform: Platform) -> None:
    html = _html(platform, Role.EMPLOYEE)
    disclosure = re.search(
        r"<details class=\"nav-menu\" open data-nav-menu>\s*<summary[^>]*>", html
    )
    assert disclosure, "the menu is not a <details> disclosure, open by default"
    assert 'aria-expanded="true"' in disclosure.group(0)
    assert '<script src="/static/nav-menu.js' in html
    assert platform.browser(Role.EMPLOYEE).get("/static/nav-menu.js").status_code == 200
