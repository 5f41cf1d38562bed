"""Reading challenges: lists, a challenge's page, review tasks, reviews, boards and files.

Who sees what:

* every account of the organisation sees published challenges; drafts only their sponsor
  and administrators;
* a member sees their own submissions; the sponsor sees every submission once submissions
  have closed; reviewers see the counted submissions, blind (no member named), in review;
* the public leaderboard (automatic challenges) shows public scores while the challenge
  runs; private scores and final results only once the winners are recorded (the sponsor
  sees the private board from the close of submissions);
* reviews: see :func:`renown.challenges.reviews.reviews_visible_to`.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, undefer

from renown.accounts.principal import Principal
from renown.challenges.access import (
    challenge_for,
    challenge_phase,
    counted_submissions,
    reviews_done_at,
    runs,
    schedule_of,
)
from renown.challenges.autoscore import Metric
from renown.challenges.phases import PHASE_LABELS, Phase, appeals_window
from renown.challenges.results import (
    AppealView,
    BoardRow,
    ChallengeDetail,
    ChallengeSummary,
    Prize,
    ReviewTask,
    ReviewView,
    ScorecardQuestion,
    SubmissionVersion,
)
from renown.challenges.reviews import reviews_visible_to
from renown.challenges.roles import OPERATORS, PARTICIPANTS
from renown.core.errors import NotAllowed, NotFound
from renown.store.tables.accounts import Account
from renown.store.tables.challenges import (
    Challenge,
    ChallengeAnswerKey,
    ChallengeAppeal,
    ChallengePrize,
    ChallengeRegistration,
    ChallengeResult,
    ChallengeReview,
    ChallengeReviewer,
    ChallengeSubmission,
    MemberProfile,
)


def member_names(session: Session, account_ids: set[int] | list[int]) -> dict[int, str]:
    """Display names of members (their marketplace name, else ``member <id>``)."""
    found = dict(
        session.execute(
            sa.select(MemberProfile.account_id, MemberProfile.display_name).where(
                MemberProfile.account_id.in_(set(account_ids))
            )
        ).all()
    )
    return {a: found.get(a, f"member {a}") for a in account_ids}


def _summaries(
    session: Session, principal: Principal, challenges: list[Challenge], now: datetime
) -> list[ChallengeSummary]:
    ids = [c.id for c in challenges]
    totals: dict[int, int] = defaultdict(int)
    for challenge_id, cents in session.execute(
        sa.select(ChallengePrize.challenge_id, ChallengePrize.amount_cents).where(
            ChallengePrize.challenge_id.in_(ids)
        )
    ):
        totals[challenge_id] += cents
    counts = dict(
        session.execute(
            sa.select(ChallengeRegistration.challenge_id, sa.func.count())
            .where(ChallengeRegistration.challenge_id.in_(ids))
            .group_by(ChallengeRegistration.challenge_id)
        ).all()
    )
    mine = set(
        session.scalars(
            sa.select(ChallengeRegistration.challenge_id).where(
                ChallengeRegistration.challenge_id.in_(ids),
                ChallengeRegistration.account_id == principal.account_id,
            )
        )
    )
    result = []
    for c in challenges:
        phase = challenge_phase(session, c, now)
        result.append(
            ChallengeSummary(
                id=c.id,
                title=c.title,
                sponsor_name=c.sponsor_name,
                kind=c.kind,
                skills=list(c.skills),
                phase=phase.value,
                phase_label=PHASE_LABELS[phase],
                prize_total_cents=totals[c.id],
                currency=c.currency,
                registration_starts_at=c.registration_starts_at,
                registration_ends_at=c.registration_ends_at,
                submission_ends_at=c.submission_ends_at,
                registrants=counts.get(c.id, 0),
                registered=c.id in mine,
                runs=runs(principal, c),
            )
        )
    return result


def list_challenges(
    session: Session,
    principal: Principal,
    now: datetime,
    *,
    phase: str | None = None,
    skill: str | None = None,
    text: str | None = None,
    mine: bool = False,
    limit: int = 200,
) -> list[ChallengeSummary]:
    """Challenges the principal may see, newest first, filtered as asked.

    ``mine``: the challenges the principal registered for, reviews, or runs.
    """
    query = sa.select(Challenge).where(Challenge.org_id == principal.org_id)
    if principal.role not in OPERATORS:
        query = query.where(
            sa.or_(
                Challenge.published_at.is_not(None),
                Challenge.sponsor_account_id == principal.account_id,
            )
        )
    if mine:
        registered = sa.select(ChallengeRegistration.challenge_id).where(
            ChallengeRegistration.account_id == principal.account_id
        )
        reviewing = sa.select(ChallengeReviewer.challenge_id).where(
            ChallengeReviewer.account_id == principal.account_id
        )
        query = query.where(
            sa.or_(
                Challenge.id.in_(registered),
                Challenge.id.in_(reviewing),
                Challenge.sponsor_account_id == principal.account_id,
            )
        )
    if text:
        pattern = f"%{text.strip().lower()}%"
        query = query.where(
            sa.or_(
                sa.func.lower(Challenge.title).like(pattern),
                sa.func.lower(Challenge.sponsor_name).like(pattern),
            )
        )
    rows = list(session.scalars(query.order_by(Challenge.created_at.desc(), Challenge.id.desc())))
    if skill:
        wanted = skill.strip().lower()
        rows = [c for c in rows if wanted in c.skills]
    summaries = _summaries(session, principal, rows, now)
    if phase:
        summaries = [s for s in summaries if s.phase == phase]
    return summaries[:limit]


def _versions(
    session: Session, challenge: Challenge, account_id: int, counted_id: int | None
) -> list[SubmissionVersion]:
    rows = session.scalars(
        sa.select(ChallengeSubmission)
        .where(
            ChallengeSubmission.challenge_id == challenge.id,
            ChallengeSubmission.account_id == account_id,
        )
        .order_by(ChallengeSubmission.version.desc())
    )
    return [
        SubmissionVersion(
            id=s.id,
            version=s.version,
            submitted_at=s.submitted_at,
            filename=s.filename,
            size=s.size,
            url=s.url,
            public_score=s.public_score,
            counts=s.id == counted_id,
        )
        for s in rows
    ]


def challenge_detail(
    session: Session, principal: Principal, challenge_id: int, now: datetime
) -> ChallengeDetail:
    """The challenge's page for the principal."""
    challenge = challenge_for(session, principal, challenge_id)
    (summary,) = _summaries(session, principal, [challenge], now)
    phase = Phase(summary.phase)
    prizes = [
        Prize(kind=p.kind, place=p.place, amount_cents=p.amount_cents)
        for p in session.scalars(
            sa.select(ChallengePrize)
            .where(ChallengePrize.challenge_id == challenge.id)
            .order_by(ChallengePrize.kind.desc(), ChallengePrize.place)
        )
    ]
    is_reviewer = session.get(ChallengeReviewer, (challenge.id, principal.account_id)) is not None
    runner = runs(principal, challenge)
    counted = {s.account_id: s.id for s in counted_submissions(session, challenge)}
    automatic = challenge.metric is not None
    window = None
    if not automatic and phase not in {Phase.DRAFT, Phase.SCHEDULED}:
        done = reviews_done_at(session, challenge)
        if done is not None and now >= challenge.submission_ends_at:
            window = appeals_window(schedule_of(challenge), done)
    reviewers: list[str] = []
    key_rows = None
    if runner:
        reviewers = list(
            session.scalars(
                sa.select(Account.email)
                .join(ChallengeReviewer, ChallengeReviewer.account_id == Account.id)
                .where(ChallengeReviewer.challenge_id == challenge.id)
                .order_by(Account.email)
            )
        )
        key = session.get(ChallengeAnswerKey, challenge.id)
        key_rows = key.rows if key is not None else None
    participant = principal.role in PARTICIPANTS and not runner and not is_reviewer
    return ChallengeDetail(
        summary=summary,
        specification=challenge.specification,
        prizes=prizes,
        scorecard=[
            ScorecardQuestion(q["key"], q["text"], q["weight"], q["min"], q["max"])
            for q in challenge.scorecard
        ],
        metric=challenge.metric,
        public_fraction=challenge.public_fraction if automatic else None,
        daily_scored_limit=challenge.daily_scored_limit if automatic else None,
        passing_score=challenge.passing_score,
        file_types=list(challenge.file_types),
        accepts_urls=challenge.accepts_urls,
        max_submission_bytes=challenge.max_submission_bytes,
        checkpoint_at=challenge.checkpoint_at,
        review_ends_at=challenge.review_ends_at,
        appeals_ends_at=challenge.appeals_ends_at,
        appeals_window=window,
        cancel_reason=challenge.cancel_reason,
        completed_at=challenge.completed_at,
        is_reviewer=is_reviewer,
        can_register=participant and phase is Phase.REGISTRATION and not summary.registered,
        can_submit=summary.registered and phase in {Phase.REGISTRATION, Phase.SUBMISSION},
        my_submissions=_versions(
            session, challenge, principal.account_id, counted.get(principal.account_id)
        ),
        reviewers=reviewers,
        answer_key_rows=key_rows,
    )


def review_tasks(
    session: Session, principal: Principal, challenge_id: int, now: datetime
) -> list[ReviewTask]:
    """The counted submissions a reviewer scores, with their own scorecards so far."""
    challenge = challenge_for(session, principal, challenge_id)
    if session.get(ChallengeReviewer, (challenge.id, principal.account_id)) is None:
        raise NotAllowed("only the challenge's reviewers see its review tasks")
    if now < challenge.submission_ends_at:
        return []
    mine = {
        r.submission_id: r
        for r in session.scalars(
            sa.select(ChallengeReview).where(
                ChallengeReview.challenge_id == challenge.id,
                ChallengeReview.reviewer_account_id == principal.account_id,
            )
        )
    }
    tasks = []
    for index, s in enumerate(sorted(counted_submissions(session, challenge), key=lambda s: s.id)):
        review = mine.get(s.id)
        tasks.append(
            ReviewTask(
                submission_id=s.id,
                label=f"Submission {index + 1}",
                submitted_at=s.submitted_at,
                filename=s.filename,
                url=s.url,
                size=s.size,
                my_score=review.score if review else None,
                my_answers=dict(review.answers) if review else {},
                my_comment=review.comment if review else "",
            )
        )
    return tasks


def reviews_for(
    session: Session, principal: Principal, challenge_id: int, now: datetime
) -> list[ReviewView]:
    """The reviews the principal may read, with their appeals."""
    challenge = challenge_for(session, principal, challenge_id)
    reviews = reviews_visible_to(session, principal, challenge, now)
    runner = runs(principal, challenge)
    appeals: dict[int, list[AppealView]] = defaultdict(list)
    for a in session.scalars(
        sa.select(ChallengeAppeal)
        .where(ChallengeAppeal.review_id.in_([r.id for r in reviews]))
        .order_by(ChallengeAppeal.id)
    ):
        appeals[a.review_id].append(
            AppealView(
                id=a.id,
                question=a.question,
                text=a.text,
                raised_at=a.raised_at,
                outcome=a.outcome,
                response=a.response,
                previous_value=a.previous_value,
                new_value=a.new_value,
            )
        )
    reviewer_numbers: dict[int, int] = {}
    for account_id in sorted({r.reviewer_account_id for r in reviews}):
        reviewer_numbers[account_id] = len(reviewer_numbers) + 1
    authors = dict(
        session.execute(
            sa.select(ChallengeSubmission.id, ChallengeSubmission.account_id).where(
                ChallengeSubmission.id.in_([r.submission_id for r in reviews])
            )
        ).all()
    )
    names = member_names(session, set(authors.values())) if runner else {}
    return [
        ReviewView(
            id=r.id,
            submission_id=r.submission_id,
            reviewer=f"Reviewer {reviewer_numbers[r.reviewer_account_id]}",
            member=names.get(authors[r.submission_id]) if runner else None,
            answers={k: float(v) for k, v in r.answers.items()},
            comment=r.comment,
            score=r.score,
            appeals=appeals[r.id],
        )
        for r in reviews
    ]


def leaderboard(
    session: Session, principal: Principal, challenge_id: int, now: datetime, *, private: bool
) -> list[BoardRow]:
    """An automatic challenge's public board (while it runs) or private board (once decided;
    its sponsor sees it from the close of submissions)."""
    challenge = challenge_for(session, principal, challenge_id)
    if challenge.metric is None:
        raise NotFound("only automatically scored challenges have a leaderboard")
    phase = challenge_phase(session, challenge, now)
    early_sight = runs(principal, challenge) and now >= challenge.submission_ends_at
    if private and phase is not Phase.COMPLETED and not early_sight:
        raise NotAllowed("the private leaderboard is shown once the winners are recorded")
    metric = Metric(challenge.metric)
    counted = counted_submissions(session, challenge)
    names = member_names(session, {s.account_id for s in counted})

    def value(s: ChallengeSubmission) -> float | None:
        return s.private_score if private else s.public_score

    def order(s: ChallengeSubmission) -> tuple[int, float, datetime, int]:
        v = value(s)
        if v is None:
            return (1, 0.0, s.submitted_at, s.account_id)
        return (0, -v if metric.higher_is_better else v, s.submitted_at, s.account_id)

    return [
        BoardRow(
            rank=index,
            member=names[s.account_id],
            account_id=s.account_id,
            score=value(s),
            submitted_at=s.submitted_at,
            place=None,
            prize_cents=None,
            passed=value(s) is not None,
        )
        for index, s in enumerate(sorted(counted, key=order), start=1)
    ]


def final_results(session: Session, principal: Principal, challenge_id: int) -> list[BoardRow]:
    """The recorded standings of a completed challenge (empty before)."""
    challenge = challenge_for(session, principal, challenge_id)
    rows = list(
        session.scalars(
            sa.select(ChallengeResult)
            .where(ChallengeResult.challenge_id == challenge.id)
            .order_by(ChallengeResult.rank)
        )
    )
    prizes = {
        p.place: p.amount_cents
        for p in session.scalars(
            sa.select(ChallengePrize).where(
                ChallengePrize.challenge_id == challenge.id, ChallengePrize.kind == "placement"
            )
        )
    }
    submitted = dict(
        session.execute(
            sa.select(ChallengeSubmission.id, ChallengeSubmission.submitted_at).where(
                ChallengeSubmission.id.in_([r.submission_id for r in rows if r.submission_id])
            )
        ).all()
    )
    names = member_names(session, {r.account_id for r in rows})
    metric = Metric(challenge.metric) if challenge.metric else None
    return [
        BoardRow(
            rank=r.rank,
            member=names[r.account_id],
            account_id=r.account_id,
            score=(
                -r.score
                if metric is not None and r.score is not None and not metric.higher_is_better
                else r.score
            ),
            submitted_at=submitted.get(r.submission_id or 0, r.decided_at),
            place=r.place,
            prize_cents=prizes.get(r.place) if r.place else None,
            passed=r.passed,
        )
        for r in rows
    ]


def submission_file(
    session: Session, principal: Principal, submission_id: int, now: datetime
) -> tuple[str, str, bytes]:
    """``(filename, content type, bytes)`` of a submitted file the principal may open."""
    submission = session.scalar(
        sa.select(ChallengeSubmission)
        .options(undefer(ChallengeSubmission.content))
        .where(ChallengeSubmission.id == submission_id)
    )
    if submission is None or submission.content is None:
        raise NotFound(f"no submitted file {submission_id}")
    challenge = challenge_for(session, principal, submission.challenge_id)
    own = submission.account_id == principal.account_id
    closed = now >= challenge.submission_ends_at
    reviewer = session.get(ChallengeReviewer, (challenge.id, principal.account_id)) is not None
    if not (own or (closed and (reviewer or runs(principal, challenge)))):
        raise NotFound(f"no submitted file {submission_id}")
    # Predictions of a running automatic challenge would leak the answers to its board.
    if (
        challenge.metric is not None
        and not own
        and not runs(principal, challenge)
        and challenge_phase(session, challenge, now) is not Phase.COMPLETED
    ):
        raise NotFound(f"no submitted file {submission_id}")
    return (
        submission.filename or f"submission-{submission.id}",
        submission.content_type or "application/octet-stream",
        submission.content,
    )


def reviewer_accounts(session: Session, principal: Principal, challenge_id: int) -> dict[str, int]:
    """E-mail -> account id of the challenge's reviewers, for whoever runs it (the page's
    "remove" buttons name the account); :class:`NotAllowed` for anyone else."""
    challenge = challenge_for(session, principal, challenge_id)
    if not runs(principal, challenge):
        raise NotAllowed("only the challenge's sponsor (or an administrator) sees its reviewers")
    rows = session.execute(
        sa.select(Account.email, Account.id)
        .join(ChallengeReviewer, ChallengeReviewer.account_id == Account.id)
        .where(ChallengeReviewer.challenge_id == challenge.id)
        .order_by(Account.email)
    )
    return {email: account_id for email, account_id in rows}
