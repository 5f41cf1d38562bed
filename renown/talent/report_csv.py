"""The bias-audit report as CSV: one table a spreadsheet or a script can read back.

Why a ``#`` header block rather than a second file: the audit's context (what was audited,
on which data, with which warnings) must travel with its numbers, and ``#`` lines are the
common convention readers skip (``pandas.read_csv(comment="#")``, or skip them before
:func:`csv.reader`). Rates and ratios are rounded to 4 decimals, p-values to 4 significant
digits (a p-value of 0.00001 must not print as 0).
"""

from __future__ import annotations

import csv
import io

from renown.talent.report import UNKNOWN_CATEGORY, BiasAuditReport, SuppressedCategories

CSV_COLUMNS = (
    "section",
    "measure",
    "dimension",
    "category",
    "n",
    "n_favourable",
    "rate",
    "impact_ratio",
    "four_fifths_flag",
    "small",
    "reference",
    "fisher_p",
    "z",
    "z_p",
)
"""Columns of the table, in order."""

EXCLUDED_PREFIX = "excluded: "
"""Category cell of a row restating a small category left out of the comparison."""

SUPPRESSED_PREFIX = "suppressed: "
"""Category cell of the row merging a section's unpublished categories (named after it)."""

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def report_csv(report: BiasAuditReport) -> str:
    """Render a bias-audit report as CSV text with a ``#`` header block.

    Parameters
    ----------
    report:
        From :func:`renown.talent.report.build_report`.

    Returns
    -------
    str
        ``# key: value`` lines (title, organisation, subject, selection, score, data
        source, period, generated, external weighted, pool, selected, one ``warning`` line
        per warning, one ``note`` line per note), then a table with :data:`CSV_COLUMNS`.
        Per section come its published categories, then a row for the unknown count
        (category ``"unknown"``, only ``n`` filled, left out when the unknowns are merged
        into the suppressed row), one row per excluded small category (category
        ``"excluded: <name>"``, only ``n`` filled; the reason is in the header) and the row
        of suppressed categories (category ``"suppressed: <names>"``, ``n`` and
        ``n_favourable`` of them all together; the rule is in the header). Booleans are
        ``yes``/``no``, missing values empty.
    """
    meta = report.meta
    header = [
        ("title", meta.title),
        ("organisation", meta.organisation),
        ("subject", meta.subject),
        ("selection", meta.selection_label),
        ("score", meta.score_label),
        ("data source", meta.data_source),
        ("period", f"{meta.period_start.isoformat()} to {meta.period_end.isoformat()}"),
        ("generated", meta.generated_at.isoformat()),
        ("external weighted", _yes_no(meta.external_weighted)),
        ("pool", str(report.pool_size)),
        ("selected", str(report.selected)),
        *(("warning", warning) for warning in report.warnings),
        *(("note", note) for note in meta.notes),
    ]
    reasons = dict.fromkeys(
        excluded.reason for section in report.sections for excluded in section.excluded
    )
    header.extend(("excluded", reason) for reason in reasons)
    suppressed = dict.fromkeys(
        section.suppressed.reason for section in report.sections if section.suppressed
    )
    header.extend(("suppressed", reason) for reason in suppressed)
    header.extend(
        ("section note", f"{section.key}: {note}")
        for section in report.sections
        for note in section.notes
    )
    out = io.StringIO()
    for key, value in header:
        out.write(f"# {key}: {_one_line(value)}\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for section in report.sections:
        label = (section.key, section.measure, section.dimension)
        for row in section.rows:
            writer.writerow(
                (
                    *label,
                    _text(row.category),
                    row.n,
                    row.n_favourable,
                    _fixed(row.rate),
                    _fixed(row.impact_ratio),
                    _yes_no(row.four_fifths_flag),
                    _yes_no(row.small),
                    _yes_no(row.reference),
                    _significant(row.fisher_p),
                    _fixed(row.z),
                    _significant(row.z_p),
                )
            )
        if section.unknown is not None:
            writer.writerow(_count_row(label, UNKNOWN_CATEGORY, section.unknown))
        for excluded in section.excluded:
            category = _text(EXCLUDED_PREFIX + excluded.category)
            writer.writerow(_count_row(label, category, excluded.n))
        if section.suppressed is not None:
            held = section.suppressed
            category = _text(SUPPRESSED_PREFIX + suppressed_names(held))
            writer.writerow(_count_row(label, category, held.n, held.n_favourable))
    return out.getvalue()


def suppressed_names(held: SuppressedCategories) -> str:
    """The categories of a suppressed row in words (the renderings share the wording)."""
    names = "; ".join(held.categories) if held.categories else "categories not named"
    return f"{names}; {UNKNOWN_CATEGORY}" if held.with_unknown else names


def _count_row(
    label: tuple[str, str, str], category: str, n: int, favourable: int | None = None
) -> tuple[object, ...]:
    rest = [""] * (len(CSV_COLUMNS) - 6)
    return (*label, category, n, "" if favourable is None else favourable, *rest)


def _one_line(value: str) -> str:
    """Header values stay on their ``#`` line whatever text they carry."""
    return " ".join(value.split())


def _text(value: str) -> str:
    """Defuse a cell a spreadsheet would run as a formula (CSV injection)."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def _fixed(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def _significant(value: float | None) -> str:
    return "" if value is None else f"{value:.4g}"
