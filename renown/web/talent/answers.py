"""What the promotion-board API answers where it differs from the domain's values.

Most answers are the domain's result dataclasses as they are (a criterion, a round's line,
an appeal, a bias audit). The models here exist only where the API shows something else:
a 9-box cell named, a stored round with its warning and pool size, a board whose decision
hides HR's reasons from others, people named in a what-if. Each is read from the domain
value (``from_attributes``), never copied field by field. External scores of people without
a public profile arrive as ``null`` with ``shown`` saying they are hidden: the domain
decides what a caller may see, these models only carry it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Annotated, Any, Self

from pydantic import (
    AliasPath,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from renown.store.tables.talent import PromotionRound
from renown.talent.board import BoardRow, ContributionView, WhatIfView, frozen_rows
from renown.talent.composite import WeightedCriterion
from renown.talent.criteria import CriterionInfo
from renown.talent.demographics import VOCABULARIES
from renown.talent.eligibility import Eligibility
from renown.talent.ninebox import BOX_NAMES, BOXES
from renown.talent.readiness import READINESS_LABELS, Readiness
from renown.talent.report import EXTERNAL_PROMINENCE_WARNING
from renown.talent.whatif import Change, chart_rows

READ = ConfigDict(from_attributes=True)


# --- 9-box cells --------------------------------------------------------------------------


class BoxOut(BaseModel):
    """A 9-box cell."""

    performance: int
    potential: int
    name: str


class BoxCountOut(BoxOut):
    """How many people a 9-box cell holds."""

    count: int


def _named(box: Any) -> Any:
    """A domain cell ``(performance, potential)`` as the API shows it, with its name."""
    if isinstance(box, tuple):
        return {"performance": box[0], "potential": box[1], "name": BOX_NAMES[box]}
    return box


def _counted(counts: Any) -> Any:
    """Every cell of the 9-box, in order, with its count (0 where the mapping has none)."""
    if isinstance(counts, Mapping):
        return [_named(box) | {"count": counts.get(box, 0)} for box in BOXES]
    return counts


Cell = Annotated[BoxOut, BeforeValidator(_named)]
Counts = Annotated[list[BoxCountOut], BeforeValidator(_counted)]


# --- Rounds and boards --------------------------------------------------------------------


class RoundOut(BaseModel):
    """A round and its whole configuration."""

    model_config = READ

    id: int
    name: str
    target: str
    status: str = Field(description="open or decided")
    as_of: datetime = Field(description="The date the evidence is read as of")
    created_by: str
    created_at: datetime
    decided_at: datetime | None
    eligibility: Eligibility
    criteria: list[WeightedCriterion]
    top_n: int
    performance_criteria: list[str]
    potential_criteria: list[str]
    missing_policy: str
    transparency: str
    external_weighted: bool
    warning: str | None = Field(
        default=None, description="The legal warning when external prominence counts"
    )
    candidates: int = 0

    @field_validator("eligibility", mode="before")
    @classmethod
    def _rules(cls, stored: Any) -> Any:
        return Eligibility.from_json(stored) if isinstance(stored, Mapping) else stored

    @model_validator(mode="after")
    def _warn(self) -> Self:
        self.warning = EXTERNAL_PROMINENCE_WARNING if self.external_weighted else None
        return self

    @classmethod
    def counted(cls, round_: PromotionRound, candidates: int) -> RoundOut:
        """A stored round with the size of its pool."""
        return cls.model_validate(round_).model_copy(update={"candidates": candidates})


class CandidateOut(BaseModel):
    """Who a candidate is and where the evidence ranks them (the start of every row)."""

    person_id: int
    name: str
    title: str | None
    department: str | None
    rank: int | None
    composite: float | None


class BoardRowOut(CandidateOut):
    """A candidate on the board and the explanation of their place."""

    model_config = READ

    recommended: bool = Field(description="In the recommended top N")
    contributions: list[ContributionView]
    missing: list[str] = Field(description="Weighted criteria the candidate has no evidence for")
    note: str
    box: Cell | None


class ExcludedOut(BaseModel):
    """Someone considered but not in the pool, and why."""

    person_id: int
    name: str
    reason: str

    @model_validator(mode="before")
    @classmethod
    def _from_triple(cls, value: Any) -> Any:
        if isinstance(value, tuple):
            return dict(zip(("person_id", "name", "reason"), value, strict=True))
        return value


class OverrideOut(BaseModel):
    """A departure from the recommended top N and its reason."""

    person_id: int
    change: str
    reason: str


class DecisionSummaryOut(BaseModel):
    """Who signed the round off and who was promoted (reasons are HR's)."""

    model_config = READ

    signed_by: str = Field(validation_alias="signer_name")
    signed_at: datetime
    promoted: list[int]
    reason: str | None = Field(description="HR and administrators only (null otherwise)")
    overrides: list[OverrideOut] | None = Field(description="HR and administrators only")


class BoardOut(BaseModel):
    """A round's ranking as the caller may see it (frozen once decided)."""

    model_config = READ

    round: RoundOut
    criteria: list[CriterionInfo]
    rows: list[BoardRowOut]
    excluded: list[ExcludedOut] = Field(description="HR and administrators only (empty else)")
    recommended: list[int]
    warning: str | None
    decision: DecisionSummaryOut | None
    full: bool = Field(description="HR's view, with every external score")
    evidence_frozen_on: datetime | None = Field(
        default=None,
        description="When the evidence (as of the round's as_of) was measured and kept; "
        "later scoring runs, badges and ratings do not change it. Null: measured live.",
    )

    @model_validator(mode="after")
    def _as_shown(self) -> Self:
        """The round counts the candidates shown; HR's reasons stay HR's."""
        self.round.candidates = len(self.rows)
        if self.decision is not None and not self.full:
            self.decision.reason = None
            self.decision.overrides = None
        return self


class DecisionOut(BaseModel):
    """The signed-off decision with its frozen inputs and ranking (HR and administrators)."""

    model_config = READ

    round_id: int
    signed_by: str
    signer_name: str
    signed_at: datetime
    reason: str
    promoted: list[int]
    overrides: list[OverrideOut]
    ranking: list[BoardRowOut]
    inputs: dict[str, Any]
    audit_hash: str
    verified: bool = Field(
        default=False, description="The stored decision matches its audit-log entry"
    )

    @field_validator("ranking", mode="before")
    @classmethod
    def _frozen(cls, stored: Any) -> Any:
        """The ranking as stored at sign-off, every score shown (HR reads it)."""
        rows: list[BoardRow] = frozen_rows(stored, full=True)
        return rows


class CandidateExplanationOut(BaseModel):
    """A candidate's own place and explanation, whatever the round publishes."""

    model_config = READ

    round_id: int = Field(validation_alias=AliasPath("round", "id"))
    round_name: str = Field(validation_alias=AliasPath("round", "name"))
    target: str = Field(validation_alias=AliasPath("round", "target"))
    status: str = Field(validation_alias=AliasPath("round", "status"))
    row: BoardRowOut | None = Field(description="Null when the caller is not a candidate")
    pool_size: int
    decided: bool
    promoted: bool | None = Field(description="Null until the round is decided")


# --- Calibration --------------------------------------------------------------------------


class NineBoxRowOut(CandidateOut):
    """A candidate's cell now (after calibration) and as computed from the evidence."""

    box: Cell | None
    computed: Cell | None
    movable: bool = Field(description="The caller may move this person now")


class CalibrationSessionOut(BaseModel):
    model_config = READ

    id: int
    round_id: int
    name: str
    opened_by: str
    opened_at: datetime
    closed_at: datetime | None


class MoveOut(BaseModel):
    """A logged calibration move."""

    model_config = READ

    id: int
    session_id: int
    person_id: int
    name: str
    from_box: Cell
    to_box: Cell
    reason: str
    moved_by: str
    moved_at: datetime


class GroupShiftOut(BaseModel):
    """How a session moved one group (``everyone`` first, then each department)."""

    model_config = READ

    group: str
    n: int
    moved: int
    up: int
    down: int
    sideways: int
    net: int = Field(description="Total change of performance + potential levels")
    before: Counts
    after: Counts


class NineBoxOut(BaseModel):
    """The 9-box of a round: HR sees every candidate, a manager their own reports."""

    model_config = READ

    round_id: int
    counts: Counts
    rows: list[NineBoxRowOut]
    sessions: list[CalibrationSessionOut]
    active_session_id: int | None
    moves: list[MoveOut] = Field(description="The active session's moves (all when none)")
    shift: list[GroupShiftOut]

    @model_validator(mode="before")
    @classmethod
    def _placed(cls, view: Any) -> Any:
        """Each row with its computed cell and whether the caller may move it."""
        if isinstance(view, Mapping):
            return view
        rows = [vars(row) | {"computed": view.computed.get(row.person_id)} for row in view.rows]
        return {
            "round_id": view.round.id,
            "counts": view.counts,
            "rows": [row | {"movable": row["person_id"] in view.movable} for row in rows],
            "sessions": view.sessions,
            "active_session_id": view.active.id if view.active else None,
            "moves": view.moves,
            "shift": view.shift,
        }


# --- Succession ---------------------------------------------------------------------------


class PersonRef(BaseModel):
    """A person by id and name."""

    model_config = READ

    id: int
    name: str


class EvidenceOut(BaseModel):
    """One criterion behind a successor's place."""

    label: str
    shown: str = Field(description="The evidence in words")
    contribution: float | None


def _evidence(items: Any) -> Any:
    return [dict(zip(("label", "shown", "contribution"), item, strict=True)) for item in items]


class SuccessorOut(CandidateOut):
    """A successor on the chart, with the readiness set and the one the evidence suggests."""

    model_config = READ

    readiness: Readiness
    readiness_label: str
    reason: str
    suggested: Readiness
    suggested_label: str = ""
    suggested_reason: str
    evidence: Annotated[list[EvidenceOut], BeforeValidator(_evidence)]

    @model_validator(mode="after")
    def _label(self) -> Self:
        self.suggested_label = READINESS_LABELS[self.suggested]
        return self


class SuggestionOut(BaseModel):
    """Someone not yet on the chart whom the evidence ranks high."""

    person_id: int
    name: str
    composite: float | None
    readiness: Readiness

    @model_validator(mode="before")
    @classmethod
    def _from_tuple(cls, value: Any) -> Any:
        if isinstance(value, tuple):
            return dict(zip(("person_id", "name", "composite", "readiness"), value, strict=True))
        return value


class PlanOut(BaseModel):
    """A key role's replacement chart."""

    model_config = READ

    id: int
    role_name: str
    incumbent: PersonRef | None
    criteria: list[WeightedCriterion]
    warning: str | None = Field(description="The legal warning when external prominence counts")
    created_by: str
    created_at: datetime
    successors: list[SuccessorOut] = Field(description="Ranked by composite")
    suggestions: list[SuggestionOut]


# --- A person's own demographics ---------------------------------------------------------


class MyDemographicsOut(BaseModel):
    """The caller's own answers (null: not answered or prefer not to say)."""

    model_config = ConfigDict(from_attributes=True)

    sex: str | None
    race_ethnicity: str | None
    age_band: str | None
    disability: str | None
    updated_at: datetime | None
    allowed: dict[str, list[str]] = Field(
        default_factory=lambda: {field: list(values) for field, values in VOCABULARIES.items()},
        description="Each question's answers",
    )


# --- What-if ---------------------------------------------------------------------------


class WhatIfStepOut(BaseModel):
    """The top N at one weight of the varied criterion."""

    weight: float
    top: list[PersonRef]


class ChangeOut(BaseModel):
    """Who enters and who leaves the top N at ``weight``, against the board without it."""

    weight: float
    entered: list[PersonRef]
    left: list[PersonRef]


class ChartRowOut(BaseModel):
    """A point of the bump chart: a person's rank at one weight."""

    weight: float
    person_id: int
    name: str
    rank: int | None
    in_top: bool


class WhatIfOut(BaseModel):
    """What counting a criterion changes: the top N as its weight goes from 0 up."""

    round_id: int
    key: str
    label: str
    top_n: int
    configured_weight: float
    steps: list[WhatIfStepOut]
    versus_zero: list[ChangeOut]
    versus_configured: ChangeOut = Field(description="At the round's own weight, against 0")
    chart: list[ChartRowOut]

    @classmethod
    def of(cls, view: WhatIfView) -> WhatIfOut:
        """The sweep with every person id named."""
        sweep = view.whatif

        def people(ids: Sequence[int]) -> list[dict[str, Any]]:
            return [{"id": pid, "name": view.names.get(pid, f"person {pid}")} for pid in ids]

        def change(moved: Change) -> dict[str, Any]:
            return {
                "weight": moved.weight,
                "entered": people(moved.entered),
                "left": people(moved.left),
            }

        return cls.model_validate(
            {
                "round_id": view.round.id,
                "key": sweep.key,
                "label": view.label,
                "top_n": sweep.top_n,
                "configured_weight": sweep.configured_weight,
                "steps": [{"weight": s.weight, "top": people(s.top)} for s in sweep.steps],
                "versus_zero": [change(c) for c in sweep.versus_zero],
                "versus_configured": change(sweep.versus_configured),
                "chart": chart_rows(sweep, view.names),
            }
        )
