"""The demo's challenge community: members, past challenges with winners, and open ones.

Everything goes through the challenge domain with past instants as ``now`` (post, publish,
register, submit, review, settle), so the demo's results, prize ledger and ratings are what
the product itself would have written. Relative to today:

* six completed challenges over the past year (ratings, wins, a ledger with prizes paid and
  some still owed to the demo member);
* one data-science challenge taking submissions, with a public leaderboard;
* one development challenge open for registration (the demo member can register);
* one in review, where the demo member is a reviewer with blind scorecards to fill.

The demo sponsor sponsors them all; the demo employee takes part in two (a rating that
reaches the promotion boards). Idempotent: an organisation that has challenges is left alone.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Final

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from renown.accounts.actions import do_create_account, principal_of
from renown.accounts.principal import Principal
from renown.challenges import participation, posting, reviews
from renown.challenges.access import counted_submissions
from renown.challenges.job import tick_challenges
from renown.challenges.phases import Schedule
from renown.challenges.posting import ChallengeDraft
from renown.core.roles import Role
from renown.store.engine import transaction
from renown.store.tables.challenges import Challenge, MemberProfile, PrizeLedgerEntry

Step = Callable[[str], None]
SEED: Final = 17
MEMBERS: Final = 24
DAY: Final = timedelta(days=1)
NAMES: Final = (
    "ada_l",
    "bitwise",
    "c0rvus",
    "dlinh",
    "emeka",
    "fjord",
    "gkaur",
    "hexhana",
    "iris_t",
    "jmarsh",
    "kwame",
    "lumen",
    "mkovac",
    "nadia_s",
    "oyelaran",
    "pqrs",
    "quill",
    "rtanaka",
    "sol_e",
    "tgarcia",
    "ulla",
    "vikram",
    "wren",
    "xyuan",
)
SKILLS: Final = (
    ("python", "sql"),
    ("react", "typescript"),
    ("ux design", "figma"),
    ("go", "kubernetes"),
    ("machine learning", "python"),
    ("rust",),
    ("java", "spring"),
    ("data visualisation", "d3"),
)
PAST: Final = (
    ("Invoice OCR service", "development", ("python", "machine learning")),
    ("Design the onboarding flow", "design", ("ux design", "figma")),
    ("Rate limiter for the public API", "development", ("go",)),
    ("Accessible charts library", "development", ("typescript", "d3")),
    ("Mobile checkout redesign", "design", ("figma",)),
    ("Fix the flaky CI pipeline first", "first_to_finish", ("python", "kubernetes")),
)
SPEC: Final = """## The problem

{title} for the Acme platform team. Read the brief, ask questions in the forum, and submit
your work before submissions close.

## What to deliver

- Working code or design files, with a short read-me
- Tests (or, for design, the reasoning behind each screen)

## How it is judged

Two reviewers fill the scorecard; appeals are answered before winners are named.
"""


def _member(session: Session, org_id: int, handle: str, skills: tuple[str, ...]) -> Principal:
    account = do_create_account(
        session,
        org_id=org_id,
        email=f"{handle}@community.example",
        password=None,
        role=Role.MEMBER,
    )
    session.flush()
    session.add(
        MemberProfile(
            account_id=account.id,
            org_id=org_id,
            display_name=handle,
            headline=f"{skills[0].title()} specialist",
            skills=list(skills),
            availability="available",
            listed=True,
        )
    )
    return principal_of(account)


def _draft(
    title: str, kind: str, skills: tuple[str, ...], schedule: Schedule, prize: int
) -> ChallengeDraft:
    return ChallengeDraft(
        title=title,
        specification=SPEC.format(title=title),
        kind=kind,
        schedule=schedule,
        sponsor_name="Acme platform team",
        prizes=(prize, prize // 2),
        skills=skills,
        file_types=(".zip", ".pdf"),
    )


def _schedule(start: datetime) -> Schedule:
    return Schedule(
        registration_starts_at=start,
        registration_ends_at=start + 5 * DAY,
        submission_ends_at=start + 7 * DAY,
        review_ends_at=start + 9 * DAY,
        appeals_ends_at=start + 10 * DAY,
    )


def _answers(skill: float, rng: random.Random) -> dict[str, object]:
    def mark() -> float:
        return float(min(4, max(1, round(skill + rng.gauss(0, 0.5)))))

    return {
        "requirements": mark(),
        "quality": mark(),
        "completeness": mark(),
        "communication": mark(),
    }


def seed_challenges(
    sessions: sessionmaker[Session],
    sponsor: Principal,
    member: Principal,
    employee: Principal,
    step: Step,
) -> None:
    """The community and its challenges, the first time only."""
    with sessions() as session:
        if session.scalar(
            sa.select(Challenge.id).where(Challenge.org_id == sponsor.org_id).limit(1)
        ):
            return
    step(f"seeding the challenge community ({MEMBERS} members, {len(PAST) + 3} challenges)")
    rng = random.Random(SEED)  # nosec B311 - demo data, not security
    today = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    with transaction(sessions) as session:
        community = [
            _member(session, sponsor.org_id, handle, SKILLS[i % len(SKILLS)])
            for i, handle in enumerate(NAMES[:MEMBERS])
        ]
        if session.get(MemberProfile, member.account_id) is None:
            session.add(
                MemberProfile(
                    account_id=member.account_id,
                    org_id=member.org_id,
                    display_name="demo_member",
                    headline="Full-stack developer",
                    skills=["python", "react", "sql"],
                )
            )
    reviewers, competitors = community[:2], community[2:]
    skill = {p.account_id: rng.uniform(1.5, 4.0) for p in [*competitors, member, employee]}
    skill[member.account_id] = 3.8
    for index, (title, kind, skills) in enumerate(PAST):
        start = today - timedelta(days=330 - 55 * index)
        entrants = [*rng.sample(competitors, 7), member]
        if index in {1, 4}:
            entrants.append(employee)
        _run_past(
            sessions,
            sponsor,
            reviewers,
            entrants,
            _draft(title, kind, skills, _schedule(start), 150_000 + 25_000 * index),
            skill,
            rng,
        )
    _open_challenges(sessions, sponsor, member, reviewers, competitors, today, skill, rng)
    with transaction(sessions) as session:
        # The older prizes were paid; the last two challenges' are still owed.
        owed = list(
            session.scalars(
                sa.select(PrizeLedgerEntry)
                .where(PrizeLedgerEntry.org_id == sponsor.org_id)
                .order_by(PrizeLedgerEntry.owed_at)
            )
        )
        for entry in owed[: max(0, len(owed) - 4)]:
            entry.paid_at = entry.owed_at + 3 * DAY
            entry.paid_by_account_id = sponsor.account_id
            entry.reference = f"PAY-{entry.id:05d}"
    tick_challenges(sessions, datetime.now(UTC))  # what the worker would record now


def _run_past(
    sessions: sessionmaker[Session],
    sponsor: Principal,
    reviewers: list[Principal],
    entrants: list[Principal],
    draft: ChallengeDraft,
    skill: dict[int, float],
    rng: random.Random,
) -> None:
    plan = draft.schedule
    with transaction(sessions) as session:
        cid = posting.check_post_challenge(
            session, sponsor, draft, plan.registration_starts_at - DAY
        )
        for reviewer in reviewers:
            posting.check_add_reviewer(
                session, sponsor, cid, reviewer.email, plan.registration_starts_at - DAY
            )
        posting.check_publish(session, sponsor, cid, plan.registration_starts_at - DAY)
        for offset, entrant in enumerate(entrants):
            at = plan.registration_starts_at + timedelta(hours=2 + offset)
            participation.check_register(session, entrant, cid, at)
            participation.check_submit_url(
                session,
                entrant,
                cid,
                url=f"https://git.example.org/{entrant.account_id}/{cid}",
                now=plan.registration_ends_at + timedelta(hours=offset),
            )
        challenge = session.get(Challenge, cid)
        assert challenge is not None
        counted = counted_submissions(session, challenge)
        review_at = plan.submission_ends_at + DAY
        for submission in counted:
            for reviewer in reviewers:
                reviews.check_review(
                    session,
                    reviewer,
                    cid,
                    submission.id,
                    answers=_answers(skill[submission.account_id], rng),
                    comment="",
                    now=review_at,
                )
    tick_challenges(sessions, plan.appeals_ends_at + timedelta(hours=1))


def _open_challenges(
    sessions: sessionmaker[Session],
    sponsor: Principal,
    member: Principal,
    reviewers: list[Principal],
    competitors: list[Principal],
    today: datetime,
    skill: dict[int, float],
    rng: random.Random,
) -> None:
    with transaction(sessions) as session:
        # Open for registration: the demo member can register and submit.
        open_plan = _schedule(today - DAY)
        cid = posting.check_post_challenge(
            session,
            sponsor,
            _draft(
                "Usage analytics dashboard", "development", ("react", "sql"), open_plan, 300_000
            ),
            today - 2 * DAY,
        )
        for reviewer in reviewers:
            posting.check_add_reviewer(session, sponsor, cid, reviewer.email, today - 2 * DAY)
        posting.check_publish(session, sponsor, cid, today - 2 * DAY)
        for entrant in competitors[:5]:
            participation.check_register(session, entrant, cid, today - DAY + timedelta(hours=3))
        # In review: the demo member reviews, blind.
        review_plan = _schedule(today - 8 * DAY)
        rid = posting.check_post_challenge(
            session,
            sponsor,
            _draft("Search relevance tuning", "development", ("python",), review_plan, 200_000),
            today - 9 * DAY,
        )
        posting.check_add_reviewer(session, sponsor, rid, member.email, today - 9 * DAY)
        posting.check_publish(session, sponsor, rid, today - 9 * DAY)
        for offset, entrant in enumerate(competitors[5:9]):
            participation.check_register(
                session,
                entrant,
                rid,
                review_plan.registration_starts_at + timedelta(hours=offset + 1),
            )
            participation.check_submit_url(
                session,
                entrant,
                rid,
                url=f"https://git.example.org/{entrant.account_id}/{rid}",
                now=review_plan.registration_ends_at + timedelta(hours=offset),
            )
    _open_science(sessions, sponsor, competitors, today, skill, rng)


def _open_science(
    sessions: sessionmaker[Session],
    sponsor: Principal,
    competitors: list[Principal],
    today: datetime,
    skill: dict[int, float],
    rng: random.Random,
) -> None:
    ids = [f"c{n:04d}" for n in range(400)]
    truth = {i: rng.choice(("stay", "leave")) for i in ids}
    key = ("id,target\n" + "".join(f"{i},{truth[i]}\n" for i in ids)).encode()
    plan = Schedule(
        registration_starts_at=today - 3 * DAY,
        registration_ends_at=today + 10 * DAY,
        submission_ends_at=today + 14 * DAY,
        review_ends_at=today + 14 * DAY,
        appeals_ends_at=today + 14 * DAY,
    )
    draft = ChallengeDraft(
        title="Predict customer churn",
        specification="Predict `stay` or `leave` for every customer id. Upload `id,prediction`.",
        kind="data_science",
        schedule=plan,
        sponsor_name="Acme data team",
        prizes=(250_000, 100_000, 50_000),
        skills=("machine learning", "python"),
        metric="accuracy",
    )
    with transaction(sessions) as session:
        cid = posting.check_post_challenge(session, sponsor, draft, today - 4 * DAY)
        posting.check_upload_answer_key(
            session, sponsor, cid, key, "churn-key.csv", today - 4 * DAY
        )
        posting.check_publish(session, sponsor, cid, today - 4 * DAY)
        for offset, entrant in enumerate(competitors[:8]):
            at = today - 2 * DAY + timedelta(hours=offset)
            participation.check_register(session, entrant, cid, at)
            right = skill[entrant.account_id] / 4.2
            flipped = {"stay": "leave", "leave": "stay"}
            lines = ["id,prediction"] + [
                f"{i},{truth[i] if rng.random() < right else flipped[truth[i]]}" for i in ids
            ]
            participation.check_submit_file(
                session,
                entrant,
                cid,
                filename="predictions.csv",
                data=("\n".join(lines) + "\n").encode(),
                content_type="text/csv",
                now=at + timedelta(minutes=30),
            )
