"""What recognition clients send, and the few answers that differ from the domain's values.

Kudos inside an HR-confirmed ring stay on the wall for everyone; only HR and
administrators learn that they are discounted and why. The ``discounted`` and
``discount_reason`` fields of :class:`~renown.recognition.queries.KudosView` are therefore
``null`` in every other caller's answer (the queries decide this, not the serialiser), and
the ring values appear only in HR's routes. Most routes return the domain's values as they
are; the models below add what a route knows (the kudos a comment is under, a decision's
badge counts) or describe a badge as people read it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, computed_field

from renown.badges import Award
from renown.recognition.actions import MAX_TEXT, REACTION_KINDS
from renown.recognition.queries import PersonRef, RingView
from renown.recognition.rings import MAX_REASON
from renown.web.params import MULTI_LINE, SINGLE_LINE, BodyId

PersonId = BodyId
KudosText = Annotated[str, StringConstraints(max_length=MAX_TEXT), MULTI_LINE]
CompetencyKey = Annotated[str, StringConstraints(min_length=1, max_length=64), SINGLE_LINE]
REACTION_PATTERN = "^(" + "|".join(REACTION_KINDS) + ")$"
"""A reaction is one emoji name of a fixed set (nothing free-text to moderate)."""


# --- What clients send --------------------------------------------------------------------


class GiveKudosIn(BaseModel):
    """Public thanks to a colleague (counts against the giver's monthly allowance)."""

    receiver_id: PersonId
    message: KudosText = Field(description="1 to 1000 characters once trimmed.")
    competency: CompetencyKey | None = Field(
        default=None, description="Key of the competency the kudos recognises (optional)."
    )


class CommentIn(BaseModel):
    """A comment under a kudos (1 to 1000 characters once trimmed)."""

    text: KudosText = ""


class RingDecisionIn(BaseModel):
    """Why HR confirms or dismisses a ring (required: the decision is audited)."""

    reason: Annotated[str, StringConstraints(max_length=MAX_REASON), MULTI_LINE] = ""


# --- What the server answers where the domain's values will not do -------------------------


class ReactionsOut(BaseModel):
    """A kudos' reactions after the caller's change."""

    kudos_id: int
    reactions: dict[str, int]
    my_reactions: list[str]


class CommentOut(BaseModel):
    """A comment under a kudos."""

    id: int
    kudos_id: int
    author: PersonRef
    text: str
    created_at: datetime


class BadgeDefinitionOut(BaseModel):
    """A badge of the default set, as people read it."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    description: str
    tier: str = Field(description="bronze, silver or gold")
    award: Award = Field(exclude=True)

    @computed_field(description="Earned once per item rather than once per person")
    def per_item(self) -> bool:
        return self.award is Award.PER_ITEM


class RingDecisionOut(BaseModel):
    """The ring after HR's decision, and what the badge re-evaluation changed."""

    ring: RingView
    badges_awarded: int
    badges_revoked: int
