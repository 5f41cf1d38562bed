"""The bias audit of a promotion round, as a model the page, the CSV and the PDF all render.

The report follows the form of a New York City Local Law 144 bias audit (6 RCNY 5-301):
per category the number of people, the selection rate (or, for a score, the *scoring rate*:
the share scoring above the median) and the impact ratio against the most favoured
category, with sex, race/ethnicity and their intersections, the unknowns counted apart and
small categories named with the reason they are left out of the comparison. The four-fifths
rule of the Uniform Guidelines (29 CFR 1607.4(D)) flags ratios below 0.8.

Why one frozen model before any rendering: the on-screen page, the CSV download and the
printed PDF must state the same numbers, so they are computed once here (from pure inputs
the caller gathers) and the renderers only format them. The computation itself is
:func:`renown.fairness.impact_table`; this module decides *which* audits a promotion
round needs and words the caveats a reader must see.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

import polars as pl

from renown.core.errors import Invalid
from renown.fairness import UNKNOWN_LABEL, SmallGroupRule, impact_table
from renown.fairness.rates import DEFAULT_SMALL_GROUPS

EXTERNAL_PROMINENCE_WARNING = (
    "External prominence (scores from public social networks) carried weight in this round. "
    "The EU AI Act prohibits social scoring that leads to detrimental treatment in unrelated "
    "contexts (Article 5(1)(c)); check local law before using it in decisions."
)
"""Shown whenever external prominence was weighted; the UI reuses this exact wording."""

Measure = Literal["selection", "scoring", "prominence"]

DEMOGRAPHIC_COLUMNS = ("sex", "race_ethnicity", "age_band", "disability")
"""The self-reported demographics of :class:`AuditSubject`, as frame columns."""

UNKNOWN_CATEGORY = UNKNOWN_LABEL
"""How renderings label the people whose category is unknown (counted, never compared)."""

CATEGORY_JOINER = " x "
"""Between the parts of an intersection, e.g. ``"female x Asian"`` (ASCII, prints anywhere)."""

_SEX_AND_RACE: tuple[tuple[str, ...], ...] = (
    ("sex",),
    ("race_ethnicity",),
    ("sex", "race_ethnicity"),
)
_OTHER_SELECTION: tuple[tuple[str, ...], ...] = (("age_band",), ("disability",))

_DIMENSION_WORDS = {
    ("sex",): "sex",
    ("race_ethnicity",): "race/ethnicity",
    ("sex", "race_ethnicity"): "sex and race/ethnicity (intersections)",
    ("age_band",): "age band",
    ("disability",): "disability",
}
_MEASURE_WORDS: dict[Measure, str] = {
    "selection": "Selection rates",
    "scoring": "Scoring rates",
    "prominence": "Prominence scoring rates",
}
_PROMINENCE_LABEL = "internal prominence score"


@dataclass(frozen=True, slots=True)
class AuditSubject:
    """One person of the pool: every candidate, selected or not, so rates have a denominator.

    ``score`` and ``prominence`` are ``None`` when the person has none (never 0: a missing
    score ranked lowest would bias the scoring rates). Demographics are self-reported and
    ``None`` means unknown or "prefer not to say".
    """

    person_id: int
    selected: bool
    score: float | None
    prominence: float | None
    sex: str | None
    race_ethnicity: str | None
    age_band: str | None
    disability: str | None


@dataclass(frozen=True, slots=True)
class AuditMeta:
    """What was audited, on which data and when: the header every rendering prints."""

    title: str
    organisation: str
    subject: str
    selection_label: str
    score_label: str
    data_source: str
    period_start: date
    period_end: date
    generated_at: datetime
    external_weighted: bool
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.period_end < self.period_start:
            raise ValueError(f"period ends ({self.period_end}) before it starts")


@dataclass(frozen=True, slots=True)
class AuditRow:
    """One known category of a section (see :func:`renown.fairness.impact_table`).

    A small category keeps its ratio and tests for transparency, but is never flagged: it is
    listed in :attr:`AuditSection.excluded` instead.
    """

    category: str
    n: int
    n_favourable: int
    rate: float | None
    impact_ratio: float | None
    four_fifths_flag: bool | None
    small: bool
    reference: bool
    fisher_p: float | None
    z: float | None
    z_p: float | None


@dataclass(frozen=True, slots=True)
class ExcludedCategory:
    """A small category left out of the impact-ratio comparison, with the reason stated."""

    category: str
    n: int
    reason: str


@dataclass(frozen=True, slots=True)
class AuditSection:
    """One audit: one measure (selection, scoring, prominence) against one dimension.

    ``notes`` states what the rates mean in this section (the median a scoring rate is
    measured against, people left out for lack of a score, why no ratio exists).
    """

    key: str
    heading: str
    measure: Measure
    dimension: str
    rows: tuple[AuditRow, ...]
    unknown: int
    excluded: tuple[ExcludedCategory, ...]
    flagged: tuple[str, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class BiasAuditReport:
    """The whole audit: header, pool counts, sections in reading order, warnings."""

    meta: AuditMeta
    pool_size: int
    selected: int
    sections: tuple[AuditSection, ...]
    warnings: tuple[str, ...]


def small_category_reason(rule: SmallGroupRule) -> str:
    """Why a small category is not compared, in the words of the rule actually applied."""
    share = f"{rule.min_share * 100:g}%"
    return (
        f"fewer than {rule.min_count} people or under {share} of the pool: "
        "left out of the impact-ratio comparison (6 RCNY 5-301)"
    )


def build_report(
    subjects: Sequence[AuditSubject],
    meta: AuditMeta,
    *,
    small_groups: SmallGroupRule = DEFAULT_SMALL_GROUPS,
) -> BiasAuditReport:
    """Audit a pool of candidates: selection, scoring and prominence rates per group.

    Parameters
    ----------
    subjects:
        Every person of the pool, selected or not.
    meta:
        What was audited; ``meta.external_weighted`` adds
        :data:`EXTERNAL_PROMINENCE_WARNING`.
    small_groups:
        When a category is too small to compare (defaults: fewer than 5 people or under 2 %
        of the people in the section).

    Returns
    -------
    BiasAuditReport
        Sections in order: selection rates by sex, race/ethnicity and their intersection;
        scoring rates (share above the median score) by the same three; prominence scoring
        rates by the same three; selection rates by age band and by disability. Scoring
        and prominence sections are left out, with a warning, only when nobody has that
        score; people without one are left out of those sections and counted in a note.

    Raises
    ------
    Invalid
        The pool is empty: there is nothing to audit.
    """
    if not subjects:
        raise Invalid("a bias audit needs at least one person in the pool")
    frame = _frame(subjects)
    warnings: list[str] = []
    if meta.external_weighted:
        warnings.append(EXTERNAL_PROMINENCE_WARNING)
    selected = sum(subject.selected for subject in subjects)
    if selected == 0:
        warnings.append(
            f"Nobody in the pool was {meta.selection_label}: every selection rate is 0 and "
            "no impact ratio exists."
        )
    warnings.extend(_missing_demographics_warning(subjects))

    selection_note = f"Selection rate: share of people selected ({meta.selection_label})."
    sections = [
        _section(frame, "selection", by, small_groups, (selection_note,)) for by in _SEX_AND_RACE
    ]
    scores: tuple[tuple[Measure, str], ...] = (
        ("scoring", meta.score_label),
        ("prominence", _PROMINENCE_LABEL),
    )
    for measure, label in scores:
        scored, notes = _scored_people(frame, measure, label)
        if scored is None:
            warnings.append(
                f"The {label} is missing for everyone in the pool: the {measure} sections "
                "are left out."
            )
            continue
        sections.extend(_section(scored, measure, by, small_groups, notes) for by in _SEX_AND_RACE)
    sections.extend(
        _section(frame, "selection", by, small_groups, (selection_note,)) for by in _OTHER_SELECTION
    )
    return BiasAuditReport(
        meta=meta,
        pool_size=len(subjects),
        selected=selected,
        sections=tuple(sections),
        warnings=tuple(warnings),
    )


def _frame(subjects: Sequence[AuditSubject]) -> pl.DataFrame:
    """One row per person; each score column is named after its measure.

    NaN scores become missing, so they are left out like any missing score, never ranked.
    """
    return pl.DataFrame(
        {
            **{column: [getattr(s, column) for s in subjects] for column in DEMOGRAPHIC_COLUMNS},
            "selected": [s.selected for s in subjects],
            "scoring": [_number(s.score) for s in subjects],
            "prominence": [_number(s.prominence) for s in subjects],
        },
        schema={
            **dict.fromkeys(DEMOGRAPHIC_COLUMNS, pl.String),
            "selected": pl.Boolean,
            "scoring": pl.Float64,
            "prominence": pl.Float64,
        },
    )


def _number(value: float | None) -> float | None:
    return None if value is None or math.isnan(value) else float(value)


def _missing_demographics_warning(subjects: Sequence[AuditSubject]) -> list[str]:
    """Say how much of the pool reported nothing at all: their outcomes are never compared."""
    silent = sum(
        all(getattr(subject, column) is None for column in DEMOGRAPHIC_COLUMNS)
        for subject in subjects
    )
    if not silent:
        return []
    share = silent / len(subjects)
    return [
        f"No demographics reported for {silent} of {len(subjects)} people ({share:.0%} of the "
        "pool): they are counted as unknown in every section and never compared."
    ]


def _scored_people(
    frame: pl.DataFrame, column: str, label: str
) -> tuple[pl.DataFrame | None, tuple[str, ...]]:
    """The people with a value in ``column`` and the notes saying what the rate measures."""
    scored = frame.filter(pl.col(column).is_not_null())
    if scored.height == 0:
        return None, ()
    median = scored.get_column(column).median()
    assert isinstance(median, float)
    notes = [
        f"Scoring rate: share of people scoring strictly above the median {label} "
        f"({median:.4g}) of the {scored.height} people with one (6 RCNY 5-300)."
    ]
    missing = frame.height - scored.height
    if missing:
        people = "person has" if missing == 1 else "people have"
        notes.append(f"{missing} {people} no {label}: left out of this section.")
    return scored, tuple(notes)


def _section(
    people: pl.DataFrame,
    measure: Measure,
    by: tuple[str, ...],
    rule: SmallGroupRule,
    notes: tuple[str, ...],
) -> AuditSection:
    dimension = CATEGORY_JOINER.join(by)
    key = f"{measure}:{dimension}"
    source = f"bias audit {key}"
    if measure == "selection":
        table = impact_table(people, by, selected="selected", small_groups=rule, source=source)
    else:  # the frame names each score column after its measure
        table = impact_table(people, by, score=measure, small_groups=rule, source=source)
    rows: list[AuditRow] = []
    unknown = 0
    excluded: list[ExcludedCategory] = []
    flagged: list[str] = []
    reason = small_category_reason(rule)
    for record in table.iter_rows(named=True):
        if record["unknown"]:
            unknown += record["n"]
            continue
        category = CATEGORY_JOINER.join(record[column] for column in by)
        rows.append(
            AuditRow(
                category=category,
                n=record["n"],
                n_favourable=record["n_favourable"],
                rate=record["rate"],
                impact_ratio=record["impact_ratio"],
                four_fifths_flag=record["four_fifths_flag"],
                small=record["small"],
                reference=record["reference"],
                fisher_p=record["fisher_p"],
                z=record["z"],
                z_p=record["z_p"],
            )
        )
        if record["small"]:
            excluded.append(ExcludedCategory(category=category, n=record["n"], reason=reason))
        elif record["four_fifths_flag"]:
            flagged.append(category)
    return AuditSection(
        key=key,
        heading=f"{_MEASURE_WORDS[measure]} by {_DIMENSION_WORDS[by]}",
        measure=measure,
        dimension=dimension,
        rows=tuple(rows),
        unknown=unknown,
        excluded=tuple(excluded),
        flagged=tuple(flagged),
        notes=(*notes, *_no_ratio_note(rows, measure)),
    )


def _no_ratio_note(rows: Sequence[AuditRow], measure: Measure) -> list[str]:
    """Why a section has no impact ratios, when it has none, so a blank is never a mystery."""
    if not rows:
        return ["Nobody reported a category here: there is nothing to compare."]
    if not any(row.reference for row in rows):
        return ["Every known category is small: no impact ratio can be computed."]
    if all(row.impact_ratio is None for row in rows):
        outcome = "was selected" if measure == "selection" else "scored above the median"
        return [f"Nobody in any compared category {outcome}: no impact ratio exists."]
    return []
