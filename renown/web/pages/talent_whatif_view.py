"""What the what-if page shows: the headline in words, the top-N tables and the bump chart.

The what-if page answers one question ("what does counting this criterion change?") with
pieces that are presentation, not the domain's business, and that no other board page
uses; they live here, apart from the board's form parsing in
:mod:`renown.web.pages.talent_board`, so each module stays small enough to read in one go.
The routes that use them are in :mod:`renown.web.pages.talent_whatif`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from renown.talent.board import WhatIfView
from renown.talent.whatif import WhatIfStep, chart_rows
from renown.web.vega import VEGA_LITE_SCHEMA

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
    vertical rule marks the round's configured weight.
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
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "description": f"Rank of each candidate as the weight of {view.label} grows",
        "width": "container",
        "height": max(260, min(640, 26 * lowest)),
        "autosize": {"type": "fit-x", "contains": "padding"},
        "data": {"values": values},
        "layer": [
            {
                "mark": {"type": "line", "point": {"filled": True, "size": 45}, "strokeWidth": 2},
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
                "data": {"values": [{"weight": whatif.configured_weight}]},
                "mark": {"type": "rule", "strokeDash": [2, 3], "color": "#4a5568"},
                "encoding": {"x": {"field": "weight", "type": "quantitative"}},
            },
        ],
        "config": {
            "font": "system-ui, sans-serif",
            "view": {"stroke": None},
            "axis": {"gridColor": "#edf1f5", "domainColor": "#c3ccd8", "labelColor": "#4a5568"},
        },
    }
