"""The bias-audit report's model: what the page, the CSV, the PDF and the API render.

Kept apart from the computation (:mod:`renown.talent.report`) so the renderers and the
section builder share one definition of every field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import ClassVar, Literal

from renown.fairness import UNKNOWN_LABEL

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

    __pydantic_config__: ClassVar[dict[str, bool]] = {"use_attribute_docstrings": True}

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

    __pydantic_config__: ClassVar[dict[str, bool]] = {"use_attribute_docstrings": True}

    category: str
    n: int
    n_favourable: int
    rate: float | None
    impact_ratio: float | None
    four_fifths_flag: bool | None
    """Impact ratio below 0.8."""
    small: bool
    """Too small to compare (listed in ``excluded``)."""
    reference: bool
    fisher_p: float | None
    z: float | None
    z_p: float | None


@dataclass(frozen=True, slots=True)
class ExcludedCategory:
    """A small category left out of the impact-ratio comparison, with the reason stated."""

    __pydantic_config__: ClassVar[dict[str, bool]] = {"use_attribute_docstrings": True}

    category: str
    n: int
    reason: str


@dataclass(frozen=True, slots=True)
class SuppressedCategories:
    """The categories a section does not publish, merged into one row.

    ``categories`` names them (empty when even their names would give a count away);
    ``n`` and ``n_favourable`` are their combined people and outcomes, with the unknowns
    when ``with_unknown`` (then :attr:`AuditSection.unknown` is ``None``). The combined row
    is never smaller than the minimum cell size unless it is the section's whole
    population, a total the reader has anyway.
    """

    __pydantic_config__: ClassVar[dict[str, bool]] = {"use_attribute_docstrings": True}

    categories: tuple[str, ...]
    """Their names (empty: not even named)."""
    n: int
    n_favourable: int
    with_unknown: bool
    """The unknowns are merged in too."""
    reason: str


@dataclass(frozen=True, slots=True)
class AuditSection:
    """One audit: one measure (selection, scoring, prominence) against one dimension.

    ``rows`` are the published categories only; ``suppressed`` merges the others
    (:func:`suppression_reason`). ``notes`` states what the rates mean in this section (the
    median a scoring rate is measured against, people left out for lack of a score, why no
    ratio exists).
    """

    __pydantic_config__: ClassVar[dict[str, bool]] = {"use_attribute_docstrings": True}

    key: str
    heading: str
    measure: Measure
    dimension: str
    rows: tuple[AuditRow, ...]
    """The published categories."""
    unknown: int | None
    """People whose category is unknown (never compared); null when merged into ``suppressed``."""
    excluded: tuple[ExcludedCategory, ...]
    flagged: tuple[str, ...]
    notes: tuple[str, ...] = ()
    suppressed: SuppressedCategories | None = None
    """Categories too small to publish (and those held back with them)."""


@dataclass(frozen=True, slots=True)
class BiasAuditReport:
    """The whole audit: header, pool counts, sections in reading order, warnings."""

    __pydantic_config__: ClassVar[dict[str, bool]] = {"use_attribute_docstrings": True}

    meta: AuditMeta
    pool_size: int
    selected: int
    sections: tuple[AuditSection, ...]
    warnings: tuple[str, ...]
