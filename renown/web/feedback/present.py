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
from starlette.datastructures import FormData

from renown.core.errors import Invalid
from renown.feedback.actions import Answer
from renown.feedback.rater_links import ExternalRater, plain_address
from renown.feedback.results import TrendPoint
from renown.feedback.vocabulary import MAX_RATING, MAX_TEXT, MIN_RATING
from renown.web.form_refill import posted_flag, posted_text, posted_texts
from renown.web.labels import RATER_GROUPS, competency_labels, label
from renown.web.params import MAX_ID, MULTI_LINE, SingleLine
from renown.web.vega import chart

FormText = Annotated[str, Form(max_length=MAX_TEXT), MULTI_LINE]
Ratings = Annotated[list[SingleLine], Form(max_length=64)]
"""``key:n`` per rated competency (see :func:`parse_ratings`)."""
PersonId = Annotated[int, Field(ge=1, le=MAX_ID)]

VALID_RATINGS = frozenset(str(n) for n in range(MIN_RATING, MAX_RATING + 1))
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


def shown_ratings(values: Sequence[str]) -> dict[str, int]:
    """The ratings a form showed when it was sent (values that are no rating left out)."""
    return parse_ratings([v for v in values if v.partition(":")[2] in VALID_RATINGS])


def answer_values(posted: FormData) -> dict[str, Any]:
    """What an answer form (a colleague's or an outside rater's) showed when it was sent."""
    return {
        "text": posted_text(posted, "text"),
        "ratings": shown_ratings(posted_texts(posted, "rating")),
        "anonymous": posted_flag(posted, "anonymous"),
    }


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
    """``email, name`` per line. A line without a name or a plain address is refused here,
    by its number (the domain, which sees a list, cannot say which line); the domain checks
    the rest (lengths, one mailbox each, no colleague)."""
    raters = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        email, _, name = (part.strip() for part in line.partition(","))
        where = f"line {number} of the outside raters"
        if not email:
            raise Invalid(
                f"{where} has no e-mail address: write it first, then a comma and the name",
                field="external",
            )
        try:
            plain_address(email)
        except Invalid as refusal:
            raise Invalid(f"{where}: {refusal}", field="external") from None
        if not name:
            raise Invalid(
                f"{where} has no name: write it after the address and a comma", field="external"
            )
        raters.append(ExternalRater(email, name))
    return raters


def end_of_day(day: date) -> datetime:
    """A request picked by day expires at the end of it (UTC)."""
    return datetime.combine(day, time(23, 59), tzinfo=UTC)


def rater_url(request: Request, token: str) -> str:
    """The page an outside rater opens (absolute, to paste into an e-mail)."""
    return str(request.url_for("external_feedback_page", token=token))
