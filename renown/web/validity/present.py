"""How a validation report reads on a page: the plain warning, the tables' cells, the chart.

The warning is the page's most important sentence: if, on HR's own labels, the score does
not order people better than a count anyone could make in a spreadsheet, it must not be
used to decide anything about people, whatever its other figures say. A baseline
triggers it when the score minus the baseline is zero or less on AUC or on Spearman.
"""

from __future__ import annotations

import math
from typing import Any, Final

from renown.validation.metrics import METRIC_LABELS, METRIC_NAMES
from renown.web.vega import chart

WARNED_ON: Final = ("auc", "spearman")
"""The metrics on which the score must beat every baseline for the page not to warn."""
CHARTED: Final = ("auc", "spearman")


def baselines_not_beaten(report: dict[str, Any]) -> list[str]:
    """Baselines the score does not beat (difference <= 0 on AUC or Spearman)."""
    beaten_by: list[str] = []
    for row in report.get("score_minus_baseline", []):
        for metric in WARNED_ON:
            value = row["metrics"].get(metric, {}).get("value")
            if value is not None and value <= 0:
                beaten_by.append(str(row["baseline"]))
                break
    return beaten_by


def warning(report: dict[str, Any]) -> str | None:
    """The plain warning for the top of the report, or ``None`` when every baseline is beaten."""
    names = baselines_not_beaten(report)
    if not names:
        return None
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
    return (
        f"On your labels, the prominence score does not rank people better than {listed}. "
        "Do not use it for decisions about people until it does: check that the labels "
        "measure what you care about, that the events cover your organisation, or fit "
        "weights to these labels below and validate again."
    )


def cell(estimate: dict[str, Any], *, signed: bool = False) -> str:
    """``0.712 [0.650, 0.770]``; ``n/a`` when the metric is undefined on these labels."""
    value = estimate.get("value")
    if value is None or not math.isfinite(value):
        return "n/a"
    style = "+.3f" if signed else ".3f"
    return f"{value:{style}} [{estimate['low']:{style}}, {estimate['high']:{style}}]"


def metric_labels() -> list[tuple[str, str]]:
    """(metric name, column heading) in report order."""
    return [(name, METRIC_LABELS[name]) for name in METRIC_NAMES]


def report_chart(report: dict[str, Any]) -> dict[str, Any]:
    """AUC and Spearman of every ranking with its 95 % interval, one row per ranking."""
    points = [
        {
            "ranking": row["name"],
            "kind": row["kind"],
            "metric": METRIC_LABELS[metric],
            "value": estimate["value"],
            "low": estimate["low"],
            "high": estimate["high"],
        }
        for row in report.get("rows", [])
        for metric in CHARTED
        if (estimate := row["metrics"].get(metric, {})).get("value") is not None
    ]
    y = {"field": "ranking", "type": "nominal", "title": None, "sort": None}
    colour = {"field": "metric", "type": "nominal", "title": None, "legend": {"orient": "top"}}
    return chart(
        "AUC and Spearman of the score, its components and the baselines, with 95% intervals",
        max(120, 34 * len(report.get("rows", []))),
        {
            "data": {"values": points},
            "encoding": {"y": y, "yOffset": {"field": "metric"}, "color": colour},
            "layer": [
                {
                    "mark": {"type": "rule", "strokeWidth": 2},
                    "encoding": {
                        "x": {"field": "low", "type": "quantitative", "title": "value"},
                        "x2": {"field": "high"},
                    },
                },
                {
                    "mark": {"type": "point", "filled": True, "size": 60},
                    "encoding": {
                        "x": {"field": "value", "type": "quantitative"},
                        "tooltip": [
                            {"field": "ranking"},
                            {"field": "metric"},
                            {"field": "value", "format": ".3f"},
                            {"field": "low", "format": ".3f"},
                            {"field": "high", "format": ".3f"},
                        ],
                    },
                },
            ],
        },
    )
