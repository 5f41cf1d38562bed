"""What the feedback pages show, computed from query results: chart specs, group labels,
rater links, and the form fields with their parsing (pure functions, tested without a
browser)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Annotated, Any

from fastapi import Depends, Form, Request
from pydantic import Field
from sqlalchemy.orm import Session

from renown.core.errors import Invalid
from renown.feedback.actions import Answer
from renown.feedback.rater_links import ExternalRater
from renown.feedback.results import TrendPoint
from renown.feedback.vocabulary import MAX_TEXT
from renown.web.labels import RATER_GROUPS, competency_labels, label
from renown.web.params import MAX_ID, MULTI_LINE, SingleLine
from renown.web.vega import chart

FormText = Annotated[str, Form(max_length=MAX_TEXT), MULTI_LINE]
Ratings = Annotated[list[SingleLine], Form(max_length=64)]
"""``key:n`` per rated competency (see :func:`parse_ratings`)."""
PersonId = Annotated[int, Field(ge=1, le=MAX_ID)]

GROUP_LABELS = RATER_GROUPS
"""Rater groups in words (the one map in :mod:`renown.web.labels`)."""


def parse_ratings(values: Sequence[str]) -> dict[str, int]:
    """``key:n`` form values (blank selects send nothing useful) -> ratings."""
    ratings: dict[str, int] = {}
    for value in values:
        key, _, number = value.partition(":")
        if not key or not number:
            continue
        if not (number.isascii() and number.isdigit()) or len(number) > 1:
            raise Invalid(f"the rating of {key} must be between 1 and 5")
        ratings[key] = int(number)
    return ratings


@dataclass(frozen=True)
class AnswerFields:
    """An answer form as posted: its text, ``competency:rating`` values and anonymity."""

    text: str
    ratings: list[str]
    anonymous: bool | None

    def answer(self) -> Answer:
        """The answer (:class:`Invalid` for a malformed rating, refused like any other)."""
        return Answer(self.text, parse_ratings(self.ratings))


def _answer_fields(
    text: FormText = "",
    rating: Ratings = [],  # noqa: B006
    anonymous: Annotated[bool | None, Form()] = None,
) -> AnswerFields:
    return AnswerFields(text, rating, anonymous)


AnswerForm = Annotated[AnswerFields, Depends(_answer_fields)]
"""The fields of the answer to a feedback request, by a colleague or an outside rater."""


def competency_names(session: Session, org_id: int) -> dict[str, str]:
    """Competency key -> name (see :func:`renown.web.labels.competency_labels`)."""
    return competency_labels(session, org_id)


def trends_chart_spec(points: Sequence[TrendPoint], names: dict[str, str]) -> dict[str, Any]:
    """A Vega-Lite line per competency: mean rating by quarter."""
    values = [
        {
            "quarter": p.quarter,
            "competency": label(names, p.competency),
            "mean": p.mean,
            "n": p.n,
        }
        for p in points
    ]
    return chart(
        "Mean rating per competency by quarter",
        220,
        {
            "data": {"values": values},
            "mark": {"type": "line", "point": {"filled": True, "size": 60}, "strokeWidth": 2.2},
            "encoding": {
                "x": {
                    "field": "quarter",
                    "type": "ordinal",
                    "title": "Quarter",
                    "sort": "ascending",
                    "axis": {"labelAngle": 0},
                },
                "y": {
                    "field": "mean",
                    "type": "quantitative",
                    "title": "Mean rating",
                    "scale": {"domain": [1, 5]},
                },
                "color": {"field": "competency", "type": "nominal", "title": "Competency"},
                "tooltip": [
                    {"field": "competency", "type": "nominal", "title": "Competency"},
                    {"field": "quarter", "type": "ordinal", "title": "Quarter"},
                    {"field": "mean", "type": "quantitative", "title": "Mean", "format": ".2f"},
                    {"field": "n", "type": "quantitative", "title": "Ratings"},
                ],
            },
        },
    )


def parse_raters(text: str) -> list[ExternalRater]:
    """``email, name`` per line (the domain checks both)."""
    raters = []
    for line in text.splitlines():
        if line.strip():
            email, _, name = line.partition(",")
            raters.append(ExternalRater(email.strip(), name.strip()))
    return raters


def end_of_day(day: date) -> datetime:
    """A request picked by day expires at the end of it (UTC)."""
    return datetime.combine(day, time(23, 59), tzinfo=UTC)


def rater_url(request: Request, token: str) -> str:
    """The page an outside rater opens (absolute, to paste into an e-mail)."""
    return str(request.url_for("external_feedback_page", token=token))
