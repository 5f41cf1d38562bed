"""Posting a challenge: the sponsor's draft, its checks, publishing, reviewers, the answer
key, and cancelling. Every write is in the caller's transaction and audited.

A draft may change freely; once published, what members registered for (the
specification, prizes, scorecard, dates and answer key) is fixed, so nobody competes
under rules that moved. Publishing checks that the challenge can run: a reviewed
challenge needs a reviewer, an automatically scored one its answer key, and submissions
must still be able to close in the future.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown import audit
from renown.accounts.principal import Principal
from renown.challenges.access import challenge_phase, run_challenge
from renown.challenges.autoscore import Metric, read_answer_key
from renown.challenges.judging import DEFAULT_SCORECARD, parse_scorecard
from renown.challenges.phases import Phase, Schedule, require_phase
from renown.challenges.roles import POSTERS, REVIEWER_ROLES
from renown.core.errors import InputError, Invalid, NotAllowed, NotFound
from renown.core.roles import Role
from renown.core.text import text_problem
from renown.store.tables.accounts import Account
from renown.store.tables.challenges import (
    Challenge,
    ChallengeAnswerKey,
    ChallengePrize,
    ChallengeRegistration,
    ChallengeReview,
    ChallengeReviewer,
)

KINDS: Final = ("design", "development", "data_science", "first_to_finish")
AUTOMATIC_KINDS: Final = frozenset({"data_science"})
MAX_SPEC_CHARS: Final = 50_000
MAX_SKILLS: Final = 20
MAX_PRIZES: Final = 10
MAX_PRIZE_CENTS: Final = 2_000_000_000
"""Twenty million in the challenge's currency: a typo guard, not a policy, and within the
32-bit integer the databases keep amounts in."""
MAX_SUBMISSION_BYTES: Final = 25 * 1024 * 1024
"""The largest file any challenge accepts (kept in the database with its row)."""
MAX_ANSWER_KEY_BYTES: Final = 25 * 1024 * 1024
FILE_TYPES: Final = frozenset(
    {
        ".zip",
        ".tar.gz",
        ".pdf",
        ".png",
        ".jpg",
        ".jpeg",
        ".svg",
        ".csv",
        ".txt",
        ".md",
        ".json",
        ".ipynb",
        ".py",
        ".fig",
        ".sketch",
    }
)
"""Extensions a sponsor may accept (anything executable on a reviewer's desktop is not)."""
REVIEWER_CHANGES: Final = frozenset(
    {Phase.DRAFT, Phase.SCHEDULED, Phase.REGISTRATION, Phase.SUBMISSION, Phase.REVIEW}
)
"""Reviewers may be named or removed until every review is in (then appeals start)."""
_SKILL = re.compile(r"^[a-z0-9][a-z0-9+#./ -]{0,48}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True)
class ChallengeDraft:
    """What a sponsor fills in to post a challenge."""

    title: str
    specification: str
    kind: str
    schedule: Schedule
    sponsor_name: str
    prizes: tuple[int, ...]
    """Placement prizes in cents, first place first."""
    checkpoint_prizes: tuple[int, ...] = ()
    skills: tuple[str, ...] = ()
    scorecard: tuple[dict[str, object], ...] = ()
    """Empty: the default scorecard (reviewed kinds)."""
    metric: str | None = None
    public_fraction: float = 0.3
    daily_scored_limit: int = 5
    passing_score: float = 75.0
    currency: str = "USD"
    max_submission_bytes: int = 10 * 1024 * 1024
    file_types: tuple[str, ...] = (".zip", ".pdf")
    accepts_urls: bool = True
    extra: dict[str, object] = field(default_factory=dict)


def _text(
    value: str, name: str, low: int, high: int, *, field: str, multiline: bool = False
) -> str:
    text = value.strip()
    if not low <= len(text) <= high:
        raise Invalid(f"{name} must be {low} to {high:,} characters", field=field)
    problem = text_problem(text, multiline=multiline)
    if problem is not None:
        raise Invalid(f"{name} {problem}", field=field)
    return text


def _skills(values: tuple[str, ...]) -> list[str]:
    if len(values) > MAX_SKILLS:
        raise Invalid(f"a challenge names at most {MAX_SKILLS} skills", field="skills")
    result: list[str] = []
    for raw in values:
        skill = " ".join(raw.strip().lower().split())
        if not _SKILL.match(skill):
            raise Invalid(
                f"skill {raw[:50]!r}: letters, digits, spaces and + # . / - only (1-49)",
                field="skills",
            )
        if skill not in result:
            result.append(skill)
    return result


def _prizes(values: tuple[int, ...], name: str, field: str) -> list[int]:
    if len(values) > MAX_PRIZES:
        raise Invalid(f"at most {MAX_PRIZES} {name}", field=field)
    for index, amount in enumerate(values, start=1):
        if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
            raise Invalid(f"{name}: prize {index} must be a positive amount in cents", field=field)
        if amount > MAX_PRIZE_CENTS:
            raise Invalid(
                f"{name}: prize {index} is over the largest prize renown records", field=field
            )
        if index > 1 and amount > values[index - 2]:
            raise Invalid(f"{name}: prize {index} is larger than prize {index - 1}", field=field)
    return list(values)


def validated(draft: ChallengeDraft) -> dict[str, object]:
    """The checked column values of ``draft`` (or :class:`Invalid` naming the first problem)."""
    if draft.kind not in KINDS:
        raise Invalid("choose one of the kinds of challenge offered", field="kind")
    automatic = draft.kind in AUTOMATIC_KINDS
    draft.schedule.check(automatic=automatic)
    if not draft.prizes:
        raise Invalid("a challenge needs at least one placement prize", field="prizes")
    if draft.checkpoint_prizes and draft.schedule.checkpoint_at is None:
        raise Invalid("checkpoint prizes need a checkpoint date", field="checkpoint_prizes")
    if not _CURRENCY.match(draft.currency):
        raise Invalid(
            "the currency must be a three-letter ISO 4217 code such as USD or EUR",
            field="currency",
        )
    if not 0 <= draft.passing_score <= 100:
        raise Invalid("the passing score must be between 0 and 100", field="passing_score")
    if not 1024 <= draft.max_submission_bytes <= MAX_SUBMISSION_BYTES:
        raise Invalid(
            f"the largest file must be between 1 KB and {MAX_SUBMISSION_BYTES // 2**20} MB",
            field="max_submission_bytes",
        )
    values: dict[str, object] = {
        "title": _text(draft.title, "the title", 3, 200, field="title"),
        "specification": _text(
            draft.specification,
            "the specification",
            1,
            MAX_SPEC_CHARS,
            field="specification",
            multiline=True,
        ),
        "sponsor_name": _text(
            draft.sponsor_name, "the sponsor's name", 2, 200, field="sponsor_name"
        ),
        "kind": draft.kind,
        "skills": _skills(draft.skills),
        "currency": draft.currency,
        "passing_score": float(draft.passing_score),
        "max_submission_bytes": draft.max_submission_bytes,
    }
    if automatic:
        if draft.metric not in {m.value for m in Metric}:
            raise Invalid(
                f"an automatically scored challenge needs a metric: one of {', '.join(Metric)}",
                field="metric",
            )
        if not 0.05 <= draft.public_fraction <= 0.95:
            raise Invalid(
                "the public share of the rows must be between 0.05 and 0.95",
                field="public_fraction",
            )
        if not 1 <= draft.daily_scored_limit <= 100:
            raise Invalid(
                "the scored submissions a day must be between 1 and 100",
                field="daily_scored_limit",
            )
        values |= {
            "metric": draft.metric,
            "public_fraction": float(draft.public_fraction),
            "daily_scored_limit": draft.daily_scored_limit,
            "scorecard": [],
            "file_types": [".csv"],
            "accepts_urls": False,
        }
    else:
        if draft.metric is not None:
            raise Invalid(
                "only automatically scored (data science) challenges have a metric",
                field="metric",
            )
        questions = parse_scorecard(list(draft.scorecard)) if draft.scorecard else DEFAULT_SCORECARD
        types = sorted({t.strip().lower() for t in draft.file_types})
        unknown = [t for t in types if t not in FILE_TYPES]
        if unknown:
            raise Invalid(
                f"file type {unknown[0]!r} is not accepted: one of {', '.join(sorted(FILE_TYPES))}",
                field="file_types",
            )
        if not types and not draft.accepts_urls:
            raise Invalid("accept at least one file type or repository URLs", field="file_types")
        values |= {
            "metric": None,
            "scorecard": [q.as_dict() for q in questions],
            "file_types": types,
            "accepts_urls": bool(draft.accepts_urls),
        }
    values |= {
        "registration_starts_at": draft.schedule.registration_starts_at,
        "registration_ends_at": draft.schedule.registration_ends_at,
        "submission_ends_at": draft.schedule.submission_ends_at,
        "review_ends_at": draft.schedule.review_ends_at,
        "appeals_ends_at": draft.schedule.appeals_ends_at,
        "checkpoint_at": draft.schedule.checkpoint_at,
    }
    return values


def _write_prizes(session: Session, challenge: Challenge, draft: ChallengeDraft) -> None:
    session.execute(sa.delete(ChallengePrize).where(ChallengePrize.challenge_id == challenge.id))
    for kind, amounts in (
        ("placement", _prizes(draft.prizes, "placement prizes", "prizes")),
        ("checkpoint", _prizes(draft.checkpoint_prizes, "checkpoint prizes", "checkpoint_prizes")),
    ):
        for place, cents in enumerate(amounts, start=1):
            session.add(
                ChallengePrize(
                    challenge_id=challenge.id, kind=kind, place=place, amount_cents=cents
                )
            )


def check_post_challenge(
    session: Session, principal: Principal, draft: ChallengeDraft, now: datetime
) -> int:
    """Post ``draft`` as a new draft challenge of the principal's organisation; its id."""
    if principal.role not in POSTERS:
        raise NotAllowed("sponsors, HR and administrators post challenges")
    values = validated(draft)
    _prizes(draft.prizes, "placement prizes", "prizes")
    _prizes(draft.checkpoint_prizes, "checkpoint prizes", "checkpoint_prizes")
    challenge = Challenge(
        org_id=principal.org_id,
        sponsor_account_id=principal.account_id,
        phase=Phase.DRAFT.value,
        created_at=now,
        **values,
    )
    session.add(challenge)
    session.flush()
    _write_prizes(session, challenge, draft)
    audit.append_by(
        session, principal, "challenge.post", subject=f"challenge:{challenge.id}", at=now
    )
    return challenge.id


def check_edit_challenge(
    session: Session, principal: Principal, challenge_id: int, draft: ChallengeDraft, now: datetime
) -> None:
    """Replace a draft's content (published challenges are fixed)."""
    challenge = run_challenge(session, principal, challenge_id)
    require_phase(challenge_phase(session, challenge, now), {Phase.DRAFT}, "Editing")
    values = validated(draft)
    if challenge.kind != draft.kind and session.get(ChallengeAnswerKey, challenge.id) is not None:
        session.execute(
            sa.delete(ChallengeAnswerKey).where(ChallengeAnswerKey.challenge_id == challenge.id)
        )
    for name, value in values.items():
        setattr(challenge, name, value)
    _write_prizes(session, challenge, draft)
    audit.append_by(
        session, principal, "challenge.edit", subject=f"challenge:{challenge.id}", at=now
    )


def check_publish(session: Session, principal: Principal, challenge_id: int, now: datetime) -> None:
    """Publish a draft: members see it, and its rules are fixed from now on."""
    challenge = run_challenge(session, principal, challenge_id)
    require_phase(challenge_phase(session, challenge, now), {Phase.DRAFT}, "Publishing")
    if challenge.submission_ends_at <= now:
        raise Invalid("submissions would already be closed: move the dates before publishing")
    if challenge.kind in AUTOMATIC_KINDS:
        if session.get(ChallengeAnswerKey, challenge.id) is None:
            raise Invalid("upload the answer key before publishing")
    else:
        reviewers = session.scalar(
            sa.select(sa.func.count()).where(ChallengeReviewer.challenge_id == challenge.id)
        )
        if not reviewers:
            raise Invalid("add at least one reviewer before publishing")
    challenge.published_at = now
    challenge.phase = challenge_phase(session, challenge, now).value
    audit.append_by(
        session, principal, "challenge.publish", subject=f"challenge:{challenge.id}", at=now
    )


def check_cancel(
    session: Session, principal: Principal, challenge_id: int, reason: str, now: datetime
) -> None:
    """Cancel a challenge before its winners are decided, saying why (members are told)."""
    challenge = run_challenge(session, principal, challenge_id)
    phase = challenge_phase(session, challenge, now)
    require_phase(
        phase,
        {Phase.DRAFT, Phase.SCHEDULED, Phase.REGISTRATION, Phase.SUBMISSION, Phase.REVIEW},
        "Cancelling",
    )
    challenge.cancel_reason = _text(reason, "the reason", 3, 500, field="reason")
    challenge.cancelled_at = now
    challenge.phase = Phase.CANCELLED.value
    audit.append_by(
        session, principal, "challenge.cancel", subject=f"challenge:{challenge.id}", at=now
    )


def check_add_reviewer(
    session: Session, principal: Principal, challenge_id: int, email: str, now: datetime
) -> int:
    """Name the account with ``email`` a reviewer (before the review starts); its id."""
    challenge = run_challenge(session, principal, challenge_id)
    require_phase(
        challenge_phase(session, challenge, now),
        REVIEWER_CHANGES,
        "Adding a reviewer",
    )
    account = session.scalar(
        sa.select(Account).where(
            sa.func.lower(Account.email) == email.strip().lower(),
            Account.org_id == challenge.org_id,
            Account.active.is_(True),
        )
    )
    if account is None:
        raise NotFound(f"no active account {email.strip()[:320]!r} in this organisation")
    if challenge.kind in AUTOMATIC_KINDS:
        raise Invalid("an automatically scored challenge has no reviewers: its answer key decides")
    if Role(account.role) not in REVIEWER_ROLES:
        raise Invalid("reviewers are members, employees, managers or sponsors")
    registered = session.get(ChallengeRegistration, (challenge.id, account.id))
    if registered is not None:
        raise Invalid("a registered participant cannot review the same challenge")
    if session.get(ChallengeReviewer, (challenge.id, account.id)) is None:
        session.add(
            ChallengeReviewer(challenge_id=challenge.id, account_id=account.id, added_at=now)
        )
        if now >= challenge.submission_ends_at:
            challenge.reviewers_changed_at = now
        audit.append_by(
            session,
            principal,
            "challenge.reviewer.add",
            subject=f"challenge:{challenge.id}",
            payload={"account_id": account.id},
            at=now,
        )
    return account.id


def check_remove_reviewer(
    session: Session, principal: Principal, challenge_id: int, account_id: int, now: datetime
) -> None:
    """Take a reviewer off a challenge, until every review is in.

    During the review (a reviewer who left, or never shows up, would otherwise hold the
    challenge in review for good) their scorecards of this challenge are deleted with them,
    so the final scores are the means of the reviewers who remain, and the review is complete
    when those have reviewed everything; the sponsor may name a replacement.
    """
    challenge = run_challenge(session, principal, challenge_id)
    require_phase(challenge_phase(session, challenge, now), REVIEWER_CHANGES, "Removing a reviewer")
    row = session.get(ChallengeReviewer, (challenge.id, account_id))
    if row is None:
        raise NotFound(f"account {account_id} does not review this challenge")
    if challenge.published_at is not None:
        left = session.scalar(
            sa.select(sa.func.count()).where(ChallengeReviewer.challenge_id == challenge.id)
        )
        if left == 1:
            raise Invalid("a published challenge keeps at least one reviewer")
    dropped = session.execute(
        sa.delete(ChallengeReview).where(
            ChallengeReview.challenge_id == challenge.id,
            ChallengeReview.reviewer_account_id == account_id,
        )
    )
    assert isinstance(dropped, sa.CursorResult)  # a DELETE's result counts its rows
    session.delete(row)
    if now >= challenge.submission_ends_at:
        challenge.reviewers_changed_at = now
    audit.append_by(
        session,
        principal,
        "challenge.reviewer.remove",
        subject=f"challenge:{challenge.id}",
        payload={"account_id": account_id, "reviews_dropped": int(dropped.rowcount or 0)},
        at=now,
    )


def check_upload_answer_key(
    session: Session,
    principal: Principal,
    challenge_id: int,
    data: bytes,
    filename: str,
    now: datetime,
) -> int:
    """Store the hidden answer key of a draft data-science challenge; the rows it holds."""
    challenge = run_challenge(session, principal, challenge_id)
    require_phase(
        challenge_phase(session, challenge, now), {Phase.DRAFT}, "Uploading the answer key"
    )
    if challenge.kind not in AUTOMATIC_KINDS or challenge.metric is None:
        raise Invalid("only automatically scored challenges have an answer key")
    if len(data) > MAX_ANSWER_KEY_BYTES:
        raise InputError(filename, f"is larger than {MAX_ANSWER_KEY_BYTES // 2**20} MB")
    salt = secrets.token_hex(16)
    key = read_answer_key(
        data,
        filename,
        Metric(challenge.metric),
        salt=salt,
        public_fraction=challenge.public_fraction,
    )
    row = session.get(ChallengeAnswerKey, challenge.id)
    if row is None:
        row = ChallengeAnswerKey(challenge_id=challenge.id, content=data, rows=0, split_salt=salt)
        session.add(row)
    row.content = data
    row.rows = len(key.answers)
    row.split_salt = salt
    row.uploaded_at = now
    audit.append_by(
        session,
        principal,
        "challenge.answer_key",
        subject=f"challenge:{challenge.id}",
        payload={"rows": len(key.answers)},
        at=now,
    )
    return len(key.answers)
