"""A challenge from posting to paid winners, through the domain functions only."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from renown.challenges import ledger, participation, posting, queries, reviews
from renown.challenges.access import challenge_phase
from renown.challenges.job import tick_challenges
from renown.challenges.phases import Phase
from renown.core.errors import InputError, Invalid, NotAllowed, NotFound
from renown.store import transaction
from renown.store.tables.challenges import (
    Challenge,
    ChallengeResult,
    ChallengeSubmission,
    PrizeLedgerEntry,
    RatingHistory,
    SkillRating,
)
from renown.store.tables.feedback import Notification
from tests.challenges.conftest import (
    AFTER,
    APPEALS,
    BEFORE,
    DAY,
    REGISTRATION,
    REVIEW,
    SUBMISSION,
    T0,
    Community,
    pdf,
    reviewed_draft,
    zipped,
)

FULL = {"requirements": 4, "quality": 4, "completeness": 4, "communication": 4}
GOOD = {"requirements": 4, "quality": 3, "completeness": 4, "communication": 3}
WEAK = {"requirements": 2, "quality": 2, "completeness": 2, "communication": 1}


def _published(db: sessionmaker[Session], c: Community, **changes: object) -> int:
    with transaction(db) as session:
        cid = posting.check_post_challenge(session, c.sponsor, reviewed_draft(**changes), BEFORE)
        posting.check_add_reviewer(session, c.sponsor, cid, "reviewer@acme.test", BEFORE)
        posting.check_add_reviewer(session, c.sponsor, cid, "REVIEWER2@acme.test", BEFORE)
        posting.check_publish(session, c.sponsor, cid, BEFORE)
    return cid


def _phase(db: sessionmaker[Session], cid: int, now: object) -> Phase:
    with db() as session:
        challenge = session.get(Challenge, cid)
        assert challenge is not None
        return challenge_phase(session, challenge, now)  # type: ignore[arg-type]


def test_a_challenge_runs_from_posting_to_paid_winners(
    db: sessionmaker[Session], community: Community
) -> None:
    c = community
    m0, m1, m2, _ = c.members
    cid = _published(db, c)
    assert _phase(db, cid, BEFORE) is Phase.SCHEDULED
    with transaction(db) as session:
        for m in (m0, m1, m2):
            assert participation.check_register(session, m, cid, REGISTRATION)
        assert not participation.check_register(session, m0, cid, REGISTRATION)
        # m0 submits before the checkpoint, then a better version; m1 a URL; m2 a weak file.
        participation.check_submit_file(
            session,
            m0,
            cid,
            filename="v1.pdf",
            data=pdf("one"),
            content_type=None,
            now=REGISTRATION,
        )
        receipt = participation.check_submit_file(
            session,
            m0,
            cid,
            filename="v2.zip",
            data=zipped(),
            content_type="application/zip",
            now=SUBMISSION,
        )
        assert receipt.version == 2
        participation.check_submit_url(
            session, m1, cid, url="https://git.example.org/m1/billing", now=SUBMISSION
        )
        participation.check_submit_file(
            session, m2, cid, filename="weak.pdf", data=pdf(), content_type=None, now=SUBMISSION
        )
    with transaction(db) as session, pytest.raises(Invalid, match="not possible now"):
        participation.check_submit_file(
            session, m0, cid, filename="late.pdf", data=pdf(), content_type=None, now=REVIEW
        )
    assert _phase(db, cid, REVIEW) is Phase.REVIEW

    with db() as session:
        tasks = queries.review_tasks(session, c.reviewer, cid, REVIEW)
        by_label = {t.label: t for t in tasks}
        assert len(tasks) == 3 and all(t.my_score is None for t in tasks)
        counted = {
            s.account_id: s.id
            for s in session.scalars(sa.select(ChallengeSubmission)).all()
            if s.version == (2 if s.account_id == m0.account_id else 1)
        }
    assert set(by_label) == {"Submission 1", "Submission 2", "Submission 3"}
    with transaction(db) as session:
        for reviewer in (c.reviewer, c.second_reviewer):
            reviews.check_review(
                session,
                reviewer,
                cid,
                counted[m0.account_id],
                answers=FULL,
                comment="Excellent",
                now=REVIEW,
            )
            reviews.check_review(
                session, reviewer, cid, counted[m1.account_id], answers=GOOD, comment="", now=REVIEW
            )
            reviews.check_review(
                session,
                reviewer,
                cid,
                counted[m2.account_id],
                answers=WEAK,
                comment="Incomplete",
                now=REVIEW,
            )
    # Everything reviewed before the deadline: appeals open at the planned time.
    assert _phase(db, cid, REVIEW) is Phase.REVIEW
    assert _phase(db, cid, APPEALS) is Phase.APPEALS
    with db() as session:
        seen = queries.reviews_for(session, m1, cid, APPEALS)
        assert {r.reviewer for r in seen} == {"Reviewer 1", "Reviewer 2"}
        assert all(r.member is None for r in seen)
        review_id = seen[0].id
        assert queries.reviews_for(session, m1, cid, REVIEW) == []
    with transaction(db) as session:
        appeal_id = reviews.check_appeal(
            session, m1, cid, review_id, question="quality", text="Tests cover 98 %.", now=APPEALS
        )
    assert _phase(db, cid, AFTER) is Phase.APPEALS_RESPONSE
    with transaction(db) as session:
        answerer = next(
            p
            for p in (c.reviewer, c.second_reviewer)
            if any(r.id == review_id for r in queries.reviews_for(session, p, cid, AFTER))
        )
        score = reviews.check_answer_appeal(
            session,
            answerer,
            cid,
            appeal_id,
            upheld=True,
            new_value=4,
            response="Agreed.",
            now=AFTER,
        )
    assert score > 80
    assert _phase(db, cid, AFTER) is Phase.WINNERS

    report = tick_challenges(db, AFTER)
    assert report.settled == 1
    assert tick_challenges(db, AFTER + DAY).settled == 0  # idempotent
    with db() as session:
        results = {r.account_id: r for r in session.scalars(sa.select(ChallengeResult)).all()}
        assert results[m0.account_id].place == 1 and results[m0.account_id].score == 100.0
        assert results[m1.account_id].place == 2
        assert results[m2.account_id].place is None and not results[m2.account_id].passed
        owed = {
            (e.account_id, e.kind, e.place): e.amount_cents
            for e in session.scalars(sa.select(PrizeLedgerEntry)).all()
        }
        # m0 submitted before the checkpoint (the checkpoint prize), m1 only after it.
        assert owed == {
            (m0.account_id, "placement", 1): 100_000,
            (m1.account_id, "placement", 2): 50_000,
            (m0.account_id, "checkpoint", 1): 10_000,
        }
        ratings = {r.account_id: r for r in session.scalars(sa.select(SkillRating)).all()}
        assert ratings[m0.account_id].mu > ratings[m1.account_id].mu > ratings[m2.account_id].mu
        assert session.scalar(sa.select(sa.func.count()).select_from(RatingHistory)) == 3
        texts = set(session.scalars(sa.select(Notification.text)))
        assert "You placed 1st in “Build the billing export”." in texts
        board = queries.final_results(session, m2, cid)
        assert [row.place for row in board] == [1, 2, None]
        assert board[0].prize_cents == 100_000
        entry_id = next(
            e.id
            for e in session.scalars(sa.select(PrizeLedgerEntry)).all()
            if e.kind == "placement" and e.place == 1
        )
    with transaction(db) as session, pytest.raises(NotAllowed):
        ledger.check_record_payment(session, c.other_sponsor, entry_id, reference="x", now=AFTER)
    with transaction(db) as session:
        line = ledger.check_record_payment(
            session, c.sponsor, entry_id, reference="WIRE-2025-0042", now=AFTER
        )
        assert line.paid_at == AFTER
    with transaction(db) as session, pytest.raises(Invalid, match="already"):
        ledger.check_record_payment(session, c.sponsor, entry_id, reference="again", now=AFTER)
    with db() as session:
        mine = ledger.ledger_for(session, m0)
        assert {(line.kind, line.paid_at is not None) for line in mine} == {
            ("placement", True),
            ("checkpoint", False),
        }
        assert ledger.ledger_for(session, m2) == []
        assert len(ledger.ledger_for(session, c.hr)) == 3
        assert len(ledger.ledger_for(session, c.sponsor)) == 3
        assert ledger.ledger_for(session, c.other_sponsor) == []


def test_late_reviews_hold_the_challenge_in_review_and_shift_the_appeals_window(
    db: sessionmaker[Session], community: Community
) -> None:
    c = community
    m0 = c.members[0]
    cid = _published(db, c)
    with transaction(db) as session:
        participation.check_register(session, m0, cid, REGISTRATION)
        receipt = participation.check_submit_file(
            session, m0, cid, filename="a.pdf", data=pdf(), content_type=None, now=REGISTRATION
        )
        reviews.check_review(
            session, c.reviewer, cid, receipt.submission_id, answers=FULL, comment="", now=REVIEW
        )
    # One review is missing at the deadline: still in review, two days later too.
    assert _phase(db, cid, APPEALS) is Phase.REVIEW
    late = APPEALS + 2 * DAY
    assert _phase(db, cid, late) is Phase.REVIEW
    # A reviewer who already reviewed cannot change it after the deadline; the late one can.
    with transaction(db) as session, pytest.raises(Invalid, match="closed"):
        reviews.check_review(
            session, c.reviewer, cid, receipt.submission_id, answers=WEAK, comment="", now=late
        )
    with transaction(db) as session:
        reviews.check_review(
            session,
            c.second_reviewer,
            cid,
            receipt.submission_id,
            answers=FULL,
            comment="",
            now=late,
        )
    # The appeals window (a day long, as planned) starts at the late review.
    assert _phase(db, cid, late + timedelta(hours=23)) is Phase.APPEALS
    assert _phase(db, cid, late + DAY) is Phase.WINNERS
    assert tick_challenges(db, late + DAY).settled == 1


def test_who_may_do_what(db: sessionmaker[Session], community: Community) -> None:
    c = community
    with transaction(db) as session:
        cid = posting.check_post_challenge(session, c.sponsor, reviewed_draft(), BEFORE)
    with db() as session:
        # A draft is the sponsor's (and admins') alone.
        for stranger in (c.members[0], c.other_sponsor, c.hr, c.outsider):
            with pytest.raises(NotFound):
                queries.challenge_detail(session, stranger, cid, BEFORE)
        assert queries.challenge_detail(session, c.admin, cid, BEFORE).summary.runs
        assert [s.id for s in queries.list_challenges(session, c.members[0], BEFORE)] == []
    for poster in (c.members[0], c.employee, c.recruiter):
        with transaction(db) as session, pytest.raises(NotAllowed):
            posting.check_post_challenge(session, poster, reviewed_draft(), BEFORE)
    with transaction(db) as session, pytest.raises(Invalid, match="reviewer"):
        posting.check_publish(session, c.sponsor, cid, BEFORE)
    with transaction(db) as session, pytest.raises(NotFound):  # another sponsor's draft
        posting.check_add_reviewer(session, c.other_sponsor, cid, "reviewer@acme.test", BEFORE)
    with transaction(db) as session, pytest.raises(NotFound):
        posting.check_add_reviewer(session, c.sponsor, cid, "m@globex.test", BEFORE)
    with transaction(db) as session, pytest.raises(Invalid, match="reviewers are"):
        posting.check_add_reviewer(session, c.sponsor, cid, "hr@acme.test", BEFORE)
    cid = _published(db, c)
    with transaction(db) as session, pytest.raises(NotAllowed):  # sees it, does not run it
        posting.check_add_reviewer(session, c.other_sponsor, cid, "m1@acme.test", BEFORE)
    for role_without_part in (c.hr, c.recruiter, c.admin, c.sponsor, c.other_sponsor):
        with transaction(db) as session, pytest.raises(NotAllowed):
            participation.check_register(session, role_without_part, cid, REGISTRATION)
    with transaction(db) as session, pytest.raises(Invalid, match="reviewer"):
        participation.check_register(session, c.reviewer, cid, REGISTRATION)
    with transaction(db) as session, pytest.raises(NotFound):
        participation.check_register(session, c.outsider, cid, REGISTRATION)
    with transaction(db) as session, pytest.raises(Invalid, match="not possible now"):
        participation.check_register(session, c.members[0], cid, BEFORE)
    with transaction(db) as session, pytest.raises(Invalid, match="register"):
        participation.check_submit_url(
            session, c.members[0], cid, url="https://example.org/x", now=REGISTRATION
        )
    with transaction(db) as session:
        participation.check_register(session, c.employee, cid, REGISTRATION)
        receipt = participation.check_submit_file(
            session,
            c.employee,
            cid,
            filename="a.pdf",
            data=pdf(),
            content_type=None,
            now=REGISTRATION,
        )
    with transaction(db) as session, pytest.raises(Invalid, match="registered participant"):
        posting.check_add_reviewer(session, c.sponsor, cid, "employee@acme.test", REGISTRATION)
    with db() as session:
        # The file: its author at once; reviewers and the sponsor once submissions close.
        assert queries.submission_file(session, c.employee, receipt.submission_id, REGISTRATION)
        for early in (c.reviewer, c.sponsor, c.members[1]):
            with pytest.raises(NotFound):
                queries.submission_file(session, early, receipt.submission_id, REGISTRATION)
        assert queries.submission_file(session, c.reviewer, receipt.submission_id, REVIEW)
        with pytest.raises(NotFound):
            queries.submission_file(session, c.members[1], receipt.submission_id, REVIEW)
        with pytest.raises(NotAllowed):
            queries.review_tasks(session, c.members[1], cid, REVIEW)
    with transaction(db) as session, pytest.raises(NotAllowed):
        reviews.check_review(
            session, c.members[1], cid, receipt.submission_id, answers=FULL, comment="", now=REVIEW
        )


def test_bad_submissions_are_refused_and_store_nothing(
    db: sessionmaker[Session], community: Community
) -> None:
    c = community
    m0 = c.members[0]
    cid = _published(db, c, max_submission_bytes=2048, accepts_urls=True)
    with transaction(db) as session:
        participation.check_register(session, m0, cid, REGISTRATION)
    cases: list[tuple[str, bytes, type[Exception], str]] = [
        ("big.pdf", pdf("x" * 5000), InputError, "at most 2,048"),
        ("notes.exe", b"MZ...", InputError, "not an accepted file type"),
        ("fake.pdf", b"<html>hello</html>", InputError, "does not look like a .pdf"),
        ("empty.zip", b"", InputError, "is empty"),
        ("bad\x00name.pdf", pdf(), InputError, "file name"),
    ]
    for name, data, error, message in cases:
        with transaction(db) as session, pytest.raises(error, match=message):
            participation.check_submit_file(
                session, m0, cid, filename=name, data=data, content_type=None, now=REGISTRATION
            )
    for url in (
        "javascript:alert(1)",
        "http://plain.example.org/x",
        "https://u:p@h.org/x",
        "https://",
        "https://a.org/" + "x" * 600,
        "https://a.org/x y",
    ):
        with transaction(db) as session, pytest.raises(Invalid):
            participation.check_submit_url(session, m0, cid, url=url, now=REGISTRATION)
    with db() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(ChallengeSubmission)) == 0
    with transaction(db) as session:
        # A path is reduced to its last part: stored under a plain name, never a path.
        participation.check_submit_file(
            session,
            m0,
            cid,
            filename="../../etc/passwd.pdf",
            data=pdf(),
            content_type=None,
            now=REGISTRATION,
        )
    with db() as session:
        assert list(session.scalars(sa.select(ChallengeSubmission.filename))) == ["passwd.pdf"]


def test_scorecards_out_of_range_and_appeals_out_of_time_are_refused(
    db: sessionmaker[Session], community: Community
) -> None:
    c = community
    m0 = c.members[0]
    cid = _published(db, c)
    with transaction(db) as session:
        participation.check_register(session, m0, cid, REGISTRATION)
        sid = participation.check_submit_file(
            session, m0, cid, filename="a.pdf", data=pdf(), content_type=None, now=REGISTRATION
        ).submission_id
    bad_answers = [
        ({**FULL, "quality": 5}, "between 1 and 4"),
        ({**FULL, "quality": "lots"}, "number"),
        ({k: v for k, v in FULL.items() if k != "quality"}, "not answered"),
        ({**FULL, "extra": 1}, "no question"),
        ({**FULL, "quality": float("nan")}, "finite"),
    ]
    for answers, message in bad_answers:
        with transaction(db) as session, pytest.raises(Invalid, match=message):
            reviews.check_review(
                session, c.reviewer, cid, sid, answers=answers, comment="", now=REVIEW
            )
    with transaction(db) as session, pytest.raises(Invalid, match="not possible now"):
        reviews.check_review(
            session, c.reviewer, cid, sid, answers=FULL, comment="", now=SUBMISSION
        )
    with transaction(db) as session:
        rid = None
        for reviewer in (c.reviewer, c.second_reviewer):
            reviews.check_review(session, reviewer, cid, sid, answers=GOOD, comment="", now=REVIEW)
        rid = queries.reviews_for(session, c.sponsor, cid, REVIEW)[0].id
    with transaction(db) as session, pytest.raises(Invalid, match="not possible now"):
        reviews.check_appeal(session, m0, cid, rid, question="quality", text="x", now=REVIEW)
    with transaction(db) as session, pytest.raises(NotFound):
        reviews.check_appeal(
            session, c.members[1], cid, rid, question="quality", text="x", now=APPEALS
        )
    with transaction(db) as session, pytest.raises(Invalid, match="no question"):
        reviews.check_appeal(session, m0, cid, rid, question="nope", text="x", now=APPEALS)
    with transaction(db) as session:
        aid = reviews.check_appeal(
            session, m0, cid, rid, question="quality", text="Why?", now=APPEALS
        )
    with transaction(db) as session, pytest.raises(Invalid, match="already been appealed"):
        reviews.check_appeal(session, m0, cid, rid, question="quality", text="Again", now=APPEALS)
    with transaction(db) as session, pytest.raises(Invalid, match="between"):
        answering = next(
            p
            for p in (c.reviewer, c.second_reviewer)
            if any(r.id == rid for r in queries.reviews_for(session, p, cid, APPEALS))
        )
        reviews.check_answer_appeal(
            session, answering, cid, aid, upheld=True, new_value=9, response="ok", now=APPEALS
        )
    with transaction(db) as session, pytest.raises(NotAllowed):
        reviews.check_answer_appeal(
            session, m0, cid, aid, upheld=False, new_value=None, response="no", now=APPEALS
        )


def test_cancelling_says_why_and_stops_everything(
    db: sessionmaker[Session], community: Community
) -> None:
    c = community
    cid = _published(db, c)
    with transaction(db) as session:
        participation.check_register(session, c.members[0], cid, REGISTRATION)
        posting.check_cancel(session, c.sponsor, cid, "The project was stopped.", REGISTRATION)
    assert _phase(db, cid, SUBMISSION) is Phase.CANCELLED
    with transaction(db) as session, pytest.raises(Invalid, match="cancelled"):
        participation.check_submit_url(
            session, c.members[0], cid, url="https://example.org/x", now=REGISTRATION
        )
    assert tick_challenges(db, AFTER).settled == 0
    with db() as session:
        detail = queries.challenge_detail(session, c.members[0], cid, REGISTRATION)
        assert detail.cancel_reason == "The project was stopped."


def test_published_rules_are_fixed(db: sessionmaker[Session], community: Community) -> None:
    c = community
    cid = _published(db, c)
    with transaction(db) as session, pytest.raises(Invalid, match="not possible now"):
        posting.check_edit_challenge(session, c.sponsor, cid, reviewed_draft(prizes=(1,)), T0)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": "x"}, "title"),
        ({"kind": "poetry"}, "kinds of challenge offered"),
        ({"prizes": ()}, "at least one placement"),
        ({"prizes": (100, 200)}, "larger than prize 1"),
        ({"prizes": (-5,)}, "positive"),
        ({"currency": "dollars"}, "currency"),
        ({"metric": "accuracy"}, "only automatically scored"),
        ({"file_types": (".exe",)}, "not accepted"),
        ({"file_types": (), "accepts_urls": False}, "at least one file type"),
        ({"scorecard": ({"key": "a", "text": "A", "weight": 1, "min": 4, "max": 1},)}, "max"),
        ({"specification": "x" * 50_001}, "specification"),
        ({"skills": tuple(f"s{i}" for i in range(21))}, "at most 20 skills"),
        ({"passing_score": 101}, "passing score"),
    ],
)
def test_a_bad_draft_is_refused(
    db: sessionmaker[Session], community: Community, changes: dict[str, object], message: str
) -> None:
    with transaction(db) as session, pytest.raises(Invalid, match=message):
        posting.check_post_challenge(session, community.sponsor, reviewed_draft(**changes), BEFORE)
    with db() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Challenge)) == 0


def test_a_reviewer_who_never_reviews_is_replaced_and_their_scorecards_go_with_them(
    db: sessionmaker[Session], community: Community
) -> None:
    c = community
    m0, m1 = c.members[:2]
    cid = _published(db, c)
    with transaction(db) as session:
        ids = []
        for m in (m0, m1):
            participation.check_register(session, m, cid, REGISTRATION)
            ids.append(
                participation.check_submit_url(
                    session, m, cid, url=f"https://git.example.org/{m.account_id}", now=REGISTRATION
                ).submission_id
            )
        # The second reviewer scores one submission, then disappears.
        reviews.check_review(
            session, c.second_reviewer, cid, ids[0], answers=WEAK, comment="", now=REVIEW
        )
        for sid in ids:
            reviews.check_review(
                session, c.reviewer, cid, sid, answers=FULL, comment="", now=REVIEW
            )
    stuck = APPEALS + 5 * DAY
    assert _phase(db, cid, stuck) is Phase.REVIEW
    with transaction(db) as session:
        posting.check_remove_reviewer(session, c.sponsor, cid, c.second_reviewer.account_id, stuck)
    # Their half-done work no longer counts; the review is complete with the one who remains.
    assert _phase(db, cid, stuck) is Phase.APPEALS
    with transaction(db) as session, pytest.raises(Invalid, match="not possible now"):
        posting.check_add_reviewer(session, c.sponsor, cid, "reviewer2@acme.test", stuck)
    assert tick_challenges(db, stuck + DAY).settled == 1
    with db() as session:
        scores = {r.account_id: r.score for r in session.scalars(sa.select(ChallengeResult))}
    assert scores == {m0.account_id: 100.0, m1.account_id: 100.0}


def test_a_replacement_reviewer_can_be_named_during_the_review(
    db: sessionmaker[Session], community: Community
) -> None:
    c = community
    cid = _published(db, c)
    with transaction(db) as session:
        participation.check_register(session, c.members[0], cid, REGISTRATION)
        participation.check_submit_url(
            session, c.members[0], cid, url="https://git.example.org/x", now=REGISTRATION
        )
        posting.check_remove_reviewer(session, c.sponsor, cid, c.second_reviewer.account_id, REVIEW)
        posting.check_add_reviewer(session, c.sponsor, cid, "m3@acme.test", REVIEW)
    with db() as session:
        assert queries.review_tasks(session, c.members[3], cid, REVIEW)
