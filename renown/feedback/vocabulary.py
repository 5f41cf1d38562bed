"""The vocabulary of feedback: relationships, visibilities, anonymity modes and limits."""

from __future__ import annotations

from enum import StrEnum


class Relationship(StrEnum):
    """How the giver stands to the receiver."""

    SELF = "self"
    MANAGER = "manager"
    """The giver is above the receiver in the reporting line (never anonymous)."""
    REPORT = "report"
    """The receiver is above the giver in the reporting line."""
    PEER = "peer"
    CLIENT = "client"
    """An outside rater answering a request through a link."""
    OTHER = "other"


class Visibility(StrEnum):
    """Who may read a feedback item."""

    PRIVATE = "private"
    """The receiver only."""
    MANAGER = "manager"
    """The receiver and everyone above them in the reporting line (and HR)."""
    PUBLIC = "public"
    """Kudos: everyone in the organisation, on the wall (never anonymous)."""


class Anonymity(StrEnum):
    """What a request lets (or makes) its answers be."""

    NONE = "none"
    ALLOWED = "allowed"
    REQUIRED = "required"


class RecipientStatus(StrEnum):
    """Where one recipient of a request stands."""

    PENDING = "pending"
    ANSWERED = "answered"
    DECLINED = "declined"


NEVER_ANONYMOUS = frozenset({Relationship.SELF, Relationship.MANAGER})
"""Relationships whose feedback is always named: a manager's word must be owned."""

MAX_TEXT = 5000
MAX_RECIPIENTS = 50
MAX_REMINDERS = 3
MIN_RATING, MAX_RATING = 1, 5
