"""The public data sets with labels that can validate a score, as ready-made cases.

Shared by the real-data tests and the generator of ``docs/validity.md``, so the figures in
the documentation are the ones the tests assert on.

* **Enron** (184 employees' mail): labels are the job levels in ``enron/roles_dev.tsv``
  (1 employee ... 5 president/CEO, a development set of the known roles), joined on the
  employee id to ``employees_jhu184.tsv``'s mail name, person ``enron:<email_local>``; the
  top is level 4 and above (vice presidents and up). The loader's alias table (ids that share
  a full name) is merged in the events and the labels alike, as ``renown score`` would.
* **Stack Exchange** (quantumcomputing, first six months): the label is the number of
  badges each user earned on the site; the top is the tenth of users with the most badges
  (ties at the cut included).
* **Stack Exchange, forecast**: the same site cut in two at the midpoint of its events; the
  score and the baselines see only the first half, and the label is the badges each of its
  users earned in the second half. A check of *predictive* validity: no label can be a
  by-product of the events scored (a badge for an upvote the score also counts).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Final

import polars as pl

from renown.core.errors import InputError
from renown.core.events import EventColumn
from renown.datasets import load_enron
from renown.datasets.stackexchange import badges_earned, load_stackexchange_events
from renown.datasets.stackexchange_badges import read_stackexchange_awards
from renown.validation.labels import Labels
from renown.validation.metrics import TOP_SHARE
from renown.validation.report import ValidationReport
from renown.validation.validate import validate_events

ENRON_ROLES: Final = "enron/roles_dev.tsv"
ENRON_EMPLOYEES: Final = "enron/employees_jhu184.tsv"
ENRON_TOP_FROM: Final = 4.0
STACKEXCHANGE_FOLDER: Final = "stackexchange-quantumcomputing"


@dataclass(frozen=True)
class Case:
    """Events, the labels to validate them against, and where the top starts."""

    name: str
    events: pl.DataFrame
    labels: Labels
    top_from: float | None
    groups: dict[str, str] | None = None
    aliases: dict[str, str] | None = None


def _tsv(path: Path, columns: tuple[str, ...]) -> pl.DataFrame:
    if not path.is_file():
        raise InputError(str(path), "no such file")
    frame = pl.read_csv(path, separator="\t", infer_schema=False, quote_char=None)
    for column in columns:
        if column not in frame.columns:
            raise InputError(str(path), "missing column", line=1, field=column)
    return frame


def enron_labels(data_home: Path) -> Labels:
    """``enron:<email_local>`` -> job level, from the development roles file."""
    roles = _tsv(data_home / ENRON_ROLES, ("id", "level"))
    employees = _tsv(data_home / ENRON_EMPLOYEES, ("id", "email_local"))
    joined = roles.join(employees.select("id", "email_local"), on="id", how="inner")
    values: dict[str, float] = {}
    for number, (local, level) in enumerate(
        zip(joined["email_local"], joined["level"], strict=True)
    ):
        try:
            values[f"enron:{local}"] = float(level)
        except (TypeError, ValueError):
            raise InputError(
                str(data_home / ENRON_ROLES),
                f"level {level!r} is not a number",
                line=number + 2,
                field="level",
            ) from None
    return Labels(str(data_home / ENRON_ROLES), values)


def enron_case(data_home: Path, cache_dir: Path) -> Case:
    """Enron's mail and the development job levels (top: level 4 and above)."""
    dataset = load_enron(data_home=data_home, cache_dir=cache_dir)
    groups = dict(dataset.groups) if dataset.groups is not None else None
    return Case(
        "Enron (jhu184), job level",
        dataset.events,
        enron_labels(data_home),
        ENRON_TOP_FROM,
        groups,
        dict(dataset.aliases),
    )


def stackexchange_case(data_home: Path) -> Case:
    """The quantumcomputing dump and each user's badge count."""
    folder = data_home / STACKEXCHANGE_FOLDER
    events = load_stackexchange_events(folder)
    people = sorted(set(events["target"].to_list()) | set(events["actor"].drop_nulls().to_list()))
    badges = badges_earned(folder, people)
    labels = Labels(
        str(folder / "badges.csv.gz"),
        dict(zip(badges["person"].to_list(), badges["label"].to_list(), strict=True)),
    )
    return Case(
        "Stack Exchange quantumcomputing, badges earned", events, labels, _top_decile(labels)
    )


def stackexchange_forecast_case(data_home: Path) -> Case:
    """The first half of the dump's events against the badges earned in the second half."""
    folder = data_home / STACKEXCHANGE_FOLDER
    events = load_stackexchange_events(folder)
    times = events[EventColumn.TIMESTAMP]
    first, last = times.min(), times.max()
    assert isinstance(first, datetime) and isinstance(last, datetime)
    cut = (first + (last - first) / 2).replace(hour=0, minute=0, second=0, microsecond=0)
    before = events.filter(pl.col(EventColumn.TIMESTAMP) < cut)
    people = sorted(
        set(before[EventColumn.TARGET].to_list())
        | set(before[EventColumn.ACTOR].drop_nulls().to_list())
    )
    awards = read_stackexchange_awards(folder)
    later = awards.filter(pl.col("awarded_at") >= cut).group_by("user").len()
    earned = dict(zip(later["user"].to_list(), later["len"].to_list(), strict=True))
    labels = Labels(str(folder / "badges.csv.gz"), {p: float(earned.get(p, 0)) for p in people})
    return Case(
        f"Stack Exchange quantumcomputing, badges earned after {cut.date()} "
        "(scored on the events before)",
        before,
        labels,
        _top_decile(labels),
    )


def _top_decile(labels: Labels) -> float:
    """The label of the tenth-best labelled person: the top is everybody at or above it."""
    counts = sorted(labels.values.values(), reverse=True)
    return counts[math.ceil(TOP_SHARE * len(counts)) - 1]


def validate_case(case: Case, *, seed: int = 0) -> ValidationReport:
    """The validation report of one case with the default score."""
    return validate_events(
        case.events,
        case.labels,
        aliases=case.aliases,
        groups=case.groups,
        top_from=case.top_from,
        seed=seed,
    )
