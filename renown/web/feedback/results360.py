"""A person's 360 results the way people read them: ratings by rater group (a competency x
group heat map), self against others, blind spots and hidden strengths, and comments by
competency.

Everything here is computed from a :class:`~renown.feedback.results.FeedbackView`, i.e.
from what the viewer may already read: named items (each shown with its giver) and the
anonymous :class:`~renown.feedback.anonymity.GroupAggregate` values, whose competency
means exist only when a whole release had at least the threshold of distinct raters. No
figure here reaches below that: an anonymous group the engine suppressed or pooled into
``others`` is absent or pooled here too, and a mean the engine withheld (``None``) adds
nothing to any cell. Pure functions, so the anonymity of every figure is tested without a
browser.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from renown.feedback.results import FeedbackView
from renown.web.labels import RATER_GROUPS, label
from renown.web.vega import chart

GAP: Final = 1.0
"""How far self and others must differ (in rating points) to call it a blind spot or a
hidden strength: one full step on the 1-5 scale, as 360 reports commonly use."""
STOP_WORDS: Final = frozenset({"and", "the", "of", "for", "with"})
GENERAL: Final = ""
"""The group of comments that name no competency."""


@dataclass(frozen=True)
class Cell:
    """The mean rating of one competency by one rater group, over ``n`` ratings."""

    competency: str
    group: str
    mean: float
    n: int


@dataclass(frozen=True)
class Gap:
    """A competency where self and others disagree: ``gap`` is self minus others."""

    competency: str
    self_mean: float
    others_mean: float
    gap: float


@dataclass(frozen=True)
class Comment:
    """A comment as the page shows it: its text and who it is from (a name, or an
    anonymous group's label)."""

    text: str
    source: str
    anonymous: bool


@dataclass(frozen=True)
class Results360:
    """Every figure of the 360 page."""

    cells: tuple[Cell, ...]
    groups: tuple[str, ...]
    """Rater groups with at least one cell, in report order."""
    competencies: tuple[str, ...]
    self_vs_others: tuple[Gap, ...]
    blind_spots: tuple[Gap, ...]
    hidden_strengths: tuple[Gap, ...]
    comments: tuple[tuple[str, tuple[Comment, ...]], ...]
    """(competency key, or :data:`GENERAL`) -> its comments, framework order."""

    def cell(self, competency: str, group: str) -> Cell | None:
        """The cell of ``competency`` by ``group``, if there is one."""
        for cell in self.cells:
            if cell.competency == competency and cell.group == group:
                return cell
        return None


def _sums(view: FeedbackView) -> dict[tuple[str, str], list[float]]:
    """Per (competency, group): [total, n] over named ratings and released means."""
    sums: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0])
    for item in view.named:
        for key, rating in item.ratings.items():
            cell = sums[key, item.relationship]
            cell[0] += rating
            cell[1] += 1
    for aggregate in view.aggregates:
        for mean in aggregate.competencies:
            if mean.mean is None or not mean.n:
                continue  # withheld by the anonymity engine: too few raters in the release
            cell = sums[mean.key, aggregate.group]
            cell[0] += mean.mean * mean.n
            cell[1] += mean.n
    return sums


def _ordered(keys: set[str], order: Sequence[str]) -> tuple[str, ...]:
    return tuple([k for k in order if k in keys] + sorted(keys - set(order)))


def _gaps(sums: Mapping[tuple[str, str], list[float]], competencies: Sequence[str]) -> list[Gap]:
    gaps = []
    for key in competencies:
        mine = sums.get((key, "self"))
        others = [v for (k, group), v in sums.items() if k == key and group != "self"]
        total, n = sum(v[0] for v in others), sum(v[1] for v in others)
        if mine and mine[1] and n:
            self_mean, others_mean = mine[0] / mine[1], total / n
            gaps.append(
                Gap(
                    key,
                    round(self_mean, 2),
                    round(others_mean, 2),
                    round(self_mean - others_mean, 2),
                )
            )
    return gaps


def _stems(name: str) -> list[str]:
    """The word beginnings that say a comment is about a competency ("Customer focus" ->
    "custo", "focus"): five letters match "deliver", "delivered" and "delivery" alike."""
    words = re.findall(r"[a-z]+", name.lower())
    return [w[:5] for w in words if len(w) > 3 and w not in STOP_WORDS]


def comment_topics(text: str, names: Mapping[str, str]) -> list[str]:
    """Competency keys whose name (or key) the comment's words mention."""
    words = re.findall(r"[a-z]+", text.lower())
    topics = []
    for key, name in names.items():
        stems = set(_stems(name)) | set(_stems(key.replace("_", " ")))
        if any(word.startswith(stem) for word in words for stem in stems):
            topics.append(key)
    return topics


def _comments(
    view: FeedbackView, names: Mapping[str, str]
) -> tuple[tuple[str, tuple[Comment, ...]], ...]:
    """Comments by the competencies their own words name (never by the ratings given with
    them: tying an anonymous comment to its ratings could single out its giver)."""
    everyone = [
        Comment(item.text, item.giver_name, anonymous=False) for item in view.named if item.text
    ]
    for aggregate in view.aggregates:
        source = "Anonymous · " + label(RATER_GROUPS, aggregate.group)
        everyone += [Comment(text, source, anonymous=True) for text in aggregate.comments]
    by_topic: dict[str, list[Comment]] = defaultdict(list)
    for comment in everyone:
        for topic in comment_topics(comment.text, names) or [GENERAL]:
            by_topic[topic].append(comment)
    order = [*names, GENERAL]
    return tuple((key, tuple(by_topic[key])) for key in _ordered(set(by_topic), order))


def results_360(view: FeedbackView, names: Mapping[str, str]) -> Results360:
    """The 360 figures of ``view`` (``names``: competency key -> name, framework order)."""
    sums = _sums(view)
    cells = tuple(
        Cell(key, group, round(total / n, 2), int(n))
        for (key, group), (total, n) in sums.items()
        if n
    )
    groups = _ordered({c.group for c in cells}, list(RATER_GROUPS))
    competencies = _ordered({c.competency for c in cells}, list(names))
    gaps = _gaps(sums, competencies)
    return Results360(
        cells=tuple(
            sorted(cells, key=lambda c: (competencies.index(c.competency), groups.index(c.group)))
        ),
        groups=groups,
        competencies=competencies,
        self_vs_others=tuple(gaps),
        blind_spots=tuple(sorted((g for g in gaps if g.gap >= GAP), key=lambda g: -g.gap)),
        hidden_strengths=tuple(sorted((g for g in gaps if g.gap <= -GAP), key=lambda g: g.gap)),
        comments=_comments(view, names),
    )


def heatmap_spec(results: Results360, names: Mapping[str, str]) -> dict[str, Any]:
    """A Vega-Lite heat map: competency (rows) x rater group (columns), coloured by the
    mean rating on the fixed 1-5 scale, each cell labelled with its mean."""
    group_names = [label(RATER_GROUPS, g) for g in results.groups]
    competency_names = [label(dict(names), k) for k in results.competencies]
    values = [
        {
            "competency": label(dict(names), c.competency),
            "group": label(RATER_GROUPS, c.group),
            "mean": c.mean,
            "n": c.n,
        }
        for c in results.cells
    ]
    x = {"field": "group", "type": "nominal", "title": "Rater group", "sort": group_names}
    y = {"field": "competency", "type": "nominal", "title": None, "sort": competency_names}
    tooltip = [
        {"field": "competency", "title": "Competency"},
        {"field": "group", "title": "Rater group"},
        {"field": "mean", "title": "Mean", "format": ".1f"},
        {"field": "n", "title": "Ratings"},
    ]
    return chart(
        "Mean rating per competency and rater group",
        max(120, 36 * len(competency_names)),
        {
            "data": {"values": values},
            "encoding": {"x": {**x, "axis": {"labelAngle": 0, "orient": "top"}}, "y": y},
            "layer": [
                {
                    "mark": {"type": "rect", "stroke": "#ffffff", "strokeWidth": 2},
                    "encoding": {
                        "color": {
                            "field": "mean",
                            "type": "quantitative",
                            "title": "Mean rating",
                            "scale": {"domain": [1, 5], "scheme": "blues"},
                        },
                        "tooltip": tooltip,
                    },
                },
                {
                    "mark": {"type": "text", "fontWeight": 600},
                    "encoding": {
                        "text": {"field": "mean", "type": "quantitative", "format": ".1f"},
                        "color": {
                            "condition": {"test": "datum.mean >= 3.5", "value": "#ffffff"},
                            "value": "#1a202c",
                        },
                    },
                },
            ],
        },
    )
