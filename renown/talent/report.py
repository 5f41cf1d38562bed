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

import polars as pl

from renown.core.errors import Invalid
from renown.fairness import SmallGroupRule, impact_table
from renown.fairness.disclosure import Publication
from renown.fairness.rates import DEFAULT_SMALL_GROUPS
from renown.talent.report_disclosure import (
    CATEGORY_JOINER,
    SCORE_MEASURES,
    SectionSpec,
    label,
    publications,
    standing,
)
from renown.talent.report_model import (
    DEMOGRAPHIC_COLUMNS,
    EXTERNAL_PROMINENCE_WARNING,
    UNKNOWN_CATEGORY,
    AuditMeta,
    AuditRow,
    AuditSection,
    AuditSubject,
    BiasAuditReport,
    ExcludedCategory,
    Measure,
    SuppressedCategories,
)

__all__ = [
    "CATEGORY_JOINER",
    "DEMOGRAPHIC_COLUMNS",
    "EXTERNAL_PROMINENCE_WARNING",
    "UNKNOWN_CATEGORY",
    "AuditMeta",
    "AuditRow",
    "AuditSection",
    "AuditSubject",
    "BiasAuditReport",
    "ExcludedCategory",
    "Measure",
    "SuppressedCategories",
    "build_report",
    "small_category_reason",
    "suppression_reason",
]

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


def small_category_reason(rule: SmallGroupRule) -> str:
    """Why a small category is not compared, in the words of the rule actually applied."""
    share = f"{rule.min_share * 100:g}%"
    return (
        f"fewer than {rule.min_count} people or under {share} of the pool: "
        "left out of the impact-ratio comparison (6 RCNY 5-301)"
    )


def suppression_reason(min_cell: int) -> str:
    """Why a category is not published, in the words of the rule actually applied."""
    return (
        f"categories of fewer than {min_cell} people are not published: next to the list of "
        "who was promoted, they would reveal their people's answers; others are held back "
        "with them so that none can be worked out from the totals"
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
        of the people in the section). Categories of fewer than ``small_groups.min_count``
        people are not published either (:mod:`renown.talent.report_disclosure`).

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
    ValueError
        ``small_groups.min_count`` is below 2: a category of one would be published.
    """
    if not subjects:
        raise Invalid("a bias audit needs at least one person in the pool")
    if small_groups.min_count < 2:
        raise ValueError("a bias audit publishes no category of one: min_count must be >= 2")
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
    plan: list[_Planned] = [
        _Planned(frame, "selection", by, (selection_note,)) for by in _SEX_AND_RACE
    ]
    scores: tuple[tuple[Measure, str], ...] = (
        ("scoring", meta.score_label),
        ("prominence", _PROMINENCE_LABEL),
    )
    for measure, words in scores:
        scored, notes = _scored_people(frame, measure, words)
        if scored is None:
            warnings.append(
                f"The {words} is missing for everyone in the pool: the {measure} sections "
                "are left out."
            )
            continue
        plan.extend(_Planned(scored, measure, by, notes) for by in _SEX_AND_RACE)
    plan.extend(_Planned(frame, "selection", by, (selection_note,)) for by in _OTHER_SELECTION)
    published = _publications(frame, plan, small_groups)
    sections = [
        _section(p.people, p.measure, p.by, small_groups, p.notes, published[p.key]) for p in plan
    ]
    return BiasAuditReport(
        meta=meta,
        pool_size=len(subjects),
        selected=selected,
        sections=tuple(sections),
        warnings=tuple(warnings),
    )


@dataclass(frozen=True, slots=True)
class _Planned:
    """A section to compute: its people, measure, dimensions and notes."""

    people: pl.DataFrame
    measure: Measure
    by: tuple[str, ...]
    notes: tuple[str, ...]

    @property
    def key(self) -> str:
        return f"{self.measure}:{CATEGORY_JOINER.join(self.by)}"


def _impact(
    planned: _Planned, rule: SmallGroupRule, not_compared: frozenset[str] = frozenset()
) -> pl.DataFrame:
    source = f"bias audit {planned.key}"
    held = [tuple(label.split(CATEGORY_JOINER)) for label in not_compared]
    if planned.measure == "selection":
        return impact_table(
            planned.people,
            planned.by,
            selected="selected",
            small_groups=rule,
            not_compared=held,
            source=source,
        )
    return impact_table(  # the frame names each score column after its measure
        planned.people,
        planned.by,
        score=planned.measure,
        small_groups=rule,
        not_compared=held,
        source=source,
    )


def _publications(
    frame: pl.DataFrame, plan: Sequence[_Planned], rule: SmallGroupRule
) -> dict[str, Publication]:
    """What each planned section may publish (the small-category rule for publication)."""
    specs = []
    for planned in plan:
        table = _impact(planned, rule).filter(~pl.col("unknown"))
        categories = tuple(tuple(row) for row in table.select(planned.by).iter_rows())
        reference = table.filter(pl.col("reference")).select(planned.by).rows()
        specs.append(
            SectionSpec(
                planned.key,
                planned.measure,
                planned.by,
                categories,
                tuple(reference[0]) if reference else None,
            )
        )
    people = frame.select(*DEMOGRAPHIC_COLUMNS, "selected").with_columns(
        standing(frame.get_column(measure)) for measure in SCORE_MEASURES
    )
    return publications(people, specs, min_cell=rule.min_count)


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
    publication: Publication,
) -> AuditSection:
    planned = _Planned(people, measure, by, notes)
    table = _impact(planned, rule, publication.suppressed)
    rows: list[AuditRow] = []
    unknown = 0
    excluded: list[ExcludedCategory] = []
    flagged: list[str] = []
    merged = [0, 0]
    reason = small_category_reason(rule)
    for record in table.iter_rows(named=True):
        category = label(tuple(record[column] for column in by))
        hidden = record["unknown"] and publication.unknown_withheld
        if hidden or (not record["unknown"] and category in publication.suppressed):
            merged = [merged[0] + record["n"], merged[1] + record["n_favourable"]]
            continue
        if record["unknown"]:
            unknown += record["n"]
            continue
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
    suppressed = None
    if publication.suppressed or publication.unknown_withheld:
        named = tuple(sorted(publication.suppressed)) if publication.named else ()
        suppressed = SuppressedCategories(
            categories=named,
            n=merged[0],
            n_favourable=merged[1],
            with_unknown=publication.unknown_withheld,
            reason=suppression_reason(rule.min_count),
        )
    return AuditSection(
        key=planned.key,
        heading=f"{_MEASURE_WORDS[measure]} by {_DIMENSION_WORDS[by]}",
        measure=measure,
        dimension=CATEGORY_JOINER.join(by),
        rows=tuple(rows),
        unknown=None if publication.unknown_withheld else unknown,
        excluded=tuple(excluded),
        flagged=tuple(flagged),
        notes=(*notes, *_no_ratio_note(rows, measure, suppressed)),
        suppressed=suppressed,
    )


def _no_ratio_note(
    rows: Sequence[AuditRow], measure: Measure, suppressed: SuppressedCategories | None
) -> list[str]:
    """Why a section has no impact ratios, when it has none, so a blank is never a mystery."""
    if not rows and suppressed is not None and suppressed.n:
        return [
            "Every category here is held back (too small to publish, or with those that "
            "are): there is nothing to compare."
        ]
    if not rows:
        return ["Nobody reported a category here: there is nothing to compare."]
    if not any(row.reference for row in rows):
        return ["Every known category is small: no impact ratio can be computed."]
    if all(row.impact_ratio is None for row in rows):
        outcome = "was selected" if measure == "selection" else "scored above the median"
        return [f"Nobody in any compared category {outcome}: no impact ratio exists."]
    return []
