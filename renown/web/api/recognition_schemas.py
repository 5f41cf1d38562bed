"""API shapes of recognition: kudos, reactions, comments, budgets, badges and ring reviews.

Kudos inside an HR-confirmed ring stay on the wall for everyone; only HR and
administrators learn that they are discounted and why. The ``discounted`` and
``discount_reason`` fields are therefore ``null`` in every other caller's answer (the
queries decide this, not the serialiser), and the ring shapes exist only in HR's routes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field, StringConstraints

from renown.badges import Award, Badge
from renown.recognition.actions import MAX_TEXT, REACTION_KINDS
from renown.recognition.queries import (
    BadgeView,
    Budget,
    CommentView,
    KudosPage,
    KudosView,
    PersonRef,
    RingDetail,
    RingView,
)
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


# --- What the server answers --------------------------------------------------------------


class PersonRefOut(BaseModel):
    """A person as the wall names them."""

    id: int
    name: str


class KudosOut(BaseModel):
    """One kudos with its reaction and comment counts."""

    id: int
    giver: PersonRefOut
    receiver: PersonRefOut
    message: str
    competency: str | None
    created_at: datetime
    reactions: dict[str, int] = Field(description="Reaction kind -> how many people")
    my_reactions: list[str] = Field(description="The caller's own reactions")
    comments: int
    discounted: bool | None = Field(
        description="Inside a confirmed kudos ring (HR and administrators only; null otherwise)"
    )
    discount_reason: str | None = Field(
        description="Which ring (HR and administrators only; null otherwise)"
    )


class KudosPageOut(BaseModel):
    """A page of kudos, newest first."""

    items: list[KudosOut]
    page: int
    per_page: int
    total: int
    counted: int = Field(description="Kudos of ``total`` that count for badges and prominence")


class ReactionsOut(BaseModel):
    """A kudos' reactions after the caller's change."""

    kudos_id: int
    reactions: dict[str, int]
    my_reactions: list[str]


class CommentOut(BaseModel):
    """A comment under a kudos."""

    id: int
    kudos_id: int
    author: PersonRefOut
    text: str
    created_at: datetime


class BudgetOut(BaseModel):
    """The caller's kudos this month (UTC); what is not used does not roll over."""

    allowance: int
    given: int
    left: int
    pair_cap: int = Field(description="Most kudos one person may give another in a month")
    renews_at: datetime


class BadgeDefinitionOut(BaseModel):
    """A badge of the default set, as people read it."""

    id: str
    name: str
    description: str
    tier: str = Field(description="bronze, silver or gold")
    per_item: bool = Field(description="Earned once per item rather than once per person")


class BadgeAwardOut(BaseModel):
    """A badge a person earned, when, and why."""

    badge: str
    name: str
    description: str
    tier: str
    item: str | None
    awarded_at: datetime
    reason: str


class RingOut(BaseModel):
    """A suspected, confirmed or dismissed kudos ring (HR and administrators only)."""

    id: int
    members: list[PersonRefOut]
    status: str = Field(description="suspected, confirmed or dismissed")
    evidence: dict[str, Any] = Field(description="The detector's numbers for this group")
    detected_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    internal_kudos: int = Field(description="Kudos between two members of the ring")


class PairCountOut(BaseModel):
    """Kudos one member of a ring gave another."""

    giver: PersonRefOut
    receiver: PersonRefOut
    kudos: int


class RingHistoryOut(BaseModel):
    """An audit entry about a ring: its detection and every decision, with the reason."""

    at: datetime
    actor: str
    action: str
    reason: str | None
    kudos_changed: int | None


class RingDetailOut(BaseModel):
    """A ring with who thanked whom how often, and its audit history."""

    ring: RingOut
    pairs: list[PairCountOut]
    history: list[RingHistoryOut]


class RingDecisionOut(BaseModel):
    """The ring after HR's decision, and what the badge re-evaluation changed."""

    ring: RingOut
    badges_awarded: int
    badges_revoked: int


# --- Conversions --------------------------------------------------------------------------


def person_ref_out(ref: PersonRef) -> PersonRefOut:
    return PersonRefOut(id=ref.id, name=ref.name)


def kudos_out(view: KudosView) -> KudosOut:
    return KudosOut(
        id=view.id,
        giver=person_ref_out(view.giver),
        receiver=person_ref_out(view.receiver),
        message=view.message,
        competency=view.competency,
        created_at=view.created_at,
        reactions=view.reactions,
        my_reactions=view.my_reactions,
        comments=view.comments,
        discounted=view.discounted,
        discount_reason=view.discount_reason,
    )


def kudos_page_out(page: KudosPage) -> KudosPageOut:
    return KudosPageOut(
        items=[kudos_out(item) for item in page.items],
        page=page.page,
        per_page=page.per_page,
        total=page.total,
        counted=page.counted,
    )


def comment_out(kudos_id: int, view: CommentView) -> CommentOut:
    return CommentOut(
        id=view.id,
        kudos_id=kudos_id,
        author=person_ref_out(view.author),
        text=view.text,
        created_at=view.created_at,
    )


def budget_out(budget: Budget) -> BudgetOut:
    return BudgetOut(
        allowance=budget.allowance,
        given=budget.given,
        left=budget.left,
        pair_cap=budget.pair_cap,
        renews_at=budget.renews_at,
    )


def badge_definition_out(badge: Badge) -> BadgeDefinitionOut:
    return BadgeDefinitionOut(
        id=badge.id,
        name=badge.name,
        description=badge.description,
        tier=badge.tier.value,
        per_item=badge.award is Award.PER_ITEM,
    )


def badge_award_out(view: BadgeView) -> BadgeAwardOut:
    return BadgeAwardOut(
        badge=view.badge,
        name=view.name,
        description=view.description,
        tier=view.tier,
        item=view.item,
        awarded_at=view.awarded_at,
        reason=view.reason,
    )


def ring_out(view: RingView) -> RingOut:
    return RingOut(
        id=view.id,
        members=[person_ref_out(m) for m in view.members],
        status=view.status,
        evidence=view.evidence,
        detected_at=view.detected_at,
        decided_by=view.decided_by,
        decided_at=view.decided_at,
        internal_kudos=view.internal_kudos,
    )


def ring_detail_out(detail: RingDetail) -> RingDetailOut:
    return RingDetailOut(
        ring=ring_out(detail.ring),
        pairs=[
            PairCountOut(
                giver=person_ref_out(p.giver), receiver=person_ref_out(p.receiver), kudos=p.kudos
            )
            for p in detail.pairs
        ],
        history=[
            RingHistoryOut(
                at=h.at,
                actor=h.actor,
                action=h.action,
                reason=h.reason,
                kudos_changed=h.kudos_changed,
            )
            for h in detail.history
        ],
    )
