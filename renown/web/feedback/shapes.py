"""What 360° feedback clients send, and the few answers that differ from the domain's values.

Most routes return :mod:`renown.feedback`'s result dataclasses as they are. Anonymous
answers leave the server only as :class:`AggregateOut`: a relationship group's released
size, competency means over whole releases, shuffled comments and a month. That shape has
no giver, item id or timestamp field at all, so no serialiser mistake can put one there;
named items are the only values with a giver. The anonymous shapes keep their own names in
the API document (clients and tests check them); the other models here hide a domain field
(an outside rater's id or name), rename a column or describe a row.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from renown.feedback.links import LinkedCompetency
from renown.feedback.results import NamedItem
from renown.feedback.vocabulary import (
    MAX_RATING,
    MAX_RECIPIENTS,
    MAX_TEXT,
    MIN_RATING,
    Anonymity,
    Relationship,
    Visibility,
)
from renown.web.params import MULTI_LINE, SINGLE_LINE, BodyId, Flag, Moment, Whole

Text = Annotated[str, StringConstraints(max_length=MAX_TEXT), MULTI_LINE]
CompetencyKey = Annotated[str, StringConstraints(min_length=1, max_length=64), SINGLE_LINE]
Rating = Annotated[Whole, Field(ge=MIN_RATING, le=MAX_RATING)]
PersonId = BodyId
MAX_THRESHOLD = 100
"""An anonymity threshold above this would hide every answer of any real team."""


# --- What clients send --------------------------------------------------------------------


class GiveFeedbackIn(BaseModel):
    """Feedback to one person; the relationship is derived from the org chart when omitted."""

    receiver_id: PersonId
    text: Text = ""
    ratings: dict[CompetencyKey, Rating] = Field(default_factory=dict, max_length=64)
    visibility: Visibility = Visibility.PRIVATE
    anonymous: Flag = False
    relationship: Relationship | None = Field(
        default=None, description="peer or other between colleagues; reporting lines decide."
    )


class AnswerIn(BaseModel):
    """An answer to a request (the request decides visibility and anonymity rules)."""

    text: Text = ""
    ratings: dict[CompetencyKey, Rating] = Field(default_factory=dict, max_length=64)
    anonymous: Flag | None = Field(
        default=None, description="Only where the request allows it; null: the request's default."
    )


class ExternalRaterIn(BaseModel):
    """Someone outside the organisation, asked through a single-use link."""

    email: Annotated[str, StringConstraints(min_length=3, max_length=320), SINGLE_LINE]
    name: Annotated[str, StringConstraints(min_length=1, max_length=200), SINGLE_LINE]


class RequestFeedbackIn(BaseModel):
    """Ask colleagues (and outside raters) for feedback about oneself or one's report."""

    expires_at: Moment = Field(description="Within 180 days from now, with a time zone.")
    person_ids: list[PersonId] = Field(default_factory=list, max_length=MAX_RECIPIENTS)
    external: list[ExternalRaterIn] = Field(default_factory=list, max_length=MAX_RECIPIENTS)
    subject_id: PersonId | None = Field(default=None, description="Default: the requester.")
    competencies: list[CompetencyKey] = Field(default_factory=list, max_length=64)
    message: Text = ""
    anonymity: Anonymity = Anonymity.NONE
    threshold: Annotated[Whole, Field(ge=3, le=MAX_THRESHOLD)] | None = None
    visibility: Visibility = Visibility.PRIVATE


class AnonymitySettingsIn(BaseModel):
    """New anonymity settings of a request (refused once it has answers)."""

    anonymity: Anonymity = Anonymity.NONE
    threshold: Annotated[Whole, Field(ge=3, le=MAX_THRESHOLD)] | None = None


class ThresholdIn(BaseModel):
    """The organisation's anonymity threshold: distinct givers a release needs."""

    anonymity_threshold: Whole = Field(ge=3, le=MAX_THRESHOLD)


# --- What the server answers where the domain's values will not do -------------------------


class CompetencyMeanOut(BaseModel):
    """A competency's mean over whole releases; null with a note when too few rated it."""

    model_config = ConfigDict(from_attributes=True)

    key: str
    mean: float | None
    n: int | None
    note: str


class AggregateOut(BaseModel):
    """A relationship group's anonymous answers, published as whole releases only."""

    model_config = ConfigDict(from_attributes=True)

    group: str = Field(description="peer, report, client, other, or others (pooled groups)")
    givers: int = Field(description="Distinct givers over the group's releases")
    period: str = Field(description="Month of the latest release (YYYY-MM)")
    competencies: list[CompetencyMeanOut]
    comments: list[str] = Field(description="In an order unrelated to time or giver")


class SuppressedOut(BaseModel):
    """A group with nothing published (whether anyone answered is not said)."""

    model_config = ConfigDict(from_attributes=True)

    group: str
    note: str


class FeedbackViewOut(BaseModel):
    """What the caller may see of one person's received feedback."""

    model_config = ConfigDict(from_attributes=True)

    person_id: int
    threshold: int
    named: list[NamedItem]
    aggregates: list[AggregateOut]
    suppressed: list[SuppressedOut]


class OrgOverviewOut(BaseModel):
    """HR's view: counts and means, anonymous data only as whole releases."""

    model_config = ConfigDict(from_attributes=True)

    threshold: int
    named_items: dict[str, int]
    released_givers: dict[str, int]
    open_requests: int
    competencies: list[CompetencyMeanOut]


class RecipientOut(BaseModel):
    """A recipient of the caller's request; status null while answers may be anonymous."""

    model_config = ConfigDict(from_attributes=True)

    person_id: int | None
    name: str
    email: str | None
    status: str | None


class RequestOut(BaseModel):
    """A request the caller made (outside raters' ids stay on the page that relinks them)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    subject_id: int
    subject_name: str
    message: str
    competencies: list[str]
    visibility: str
    anonymity: str
    threshold: int
    locked: bool
    expires_at: datetime
    created_at: datetime
    recipients: list[RecipientOut]
    answered: int | None = Field(description="Null while anonymous answers are too few")
    answered_note: str


class RaterLinkOut(BaseModel):
    """How an outside rater's single-use link reaches them.

    With e-mail configured renown mails the link to the rater and it appears nowhere else
    (``token`` and ``url`` are null): only then can the rater's answer be anonymous. Without
    e-mail, the link is in this answer only (copy it now) and answers through it are named.
    """

    rater_id: int
    email: str
    delivery: str = Field(description="mail (sent to the rater) or requester (shown here)")
    token: str | None = None
    url: str | None = None
    emailed: str = Field(
        description="sent, queued, skipped (the link is shown here instead) or why sending failed",
    )
    may_be_anonymous: bool = Field(
        description="whether this rater's answer can be anonymous (else it is named)"
    )


class CreatedRequestOut(BaseModel):
    """The new request and its outside raters' links."""

    id: int
    subject_id: int
    visibility: str
    anonymity: str
    threshold: int
    competencies: list[str]
    expires_at: datetime
    links: list[RaterLinkOut]


class RequestSettingsOut(BaseModel):
    """A request's anonymity settings after a change."""

    id: int
    anonymity: str
    threshold: int
    locked: bool


class CreatedFeedbackOut(BaseModel):
    """The item just given (to its giver)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    receiver_id: int
    relationship: str
    visibility: str
    anonymous: bool


class AnsweredOut(BaseModel):
    """The caller's answer was stored."""

    id: int


class DeclinedOut(BaseModel):
    """The caller declined a request."""

    model_config = ConfigDict(from_attributes=True)

    request_id: int
    status: str


class CompetencyOut(BaseModel):
    """A competency of the framework (a row of it)."""

    model_config = ConfigDict(from_attributes=True)

    key: str
    name: str
    description: str


class FrameworkOut(BaseModel):
    """The organisation's active competency framework (null name: none installed yet)."""

    name: str | None
    competencies: list[CompetencyOut]


class NotificationOut(BaseModel):
    """An in-app notification (a row of it)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    text: str
    link: str
    created_at: datetime
    read_at: datetime | None


class ThresholdOut(BaseModel):
    anonymity_threshold: int


class ExternalRequestOut(BaseModel):
    """What an outside rater's link shows: who asks, about whom, and what to rate."""

    model_config = ConfigDict(from_attributes=True)

    organisation: str
    requester_name: str
    subject_name: str
    message: str
    competencies: list[LinkedCompetency]
    anonymity: str
    expires_at: datetime
    status: str = Field(description="pending, answered, declined or expired")
    may_be_anonymous: bool = Field(
        description="whether the answer can be anonymous (else it is shown with the rater's name)"
    )
