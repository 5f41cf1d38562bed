"""What the promotion-board API reads: the request bodies and their field types.

Bodies of routes that act on one object default every field, so that an object the caller
cannot see is a 404 whatever was sent; the routes judge a missing field once the object is
found (422).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
)

from renown.talent.composite import WeightedCriterion
from renown.talent.eligibility import Eligibility
from renown.talent.readiness import Readiness
from renown.talent.rounds import MAX_TEXT, MAX_TOP_N, MAX_WEIGHT
from renown.web.params import MULTI_LINE, SINGLE_LINE, BodyId, Flag, Number, Whole

PersonId = BodyId
Text = Annotated[str, StringConstraints(min_length=1, max_length=200), SINGLE_LINE]
Reason = Annotated[str, StringConstraints(max_length=MAX_TEXT), MULTI_LINE]
"""Free text the domain requires (5 characters at least) where a reason is needed."""
CriterionKey = Annotated[str, StringConstraints(min_length=1, max_length=80), SINGLE_LINE]
Weight = Annotated[Number, Field(ge=0, le=MAX_WEIGHT)]
Months = Annotated[Whole, Field(ge=0, le=600)]
Level = Annotated[Whole, Field(ge=1, le=3, description="1 low, 2 moderate, 3 high")]
MissingPolicy = Literal["reweigh", "exclude"]
Transparency = Literal["everyone", "candidates", "no_one"]
MAX_LIST = 200
MAX_PEOPLE = 10_000
READ = ConfigDict(from_attributes=True)


# --- What clients send --------------------------------------------------------------------


class WeightIn(BaseModel):
    """A criterion and the weight it carries (0 shows it without counting it)."""

    key: CriterionKey = Field(description="A key of GET /talent/criteria")
    weight: Weight

    def weighted(self) -> WeightedCriterion:
        return WeightedCriterion(self.key, self.weight)


class EligibilityIn(BaseModel):
    """Who enters the pool: every rule must hold; empty lists admit everyone, except levels:
    with none given, the pool admits the level band below the role's level."""

    min_tenure_months: Months = 0
    min_months_in_role: Months = 0
    levels: list[Text] = Field(default_factory=list, max_length=MAX_LIST)
    departments: list[Text] = Field(default_factory=list, max_length=MAX_LIST)
    titles: list[Text] = Field(default_factory=list, max_length=MAX_LIST)

    def rules(self) -> Eligibility:
        return Eligibility(
            min_tenure_months=self.min_tenure_months,
            min_months_in_role=self.min_months_in_role,
            levels=tuple(self.levels),
            departments=tuple(self.departments),
            titles=tuple(self.titles),
        )


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
    target_level: Text | None = Field(
        default=None,
        description="The role's career level (e.g. L4). With no levels in the eligibility, "
        "the pool admits the nearest level below it; omitted, it is read from the target "
        "(a level written in it, or the level of people holding that title)",
    )
    eligibility: EligibilityIn = Field(default_factory=EligibilityIn)


class CandidateIn(BaseModel):
    """HR adds a person to the pool or takes them out, with a reason (logged)."""

    included: Flag | None = Field(default=None, description="Required")
    reason: Reason = ""


class CalibrationSessionIn(BaseModel):
    """A calibration session's name (1 to 200 characters)."""

    name: Annotated[str, StringConstraints(max_length=200), SINGLE_LINE] = ""


class MoveIn(BaseModel):
    """Move a candidate to another 9-box cell, with a reason (required), and optionally
    the cell the mover saw them in."""

    person_id: PersonId | None = None
    performance: Level | None = None
    potential: Level | None = None
    reason: Reason = ""
    from_performance: Level | None = Field(
        default=None,
        description="The cell the mover saw the person in (with from_potential): when "
        "someone moved them since, the move is refused with 409. Optional.",
    )
    from_potential: Level | None = Field(
        default=None, description="The potential level of the cell the mover saw"
    )


class DecisionIn(BaseModel):
    """Sign a round off: who is promoted, why, and why each departure from the top N."""

    promoted: list[PersonId] | None = Field(
        default=None, max_length=MAX_PEOPLE, description="Required; [] promotes nobody"
    )
    reason: Reason = ""
    overrides: dict[int, Reason] = Field(
        default_factory=dict,
        max_length=MAX_PEOPLE,
        description="Person id -> reason, for everyone promoted outside the recommended top N "
        "and everyone in it who is not promoted",
    )


class AppealIn(BaseModel):
    """A candidate's appeal against the decision of their round."""

    text: Reason = ""


class AppealAnswerIn(BaseModel):
    """HR's answer to an appeal: upheld or rejected, and why (both required)."""

    upheld: Flag | None = None
    answer: Reason = ""


class PlanIn(BaseModel):
    """A key role to plan successors for; omitted criteria take the rounds' defaults."""

    role_name: Text
    incumbent_id: PersonId | None = None
    criteria: list[WeightIn] | None = Field(default=None, max_length=50)


class SuccessorIn(BaseModel):
    """Name a successor. Without a readiness the evidence suggests one; a readiness HR
    chooses needs a reason."""

    person_id: PersonId | None = Field(default=None, description="Required")
    readiness: Readiness | None = None
    reason: Reason = ""


class ReadinessIn(BaseModel):
    """HR's readiness for a successor and why (both required)."""

    readiness: Readiness | None = None
    reason: Reason = ""


Answer = Annotated[str, StringConstraints(max_length=64), SINGLE_LINE]


class DemographicsIn(BaseModel):
    """The caller's own answers, all optional: null or "prefer not to say" means unknown.

    Values are matched ignoring case (see ``allowed`` in the answer for the lists).
    """

    sex: Answer | None = None
    race_ethnicity: Answer | None = None
    age_band: Answer | None = None
    disability: Answer | None = None
