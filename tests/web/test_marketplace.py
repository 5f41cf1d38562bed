"""The marketplace through HTTP: a member's profile, the sponsors' search, an invitation
answered, sponsor feedback on the profile; the pages and their refusals; hostile bodies."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from renown.core.roles import Role
from renown.store.tables.challenges import MarketplaceInvitation, MemberProfile, SponsorFeedback
from tests.challenges.market_helpers import Entry, completed_challenge

PROFILE = {
    "display_name": "Grace",
    "headline": "Compilers and COBOL",
    "skills": ["Python", "cobol"],
    "availability": "available",
    "listed": True,
}


def _completed(platform: Any, winner: Role, runner_up: Role) -> int:
    """A challenge the acme sponsor ran, won by ``winner`` a day ago."""
    with platform.sessions.begin() as session:
        return completed_challenge(
            session,
            platform.acme_id,
            platform.members[Role.SPONSOR].account_id,
            [
                Entry(platform.members[winner].account_id, 1, 1, prize_cents=25_000),
                Entry(platform.members[runner_up].account_id, 2),
            ],
            datetime.now(UTC) - timedelta(days=1),
            title="Parse the ledger",
        )


def test_profile_search_invitation_and_feedback_through_the_api(platform: Any) -> None:
    member, sponsor = platform.bearer(Role.MEMBER), platform.bearer(Role.SPONSOR)
    me = platform.members[Role.MEMBER].account_id
    assert member.get("/api/v1/members/me").json()["display_name"] == f"member {me}"
    saved = member.put("/api/v1/members/me", json=PROFILE)
    assert saved.status_code == 200, saved.text
    assert saved.json()["skills"] == ["python", "cobol"]
    taken = platform.bearer(Role.EMPLOYEE).put(
        "/api/v1/members/me", json=PROFILE | {"display_name": "GRACE"}
    )
    assert taken.status_code == 422 and "taken" in taken.text
    challenge_id = _completed(platform, Role.MEMBER, Role.EMPLOYEE)

    found = sponsor.get("/api/v1/marketplace", params={"skill": ["COBOL", "rust"], "q": "compil"})
    assert found.status_code == 200, found.text
    rows = found.json()["rows"]
    assert [r["account_id"] for r in rows] == [me] and rows[0]["rating"] > 1000
    assert platform.bearer(Role.RECRUITER).get("/api/v1/marketplace").status_code == 200
    assert member.get("/api/v1/marketplace").status_code == 403
    assert sponsor.get("/api/v1/marketplace", params={"availability": "busy"}).status_code == 422

    sent = sponsor.post(
        f"/api/v1/members/{me}/invitations", json={"title": "Port it", "message": "Two weeks"}
    )
    assert sent.status_code == 200, sent.text
    invitation = sent.json()["id"]
    mine = member.get("/api/v1/marketplace/invitations").json()
    assert [i["id"] for i in mine["received"]] == [invitation] and mine["sent"] == []
    assert sponsor.post(f"/api/v1/marketplace/invitations/{invitation}/withdraw").status_code == 200
    again = sponsor.post(
        f"/api/v1/members/{me}/invitations", json={"title": "Port it", "message": "Please"}
    ).json()["id"]
    accepted = member.post(f"/api/v1/marketplace/invitations/{again}/accept")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    late = sponsor.post(f"/api/v1/marketplace/invitations/{again}/withdraw")
    assert late.status_code == 422 and "already accepted" in late.text

    feedback = {"challenge_id": challenge_id, "stars": 5, "text": "Careful, fast work"}
    given = sponsor.post(f"/api/v1/members/{me}/feedback", json=feedback)
    assert given.status_code == 200, given.text
    other = platform.bearer(Role.HR).post(f"/api/v1/members/{me}/feedback", json=feedback)
    assert other.status_code == 403  # HR may post challenges, but did not sponsor this one
    profile = platform.bearer(Role.HR).get(f"/api/v1/members/{me}").json()
    assert profile["feedback"][0]["stars"] == 5 and profile["tally"]["wins"] == 1
    assert [p["challenge_id"] for p in profile["history"]] == [challenge_id]
    assert [b["id"] for b in profile["badges"]] == ["challenge-first-win"]


def test_hostile_bodies_change_nothing(platform: Any) -> None:
    member, sponsor = platform.bearer(Role.MEMBER), platform.bearer(Role.SPONSOR)
    member.put("/api/v1/members/me", json=PROFILE)
    me = platform.members[Role.MEMBER].account_id
    for body in (
        PROFILE | {"listed": "yes"},
        PROFILE | {"skills": ["x"] * 31},
        PROFILE | {"display_name": "Nul\u0000name"},
        PROFILE | {"role": "admin"},
    ):
        assert member.put("/api/v1/members/me", json=body).status_code == 422, body
    for body in (
        {"title": "t", "message": "m" * 5001},
        {"title": "t\nx", "message": "m"},
        {"title": "t", "message": "m", "to": 1},
    ):
        answer = sponsor.post(f"/api/v1/members/{me}/invitations", json=body)
        assert answer.status_code == 422, body
    for body in (
        {"challenge_id": 1, "stars": "5", "text": "x"},
        {"challenge_id": 1, "stars": 6, "text": "x"},
        {"challenge_id": True, "stars": 5, "text": "x"},
    ):
        assert sponsor.post(f"/api/v1/members/{me}/feedback", json=body).status_code == 422
    with platform.sessions() as session:
        row = session.get(MemberProfile, me)
        assert row is not None and row.display_name == "Grace"
        assert (
            session.scalar(
                sa.select(sa.func.count(MarketplaceInvitation.id)).where(
                    MarketplaceInvitation.title == "t"
                )
            )
            == 0
        )
        assert (
            session.scalar(
                sa.select(sa.func.count(SponsorFeedback.id)).where(SponsorFeedback.text == "x")
            )
            == 0
        )


def test_unlisted_members_are_hidden_from_peers_not_from_sponsors(platform: Any) -> None:
    manager = platform.bearer(Role.MANAGER)
    saved = manager.put(
        "/api/v1/members/me", json=PROFILE | {"display_name": "Quiet One", "listed": False}
    )
    assert saved.status_code == 200, saved.text
    quiet = platform.members[Role.MANAGER].account_id
    assert platform.bearer(Role.MEMBER).get(f"/api/v1/members/{quiet}").status_code == 404
    assert platform.bearer(Role.SPONSOR).get(f"/api/v1/members/{quiet}").status_code == 200
    invite = platform.bearer(Role.SPONSOR).post(
        f"/api/v1/members/{quiet}/invitations", json={"title": "t", "message": "m"}
    )
    assert invite.status_code == 404
    found = platform.bearer(Role.SPONSOR).get("/api/v1/marketplace", params={"q": "quiet"})
    assert found.json()["total"] == 0
    assert platform.bearer(Role.SPONSOR).get("/api/v1/members/999999").status_code == 404


def test_the_pages(platform: Any) -> None:
    member, sponsor = platform.browser(Role.EMPLOYEE), platform.browser(Role.SPONSOR)
    me = platform.members[Role.EMPLOYEE].account_id
    form = {
        "display_name": "Page Person",
        "headline": "Writes pages",
        "skills": "HTML, css",
        "availability": "limited",
        "listed": "1",
    }
    assert member.get("/members/me/edit").status_code == 200
    saved = member.post("/members/me/edit", data=form)
    assert saved.status_code == 303 and saved.headers["location"] == f"/members/{me}?saved=1"
    refused = member.post("/members/me/edit", data=form | {"availability": "busy"})
    assert refused.status_code == 422 and "Availability is one of" in refused.text
    _completed(platform, Role.EMPLOYEE, Role.MANAGER)
    page = member.get(f"/members/{me}")
    assert page.status_code == 200
    assert (
        "Page Person" in page.text
        and "member-rating-spec" in page.text
        and "data-edit" in page.text
        and "data-classic" in page.text  # the classic (TopCoder-style) view of the results
    )

    search = sponsor.get("/marketplace", params={"skill": "css", "availability": "limited"})
    assert search.status_code == 200 and f'data-member="{me}"' in search.text
    profile = sponsor.get(f"/members/{me}")
    assert "data-invite" in profile.text and "data-give-feedback" in profile.text
    empty = sponsor.post(f"/members/{me}/invite", data={"title": "", "message": ""})
    assert empty.status_code == 422 and "title must be" in empty.text
    sent = sponsor.post(f"/members/{me}/invite", data={"title": "Pages", "message": "Help"})
    assert sent.status_code == 303 and sent.headers["location"] == "/invitations?sent=1"
    listing = member.get("/invitations")
    assert "data-accept" in listing.text
    with platform.sessions() as session:
        invitation = session.scalar(
            sa.select(MarketplaceInvitation.id).where(
                MarketplaceInvitation.member_account_id == me,
                MarketplaceInvitation.title == "Pages",
            )
        )
    declined = member.post(f"/invitations/{invitation}/decline")
    assert declined.status_code == 303
    assert 'data-status="declined"' in sponsor.get("/invitations").text
    no_csrf = platform.browser(Role.EMPLOYEE, with_csrf=False).post("/members/me/edit", data=form)
    assert no_csrf.status_code == 403
    assert platform.browser(Role.MEMBER).get("/marketplace").status_code == 403
