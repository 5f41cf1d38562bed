"""What counting one criterion changes in a promotion round: the top N as its weight grows.

HR explores a weight before committing to it, so nothing here is saved or logged. The JSON
answers the sweep (the top N at every step, who enters and leaves it against weight 0 and
at the round's weight, the rows of a bump chart); the page draws the same sweep as a
headline in words, top-N tables under a slider and a Vega-Lite bump chart.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from renown.accounts.principal import Principal
from renown.talent.board import WhatIfView, what_if
from renown.talent.criteria import available
from renown.talent.rounds import MAX_WEIGHT
from renown.talent.whatif import WhatIfStep, chart_rows
from renown.web.deps import SessionDep
from renown.web.json_body import StrictJsonRoute
from renown.web.params import NO_NUL, RowId
from renown.web.policy import PeopleAdmin
from renown.web.render import render
from renown.web.talent.answers import WhatIfOut
from renown.web.talent.colours import criterion_colour, criterion_hex
from renown.web.vega import chart

api = APIRouter(tags=["promotion boards"], route_class=StrictJsonRoute)
pages = APIRouter()
BIG_CHART_PEOPLE: Final = 30
"""Above this many lines the bump chart drops its legend (the tooltips still name people)."""


def _names(ids: Sequence[int], names: Mapping[int, str]) -> str:
    """``A``, ``A and B``, ``A, B and C``."""
    words = [names.get(pid, f"person {pid}") for pid in ids]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def whatif_headline(view: WhatIfView) -> str:
    """The answer to "what does counting this criterion change?" in one sentence."""
    whatif = view.whatif
    change = whatif.versus_configured
    label = view.label[:1].lower() + view.label[1:]
    weight = f"{change.weight:g}"
    if change.weight == 0:
        return (
            f"{view.label} carries no weight in this round today; the chart shows what "
            "counting it would change."
        )
    parts = []
    if change.entered:
        parts.append(f"brings in {_names(change.entered, view.names)}")
    if change.left:
        parts.append(f"leaves out {_names(change.left, view.names)}")
    if not parts:
        return (
            f"At the configured weight {weight}, counting {label} changes nobody in the "
            f"top {whatif.top_n} compared with weight 0."
        )
    return (
        f"At the configured weight {weight}, counting {label} {' and '.join(parts)} "
        "compared with weight 0."
    )


def nearest_step(view: WhatIfView, weight: float | None) -> int:
    """Index of the grid step closest to ``weight`` (the configured weight when None)."""
    target = view.whatif.configured_weight if weight is None else weight
    steps = view.whatif.steps
    return min(range(len(steps)), key=lambda i: (abs(steps[i].weight - target), i))


@dataclass(frozen=True)
class TopRow:
    """A person in the top N at one weight of the what-if."""

    person_id: int
    name: str
    rank: int | None
    composite: float | None
    entered: bool


@dataclass(frozen=True)
class StepTable:
    """The top N at one weight, and who entered or left it compared with weight 0."""

    weight: float
    rows: list[TopRow]
    left: list[tuple[int, str]]


def step_table(view: WhatIfView, index: int) -> StepTable:
    """The top N at step ``index`` with entries and exits versus weight 0."""
    step: WhatIfStep = view.whatif.steps[index]
    change = view.whatif.versus_zero[index]
    entered = set(change.entered)
    rows = [
        TopRow(
            pid,
            view.names.get(pid, f"person {pid}"),
            step.ranks.get(pid),
            step.composites.get(pid),
            pid in entered,
        )
        for pid in step.top
    ]
    left = [(pid, view.names.get(pid, f"person {pid}")) for pid in change.left]
    return StepTable(step.weight, rows, left)


def slider_step(size: float) -> str:
    """The range input's step: the grid's spacing, or "any" when it is not a round number
    (a browser would otherwise stop short of the largest weight)."""
    thousandths = size * 1000
    return f"{size:g}" if abs(thousandths - round(thousandths)) < 1e-9 else "any"


def whatif_chart_spec(view: WhatIfView) -> dict[str, Any]:
    """A Vega-Lite bump chart: rank (1 on top) of everyone who reaches the top N by weight.

    The dashed horizontal rule sits between rank N and N + 1 (above it is the top N); the
    vertical rule, in the criterion's colour, marks the round's configured weight.
    """
    whatif = view.whatif
    composites = [step.composites.get(pid) for step in whatif.steps for pid in whatif.ever_in_top]
    values = [
        row | {"composite": None if value is None else round(value, 2)}
        for row, value in zip(chart_rows(whatif, view.names), composites, strict=True)
    ]
    ranks = [
        rank
        for step in whatif.steps
        for pid in whatif.ever_in_top
        if (rank := step.ranks.get(pid)) is not None
    ]
    lowest = max([*ranks, whatif.top_n + 1])
    cut = whatif.top_n + 0.5
    many = len(whatif.ever_in_top) > BIG_CHART_PEOPLE
    x = {"field": "weight", "type": "quantitative", "title": f"Weight of {view.label}"}
    y_scale = {"reverse": True, "domain": [0.5, lowest + 0.5], "nice": False, "zero": False}
    return chart(
        f"Rank of each candidate as the weight of {view.label} grows",
        max(260, min(640, 26 * lowest)),
        {
            "data": {"values": values},
            "layer": [
                {
                    "mark": {
                        "type": "line",
                        "point": {"filled": True, "size": 45},
                        "strokeWidth": 2,
                    },
                    "encoding": {
                        "x": x,
                        "y": {
                            "field": "rank",
                            "type": "quantitative",
                            "title": "Rank",
                            "scale": y_scale,
                            "axis": {"tickMinStep": 1, "format": "d"},
                        },
                        "color": {
                            "field": "name",
                            "type": "nominal",
                            "title": "Candidate",
                            "scale": {"scheme": "tableau20"},
                            "legend": None if many else {"orient": "right"},
                        },
                        "tooltip": [
                            {"field": "name", "type": "nominal", "title": "Candidate"},
                            {"field": "weight", "type": "quantitative", "title": "Weight"},
                            {"field": "rank", "type": "quantitative", "title": "Rank"},
                            {
                                "field": "composite",
                                "type": "quantitative",
                                "title": "Composite",
                                "format": ".1f",
                            },
                        ],
                    },
                },
                {
                    "data": {"values": [{"rank": cut, "label": f"top {whatif.top_n} above"}]},
                    "mark": {"type": "rule", "strokeDash": [6, 4], "color": "#b42318"},
                    "encoding": {"y": {"field": "rank", "type": "quantitative"}},
                },
                {
                    "data": {"values": [{"rank": cut, "label": f"top {whatif.top_n} above"}]},
                    "mark": {
                        "type": "text",
                        "align": "left",
                        "dx": 4,
                        "dy": -7,
                        "color": "#b42318",
                        "fontSize": 11,
                    },
                    "encoding": {
                        "x": {"value": 0},
                        "y": {"field": "rank", "type": "quantitative"},
                        "text": {"field": "label"},
                    },
                },
                {
                    # In the criterion's own colour, as on every board (colours.py).
                    "data": {"values": [{"weight": whatif.configured_weight}]},
                    "mark": {
                        "type": "rule",
                        "strokeDash": [2, 3],
                        "strokeWidth": 2,
                        "color": criterion_hex(whatif.key),
                    },
                    "encoding": {"x": {"field": "weight", "type": "quantitative"}},
                },
            ],
        },
    )


# --- JSON ---------------------------------------------------------------------------------


@api.get("/talent/rounds/{round_id}/whatif")
def whatif(
    round_id: RowId,
    principal: PeopleAdmin,
    session: SessionDep,
    key: Annotated[
        str,
        Query(min_length=1, max_length=80, pattern=NO_NUL, description="The criterion varied"),
    ] = "prominence_internal",
    max_weight: Annotated[float, Query(gt=0, le=MAX_WEIGHT, allow_inf_nan=False)] = 100.0,
    steps: Annotated[
        int, Query(ge=2, le=101, description="Weights tried, both ends included")
    ] = 21,
) -> WhatIfOut:
    """Vary one criterion's weight from 0 to ``max_weight`` (others as configured): the top
    N at every step, who enters and leaves it against weight 0 and at the round's weight,
    and the rows of a bump chart of everyone who reaches it."""
    view = what_if(session, principal, round_id, key=key, max_weight=max_weight, steps=steps)
    return WhatIfOut.of(view)


# --- Pages --------------------------------------------------------------------------------


CriterionKey = Annotated[str, Query(max_length=200, pattern=NO_NUL)]
MaxWeight = Annotated[float, Query(gt=0, le=MAX_WEIGHT)]
Steps = Annotated[int, Query(ge=2, le=101)]
Weight = Annotated[float | None, Query(ge=0, le=MAX_WEIGHT)]


@dataclass(frozen=True)
class Sweep:
    """The what-if a page asks for: the criterion varied, up to which weight, in how many
    steps (the page keeps them in its links and form)."""

    key: str
    max_weight: float
    steps: int

    def of(self, session: Session, principal: Principal, round_id: int) -> WhatIfView:
        return what_if(
            session, principal, round_id, key=self.key, max_weight=self.max_weight, steps=self.steps
        )


def sweep(
    key: CriterionKey = "prominence_internal", max_weight: MaxWeight = 100.0, steps: Steps = 21
) -> Sweep:
    return Sweep(key, max_weight, steps)


SweepDep = Annotated[Sweep, Depends(sweep)]


@pages.get("/talent/rounds/{round_id}/whatif/table", response_class=HTMLResponse)
@pages.get("/talent/rounds/{round_id}/whatif", response_class=HTMLResponse)  # registered first
def whatif_page(
    request: Request,
    round_id: RowId,
    principal: PeopleAdmin,
    session: SessionDep,
    asked: SweepDep,
    weight: Weight = None,
) -> HTMLResponse:
    """How the top N moves as one criterion's weight goes from 0 to ``max_weight``; at
    ``/table`` only the top N at the grid weight nearest ``weight`` (htmx swaps it under
    the slider)."""
    view = asked.of(session, principal, round_id)
    table = step_table(view, nearest_step(view, weight))
    if request.url.path.endswith("/table"):
        return render(request, "talent_whatif_table.html", {"view": view, "table": table})
    grid = view.whatif.steps
    context = {
        "view": view,
        "round": view.round,
        "headline": whatif_headline(view),
        "colour": criterion_colour(asked.key),
        "spec": whatif_chart_spec(view),
        "table": table,
        "changes": [step_table(view, i) for i in range(len(grid))],
        "infos": available(session, principal.org_id),
        "key": asked.key,
        "max_weight": asked.max_weight,
        "steps": asked.steps,
        "slider_step": slider_step(grid[1].weight - grid[0].weight),
    }
    return render(request, "talent_whatif.html", context)
