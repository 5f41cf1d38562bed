"""How challenges read on a page: money, dates, the sentence saying what happens next, and
the sponsor's form read into the domain's draft (and written back from a challenge).

The form speaks in a sponsor's units (prizes in currency units, the file limit in
megabytes, dates as UTC date and time) while the domain keeps cents, bytes and aware
instants; the conversion lives here so the API and the domain never see the form's units.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from typing import Final

from pydantic import BaseModel, ConfigDict, Field

from renown.challenges.judging import DEFAULT_SCORECARD
from renown.challenges.phases import Phase, Schedule
from renown.challenges.posting import (
    FILE_TYPES,
    KINDS,
    MAX_PRIZE_CENTS,
    MAX_SUBMISSION_BYTES,
    ChallengeDraft,
)
from renown.challenges.results import ChallengeDetail, Prize
from renown.core.dates import format_datetime
from renown.core.errors import Invalid
from renown.web.params import EARLIEST, LATEST

INPUT_FORMAT: Final = "%Y-%m-%dT%H:%M"
"""What ``<input type="datetime-local">`` sends and shows (read as UTC: the form says so)."""
KIND_LABELS: Final = {
    "design": "Design (reviewed)",
    "development": "Development (reviewed)",
    "data_science": "Data science (scored automatically)",
    "first_to_finish": "First to finish (the first passing submission wins)",
}
METRICS: Final = ("accuracy", "rmse", "mae")
ACCEPTED_FILE_TYPES: Final = tuple(sorted(FILE_TYPES))
SAFE_DOWNLOAD_TYPES: Final = {
    ".pdf": "application/pdf",
    ".zip": "application/zip",
    ".tar.gz": "application/gzip",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".csv": "text/csv; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/plain; charset=utf-8",
    ".py": "text/plain; charset=utf-8",
    ".json": "application/json",
    ".ipynb": "application/json",
}
"""Content types a submitted file is served with, by its extension; anything else (SVG,
HTML, design tools' files) is ``application/octet-stream``. The type the member's browser
claimed is never echoed: it could say ``text/html``."""


def when(moment: datetime | None) -> str:
    """A date and time as pages print them (always UTC, which the pages say)."""
    return "" if moment is None else format_datetime(moment)


def money(cents: int | None, currency: str) -> str:
    """``123456, "USD"`` -> ``USD 1,234.56`` (whole amounts without the cents)."""
    if cents is None:
        return ""
    if cents % 100 == 0:
        return f"{currency} {cents // 100:,}"
    return f"{currency} {cents / 100:,.2f}"


def size(count: int) -> str:
    """Bytes in the unit a person reads (``10 MB``, ``512 KB``)."""
    if count >= 1024 * 1024:
        return f"{count / (1024 * 1024):.3g} MB"
    if count >= 1024:
        return f"{count / 1024:.3g} KB"
    return f"{count} bytes"


def ordinal(place: int) -> str:
    """1 -> ``1st``, 2 -> ``2nd``, 11 -> ``11th``."""
    if 10 <= place % 100 <= 20:
        return f"{place}th"
    return f"{place}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(place % 10, 'th') }"


def next_step(detail: ChallengeDetail, now: datetime) -> str:
    """One sentence: where the challenge is, and what happens next (and when)."""
    summary = detail.summary
    phase = Phase(summary.phase)
    window = detail.appeals_window
    if phase is Phase.DRAFT:
        return (
            "A draft: only its sponsor sees it. Once published, registration opens on "
            f"{when(summary.registration_starts_at)}."
        )
    if phase is Phase.SCHEDULED:
        return f"Registration opens on {when(summary.registration_starts_at)}."
    if phase is Phase.REGISTRATION:
        return (
            f"Registration is open until {when(summary.registration_ends_at)}; registered "
            f"members submit until {when(summary.submission_ends_at)}."
        )
    if phase is Phase.SUBMISSION:
        return (
            "Registration has closed; registered members submit until "
            f"{when(summary.submission_ends_at)}."
        )
    if phase is Phase.REVIEW:
        if now >= detail.review_ends_at:
            return (
                "The review is overdue: the appeals window opens as soon as the last "
                "scorecard is in."
            )
        return (
            f"Reviewers score the submissions until {when(detail.review_ends_at)}; then "
            "members may appeal their reviews."
        )
    if phase is Phase.APPEALS and window is not None:
        return (
            f"Members may appeal answers of their reviews until {when(window[1])}; the "
            "winners follow once every appeal is answered."
        )
    if phase is Phase.APPEALS_RESPONSE:
        return (
            "The appeals window has closed; reviewers are answering the last appeals, then "
            "the winners are recorded."
        )
    if phase is Phase.WINNERS:
        return "Everything is in: the winners and prizes are being recorded (within minutes)."
    if phase is Phase.COMPLETED:
        return f"The winners were recorded on {when(detail.completed_at)}."
    if phase is Phase.CANCELLED:
        return f"This challenge was cancelled: {detail.cancel_reason or 'no reason given'}."
    return summary.phase_label


class ChallengeForm(BaseModel):
    """The sponsor's form, as typed: text everywhere, read into a draft by :func:`draft_of`."""

    model_config = ConfigDict(extra="ignore")

    title: str = Field(default="", max_length=200)
    specification: str = Field(default="", max_length=50_000)
    kind: str = Field(default="development", max_length=32)
    sponsor_name: str = Field(default="", max_length=200)
    registration_starts_at: str = Field(default="", max_length=40)
    registration_ends_at: str = Field(default="", max_length=40)
    submission_ends_at: str = Field(default="", max_length=40)
    review_ends_at: str = Field(default="", max_length=40)
    appeals_ends_at: str = Field(default="", max_length=40)
    checkpoint_at: str = Field(default="", max_length=40)
    prizes: str = Field(default="", max_length=500)
    checkpoint_prizes: str = Field(default="", max_length=500)
    currency: str = Field(default="USD", max_length=3)
    skills: str = Field(default="", max_length=2000)
    scorecard: str = Field(default="", max_length=20_000)
    metric: str = Field(default="", max_length=16)
    public_fraction: str = Field(default="0.3", max_length=20)
    daily_scored_limit: str = Field(default="5", max_length=20)
    passing_score: str = Field(default="75", max_length=20)
    max_submission_mb: str = Field(default="10", max_length=20)
    file_types: list[str] = Field(default_factory=lambda: [".zip", ".pdf"], max_length=20)
    accepts_urls: bool = False


def _words(name: str) -> str:
    """A form field's name as the form calls it (``registration_ends_at``: registration
    ends)."""
    return name.removesuffix("_at").replace("_", " ")


def _moment(value: str, name: str, *, required: bool = True) -> datetime | None:
    text = value.strip()
    if not text:
        if required:
            raise Invalid(f"{_words(name)}: a date and time is required", field=name)
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise Invalid(f"{_words(name)}: not a date and time ({text[:40]!r})", field=name) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    # The API's bounds (a year 9999 with a negative offset is past what a date can hold).
    if not EARLIEST <= moment <= LATEST:
        raise Invalid(
            f"{_words(name)}: a date between {EARLIEST.year} and {LATEST.year} is expected",
            field=name,
        )
    return moment.astimezone(UTC)


def _number(value: str, name: str, field: str | None = None) -> float:
    try:
        number = float(value.strip())
    except ValueError:
        raise Invalid(f"{_words(name)} must be a number", field=field or name) from None
    if not math.isfinite(number):
        raise Invalid(f"{_words(name)} must be a finite number", field=field or name)
    return number


def _amounts(value: str, name: str) -> tuple[int, ...]:
    """``"500, 250.50"`` (currency units, no thousands separators) -> cents."""
    amounts: list[int] = []
    for part in re.split(r"[,;\s]+", value.strip()):
        if not part:
            continue
        amount = _number(part, name)
        if amount <= 0:
            raise Invalid(f"{_words(name)}: every prize must be above zero", field=name)
        if amount > MAX_PRIZE_CENTS / 100:  # also keeps 1e308 * 100 from overflowing
            raise Invalid(
                f"{_words(name)}: {part} is over the largest prize renown records", field=name
            )
        amounts.append(round(amount * 100))
    return tuple(amounts)


def _scorecard(value: str) -> tuple[dict[str, object], ...]:
    """One question a line: ``key; question; weight; min; max`` (blank: the default)."""
    questions: list[dict[str, object]] = []
    for number, line in enumerate(value.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split(";")]
        if len(parts) != 5:
            raise Invalid(
                f"scorecard line {number}: write key; question; weight; lowest; highest",
                field="scorecard",
            )
        key, text, weight, low, high = parts
        questions.append(
            {
                "key": key,
                "text": text,
                "weight": _number(weight, f"scorecard line {number} weight", "scorecard"),
                "min": _number(low, f"scorecard line {number} lowest", "scorecard"),
                "max": _number(high, f"scorecard line {number} highest", "scorecard"),
            }
        )
    return tuple(questions)


def draft_of(form: ChallengeForm) -> ChallengeDraft:
    """The domain's draft from the form, or :class:`Invalid` naming the field to fix."""
    if form.kind not in KINDS:
        raise Invalid("choose one of the kinds of challenge offered", field="kind")
    automatic = form.kind == "data_science"
    submission_ends = _moment(form.submission_ends_at, "submission_ends_at")
    assert submission_ends is not None
    review_ends = _moment(form.review_ends_at, "review_ends_at", required=not automatic)
    appeals_ends = _moment(form.appeals_ends_at, "appeals_ends_at", required=not automatic)
    starts = _moment(form.registration_starts_at, "registration_starts_at")
    ends = _moment(form.registration_ends_at, "registration_ends_at")
    assert starts is not None and ends is not None
    megabytes = _number(form.max_submission_mb, "max_submission_mb")
    if not 0 < megabytes <= MAX_SUBMISSION_BYTES / 2**20:
        raise Invalid(
            f"the largest file must be above 0 MB and at most {MAX_SUBMISSION_BYTES // 2**20} MB",
            field="max_submission_mb",
        )
    return ChallengeDraft(
        title=form.title,
        specification=form.specification,
        kind=form.kind,
        schedule=Schedule(
            registration_starts_at=starts,
            registration_ends_at=ends,
            submission_ends_at=submission_ends,
            review_ends_at=review_ends or submission_ends,
            appeals_ends_at=appeals_ends or review_ends or submission_ends,
            checkpoint_at=_moment(form.checkpoint_at, "checkpoint_at", required=False),
        ),
        sponsor_name=form.sponsor_name,
        prizes=_amounts(form.prizes, "prizes"),
        checkpoint_prizes=_amounts(form.checkpoint_prizes, "checkpoint_prizes"),
        skills=tuple(s for s in (p.strip() for p in form.skills.split(",")) if s),
        scorecard=() if automatic else _scorecard(form.scorecard),
        metric=(form.metric or None) if automatic else None,
        public_fraction=_number(form.public_fraction, "public_fraction"),
        daily_scored_limit=int(_number(form.daily_scored_limit, "daily_scored_limit")),
        passing_score=_number(form.passing_score, "passing_score"),
        currency=form.currency.strip().upper(),
        max_submission_bytes=round(megabytes * 1024 * 1024),
        file_types=tuple(form.file_types),
        accepts_urls=form.accepts_urls,
    )


def _input(moment: datetime | None) -> str:
    return "" if moment is None else moment.astimezone(UTC).strftime(INPUT_FORMAT)


def _units(prizes: list[Prize], kind: str) -> str:
    return ", ".join(
        f"{p.amount_cents / 100:g}" if p.amount_cents % 100 else str(p.amount_cents // 100)
        for p in prizes
        if p.kind == kind
    )


def form_of(detail: ChallengeDetail) -> ChallengeForm:
    """The form filled with a challenge's content (editing a draft)."""
    summary = detail.summary
    default = [q.as_dict() for q in DEFAULT_SCORECARD]
    scorecard = [
        {"key": q.key, "text": q.text, "weight": q.weight, "min": q.min, "max": q.max}
        for q in detail.scorecard
    ]
    return ChallengeForm(
        title=summary.title,
        specification=detail.specification,
        kind=summary.kind,
        sponsor_name=summary.sponsor_name,
        registration_starts_at=_input(summary.registration_starts_at),
        registration_ends_at=_input(summary.registration_ends_at),
        submission_ends_at=_input(summary.submission_ends_at),
        review_ends_at=_input(detail.review_ends_at),
        appeals_ends_at=_input(detail.appeals_ends_at),
        checkpoint_at=_input(detail.checkpoint_at),
        prizes=_units(detail.prizes, "placement"),
        checkpoint_prizes=_units(detail.prizes, "checkpoint"),
        currency=summary.currency,
        skills=", ".join(summary.skills),
        scorecard=""
        if scorecard == default
        else "\n".join(
            f"{q['key']}; {q['text']}; {q['weight']:g}; {q['min']:g}; {q['max']:g}"
            for q in scorecard
        ),
        metric=detail.metric or "",
        public_fraction=f"{detail.public_fraction or 0.3:g}",
        daily_scored_limit=str(detail.daily_scored_limit or 5),
        passing_score=f"{detail.passing_score:g}",
        max_submission_mb=f"{detail.max_submission_bytes / (1024 * 1024):g}",
        file_types=list(detail.file_types),
        accepts_urls=detail.accepts_urls,
    )


def download_type(filename: str) -> str:
    """The content type a submitted file is served with (see :data:`SAFE_DOWNLOAD_TYPES`)."""
    lowered = filename.lower()
    for extension in sorted(SAFE_DOWNLOAD_TYPES, key=len, reverse=True):
        if lowered.endswith(extension):
            return SAFE_DOWNLOAD_TYPES[extension]
    return "application/octet-stream"
