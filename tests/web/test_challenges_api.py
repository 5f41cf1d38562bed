"""A challenge's life through the API, with time moved by shifting the challenge's rows into
the past and the worker's tick called at the real now (no sleeping): a reviewed challenge
from posting to a paid winner, and a data-science challenge's public and private boards."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from renown.challenges.job import tick_challenges
from renown.core.roles import Role
from renown.store.tables.challenges import Challenge, PrizeLedgerEntry
from tests.web.challenges_policies import PDF, shift


def _at(hours: float) -> str:
    return (datetime.now(UTC) + timedelta(hours=hours)).isoformat()


def reviewed_body(**changes: Any) -> dict[str, Any]:
    """A development challenge open now: a day to register, two to submit, then review
    (a day) and appeals (a day)."""
    body: dict[str, Any] = {
        "title": "Build the thing",
        "specification": "# The thing\n\nBuild it **well**.",
        "kind": "development",
        "sponsor_name": "Acme Platform Team",
        "registration_starts_at": _at(-1),
        "registration_ends_at": _at(24),
        "submission_ends_at": _at(48),
        "review_ends_at": _at(72),
        "appeals_ends_at": _at(96),
        "prizes": [50_000, 20_000],
        "skills": ["Python", "SQL"],
        "passing_score": 50.0,
        "file_types": [".pdf", ".zip"],
        "accepts_urls": True,
    }
    return body | changes


def tick(platform: Any) -> Any:
    return tick_challenges(platform.sessions, datetime.now(UTC))


def phase(platform: Any, role: Role, challenge_id: int) -> str:
    answer = platform.bearer(role).get(f"/api/v1/challenges/{challenge_id}")
    assert answer.status_code == 200, answer.text
    return str(answer.json()["summary"]["phase"])


def publish_reviewed(platform: Any, reviewer: Role = Role.MANAGER, **changes: Any) -> int:
    sponsor = platform.bearer(Role.SPONSOR)
    posted = sponsor.post("/api/v1/challenges", json=reviewed_body(**changes))
    assert posted.status_code == 201, posted.text
    challenge_id = int(posted.json()["summary"]["id"])
    email = platform.members[reviewer].email
    added = sponsor.post(f"/api/v1/challenges/{challenge_id}/reviewers", json={"email": email})
    assert added.status_code == 200, added.text
    published = sponsor.post(f"/api/v1/challenges/{challenge_id}/publish")
    assert published.status_code == 200, published.text
    return challenge_id


def test_a_reviewed_challenge_runs_from_posting_to_a_paid_winner(platform: Any) -> None:
    sponsor = platform.bearer(Role.SPONSOR)
    posted = sponsor.post("/api/v1/challenges", json=reviewed_body())
    assert posted.status_code == 201, posted.text
    detail = posted.json()
    challenge_id = detail["summary"]["id"]
    assert detail["summary"]["phase"] == "draft" and detail["summary"]["runs"] is True
    assert detail["summary"]["skills"] == ["python", "sql"]
    # A draft is its sponsor's only, and cannot be published without a reviewer.
    assert platform.bearer(Role.MEMBER).get(f"/api/v1/challenges/{challenge_id}").status_code == (
        404
    )
    refused = sponsor.post(f"/api/v1/challenges/{challenge_id}/publish")
    assert refused.status_code == 422 and "reviewer" in refused.json()["detail"]
    edited = sponsor.put(
        f"/api/v1/challenges/{challenge_id}", json=reviewed_body(title="Build the better thing")
    )
    assert edited.status_code == 200 and edited.json()["summary"]["title"] == (
        "Build the better thing"
    )
    manager = platform.members[Role.MANAGER]
    added = sponsor.post(
        f"/api/v1/challenges/{challenge_id}/reviewers", json={"email": manager.email.upper()}
    )
    assert added.json() == {"account_id": manager.account_id}
    assert sponsor.post(f"/api/v1/challenges/{challenge_id}/publish").status_code == 200
    assert (
        sponsor.put(f"/api/v1/challenges/{challenge_id}", json=reviewed_body()).status_code == 422
    )  # published rules are fixed

    member, employee = platform.bearer(Role.MEMBER), platform.bearer(Role.EMPLOYEE)
    listed = member.get("/api/v1/challenges", params={"skill": "python", "phase": "registration"})
    assert challenge_id in [c["id"] for c in listed.json()]
    for client in (member, employee):
        registered = client.post(f"/api/v1/challenges/{challenge_id}/registration")
        assert registered.json() == {"registered": True}
    again = member.post(f"/api/v1/challenges/{challenge_id}/registration")
    assert again.json() == {"registered": False}
    mine = member.get("/api/v1/challenges", params={"mine": True}).json()
    assert [c["registered"] for c in mine if c["id"] == challenge_id] == [True]

    first = member.post(
        f"/api/v1/challenges/{challenge_id}/submissions",
        files={"file": ("draft.pdf", PDF, "application/pdf")},
    )
    assert first.status_code == 200, first.text
    second = member.post(
        f"/api/v1/challenges/{challenge_id}/submissions",
        files={"file": ("final.pdf", PDF + b"v2", "application/pdf")},
    )
    assert second.json()["version"] == 2
    by_url = employee.post(
        f"/api/v1/challenges/{challenge_id}/submissions/url",
        json={"url": "https://git.example.org/employee/thing"},
    )
    assert by_url.status_code == 200, by_url.text
    versions = member.get(f"/api/v1/challenges/{challenge_id}").json()["my_submissions"]
    assert [(v["version"], v["counts"]) for v in versions] == [(2, True), (1, False)]
    # Nobody reviews before submissions close.
    tasks = platform.bearer(Role.MANAGER).get(f"/api/v1/challenges/{challenge_id}/review-tasks")
    assert tasks.json() == []

    shift(platform.sessions, challenge_id, -timedelta(hours=49))
    tick(platform)
    assert phase(platform, Role.MEMBER, challenge_id) == "review"
    reviewer = platform.bearer(Role.MANAGER)
    tasks = reviewer.get(f"/api/v1/challenges/{challenge_id}/review-tasks").json()
    assert [t["label"] for t in tasks] == ["Submission 1", "Submission 2"]
    assert all("member" not in t and "account_id" not in t for t in tasks)  # blind
    scores = {}
    for task, value in zip(tasks, (4, 3), strict=True):
        answers = {q: value for q in ("requirements", "quality", "completeness", "communication")}
        scored = reviewer.put(
            f"/api/v1/challenges/{challenge_id}/review-tasks/{task['submission_id']}",
            json={"answers": answers, "comment": "Clear work."},
        )
        assert scored.status_code == 200, scored.text
        scores[task["submission_id"]] = scored.json()["score"]
    # Members read their reviews from the appeals on, not during the review.
    assert member.get(f"/api/v1/challenges/{challenge_id}/reviews").json() == []

    shift(platform.sessions, challenge_id, -timedelta(hours=24))
    tick(platform)
    assert phase(platform, Role.EMPLOYEE, challenge_id) == "appeals"
    reviews = employee.get(f"/api/v1/challenges/{challenge_id}/reviews").json()
    assert [r["reviewer"] for r in reviews] == ["Reviewer 1"] and reviews[0]["member"] is None
    appealed = employee.post(
        f"/api/v1/challenges/{challenge_id}/reviews/{reviews[0]['id']}/appeals",
        json={"question": "quality", "text": "The tests cover every case."},
    )
    assert appealed.status_code == 200, appealed.text
    answered = reviewer.post(
        f"/api/v1/challenges/{challenge_id}/appeals/{appealed.json()['id']}/answer",
        json={"upheld": True, "new_value": 4, "response": "Fair: they do."},
    )
    assert answered.status_code == 200 and answered.json()["score"] > min(scores.values())

    shift(platform.sessions, challenge_id, -timedelta(hours=25))
    report = tick(platform)
    assert report.settled >= 1
    assert phase(platform, Role.MEMBER, challenge_id) == "completed"
    results = member.get(f"/api/v1/challenges/{challenge_id}/results").json()
    assert [(r["rank"], r["place"], r["prize_cents"]) for r in results] == [
        (1, 1, 50_000),
        (2, 2, 20_000),
    ]
    assert results[0]["account_id"] == platform.members[Role.MEMBER].account_id

    owed = sponsor.get(f"/api/v1/challenges/{challenge_id}/ledger").json()
    assert len(owed) == 2 and all(line["paid_at"] is None for line in owed)
    own = member.get(f"/api/v1/challenges/{challenge_id}/ledger").json()
    assert [line["amount_cents"] for line in own] == [50_000]
    winner = next(line for line in owed if line["place"] == 1)
    paid = sponsor.post(
        f"/api/v1/challenges/ledger/{winner['id']}/paid", json={"reference": "WIRE-2026-001"}
    )
    assert paid.status_code == 200 and paid.json()["reference"] == "WIRE-2026-001"
    twice = sponsor.post(
        f"/api/v1/challenges/ledger/{winner['id']}/paid", json={"reference": "WIRE-2"}
    )
    assert twice.status_code == 422
    mine_now = member.get("/api/v1/challenges/ledger").json()
    assert any(line["id"] == winner["id"] and line["paid_at"] for line in mine_now)
    # HR reads the organisation's whole ledger; a recruiter reads nothing of it.
    hr_lines = {
        line["id"] for line in platform.bearer(Role.HR).get("/api/v1/challenges/ledger").json()
    }
    assert {line["id"] for line in owed} <= hr_lines
    assert platform.bearer(Role.RECRUITER).get("/api/v1/challenges/ledger").json() == []


def test_a_data_science_challenge_keeps_its_private_board_until_the_winners(
    platform: Any,
) -> None:
    sponsor = platform.bearer(Role.SPONSOR)
    body = reviewed_body(
        kind="data_science",
        title="Predict the label",
        metric="accuracy",
        public_fraction=0.5,
        review_ends_at=None,
        appeals_ends_at=None,
        file_types=[".csv"],
        accepts_urls=False,
    )
    posted = sponsor.post("/api/v1/challenges", json=body)
    assert posted.status_code == 201, posted.text
    challenge_id = posted.json()["summary"]["id"]
    refused = sponsor.post(f"/api/v1/challenges/{challenge_id}/publish")
    assert refused.status_code == 422 and "answer key" in refused.json()["detail"]
    ids = [str(i) for i in range(1, 41)]
    key = "id,target\n" + "".join(f"{i},{'a' if int(i) % 2 else 'b'}\n" for i in ids)
    stored = sponsor.put(
        f"/api/v1/challenges/{challenge_id}/answer-key",
        files={"file": ("key.csv", key.encode(), "text/csv")},
    )
    assert stored.json() == {"rows": 40}
    assert sponsor.post(f"/api/v1/challenges/{challenge_id}/publish").status_code == 200

    for role, right in ((Role.MEMBER, 40), (Role.EMPLOYEE, 20)):
        client = platform.bearer(role)
        assert client.post(f"/api/v1/challenges/{challenge_id}/registration").status_code == 200
        rows = "".join(
            f"{i},{('a' if int(i) % 2 else 'b') if int(i) <= right else 'z'}\n" for i in ids
        )
        answer = client.post(
            f"/api/v1/challenges/{challenge_id}/submissions",
            files={"file": ("predictions.csv", f"id,prediction\n{rows}".encode(), "text/csv")},
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["public_score"] is not None and answer.json()["scored_today"] == 1
    member = platform.bearer(Role.MEMBER)
    board = member.get(f"/api/v1/challenges/{challenge_id}/leaderboard").json()
    assert board[0]["account_id"] == platform.members[Role.MEMBER].account_id
    hidden = member.get(f"/api/v1/challenges/{challenge_id}/leaderboard", params={"private": True})
    assert hidden.status_code == 403
    assert member.get(f"/api/v1/challenges/{challenge_id}/results").json() == []

    shift(platform.sessions, challenge_id, -timedelta(hours=49))
    early = sponsor.get(f"/api/v1/challenges/{challenge_id}/leaderboard", params={"private": True})
    assert early.status_code == 200  # the sponsor sees it from the close of submissions
    assert (
        member.get(
            f"/api/v1/challenges/{challenge_id}/leaderboard", params={"private": True}
        ).status_code
        == 403
    )
    tick(platform)
    private = member.get(f"/api/v1/challenges/{challenge_id}/leaderboard", params={"private": True})
    assert private.status_code == 200
    assert private.json()[0]["score"] == 1.0
    results = member.get(f"/api/v1/challenges/{challenge_id}/results").json()
    assert results[0]["place"] == 1 and results[0]["prize_cents"] == 50_000
    with platform.sessions() as session:
        assert session.get(Challenge, challenge_id).completed_at is not None
        assert (
            session.scalar(
                sa.select(sa.func.count()).where(PrizeLedgerEntry.challenge_id == challenge_id)
            )
            == 2
        )


def test_a_cancelled_challenge_says_why(platform: Any) -> None:
    challenge_id = publish_reviewed(platform)
    sponsor = platform.bearer(Role.SPONSOR)
    short = sponsor.post(f"/api/v1/challenges/{challenge_id}/cancel", json={"reason": "x"})
    assert short.status_code == 422
    cancelled = sponsor.post(
        f"/api/v1/challenges/{challenge_id}/cancel", json={"reason": "The budget was cut."}
    )
    assert cancelled.status_code == 200
    seen = platform.bearer(Role.MEMBER).get(f"/api/v1/challenges/{challenge_id}").json()
    assert seen["summary"]["phase"] == "cancelled"
    assert seen["cancel_reason"] == "The budget was cut."
    assert (
        platform.bearer(Role.MEMBER)
        .post(f"/api/v1/challenges/{challenge_id}/registration")
        .status_code
        == 422
    )
