"""The 360 results as people read them: a heat map of ratings by rater group, self against
others, blind spots and hidden strengths, comments by competency; and never a figure that
reaches below the anonymity threshold."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from html import unescape
from typing import Any

import sqlalchemy as sa

from renown.accounts.principal import Principal
from renown.core.clock import FixedClock
from renown.core.roles import Role
from renown.feedback.actions import Answer, check_give_feedback
from renown.feedback.anonymity import Release, ReleasedAnswer, summarise
from renown.feedback.results import FeedbackView, NamedItem
from renown.feedback.thresholds import org_threshold
from renown.feedback.vocabulary import Visibility
from renown.org.reporting import manager_chain
from renown.store.tables.org import Person
from renown.web.feedback.results360 import comment_topics, heatmap_spec, results_360
from tests.web.conftest import Platform

HTML = {"accept": "text/html"}
NAMES = {
    "communication": "Communication",
    "delivery": "Delivery",
    "customer_focus": "Customer focus",
}
HEATMAP = re.compile(r'<script type="application/json" id="r360-spec">(.*?)</script>', re.S)
SECRET = "Only two of us said this about communication"
T0 = datetime(2026, 3, 2, 10, tzinfo=UTC)


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _named(item_id: int, relationship: str, ratings: dict[str, int], text: str = "") -> NamedItem:
    return NamedItem(
        id=item_id,
        receiver_id=1,
        receiver_name="Ada",
        giver_id=item_id,
        giver_name=f"Giver {item_id}",
        relationship=relationship,
        visibility="manager",
        text=text,
        ratings=ratings,
        created_at=T0,
        request_id=None,
    )


def _view(
    named: list[NamedItem], releases: list[Release], answers: list[ReleasedAnswer]
) -> FeedbackView:
    aggregates, suppressed = summarise(releases, answers, 3, list(NAMES))
    return FeedbackView(1, 3, tuple(named), tuple(aggregates), tuple(suppressed))


# --- The figures, from values -------------------------------------------------------------


def test_cells_by_group_self_against_others_and_the_gaps() -> None:
    release = Release(1, "peer", 3, "salt", T0)
    answers = [
        ReleasedAnswer(1, 10 + i, f"p{i}", "", {"communication": 2, "delivery": 4})
        for i in range(3)
    ]
    named = [
        _named(1, "self", {"communication": 5, "delivery": 2}),
        _named(2, "manager", {"communication": 3, "delivery": 5}),
    ]
    results = results_360(_view(named, [release], answers), NAMES)
    assert results.groups == ("self", "manager", "peer")
    assert results.cell("communication", "peer").mean == 2.0  # type: ignore[union-attr]
    assert results.cell("communication", "peer").n == 3  # type: ignore[union-attr]
    assert results.cell("delivery", "manager").mean == 5.0  # type: ignore[union-attr]
    # self 5 against others (3 + 2+2+2) / 4 = 2.25: a blind spot of +2.75
    (blind,) = results.blind_spots
    assert (blind.competency, blind.self_mean, blind.others_mean, blind.gap) == (
        "communication",
        5.0,
        2.25,
        2.75,
    )
    (hidden,) = results.hidden_strengths
    assert (hidden.competency, hidden.gap) == ("delivery", -2.25)
    spec = heatmap_spec(results, NAMES)
    cells = {(v["competency"], v["group"]): v["mean"] for v in spec["data"]["values"]}
    assert cells[("Communication", "Peers")] == 2.0 and cells[("Delivery", "Self")] == 2.0
    assert spec["layer"][0]["mark"]["type"] == "rect"


def test_no_figure_reaches_below_the_threshold() -> None:
    """A release of 3 where only 2 rated delivery: no delivery cell for that group; a group
    with a release under the threshold (2 givers): no cell, no comment, not in any gap."""
    peers = Release(1, "peer", 3, "salt", T0)
    small = Release(2, "report", 2, "salt", T0)
    answers = [
        ReleasedAnswer(1, 10, "p0", "", {"communication": 4, "delivery": 1}),
        ReleasedAnswer(1, 11, "p1", "", {"communication": 4, "delivery": 1}),
        ReleasedAnswer(1, 12, "p2", "", {"communication": 4}),
        ReleasedAnswer(2, 20, "r0", SECRET, {"communication": 1, "delivery": 1}),
        ReleasedAnswer(2, 21, "r1", SECRET, {"communication": 1, "delivery": 1}),
    ]
    named = [_named(1, "self", {"communication": 4, "delivery": 5})]
    results = results_360(_view(named, [peers, small], answers), NAMES)
    assert results.cell("delivery", "peer") is None
    assert results.cell("communication", "peer").mean == 4.0  # type: ignore[union-attr]
    assert "report" not in results.groups
    assert all(c.group != "report" for c in results.cells)
    assert results.blind_spots == ()  # delivery's self 5 has no others to compare with
    shown = json.dumps(heatmap_spec(results, NAMES)) + repr(results.comments)
    assert SECRET not in shown and "Reports" not in shown


def test_comments_are_grouped_by_the_competencies_their_words_name() -> None:
    assert comment_topics("Delivered the migration early", NAMES) == ["delivery"]
    assert comment_topics("Great with customers, and communicates well", NAMES) == [
        "communication",
        "customer_focus",
    ]
    release = Release(1, "peer", 3, "salt", T0)
    answers = [ReleasedAnswer(1, 10 + i, f"p{i}", f"Delivery note {i}", {}) for i in range(3)]
    named = [
        _named(1, "manager", {}, "Communicates plans clearly."),
        _named(2, "peer", {}, "Thanks!"),
    ]
    grouped = dict(results_360(_view(named, [release], answers), NAMES).comments)
    assert [c.source for c in grouped["communication"]] == ["Giver 1"]
    assert {c.source for c in grouped["delivery"]} == {"Anonymous · Peers"}
    assert [c.text for c in grouped[""]] == ["Thanks!"]


# --- The page -----------------------------------------------------------------------------


def _colleague(session: Any, org_id: int, person: Person) -> Principal:
    return Principal(0, org_id, Role.EMPLOYEE, person.id, person.email or "")


def _seed_report_feedback(platform: Platform) -> None:
    """The report rates themself, their manager rates them, and fewer colleagues than the
    threshold answer anonymously with a rating and a comment nobody may see."""
    report_id, manager_id = platform.cast.report, platform.cast.manager
    with platform.sessions() as session, session.begin():
        org_id = platform.acme_id
        report = session.get(Person, report_id)
        manager = session.get(Person, manager_id)
        assert report is not None and manager is not None
        above = manager_chain(session, report)
        others = list(
            session.scalars(
                sa.select(Person)
                .where(Person.org_id == org_id, Person.id != report_id, Person.left_on.is_(None))
                .order_by(Person.id)
            )
        )
        strangers = [p for p in others if p.id not in above][: org_threshold(session, org_id) - 1]

        def give(giver: Person, ratings: dict[str, int], text: str, anonymous: bool) -> None:
            check_give_feedback(
                session,
                _colleague(session, org_id, giver),
                receiver_id=report_id,
                answer=Answer(text, ratings),
                visibility=Visibility.MANAGER,
                anonymous=anonymous,
                clock=FixedClock(T0 + timedelta(days=len(text))),
            )

        give(report, {"communication": 5, "delivery": 2}, "I explain my work well.", False)
        give(manager, {"communication": 3, "delivery": 4}, "Delivers steadily.", False)
        for stranger in strangers:
            give(stranger, {"communication": 1, "customer_focus": 1}, SECRET, True)


def test_a_manager_reads_a_reports_360(platform: Platform) -> None:
    _seed_report_feedback(platform)
    client = platform.browser(Role.MANAGER)
    answer = client.get(f"/feedback/people/{platform.cast.report}", headers=HTML)
    assert answer.status_code == 200, answer.text
    page = _text(answer.text)
    assert "Ratings by rater group" in page
    spec = json.loads(HEATMAP.search(answer.text).group(1))  # type: ignore[union-attr]
    cells = {(v["competency"], v["group"]): v["mean"] for v in spec["data"]["values"]}
    assert cells == {
        ("Communication", "Self"): 5.0,
        ("Communication", "Manager"): 3.0,
        ("Delivery", "Self"): 2.0,
        ("Delivery", "Manager"): 4.0,
    }
    gaps = page[page.index("Blind spots and hidden strengths") :]
    assert "Communication self 5.0 · others 3.0 gap +2.0" in gaps
    assert "Delivery self 2.0 · others 4.0 gap -2.0" in gaps
    by_competency = page[page.index("Comments by competency") :]
    assert "Delivers steadily." in by_competency[by_competency.index("Delivery") :]
    # the anonymous answers are fewer than the threshold: nothing of them anywhere
    assert SECRET not in answer.text
    assert "Customer focus" not in json.dumps(spec)
    assert "Peers" not in json.dumps(spec) and "Others in the organisation" not in json.dumps(spec)
    assert "customer_focus" not in answer.text


def test_the_360_page_is_for_the_manager_chain_and_hr_only(platform: Platform) -> None:
    report = platform.cast.report
    for role, status in ((Role.HR, 200), (Role.MANAGER, 200), (Role.EMPLOYEE, 404)):
        got = platform.browser(role).get(f"/feedback/people/{report}", headers=HTML)
        assert got.status_code == status, (role, got.status_code)
        assert ("Ratings by rater group" in got.text) is (status == 200)
    assert (
        platform.browser(Role.SPONSOR).get(f"/feedback/people/{report}", headers=HTML).status_code
        == 403
    )


def test_my_feedback_opens_for_every_staff_role_linked_or_not(platform: Platform) -> None:
    for role in (Role.EMPLOYEE, Role.MANAGER, Role.HR, Role.ADMIN, Role.RECRUITER):
        got = platform.browser(role).get("/feedback", headers=HTML)
        assert got.status_code == 200, (role, got.text[-400:])
        linked = platform.members[role].person_id is not None
        assert ("Ratings by rater group" in got.text) is linked, role


def test_hr_reading_someone_elses_360_is_not_told_to_rate_themselves(platform: Platform) -> None:
    """Without a shared self-assessment the section speaks of the person read, not the
    reader: "rate yourself" is for one's own page."""
    other = platform.browser(Role.HR).get(f"/feedback/people/{platform.cast.public}", headers=HTML)
    assert other.status_code == 200, other.text
    assert "No self-assessment shared with you" in other.text
    assert "rate yourself" not in other.text
    own = platform.browser(Role.EMPLOYEE).get("/feedback", headers=HTML)
    assert "rate yourself" in own.text
