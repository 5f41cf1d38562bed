"""The canonical interaction event.

Every source (mail, chat, Q&A sites, the product's own kudos) is normalised into rows of
this one schema, so that graph building and scoring never care where an interaction
came from. Column names live here; the columnar (polars) schema lives in
``renown.ingest.schema`` because ``core`` stays free of third-party imports.

Columns
-------
event_key : str
    Stable identity of the event, used for dedupe. Re-reading the same source yields
    the same keys, so importing a file twice adds nothing.
actor : str or null
    Person who acted. Null for anonymous engagement (a public upvote): it counts toward
    the target's reach and amplification but adds no graph edge.
target : str
    Person acted upon (recipient, person mentioned, author of the answered post...).
timestamp : datetime (UTC, microseconds)
channel : str
    One of :class:`Channel` (free text is allowed for custom sources).
kind : str
    One of :class:`Kind` (free text is allowed for custom sources).
weight : float
    Base weight of the event before channel weights and time decay (default 1).
source : str
    Short label of the source the event came from (for lineage, not scoring).
"""

from __future__ import annotations

import hashlib
from enum import StrEnum
from typing import Final


class EventColumn(StrEnum):
    """Names of the canonical event columns."""

    EVENT_KEY = "event_key"
    ACTOR = "actor"
    TARGET = "target"
    TIMESTAMP = "timestamp"
    CHANNEL = "channel"
    KIND = "kind"
    WEIGHT = "weight"
    SOURCE = "source"


EVENT_COLUMNS: Final[tuple[str, ...]] = tuple(c.value for c in EventColumn)


class Channel(StrEnum):
    """Where an interaction happened."""

    EMAIL = "email"
    CHAT = "chat"
    REVIEW = "review"
    SOCIAL = "social"
    KUDOS = "kudos"
    FEEDBACK = "feedback"
    QA = "qa"
    CHALLENGE = "challenge"
    """Reviews, appeal answers, sponsor feedback and accepted invitations of the challenges
    (no entry in the graph's channel weights: it weighs 1.0, like kudos and feedback)."""
    OTHER = "other"


class Kind(StrEnum):
    """What kind of interaction it was."""

    TO = "to"
    CC = "cc"
    BCC = "bcc"
    REPLY = "reply"
    MESSAGE = "message"
    MENTION = "mention"
    REACTION = "reaction"
    ANSWER = "answer"
    ACCEPT = "accept"
    COMMENT = "comment"
    UPVOTE = "upvote"
    DOWNVOTE = "downvote"
    FAVORITE = "favorite"
    EDIT = "edit"
    REVIEW = "review"
    KUDOS = "kudos"
    FEEDBACK = "feedback"
    INTERACTION = "interaction"


def event_key(*parts: object) -> str:
    """Return a stable 128-bit hex key for an event built from its identifying parts.

    Parts are joined with an ASCII unit separator so that ``("ab", "c")`` and
    ``("a", "bc")`` never collide. Readers pass the source-native identity (for mail
    the Message-ID and the recipient) so that the key survives re-reading.
    """
    joined = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.blake2b(joined.encode("utf-8"), digest_size=16).hexdigest()
