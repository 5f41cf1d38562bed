"""Turn score query results into what the people pages show: component bars, words,
chart specs.

Pure functions of the values the queries returned (no database, no request), so the
wording and the chart spec are tested without a browser.

The plain-words explanation is written here from the stored numbers rather than copied
from the stored ``summary`` sentence: that sentence names the people who drive a score by
their raw event identities, including people the viewer is not allowed to see. Here every
person named comes from the visibility-checked connections of the query.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from renown.core import wording
from renown.core.explanation import Explanation, read_explanation
from renown.org.queries import OUTSIDER
from renown.org.results import COLLEAGUE, Connection, HistoryPoint
from renown.prominence.components import COMPONENTS
from renown.prominence.model import SCORE_SPAN
from renown.scoring.changes import PersonChange
from renown.web.vega import chart

HIDDEN_GROUPS = {
    COLLEAGUE: "colleagues whose profiles you cannot see",
    OUTSIDER: "people outside the org chart",
}
"""How several connections the viewer may not see are counted together."""


@dataclass(frozen=True)
class ComponentBar:
    """One weighted component of a score: points earned out of the most it can give."""

    name: str
    label: str
    description: str
    points: float
    maximum: float
    percentile: float | None

    @property
    def percent(self) -> float:
        """How full the bar is (0-100)."""
        if self.maximum <= 0:
            return 0.0
        return max(0.0, min(100.0, 100.0 * self.points / self.maximum))


def _label(name: str) -> str:
    component = COMPONENTS.get(name)
    return component.label if component else name.replace("_", " ").capitalize()


def _description(name: str) -> str:
    component = COMPONENTS.get(name)
    return component.description if component else ""


def component_bars(stored: Explanation | Mapping[str, Any] | None) -> list[ComponentBar]:
    """Bars for the components that carry weight, in the order the model lists them."""
    explanation = read_explanation(stored)
    if explanation is None:
        return []
    return [
        ComponentBar(
            name=part.name,
            label=part.label or _label(part.name),
            description=_description(part.name),
            points=part.points,
            maximum=SCORE_SPAN * part.weight,
            percentile=part.percentile,
        )
        for part in explanation.parts
        if part.weight > 0
    ]


@dataclass(frozen=True)
class Segment:
    """One component's slice of a compact stacked bar (leaderboard rows)."""

    name: str
    label: str
    points: float


def score_segments(components: Mapping[str, float]) -> list[Segment]:
    """Components with points in the model's fixed order, so a colour always means one part."""
    order = {name: i for i, name in enumerate(COMPONENTS)}
    parts = [(name, float(points)) for name, points in components.items() if float(points) > 0]
    parts.sort(key=lambda item: (order.get(item[0], len(order)), item[0]))
    return [Segment(name, _label(name), points) for name, points in parts]


def legend(rows_components: Sequence[Mapping[str, float]]) -> list[Segment]:
    """The components that appear in any row, in the same order as the bars (no points)."""
    seen: dict[str, Segment] = {}
    for components in rows_components:
        for segment in score_segments(components):
            seen.setdefault(segment.name, Segment(segment.name, segment.label, 0.0))
    order = {name: i for i, name in enumerate(COMPONENTS)}
    return sorted(seen.values(), key=lambda s: (order.get(s.name, len(order)), s.name))


def describe(
    name: str,
    stored: Explanation | Mapping[str, Any] | None,
    connections: Sequence[Connection],
    change: PersonChange | None = None,
) -> list[str]:
    """The explanation of a score in plain sentences (empty when the person is unscored).

    ``change``: the person's change since the previous scoring run, stated with its reasons
    instead of the window trend when there is a previous run that scored them.
    """
    explanation = read_explanation(stored)
    if explanation is None:
        return []
    sentences = []
    opening = f"{name} scores {explanation.score} out of 100"
    if explanation.rank and explanation.population:
        opening += f", rank {explanation.rank} of {explanation.population} people scored"
    if change is not None and change.change is not None:
        # the change since the previous run is the last step of the chart beside it; the
        # window trend is not used then, as it reads 0.0 when the as-of jumped past months
        # without events although the score moved
        if change.change == 0:
            opening += ", the same as in the previous scoring run"
        else:
            direction = "up" if change.change > 0 else "down"
            points = abs(change.change)
            opening += f", {direction} {points} point{'s' if points != 1 else ''} since the "
            opening += "previous scoring run (" + "; ".join(change.reasons) + ")"
    elif (trend := explanation.trend) is not None:
        if abs(trend) < 0.5:
            opening += ", about the same as in the previous window"
        else:
            direction = "up" if trend > 0 else "down"
            opening += f", {direction} {abs(trend):.1f} points on the previous window"
    sentences.append(opening + ".")

    bars = sorted(component_bars(explanation), key=lambda b: b.percent, reverse=True)
    if bars:
        strongest, weakest = bars[0], bars[-1]
        words = f"The strongest part is {strongest.label.lower()}"
        if strongest.percentile is not None:
            words += f" ({wording.standing(strongest.percentile)} of the organisation)"
        if weakest is not strongest:
            words += f"; the weakest is {weakest.label.lower()}"
            if weakest.percentile is not None:
                words += f" ({wording.standing(weakest.percentile)})"
        sentences.append(words + ".")

    if connections:
        sentences.append(_influence_sentence(connections))

    groups = departments_reached(explanation)
    if groups:
        sentences.append("Sought out by other departments: " + wording.joined(groups[:3]) + ".")
    if explanation.ring:
        sentences.append(
            "Some interactions happened inside a closed circle that mostly answers itself; "
            "they were discounted."
        )
    return sentences


def _influence_sentence(connections: Sequence[Connection]) -> str:
    """Who drives the influence: visible people by name, the others counted, never named."""
    top = connections[:5]
    entries = [
        (c.share, f"{c.label} ({wording.share(c.share)})") for c in top if c.person_id is not None
    ]
    hidden: dict[str, list[float]] = {}
    for c in top:
        if c.person_id is None:
            hidden.setdefault(c.label, []).append(c.share)
    for label, shares in hidden.items():
        if len(shares) == 1:
            entries.append((shares[0], f"{label} ({wording.share(shares[0])})"))
        else:
            group = HIDDEN_GROUPS.get(label, f"others ({label})")
            together = wording.share(sum(shares))
            entries.append((sum(shares), f"{len(shares)} {group} ({together} together)"))
    entries.sort(key=lambda entry: -entry[0])
    return wording.influence(top[0].share, wording.joined([text for _, text in entries]))


def departments_reached(stored: Explanation | Mapping[str, Any] | None) -> list[str]:
    """Other departments (or groups) that seek the person out, strongest first."""
    explanation = read_explanation(stored)
    return [g.group for g in explanation.groups_reached] if explanation else []


def trend_chart_spec(history: Sequence[HistoryPoint]) -> dict[str, Any]:
    """A Vega-Lite line chart of a person's score over scoring runs."""
    values = [
        {
            "as_of": point.as_of.date().isoformat(),
            "score": point.score,
            "run": point.run_id,
            # the step from the previous run: the same number the page states with its reasons
            "change": None if index == 0 else point.score - history[index - 1].score,
        }
        for index, point in enumerate(history)
    ]
    return chart(
        "Score over scoring runs",
        220,
        {
            "data": {"values": values},
            "mark": {"type": "line", "point": {"filled": True, "size": 60}, "strokeWidth": 2.5},
            "encoding": {
                "x": {
                    "field": "as_of",
                    "type": "temporal",
                    "title": "Scoring run (as of)",
                    "axis": {"format": "%d %b %Y", "labelAngle": 0, "tickCount": 6},
                },
                "y": {
                    "field": "score",
                    "type": "quantitative",
                    "title": "Score",
                    "scale": {"domain": [0, 100]},
                },
                "color": {"value": "#3b528b"},
                "tooltip": [
                    {"field": "as_of", "type": "temporal", "title": "As of", "format": "%d %b %Y"},
                    {"field": "score", "type": "quantitative", "title": "Score"},
                    {"field": "change", "type": "quantitative", "title": "Since previous run"},
                    {"field": "run", "type": "nominal", "title": "Run"},
                ],
            },
        },
    )
