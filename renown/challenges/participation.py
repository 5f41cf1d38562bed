"""Taking part: registering, submitting (a file or a repository URL) and automatic scores.

Submissions are versions: a member may submit again until submissions close, and the last
version before the deadline is the one reviewed (earlier ones stay, for the member's own
record and the checkpoint). Files are checked before anything is written: size, type by
extension *and* by content (a ``.pdf`` must start like a PDF), a plain file name. A
data-science submission is scored at once against the hidden key; the member sees the
public score only, and a daily limit on scored submissions keeps anyone from probing the
key by brute force.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import PurePosixPath, PureWindowsPath
from typing import Final
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown import audit
from renown.accounts.principal import Principal
from renown.challenges.access import challenge_for, challenge_phase
from renown.challenges.autoscore import Metric, read_answer_key, score_predictions
from renown.challenges.phases import Phase, require_phase
from renown.challenges.roles import PARTICIPANTS
from renown.core.errors import InputError, Invalid, NotAllowed
from renown.core.text import text_problem
from renown.store.tables.challenges import (
    Challenge,
    ChallengeAnswerKey,
    ChallengeRegistration,
    ChallengeReviewer,
    ChallengeSubmission,
)

MAX_URL_CHARS: Final = 500
MAX_VERSIONS: Final = 50
"""Versions one member may submit to one challenge (a guard against filling the store)."""
SUBMITTING: Final = frozenset({Phase.REGISTRATION, Phase.SUBMISSION})
_MAGIC: Final[dict[str, tuple[bytes, ...]]] = {
    ".zip": (b"PK\x03\x04", b"PK\x05\x06"),
    ".pdf": (b"%PDF-",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".tar.gz": (b"\x1f\x8b",),
    ".sketch": (b"PK\x03\x04",),
    ".fig": (b"fig-kiwi", b"PK\x03\x04"),
}
"""How each binary type's content starts; the text types must be UTF-8 text instead."""
_TEXT_TYPES: Final = frozenset({".csv", ".txt", ".md", ".json", ".ipynb", ".py", ".svg"})
_FILENAME: Final = re.compile(r"^[\w][\w .+-]{0,200}$")


@dataclass(frozen=True, slots=True)
class SubmissionReceipt:
    """What the member is told after submitting."""

    submission_id: int
    version: int
    submitted_at: datetime
    public_score: float | None
    """Automatic scoring: the public leaderboard's metric (the private one stays hidden)."""
    scored_today: int | None
    """Automatic scoring: scored submissions used today, out of the daily limit."""


def check_register(
    session: Session, principal: Principal, challenge_id: int, now: datetime
) -> bool:
    """Register the principal for a challenge; False when they already were."""
    if principal.role not in PARTICIPANTS:
        raise NotAllowed("community members, employees and managers take part in challenges")
    challenge = challenge_for(session, principal, challenge_id)
    require_phase(challenge_phase(session, challenge, now), {Phase.REGISTRATION}, "Registering")
    if challenge.sponsor_account_id == principal.account_id:
        raise Invalid("a sponsor does not take part in its own challenge")
    if session.get(ChallengeReviewer, (challenge.id, principal.account_id)) is not None:
        raise Invalid("a reviewer of this challenge cannot take part in it")
    if session.get(ChallengeRegistration, (challenge.id, principal.account_id)) is not None:
        return False
    session.add(
        ChallengeRegistration(
            challenge_id=challenge.id, account_id=principal.account_id, registered_at=now
        )
    )
    audit.append_by(
        session, principal, "challenge.register", subject=f"challenge:{challenge.id}", at=now
    )
    return True


def _registered(
    session: Session, principal: Principal, challenge_id: int, now: datetime
) -> Challenge:
    if principal.role not in PARTICIPANTS:
        raise NotAllowed("community members, employees and managers take part in challenges")
    challenge = challenge_for(session, principal, challenge_id)
    require_phase(challenge_phase(session, challenge, now), SUBMITTING, "Submitting")
    if session.get(ChallengeRegistration, (challenge.id, principal.account_id)) is None:
        raise Invalid("register for the challenge before submitting")
    return challenge


def _next_version(session: Session, challenge_id: int, account_id: int) -> int:
    latest = session.scalar(
        sa.select(sa.func.max(ChallengeSubmission.version)).where(
            ChallengeSubmission.challenge_id == challenge_id,
            ChallengeSubmission.account_id == account_id,
        )
    )
    version = (latest or 0) + 1
    if version > MAX_VERSIONS:
        raise Invalid(f"at most {MAX_VERSIONS} versions per challenge: your last one counts")
    return version


def _clean_filename(filename: str) -> str:
    name = PureWindowsPath(PurePosixPath(filename).name).name.strip()
    if not name or not _FILENAME.match(name) or text_problem(name) is not None:
        raise InputError(
            filename[:100] or "(unnamed file)",
            "the file name must be letters, digits, spaces and . + - _ (up to 200 characters)",
        )
    return name


def _file_type(challenge: Challenge, name: str) -> str:
    lowered = name.lower()
    for extension in sorted(challenge.file_types, key=len, reverse=True):
        if lowered.endswith(extension):
            return str(extension)
    accepted = ", ".join(challenge.file_types) or "none (repository URLs only)"
    raise InputError(name, f"is not an accepted file type: {accepted}")


def _check_content(name: str, extension: str, data: bytes) -> None:
    if extension in _MAGIC:
        if not data.startswith(_MAGIC[extension]):
            raise InputError(
                name, f"does not look like a {extension} file (its content says otherwise)"
            )
        return
    if extension in _TEXT_TYPES:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(name, f"is not UTF-8 text (byte {exc.start + 1})") from None


def _scored_today(session: Session, challenge: Challenge, account_id: int, now: datetime) -> int:
    day = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return int(
        session.scalar(
            sa.select(sa.func.count()).where(
                ChallengeSubmission.challenge_id == challenge.id,
                ChallengeSubmission.account_id == account_id,
                ChallengeSubmission.scored.is_(True),
                ChallengeSubmission.submitted_at >= day,
                ChallengeSubmission.submitted_at < day + timedelta(days=1),
            )
        )
        or 0
    )


def check_submit_file(
    session: Session,
    principal: Principal,
    challenge_id: int,
    *,
    filename: str,
    data: bytes,
    content_type: str | None,
    now: datetime,
) -> SubmissionReceipt:
    """Store a file as the member's next version (scored at once for data science)."""
    challenge = _registered(session, principal, challenge_id, now)
    name = _clean_filename(filename)
    if not data:
        raise InputError(name, "is empty")
    if len(data) > challenge.max_submission_bytes:
        raise InputError(
            name,
            f"is {len(data):,} bytes; this challenge accepts at most"
            f" {challenge.max_submission_bytes:,}",
        )
    extension = _file_type(challenge, name)
    _check_content(name, extension, data)
    public: float | None = None
    private: float | None = None
    used: int | None = None
    if challenge.metric is not None:
        used = _scored_today(session, challenge, principal.account_id, now)
        if used >= challenge.daily_scored_limit:
            raise Invalid(
                f"you have used all {challenge.daily_scored_limit} scored submissions for today"
                " (UTC); your last scored version still counts"
            )
        key_row = session.get(ChallengeAnswerKey, challenge.id)
        if key_row is None:
            raise Invalid("this challenge has no answer key")
        metric = Metric(challenge.metric)
        key = read_answer_key(
            key_row.content,
            "answer key",
            metric,
            salt=key_row.split_salt,
            public_fraction=challenge.public_fraction,
        )
        scores = score_predictions(data, name, key, metric)
        public, private = scores.public, scores.private
        used += 1
    version = _next_version(session, challenge.id, principal.account_id)
    submission = ChallengeSubmission(
        challenge_id=challenge.id,
        account_id=principal.account_id,
        version=version,
        submitted_at=now,
        filename=name,
        content_type=(content_type or "application/octet-stream")[:100],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        content=data,
        public_score=public,
        private_score=private,
        scored=challenge.metric is not None,
    )
    session.add(submission)
    session.flush()
    audit.append_by(
        session,
        principal,
        "challenge.submit",
        subject=f"challenge:{challenge.id}",
        payload={"version": version, "sha256": submission.sha256, "size": len(data)},
        at=now,
    )
    return SubmissionReceipt(submission.id, version, now, public, used)


def check_url(url: str) -> str:
    """A repository URL: https, a host, no credentials, no spaces; or :class:`Invalid`."""
    text = url.strip()
    if not text or len(text) > MAX_URL_CHARS or text_problem(text) is not None or " " in text:
        raise Invalid(
            f"a repository URL is one line of up to {MAX_URL_CHARS} characters", field="url"
        )
    parts = urlsplit(text)
    if parts.scheme != "https" or not parts.hostname:
        raise Invalid("a repository URL must start with https:// and name a host", field="url")
    if parts.username or parts.password:
        raise Invalid("a repository URL must not carry a user name or password", field="url")
    return text


def check_submit_url(
    session: Session, principal: Principal, challenge_id: int, *, url: str, now: datetime
) -> SubmissionReceipt:
    """Record a repository URL as the member's next version."""
    challenge = _registered(session, principal, challenge_id, now)
    if not challenge.accepts_urls:
        raise Invalid("this challenge takes files, not repository URLs")
    text = check_url(url)
    version = _next_version(session, challenge.id, principal.account_id)
    submission = ChallengeSubmission(
        challenge_id=challenge.id,
        account_id=principal.account_id,
        version=version,
        submitted_at=now,
        url=text,
        size=0,
        sha256=hashlib.sha256(text.encode()).hexdigest(),
    )
    session.add(submission)
    session.flush()
    audit.append_by(
        session,
        principal,
        "challenge.submit",
        subject=f"challenge:{challenge.id}",
        payload={"version": version, "url": True},
        at=now,
    )
    return SubmissionReceipt(submission.id, version, now, None, None)
