"""What the organisation's radar returns: frozen values the pages and the JSON API share.

Probabilities are never shown bare: a :class:`Prediction` carries its interval and the
plain word (``likely``, ``possible``, ``unlikely``) the pages lead with, and every list
carries the :class:`ModelStatus` that says how well the model did on the organisation's
own history, or that there is too little history to say anything (then no probability is
given at all).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final, Literal

OUTREACH_STATUSES: Final = ("watchlist", "contacted", "responded", "hired")
"""Outreach steps to a prospect, in the order they usually happen."""
OutreachStatus = Literal["watchlist", "contacted", "responded", "hired"]
OutreachFilter = Literal["watchlist", "contacted", "responded", "hired", "none"]
"""A list filter on outreach: a status, or ``none`` for prospects nobody has approached."""
Likelihood = Literal["likely", "possible", "unlikely"]
SubjectKind = Literal["member", "prospect"]


@dataclass(frozen=True)
class ImportSummary:
    """What one import of snapshots added (a file imported twice adds nothing)."""

    file: str
    snapshots: int
    """Snapshots read from the file."""
    added: int
    """Snapshots not already held."""
    duplicates: int
    """Snapshots already held (same content, same subject, same instant)."""
    new_subjects: int
    members: int
    """Distinct subjects of the file who are people of the organisation."""
    prospects: int
    """Distinct subjects of the file known only by an external handle."""
    erased: int = 0
    """Snapshots skipped because their prospect was erased on request."""


@dataclass(frozen=True)
class Reason:
    """One reason of a prediction: a feature's value and how far it moved the probability."""

    feature: str
    label: str
    """The feature in words."""
    value: str
    """The feature's value as shown."""
    contribution: float
    """Change in log-odds this feature caused (positive: more likely to move)."""
    text: str
    """The reason in a sentence."""


@dataclass(frozen=True)
class Prediction:
    """How likely the subject is to change company within the horizon, with its interval."""

    probability: float
    low: float
    """Lower end of the interval (the spread of the model's bagged fits)."""
    high: float
    likelihood: Likelihood
    """The word pages lead with: likely (>= 50 %), possible (>= 20 %), unlikely."""
    wording: str
    """The recommendation in a sentence, with its interval."""
    as_of: datetime
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class BacktestSummary:
    """The model's performance on the organisation's own history (folds averaged)."""

    folds: int
    rows: int
    positives: int
    roc_auc: float | None
    pr_auc: float | None
    brier: float | None
    precision_top10: float | None
    base_rate: float | None
    """Share of labelled rows that moved: what a model that knows nothing would say."""


@dataclass(frozen=True)
class ModelStatus:
    """Whether the radar has scored, on how much history, and how well it did."""

    job_id: int | None
    """The scoring job of the predictions shown (``None``: never scored)."""
    scored_at: datetime | None
    as_of: datetime | None
    enough_history: bool
    """False when too few labelled moves were seen: then no probability is shown."""
    message: str
    """The status in a sentence for the top of the pages."""
    rows: int
    positives: int
    horizon_days: int
    backtest: BacktestSummary | None


@dataclass(frozen=True)
class Change:
    """One profile change on a subject's timeline."""

    at: datetime
    kind: str
    detail: str


@dataclass(frozen=True)
class OutreachStep:
    """One outreach step with its note."""

    status: OutreachStatus
    note: str
    at: datetime
    by: str | None
    """Who recorded it (their sign-in), or ``None`` once they are gone."""


@dataclass(frozen=True)
class ProspectRow:
    """A subject in a radar list, with the latest profile fields and the prediction."""

    subject_id: int
    handle: str
    kind: SubjectKind
    title: str | None
    company: str | None
    location: str | None
    skills: tuple[str, ...]
    prominence: int | None
    """Prospects: percentile (1-100) of connections among the radar's prospects."""
    last_seen: datetime
    snapshots: int
    prediction: Prediction | None
    outreach: OutreachStatus | None
    moved_at: datetime | None = None
    """When they changed company, if within the horizon before the model's as-of: such
    people get no estimate (the model never learnt from someone who had just moved)."""
    moved_to: str | None = None
    """The company they moved to (with ``moved_at``)."""


@dataclass(frozen=True)
class ProspectPage:
    """One page of a radar list, best first, and the state of the model behind it."""

    model: ModelStatus
    items: tuple[ProspectRow, ...]
    total: int
    limit: int
    offset: int


@dataclass(frozen=True)
class ActivityPoint:
    """Profile changes of one kind in one month."""

    month: str
    kind: str
    changes: int


@dataclass(frozen=True)
class SubjectDetail:
    """Everything the radar holds on one subject that the caller may see."""

    row: ProspectRow
    name: str | None
    """The person's name (members, for HR only)."""
    department: str | None
    headline: str | None
    timeline: tuple[Change, ...]
    """Recent changes first."""
    outreach: tuple[OutreachStep, ...]
    """Newest first."""
    model: ModelStatus


@dataclass(frozen=True)
class FlightRiskRow:
    """A member of the organisation on HR's flight-risk list."""

    subject_id: int
    person_id: int
    name: str
    department: str | None
    title: str | None
    prediction: Prediction


@dataclass(frozen=True)
class FlightRiskPage:
    """HR's flight-risk list, most likely first, with the model's state."""

    model: ModelStatus
    items: tuple[FlightRiskRow, ...]
    total: int
    limit: int
    offset: int


@dataclass(frozen=True)
class RadarPolicy:
    """The organisation's radar settings."""

    members_see_radar: bool
    """Whether members are told that the radar follows their profile."""


@dataclass(frozen=True)
class MyRadar:
    """What a member is told about the radar and themselves."""

    opted_out: bool
    """Opted-out members are never scored or listed."""
    told: bool
    """Whether the organisation's policy tells members they are on the radar."""
    on_radar: bool | None
    """Whether the radar holds snapshots of them (``None`` when the policy does not say)."""
    snapshots: int | None
