"""The job-change model's report: ROC curve, reliability chart, metrics and what drives it.

Charts are Vega-Lite specifications rendered to PNG without a browser (``vl-convert``), so
the report is the same on a server, in CI and on a laptop. The HTML report is one
self-contained file (PNGs embedded as ``data:`` URIs, no script, no external request) that
can be mailed or archived. The probabilities charted should be held out (cross-validated);
the caller says which they are in ``setting``.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np

from renown.radar.evaluation import BinaryMetrics, binary_metrics

CALIBRATION_BINS: Final = 10
_WIDTH: Final = 360


def roc_spec(y_true: Any, probability: Any) -> dict[str, Any]:
    """The ROC curve (true against false positive rate) with the chance diagonal."""
    from sklearn.metrics import roc_auc_score, roc_curve

    y = np.asarray(y_true).astype(np.int64)
    fpr, tpr, _ = roc_curve(y, np.asarray(probability, dtype=np.float64))
    auc = float(roc_auc_score(y, probability))
    points = [{"fpr": float(f), "tpr": float(t)} for f, t in zip(fpr, tpr, strict=True)]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": f"ROC curve (AUC {auc:.3f})",
        "width": _WIDTH,
        "height": _WIDTH,
        "layer": [
            {
                "data": {"values": [{"fpr": 0, "tpr": 0}, {"fpr": 1, "tpr": 1}]},
                "mark": {"type": "line", "strokeDash": [4, 4], "color": "#999"},
                "encoding": {
                    "x": {"field": "fpr", "type": "quantitative"},
                    "y": {"field": "tpr", "type": "quantitative"},
                },
            },
            {
                "data": {"values": points},
                "mark": {"type": "line", "interpolate": "step-after"},
                "encoding": {
                    "x": {"field": "fpr", "type": "quantitative", "title": "false positive rate"},
                    "y": {"field": "tpr", "type": "quantitative", "title": "true positive rate"},
                },
            },
        ],
    }


def calibration_points(y_true: Any, probability: Any) -> list[dict[str, float]]:
    """Rows grouped into deciles of predicted probability: mean prediction, observed rate,
    count."""
    y = np.asarray(y_true).astype(np.float64)
    p = np.asarray(probability, dtype=np.float64)
    order = np.argsort(p, kind="stable")
    points = []
    for chunk in np.array_split(order, CALIBRATION_BINS):
        if chunk.size:
            points.append(
                {
                    "predicted": float(p[chunk].mean()),
                    "observed": float(y[chunk].mean()),
                    "rows": float(chunk.size),
                }
            )
    return points


def calibration_spec(y_true: Any, probability: Any) -> dict[str, Any]:
    """Reliability chart: observed rate against mean predicted probability per decile."""
    points = calibration_points(y_true, probability)
    top = max(max(pt["predicted"], pt["observed"]) for pt in points)
    edge = float(min(1.0, top * 1.05 + 0.01))
    axis = {"scale": {"domain": [0, edge]}}
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": "Calibration (deciles of predicted probability)",
        "width": _WIDTH,
        "height": _WIDTH,
        "layer": [
            {
                "data": {"values": [{"x": 0, "y": 0}, {"x": edge, "y": edge}]},
                "mark": {"type": "line", "strokeDash": [4, 4], "color": "#999"},
                "encoding": {
                    "x": {"field": "x", "type": "quantitative", **axis},
                    "y": {"field": "y", "type": "quantitative", **axis},
                },
            },
            {
                "data": {"values": points},
                "mark": {"type": "line", "point": True},
                "encoding": {
                    "x": {
                        "field": "predicted",
                        "type": "quantitative",
                        "title": "mean predicted probability",
                        **axis,
                    },
                    "y": {
                        "field": "observed",
                        "type": "quantitative",
                        "title": "observed rate",
                        **axis,
                    },
                    "tooltip": [{"field": "rows", "type": "quantitative"}],
                },
            },
        ],
    }


def importance_spec(importance: Mapping[str, float], top: int = 15) -> dict[str, Any]:
    """Bars of each feature's mean absolute contribution (log-odds), largest first."""
    ranked = sorted(importance.items(), key=lambda item: -item[1])[:top]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": "What moves the estimate (mean |contribution|, log-odds)",
        "width": _WIDTH,
        "data": {"values": [{"feature": name, "importance": value} for name, value in ranked]},
        "mark": "bar",
        "encoding": {
            "y": {"field": "feature", "type": "nominal", "sort": "-x", "title": None},
            "x": {"field": "importance", "type": "quantitative", "title": "log-odds"},
        },
    }


def render_png(spec: dict[str, Any]) -> bytes:
    """A Vega-Lite spec as PNG bytes (no browser, no network)."""
    import vl_convert as vlc

    return bytes(vlc.vegalite_to_png(spec, scale=2))


@dataclass(frozen=True)
class ReportFiles:
    """What :func:`write_report` wrote."""

    roc: Path
    calibration: Path
    html: Path
    metrics: BinaryMetrics


def write_report(
    out: Path,
    y_true: Any,
    probability: Any,
    *,
    importance: Mapping[str, float],
    setting: str,
    title: str = "Job-change model",
    notes: tuple[str, ...] = (),
) -> ReportFiles:
    """Write ``roc.png``, ``calibration.png`` and a self-contained ``report.html`` in ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    metrics = binary_metrics(y_true, probability)
    charts = {
        "roc": render_png(roc_spec(y_true, probability)),
        "calibration": render_png(calibration_spec(y_true, probability)),
        "importance": render_png(importance_spec(importance)),
    }
    (out / "roc.png").write_bytes(charts["roc"])
    (out / "calibration.png").write_bytes(charts["calibration"])
    page = out / "report.html"
    page.write_text(_html(title, setting, metrics, charts, notes), encoding="utf-8")
    return ReportFiles(out / "roc.png", out / "calibration.png", page, metrics)


def _html(
    title: str,
    setting: str,
    metrics: BinaryMetrics,
    charts: Mapping[str, bytes],
    notes: tuple[str, ...],
) -> str:
    def image(name: str, alt: str) -> str:
        data = base64.b64encode(charts[name]).decode("ascii")
        return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}" width="420">'

    rows = [
        ("ROC-AUC", f"{metrics.roc_auc:.3f}"),
        ("PR-AUC", f"{metrics.pr_auc:.3f}"),
        ("Brier score", f"{metrics.brier:.4f}"),
        ("Precision at the top 10 %", f"{metrics.precision_top10:.3f}"),
        ("Rows", f"{metrics.n:,}"),
        ("Movers", f"{metrics.positives:,}"),
    ]
    table = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    items = "".join(f"<li>{html.escape(note)}</li>" for note in notes)
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title>"
        "<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:60em}"
        "th{text-align:left;padding-right:1em}td{text-align:right}</style></head><body>"
        f"<h1>{html.escape(title)}</h1><p>Probabilities: {html.escape(setting)}.</p>"
        f"<table>{table}</table>"
        f"<h2>Ranking</h2>{image('roc', 'ROC curve')}"
        f"<h2>Calibration</h2>{image('calibration', 'Calibration chart')}"
        f"<h2>What drives the estimate</h2>{image('importance', 'Feature importance')}"
        + (f"<h2>Notes</h2><ul>{items}</ul>" if notes else "")
        + "</body></html>\n"
    )
