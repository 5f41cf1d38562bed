"""A validation's result as one typed value, and its three renderings (terminal, Markdown,
JSON), so that the command line, the documentation and the tests read the same figures."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any, Literal

from renown.validation.metrics import METRIC_LABELS, METRIC_NAMES, Metrics

RowKind = Literal["score", "component", "baseline"]


@dataclass(frozen=True)
class ReportRow:
    """The metrics of one ranking: the score, one of its components, or a baseline."""

    name: str
    kind: RowKind
    metrics: Metrics
    description: str = ""


@dataclass(frozen=True)
class ValidationReport:
    """Every ranking validated against one set of labels."""

    labels: str
    """Where the labels came from (file name or data set)."""
    people: int
    """Labelled people who were scored (the people every metric is computed on)."""
    top: int
    """People counted as *top* for the AUC."""
    top_from: float
    """Label value from which a person is *top*."""
    rows: tuple[ReportRow, ...]
    unmatched: int = 0
    """Labelled ids that matched nobody (left out)."""
    notes: tuple[str, ...] = field(default_factory=tuple)
    against_baselines: tuple[ReportRow, ...] = ()
    """The score minus each baseline, metric by metric, with paired bootstrap intervals
    (row name: the baseline's)."""

    def row(self, name: str, kind: RowKind | None = None) -> ReportRow:
        """The row called ``name`` (of ``kind``, when given)."""
        for row in self.rows:
            if row.name == name and kind in (None, row.kind):
                return row
        raise KeyError(f"no row {name!r} in the report; rows: {[r.name for r in self.rows]}")

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return {
            "labels": self.labels,
            "people": self.people,
            "top": self.top,
            "top_from": self.top_from,
            "unmatched": self.unmatched,
            "notes": list(self.notes),
            "rows": [
                {
                    "name": row.name,
                    "kind": row.kind,
                    "description": row.description,
                    "metrics": {k: v.to_dict() for k, v in row.metrics.as_dict().items()},
                }
                for row in self.rows
            ],
            "score_minus_baseline": [
                {
                    "baseline": row.name,
                    "metrics": {k: v.to_dict() for k, v in row.metrics.as_dict().items()},
                }
                for row in self.against_baselines
            ],
        }


def to_json(report: ValidationReport) -> str:
    """The report as indented JSON (NaN, where a metric is undefined, becomes null)."""
    return json.dumps(finite(report.to_dict()), indent=2) + "\n"


def finite(value: Any) -> Any:
    """``value`` (plain data) with every NaN or infinity replaced by ``None`` (JSON null)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [finite(v) for v in value]
    return value


def _cell(value: float, low: float, high: float) -> str:
    if not math.isfinite(value):
        return "n/a"
    return f"{value:.3f} [{low:.3f}, {high:.3f}]"


def _summary(report: ValidationReport) -> str:
    return (
        f"{report.people} labelled people from {report.labels}; top = label >= "
        f"{report.top_from:g} ({report.top} people); 95% bootstrap intervals over people"
        + (f"; {report.unmatched} labelled id(s) matched nobody" if report.unmatched else "")
    )


def _table(report: ValidationReport) -> tuple[list[str], list[list[str]]]:
    header = ["ranking", "kind", *(METRIC_LABELS[m] for m in METRIC_NAMES)]
    body = []
    for row in report.rows:
        values = row.metrics.as_dict()
        body.append(
            [
                row.name,
                row.kind,
                *(_cell(values[m].value, values[m].low, values[m].high) for m in METRIC_NAMES),
            ]
        )
    return header, body


def _differences(report: ValidationReport) -> tuple[list[str], list[list[str]]]:
    header = ["score minus", *(METRIC_LABELS[m] for m in METRIC_NAMES)]
    body = []
    for row in report.against_baselines:
        values = row.metrics.as_dict()
        body.append(
            [
                row.name,
                *(_signed(values[m].value, values[m].low, values[m].high) for m in METRIC_NAMES),
            ]
        )
    return header, body


def _signed(value: float, low: float, high: float) -> str:
    if not math.isfinite(value):
        return "n/a"
    return f"{value:+.3f} [{low:+.3f}, {high:+.3f}]"


def _fixed_width(header: list[str], body: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]
    return [
        "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()
        for cells in [header, ["-" * w for w in widths], *body]
    ]


def _markdown_table(header: list[str], body: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    return lines + ["| " + " | ".join(cells) + " |" for cells in body]


def format_table(report: ValidationReport) -> str:
    """Plain-text table for a terminal (fixed-width columns)."""
    lines = [_summary(report), "", *_fixed_width(*_table(report))]
    if report.against_baselines:
        lines += ["", "The score minus each baseline (paired bootstrap):"]
        lines += _fixed_width(*_differences(report))
    lines.extend(f"note: {note}" for note in report.notes)
    return "\n".join(lines) + "\n"


def to_markdown(report: ValidationReport, *, title: str | None = None) -> str:
    """A Markdown section: a summary line and a table (value [95% CI] per metric)."""
    lines = [f"### {title}", ""] if title else []
    lines += [_summary(report) + ".", "", *_markdown_table(*_table(report))]
    if report.against_baselines:
        lines += ["", "The score minus each baseline, on the same resampled people each time:", ""]
        lines += _markdown_table(*_differences(report))
    if report.notes:
        lines.append("")
        lines.extend(f"- {note}" for note in report.notes)
    return "\n".join(lines) + "\n"
