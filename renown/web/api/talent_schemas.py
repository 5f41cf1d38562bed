"""API shapes of promotion rounds and their boards, shared by every promotion-board route.

The explanation is the point of a board, so every row carries each criterion's weight,
share, points and contribution with the evidence in words. External scores of people
without a public profile arrive as ``null`` with ``shown`` saying they are hidden: the
domain decides what a caller may see, these shapes only carry it.

Bodies of routes that act on one object default every field, so that an object the caller
cannot see is a 404 whatever was sent; the routes judge a missing field once the object is
found (422).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints

from renown.store.tables.talent import PromotionRound
from renown.talent.board import Board, BoardRow, ContributionView
from renown.talent.composite import WeightedCriterion
from renown.talent.criteria import CriterionInfo
from renown.talent.ninebox import BOX_NAMES, Box
from renown.talent.report import EXTERNAL_PROMINENCE_WARNING
from renown.talent.rounds import (
    MAX_TEXT,
    MAX_TOP_N,
    MAX_WEIGHT,
    Eligibility,
    RoundSummary,
)
from renown.web.params import MULTI_LINE, SINGLE_LINE, BodyId, Flag, Number, Whole

PersonId = BodyId
Text = Annotated[str, StringConstraints(min_length=1, max_length=200), SINGLE_LINE]
Reason = Annotated[str, StringConstraints(max_length=MAX_TEXT), MULTI_LINE]
"""Free text the domain requires (5 characters at least) where a reason is needed."""
CriterionKey = Annotated[str, StringConstraints(min_length=1, max_length=80), SINGLE_LINE]
Weight = Annotated[Number, Field(ge=0, le=MAX_WEIGHT)]
Months = Annotated[Whole, Field(ge=0, le=600)]
MissingPolicy = Literal["reweigh", "exclude"]
Transparency = Literal["everyone", "candidates", "no_one"]
MAX_LIST = 200
MAX_PEOPLE = 10_000


def finite(value: float | None) -> float | None:
    """JSON has no NaN or infinity: a statistic that is not a number is unknown (null)."""
    return None if value is None or not math.isfinite(value) else float(value)


# --- What clients send --------------------------------------------------------------------


class WeightIn(BaseModel):
    """A criterion and the weight it carries (0 shows it without counting it)."""

    key: CriterionKey = Field(description="A key of GET /talent/criteria")
    weight: Weight


class EligibilityIn(BaseModel):
    """Who enters the pool: every rule must hold; empty lists admit everyone."""

    min_tenure_months: Months = 0
    min_months_in_role: Months = 0
    levels: list[Text] = Field(default_factory=list, max_length=MAX_LIST)
    departments: list[Text] = Field(default_factory=list, max_length=MAX_LIST)
    titles: list[Text] = Field(default_factory=list, max_length=MAX_LIST)


class RoundConfigIn(BaseModel):
    """How a round weighs its candidates; an omitted field keeps its current value."""

    criteria: list[WeightIn] | None = Field(default=None, max_length=50)
    top_n: Annotated[Whole, Field(ge=1, le=MAX_TOP_N)] | None = None
    performance_criteria: list[CriterionKey] | None = Field(default=None, max_length=20)
    potential_criteria: list[CriterionKey] | None = Field(default=None, max_length=20)
    missing_policy: MissingPolicy | None = None
    transparency: Transparency | None = Field(
        default=None, description="Who sees the ranking besides HR"
    )
    acknowledge_external_risk: Flag | None = Field(
        default=None,
        description="Required (true) before external prominence may carry weight; omitted on "
        "a change, the round's earlier acknowledgement stands",
    )


class OpenRoundIn(RoundConfigIn):
    """A new round; omitted settings take the defaults (external prominence at weight 0)."""

    name: Text
    target: Text = Field(description="The role or level people are considered for")
    eligibility: EligibilityIn = Field(default_factory=EligibilityIn)


class CandidateIn(BaseModel):
    """HR adds a person to the pool or takes them out, with a reason (logged)."""

    included: Flag | None = Field(default=None, description="Required")
    reason: Reason = ""


# --- What the server answers --------------------------------------------------------------


class CriterionOut(BaseModel):
    """A criterion a board can weigh."""

    key: str
    label: str
    description: str
    external: bool = Field(description="Evidence from outside the organisation")
    prominence: bool = Field(description="A prominence measure (audited separately)")


class WeightOut(BaseModel):
    key: str
    weight: float


class EligibilityOut(BaseModel):
    min_tenure_months: int
    min_months_in_role: int
    levels: list[str]
    departments: list[str]
    titles: list[str]


class RoundSummaryOut(BaseModel):
    """A line of the rounds list."""

    id: int
    name: str
    target: str
    status: str = Field(description="open or decided")
    candidates: int
    top_n: int
    transparency: str
    external_weighted: bool
    created_at: datetime
    decided_at: datetime | None
    open_appeals: int = Field(description="Appeals waiting for HR's answer (0 for other roles)")


class RoundOut(BaseModel):
    """A round and its whole configuration."""

    id: int
    name: str
    target: str
    status: str = Field(description="open or decided")
    as_of: datetime = Field(description="The date the evidence is read as of")
    created_by: str
    created_at: datetime
    decided_at: datetime | None
    eligibility: EligibilityOut
    criteria: list[WeightOut]
    top_n: int
    performance_criteria: list[str]
    potential_criteria: list[str]
    missing_policy: str
    transparency: str
    external_weighted: bool
    warning: str | None = Field(description="The legal warning when external prominence counts")
    candidates: int


class BoxOut(BaseModel):
    """A 9-box cell."""

    performance: int
    potential: int
    name: str


class ContributionOut(BaseModel):
    """One criterion's part in a composite (null: missing, or hidden from the caller)."""

    key: str
    label: str
    weight: float
    share: float | None = Field(description="Weight over the weights the candidate has")
    points: float | None = Field(description="0 to 100")
    contribution: float | None = Field(description="share x points; they add up to the composite")
    shown: str = Field(description="The evidence in words")
    external: bool


class BoardRowOut(BaseModel):
    """A candidate on the board and the explanation of their place."""

    person_id: int
    name: str
    title: str | None
    department: str | None
    rank: int | None
    composite: float | None
    recommended: bool = Field(description="In the recommended top N")
    contributions: list[ContributionOut]
    missing: list[str] = Field(description="Weighted criteria the candidate has no evidence for")
    note: str
    box: BoxOut | None


class ExcludedOut(BaseModel):
    """Someone considered but not in the pool, and why."""

    person_id: int
    name: str
    reason: str


class OverrideOut(BaseModel):
    """A departure from the recommended top N and its reason."""

    person_id: int
    change: str
    reason: str


class DecisionSummaryOut(BaseModel):
    """Who signed the round off and who was promoted (reasons are HR's)."""

    signed_by: str
    signed_at: datetime
    promoted: list[int]
    reason: str | None = Field(description="HR and administrators only (null otherwise)")
    overrides: list[OverrideOut] | None = Field(description="HR and administrators only")


class BoardOut(BaseModel):
    """A round's ranking as the caller may see it (frozen once decided)."""

    round: RoundOut
    criteria: list[CriterionOut]
    rows: list[BoardRowOut]
    excluded: list[ExcludedOut] = Field(description="HR and administrators only (empty else)")
    recommended: list[int]
    warning: str | None
    decision: DecisionSummaryOut | None
    full: bool = Field(description="HR's view, with every external score")


# --- Conversions --------------------------------------------------------------------------


def criterion_out(info: CriterionInfo) -> CriterionOut:
    return CriterionOut(
        key=info.key,
        label=info.label,
        description=info.description,
        external=info.external,
        prominence=info.prominence,
    )


def weighted(items: Sequence[WeightIn]) -> tuple[WeightedCriterion, ...]:
    return tuple(WeightedCriterion(item.key, item.weight) for item in items)


def round_out(round_: PromotionRound, candidates: int) -> RoundOut:
    rules = Eligibility.from_json(round_.eligibility)
    return RoundOut(
        id=round_.id,
        name=round_.name,
        target=round_.target,
        status=round_.status,
        as_of=round_.as_of,
        created_by=round_.created_by,
        created_at=round_.created_at,
        decided_at=round_.decided_at,
        eligibility=EligibilityOut(
            min_tenure_months=rules.min_tenure_months,
            min_months_in_role=rules.min_months_in_role,
            levels=list(rules.levels),
            departments=list(rules.departments),
            titles=list(rules.titles),
        ),
        criteria=[WeightOut(key=str(c["key"]), weight=float(c["weight"])) for c in round_.criteria],
        top_n=round_.top_n,
        performance_criteria=[str(k) for k in round_.performance_criteria],
        potential_criteria=[str(k) for k in round_.potential_criteria],
        missing_policy=round_.missing_policy,
        transparency=round_.transparency,
        external_weighted=round_.external_weighted,
        warning=EXTERNAL_PROMINENCE_WARNING if round_.external_weighted else None,
        candidates=candidates,
    )


def box_out(box: Box | None) -> BoxOut | None:
    if box is None:
        return None
    return BoxOut(performance=box[0], potential=box[1], name=BOX_NAMES[box])


def contribution_out(view: ContributionView) -> ContributionOut:
    return ContributionOut(
        key=view.key,
        label=view.label,
        weight=view.weight,
        share=finite(view.share),
        points=finite(view.points),
        contribution=finite(view.contribution),
        shown=view.shown,
        external=view.external,
    )


def row_out(row: BoardRow) -> BoardRowOut:
    return BoardRowOut(
        person_id=row.person_id,
        name=row.name,
        title=row.title,
        department=row.department,
        rank=row.rank,
        composite=finite(row.composite),
        recommended=row.recommended,
        contributions=[contribution_out(c) for c in row.contributions],
        missing=list(row.missing),
        note=row.note,
        box=box_out(row.box),
    )


def overrides_out(stored: Sequence[Any]) -> list[OverrideOut]:
    return [
        OverrideOut(person_id=int(o["person_id"]), change=str(o["change"]), reason=str(o["reason"]))
        for o in stored
    ]


def board_out(view: Board) -> BoardOut:
    decision = view.decision
    summary = None
    if decision is not None:
        summary = DecisionSummaryOut(
            signed_by=decision.signer_name,
            signed_at=decision.signed_at,
            promoted=[int(pid) for pid in decision.promoted],
            reason=decision.reason if view.full else None,
            overrides=overrides_out(decision.overrides) if view.full else None,
        )
    return BoardOut(
        round=round_out(view.round, len(view.rows)),
        criteria=[criterion_out(info) for info in view.criteria],
        rows=[row_out(row) for row in view.rows],
        excluded=[ExcludedOut(person_id=p, name=n, reason=r) for p, n, r in view.excluded],
        recommended=list(view.recommended),
        warning=view.warning,
        decision=summary,
        full=view.full,
    )


def round_summary_out(summary: RoundSummary) -> RoundSummaryOut:
    return RoundSummaryOut(
        id=summary.id,
        name=summary.name,
        target=summary.target,
        status=summary.status,
        candidates=summary.candidates,
        top_n=summary.top_n,
        transparency=summary.transparency,
        external_weighted=summary.external_weighted,
        created_at=summary.created_at,
        decided_at=summary.decided_at,
        open_appeals=summary.open_appeals,
    )
