"""Scorecards, review scores and standings (pure: no database).

A scorecard is a list of weighted questions, each answered on its own range (a 1-4 scale,
a 0-10 mark, a yes/no as 0-1). A review's score is the weighted mean of the answers, each
put on 0-1 by its range, times 100, so reviewers' scores are comparable whatever the
questions. A submission's final score is the mean of its reviewers' scores: every reviewer
weighs the same, as on the established competitive-programming platforms.

Standings: the best final score first; equal scores are broken by submission time (the
earlier last version wins), then by account id so the order never depends on the database.
Only submissions at or above the passing score can place. A first-to-finish challenge
ranks the passing submissions by time alone: the first good one wins.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from renown.core.errors import Invalid

MAX_QUESTIONS: Final = 30
MAX_ANSWER: Final = 1_000_000.0
"""Bound of any question's range (a typo guard; scales in use are 0-1 to 0-100)."""
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


@dataclass(frozen=True, slots=True)
class Question:
    """One scorecard question, answered with a number in ``[minimum, maximum]``."""

    key: str
    text: str
    weight: float
    minimum: float
    maximum: float

    def as_dict(self) -> dict[str, object]:
        """The stored form (what :func:`parse_scorecard` reads back)."""
        return {
            "key": self.key,
            "text": self.text,
            "weight": self.weight,
            "min": self.minimum,
            "max": self.maximum,
        }


DEFAULT_SCORECARD: Final = (
    Question("requirements", "Meets the specification", 40.0, 1.0, 4.0),
    Question("quality", "Quality of the work (code, design, documentation)", 30.0, 1.0, 4.0),
    Question("completeness", "Complete and ready to use", 20.0, 1.0, 4.0),
    Question("communication", "Explained clearly (notes, read-me, answers)", 10.0, 1.0, 4.0),
)
"""The scorecard a reviewed challenge gets when its sponsor names none."""


def _number(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise Invalid(f"{where} must be a number")
    try:
        number = float(value)
    except ValueError:
        raise Invalid(f"{where} must be a number, not {value!r}") from None
    if not math.isfinite(number):
        raise Invalid(f"{where} must be a finite number")
    return number


def parse_scorecard(raw: Sequence[Mapping[str, object]]) -> tuple[Question, ...]:
    """Questions from their stored or submitted form, or :class:`Invalid` naming the problem."""
    if not raw:
        raise Invalid("a scorecard needs at least one question")
    if len(raw) > MAX_QUESTIONS:
        raise Invalid(f"a scorecard holds at most {MAX_QUESTIONS} questions")
    questions: list[Question] = []
    for index, item in enumerate(raw, start=1):
        where = f"scorecard question {index}"
        if not isinstance(item, Mapping):
            raise Invalid(f"{where} must be an object with key, text, weight, min and max")
        key = item.get("key")
        if not isinstance(key, str) or not _KEY.match(key):
            raise Invalid(f"{where}: key must be lower-case letters, digits and _ (a-z first)")
        if any(q.key == key for q in questions):
            raise Invalid(f"{where}: key {key!r} is used twice")
        text = item.get("text")
        if not isinstance(text, str) or not text.strip() or len(text) > 300:
            raise Invalid(f"{where}: text must be 1 to 300 characters")
        weight = _number(item.get("weight", 1), f"{where}: weight")
        low = _number(item.get("min", 1), f"{where}: min")
        high = _number(item.get("max", 4), f"{where}: max")
        if weight <= 0 or weight > 1000:
            raise Invalid(f"{where}: weight must be above 0 and at most 1000")
        if high <= low:
            raise Invalid(f"{where}: max must be greater than min")
        if max(abs(low), abs(high)) > MAX_ANSWER:
            raise Invalid(f"{where}: min and max lie within ±{MAX_ANSWER:,.0f}")
        questions.append(Question(key, text.strip(), weight, low, high))
    return tuple(questions)


def review_score(questions: Sequence[Question], answers: Mapping[str, object]) -> float:
    """The review's score on 0-100; every question answered within its range, nothing else."""
    extra = sorted(set(answers) - {q.key for q in questions})
    if extra:
        raise Invalid(f"the scorecard has no question {extra[0]!r}")
    total = 0.0
    weights = 0.0
    for question in questions:
        if question.key not in answers:
            raise Invalid(f"question {question.key!r} is not answered")
        value = _number(answers[question.key], f"the answer to {question.key!r}")
        if not question.minimum <= value <= question.maximum:
            raise Invalid(
                f"the answer to {question.key!r} must be between {question.minimum:g}"
                f" and {question.maximum:g} (got {value:g})"
            )
        total += (
            question.weight * (value - question.minimum) / (question.maximum - question.minimum)
        )
        weights += question.weight
    return round(100.0 * total / weights, 4)


def combined_score(scores: Sequence[float]) -> float | None:
    """The mean of the reviewers' scores (None without any)."""
    return round(sum(scores) / len(scores), 4) if scores else None


@dataclass(frozen=True, slots=True)
class Entry:
    """A member's counted (last) submission and its final score."""

    account_id: int
    submission_id: int
    submitted_at: datetime
    score: float | None
    """Higher is better; None when it could not be scored."""
    passed: bool


@dataclass(frozen=True, slots=True)
class Standing:
    """Where an entry finished: ``rank`` for everyone, ``place`` for prize winners."""

    entry: Entry
    rank: int
    place: int | None


def standings(
    entries: Sequence[Entry], placements: int, *, by_time: bool = False
) -> list[Standing]:
    """Rank ``entries``; the first ``placements`` passing entries take places 1, 2, ...

    ``by_time`` (first to finish): passing entries by submission time, then the rest by score.
    """

    def order(entry: Entry) -> tuple[int, float, float, datetime, int]:
        score = entry.score if entry.score is not None else -math.inf
        first = 0 if entry.passed else 1
        if by_time and entry.passed:
            return (first, 0.0, 0.0, entry.submitted_at, entry.account_id)
        return (first, 0.0, -score, entry.submitted_at, entry.account_id)

    ranked = sorted(entries, key=order)
    result: list[Standing] = []
    place = 0
    for rank, entry in enumerate(ranked, start=1):
        won = None
        if entry.passed and place < placements:
            place += 1
            won = place
        result.append(Standing(entry=entry, rank=rank, place=won))
    return result
