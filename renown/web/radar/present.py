"""How the radar reads on a page: the update-activity chart, a prediction's reasons as bars,
and percentages in words."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from renown.radar.results import ActivityPoint, Prediction
from renown.web.vega import chart


def activity_chart(points: Sequence[ActivityPoint]) -> dict[str, Any] | None:
    """Profile changes per month, stacked by kind (``None`` when there are none)."""
    if not points:
        return None
    values = [
        {"month": p.month, "kind": p.kind.replace("_", " "), "changes": p.changes} for p in points
    ]
    return chart(
        "Profile changes of the radar's prospects per month, by kind of change",
        180,
        {
            "data": {"values": values},
            "mark": {"type": "bar"},
            "encoding": {
                "x": {"field": "month", "type": "ordinal", "title": None},
                "y": {"field": "changes", "type": "quantitative", "title": "changes"},
                "color": {
                    "field": "kind",
                    "type": "nominal",
                    "title": None,
                    "legend": {"orient": "bottom", "columns": 2},
                },
                "tooltip": [{"field": "month"}, {"field": "kind"}, {"field": "changes"}],
            },
        },
    )


def reasons_chart(prediction: Prediction | None) -> dict[str, Any] | None:
    """The prediction's reasons as bars: how far each moved the odds, up or down."""
    if prediction is None or not prediction.reasons:
        return None
    values = [
        {
            "reason": r.label or r.feature,
            "value": r.value,
            "contribution": round(r.contribution, 3),
            "direction": "more likely" if r.contribution > 0 else "less likely",
        }
        for r in prediction.reasons
    ]
    return chart(
        "What moved this estimate: each reason's effect on the odds of a move",
        max(80, 36 * len(values)),
        {
            "data": {"values": values},
            "mark": {"type": "bar"},
            "encoding": {
                "y": {
                    "field": "reason",
                    "type": "nominal",
                    "title": None,
                    "sort": None,
                    "axis": {"labelLimit": 230},
                },
                "x": {
                    "field": "contribution",
                    "type": "quantitative",
                    # The axis says the direction, so no legend is needed beside it (a legend
                    # under the bars was cut off on a phone).
                    "title": "← less likely · effect on the odds (log) · more likely →",
                },
                "color": {
                    "field": "direction",
                    "type": "nominal",
                    "title": None,
                    "scale": {
                        "domain": ["more likely", "less likely"],
                        "range": ["#c05621", "#2b6cb0"],
                    },
                    "legend": None,
                },
                "tooltip": [{"field": "reason"}, {"field": "value"}, {"field": "contribution"}],
            },
        },
    )


def percent(value: float | None) -> str:
    """``0.42`` -> ``42%``; ``n/a`` when unknown."""
    return "n/a" if value is None else f"{value:.0%}"
