"""Immutable values the feedback queries return (never live rows, so nothing leaks lazily).

Named items carry their giver; anonymous answers appear only inside
:class:`~renown.feedback.anonymity.GroupAggregate`, which has no giver field at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar

from renown.feedback.anonymity import CompetencyMean, GroupAggregate, SuppressedGroup


@dataclass(frozen=True)
class NamedItem:
    """One named feedback item."""

    __pydantic_config__: ClassVar = {"use_attribute_docstrings": True}

    id: int
    receiver_id: int
    receiver_name: str
    giver_id: int | None
    """The giving person (``None`` for an outside rater, named in ``giver_name``)."""
    giver_name: str
    relationship: str
    visibility: str
    text: str
    ratings: Mapping[str, int]
    created_at: datetime
    request_id: int | None


@dataclass(frozen=True)
class GivenItem:
    """Feedback the viewer gave (their own anonymous items included: they wrote them)."""

    __pydantic_config__: ClassVar = {"use_attribute_docstrings": True}

    id: int
    receiver_id: int
    receiver_name: str
    relationship: str
    visibility: str
    anonymous: bool
    text: str
    ratings: Mapping[str, int]
    created_at: datetime


@dataclass(frozen=True)
class FeedbackView:
    """What a viewer may see of one person's received feedback."""

    person_id: int
    threshold: int
    named: tuple[NamedItem, ...]
    aggregates: tuple[GroupAggregate, ...]
    suppressed: tuple[SuppressedGroup, ...]


@dataclass(frozen=True)
class RecipientView:
    """One recipient of the viewer's request; status hidden when answers may be anonymous."""

    person_id: int | None
    name: str
    email: str | None
    status: str | None
    rater_id: int | None = None
    """Outside raters: the id to send them a new link with."""


@dataclass(frozen=True)
class RequestView:
    """A request the viewer made."""

    id: int
    subject_id: int
    subject_name: str
    message: str
    competencies: tuple[str, ...]
    visibility: str
    anonymity: str
    threshold: int
    locked: bool
    expires_at: datetime
    created_at: datetime
    recipients: tuple[RecipientView, ...]
    answered: int | None
    """How many answered; ``None`` (with ``answered_note``) while anonymous and too few."""
    answered_note: str = ""


@dataclass(frozen=True)
class PendingRequest:
    """A request waiting for the viewer's answer."""

    __pydantic_config__: ClassVar = {"use_attribute_docstrings": True}

    id: int
    requester_name: str
    subject_id: int
    subject_name: str
    message: str
    competencies: tuple[str, ...]
    anonymity: str
    expires_at: datetime


@dataclass(frozen=True)
class TrendPoint:
    """Mean rating of one competency in one quarter, over ``n`` ratings."""

    __pydantic_config__: ClassVar = {"use_attribute_docstrings": True}

    competency: str
    quarter: str
    mean: float
    n: int


@dataclass(frozen=True)
class OrgOverview:
    """HR's view of the organisation: counts and aggregates, never an anonymous giver."""

    threshold: int
    named_items: Mapping[str, int]
    """Named items by visibility."""
    released_givers: Mapping[str, int]
    """Anonymous givers published, by group (sums of whole releases)."""
    open_requests: int
    competencies: tuple[CompetencyMean, ...] = field(default_factory=tuple)
