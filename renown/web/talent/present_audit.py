"""What a bias audit page says first: a summary in sentences and a chart of impact ratios.

The tables of an audit hold every number, but a reader should not have to scan eleven of
them to learn whether any group falls below the four-fifths rule. The page therefore opens
with a few sentences built here from the same :class:`~renown.talent.report.BiasAuditReport`
the tables, the CSV and the PDF render (so they cannot disagree), then a bar chart of the
selection impact ratios with the 0.8 line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from renown.core.wording import joined
from renown.talent.report import AuditRow, AuditSection, BiasAuditReport
from renown.talent.report_pdf import format_ratio
from renown.web.vega import chart

FOUR_FIFTHS: Final = 0.8
"""The four-fifths rule's threshold (29 CFR 1607.4(D)), drawn as the chart's line."""
BELOW: Final = "below 0.80"
ABOVE: Final = "0.80 or more"
REFERENCE: Final = "reference"
STATUS_COLOURS: Final = {BELOW: "#b42318", ABOVE: "#2f54c8", REFERENCE: "#8a8f98"}
"""The page's own colours for bad, accent and faint ink (renown.css)."""
_NAMED_DIMENSIONS: Final = {"disability": "disability"}
"""Dimensions whose categories (``yes``, ``no``) mean nothing without the dimension's name."""


@dataclass(frozen=True, slots=True)
class Compared:
    """A category compared with its section's reference: where it is and its ratio."""

    section: AuditSection
    row: AuditRow

    @property
    def ratio(self) -> float:
        return self.row.impact_ratio if self.row.impact_ratio is not None else 1.0

    def words(self) -> str:
        """``female in selection rates by sex (impact ratio 0.62)``."""
        where = self.section.heading[:1].lower() + self.section.heading[1:]
        ratio = format_ratio(self.ratio)
        return f"{group_label(self.section, self.row)} in {where} (impact ratio {ratio})"


def group_label(section: AuditSection, row: AuditRow) -> str:
    """The category as a reader recognises it (``disability: yes``, not ``yes``)."""
    named = _NAMED_DIMENSIONS.get(section.dimension)
    return f"{named}: {row.category}" if named else row.category


def compared_rows(report: BiasAuditReport) -> list[Compared]:
    """Every published category that was compared: not small, not the reference, with a
    ratio (none exists when nobody in the section was selected)."""
    return [
        Compared(section, row)
        for section in report.sections
        for row in section.rows
        if not row.small and not row.reference and row.impact_ratio is not None
    ]


@dataclass(frozen=True, slots=True)
class AuditSummary:
    """What the audit page says before its tables, in reading order: ``opening`` sentences,
    then ``below`` as a list (one item per section with a group under the four-fifths
    rule), then ``closing`` sentences."""

    opening: tuple[str, ...]
    below: tuple[tuple[str, str], ...]
    """(section heading, its groups under the rule with their ratios)."""
    closing: tuple[str, ...]


def _below_by_section(flagged: list[Compared]) -> tuple[tuple[str, str], ...]:
    """``("Selection rates by sex", "female (0.620), non-binary (0.500)")`` per section,
    in the report's order: fifteen groups in one sentence are unreadable, a list is not."""
    sections: dict[str, list[str]] = {}
    for item in flagged:
        label = group_label(item.section, item.row)
        sections.setdefault(item.section.heading, []).append(
            f"{label} ({format_ratio(item.ratio)})"
        )
    return tuple((heading, ", ".join(groups)) for heading, groups in sections.items())


def audit_summary(report: BiasAuditReport) -> AuditSummary:
    """The audit in a few sentences: who was audited, which groups fall below the
    four-fifths rule section by section (or that none does, and the lowest ratio), and
    what was not compared."""
    meta = report.meta
    people = "person" if report.pool_size == 1 else "people"
    opening = [
        f"The audit covers {report.pool_size} {people}, {report.selected} of them "
        f"{meta.selection_label}."
    ]
    closing: list[str] = []
    compared = compared_rows(report)
    flagged = [c for c in compared if c.row.four_fifths_flag]
    below = _below_by_section(flagged)
    if flagged:
        groups = "1 group falls" if len(flagged) == 1 else f"{len(flagged)} groups fall"
        where = "section" if len(below) == 1 else "sections"
        opening.append(
            f"{groups} below the four-fifths rule (an impact ratio under 0.80) in "
            f"{len(below)} {where}:"
        )
        closing.append(
            "A ratio below 0.80 is a signal to investigate, not proof of bias: read its "
            "section's counts and p-values below."
        )
    elif compared:
        lowest = min(compared, key=lambda c: c.ratio)
        opening.append(
            "No group falls below the four-fifths rule: every compared impact ratio is 0.80 "
            f"or more. The lowest is {lowest.words()}."
        )
    else:
        opening.append(
            "No group could be compared under the four-fifths rule: every category is too "
            "small, or nobody was selected."
        )
    closing.extend(_not_compared(report))
    return AuditSummary(tuple(opening), below, tuple(closing))


def _not_compared(report: BiasAuditReport) -> list[str]:
    """A sentence on the categories shown but not compared, and those not published."""
    small = sum(len(section.excluded) for section in report.sections)
    held_back = sum(section.suppressed is not None for section in report.sections)
    parts = []
    if small:
        parts.append(
            f"{small} small {'category is' if small == 1 else 'categories are'} shown "
            "but not compared"
        )
    if held_back:
        parts.append(
            f"{held_back} {'section merges' if held_back == 1 else 'sections merge'} "
            "categories too small to publish into one row"
        )
    if not parts:
        return []
    words = joined(parts)
    return [f"{words[:1].upper()}{words[1:]}."]


def _status(row: AuditRow) -> str:
    if row.reference:
        return REFERENCE
    return BELOW if row.four_fifths_flag else ABOVE


def impact_chart(report: BiasAuditReport) -> dict[str, Any] | None:
    """A Vega-Lite bar chart of the selection impact ratio of every compared group (the
    reference at 1.0), with the four-fifths line; ``None`` when no ratio exists."""
    values = [
        {
            "group": group_label(section, row),
            "section": section.heading,
            "ratio": round(row.impact_ratio, 3),
            "rate": None if row.rate is None else round(row.rate, 3),
            "n": row.n,
            "status": _status(row),
        }
        for section in report.sections
        if section.measure == "selection"
        for row in section.rows
        if not row.small and row.impact_ratio is not None
    ]
    if not values:
        return None
    statuses = list(STATUS_COLOURS)
    line = [{"ratio": FOUR_FIFTHS, "label": "four-fifths: 0.80"}]
    return chart(
        "Selection impact ratio of each group compared, with the four-fifths line at 0.8",
        max(120, 22 * len(values)),
        {
            "data": {"values": values},
            "layer": [
                {
                    "mark": {"type": "bar", "cornerRadiusEnd": 2},
                    "encoding": {
                        "y": {
                            "field": "group",
                            "type": "nominal",
                            "title": None,
                            "sort": None,
                            "axis": {"labelLimit": 130},
                        },
                        "x": {
                            "field": "ratio",
                            "type": "quantitative",
                            "title": "Impact ratio",
                            "scale": {"domain": [0, 1]},
                            "axis": {"values": [0, 0.2, 0.4, 0.6, 0.8, 1], "format": ".1f"},
                        },
                        "color": {
                            "field": "status",
                            "type": "nominal",
                            "title": None,
                            "scale": {
                                "domain": statuses,
                                "range": [STATUS_COLOURS[s] for s in statuses],
                            },
                            # The caption above the chart names the colours: a legend below
                            # the bars was wider than a phone's screen.
                            "legend": None,
                        },
                        "tooltip": [
                            {"field": "group", "title": "Group"},
                            {"field": "section", "title": "Section"},
                            {"field": "ratio", "title": "Impact ratio", "format": ".2f"},
                            {"field": "rate", "title": "Selection rate", "format": ".0%"},
                            {"field": "n", "title": "People"},
                        ],
                    },
                },
                {
                    "data": {"values": line},
                    "mark": {"type": "rule", "strokeDash": [6, 4], "color": "#1b2330"},
                    "encoding": {"x": {"field": "ratio", "type": "quantitative"}},
                },
            ],
        },
    )
