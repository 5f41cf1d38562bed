"""Reading HR's talent-records and demographics files (CSV) into validated rows, no database.

The files come out of HR systems and spreadsheets edited by hand, so like the org chart
every problem names the file, the line (1-based, the header is line 1) and the column,
and all problems (up to :data:`MAX_PROBLEMS`) are reported at once, so that one round of
fixes is enough. Column names are case-insensitive and unknown columns are ignored.

Talent records: ``employee_id`` is required; each line may also carry a performance rating
(``period`` + ``performance_rating`` 1-5, both or neither, optionally ``rated_by``, the
rater's employee id), career facts (``level``, ``in_role_since``) and one external
prominence observation (``external_network`` + ``external_score`` 1-100 +
``external_observed_on``, all three or none). A person may have several lines (periods,
networks), but a period, an observation, a level or a role date may not contradict itself.

Demographics: ``employee_id`` plus any of ``sex``, ``race_ethnicity``, ``age_band`` and
``disability``. A column absent from the file leaves stored answers alone; an empty cell
or "prefer not to say" is an answer meaning unknown.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from renown.core.delimited import read_records
from renown.core.errors import FileErrors, FileProblems, InputError, Invalid
from renown.talent.demographics import FIELDS, normalise_answer

MAX_PROBLEMS = 50
TALENT_COLUMNS = (
    "employee_id",
    "period",
    "performance_rating",
    "rated_by",
    "level",
    "in_role_since",
    "external_network",
    "external_score",
    "external_observed_on",
)
DEMOGRAPHICS_COLUMNS = ("employee_id", *FIELDS)
_RATING = ("period", "performance_rating")
_EXTERNAL = ("external_network", "external_score", "external_observed_on")
_LIMITS = {
    "employee_id": 100,
    "period": 32,
    "rated_by": 100,
    "level": 64,
    "external_network": 64,
}
"""Longest value each text column may hold (the database column's width)."""


@dataclass(frozen=True)
class TalentRecord:
    """One validated line of a talent-records file (``None``: not given on this line)."""

    line: int
    employee_id: str
    period: str | None = None
    performance_rating: int | None = None
    rated_by: str | None = None
    level: str | None = None
    in_role_since: date | None = None
    external_network: str | None = None
    external_score: int | None = None
    external_observed_on: date | None = None


@dataclass(frozen=True)
class DemographicsRecord:
    """One person's answers; ``answers`` holds only the columns the file has."""

    line: int
    employee_id: str
    answers: Mapping[str, str | None]


class RecordErrors(FileErrors):
    """Every problem found in one talent or demographics file (at most :data:`MAX_PROBLEMS`)."""

    cell = "column"


class Problems(FileProblems):
    """Collects the problems of one talent or demographics file."""

    error = RecordErrors
    limit = MAX_PROBLEMS


def _read(
    data: bytes | str, known: tuple[str, ...], problems: Problems
) -> tuple[frozenset[str], list[tuple[int, dict[str, str]]]]:
    """The known columns of the header and ``(line, {column: trimmed cell})`` of every
    non-blank record (no records when the header itself is wrong).

    The file is read strictly (:mod:`renown.core.delimited`): a malformed record (an unclosed
    quote, a row with more or fewer fields than the header, bytes that are not UTF-8) is a
    located problem and no record is returned, so a broken file can never import half.
    """
    records = read_records(data, source=problems.source)
    rows: list[tuple[int, dict[str, str]]] = []
    position: dict[str, int] = {}
    try:
        header = next(records)
        columns = [name.strip().lower() for name in header.cells]
        if "employee_id" not in columns:
            problems.add(
                "required column 'employee_id' is missing", line=header.line, field="employee_id"
            )
        for name in dict.fromkeys(columns):
            if name in known and columns.count(name) > 1:
                problems.add(f"column {name!r} appears twice", line=header.line, field=name)
        position = {name: i for i, name in enumerate(columns) if name in known}
        if problems.items:
            return frozenset(position), []
        for record in records:
            cells = {name: record.cells[i].strip() for name, i in position.items()}
            rows.append((record.line, cells))
        if not rows:
            problems.add("nothing to import: the file has a header but no rows", line=2, field=None)
    except InputError as error:
        problems.add(error.message, line=error.line, field=error.field)
        return frozenset(position), []
    return frozenset(position), rows


def _whole(text: str, low: int, high: int, field: str, line: int, problems: Problems) -> int | None:
    number = int(text) if text.isascii() and text.isdigit() else None
    if number is None or not low <= number <= high:
        problems.add(f"{text!r} is not a whole number from {low} to {high}", line=line, field=field)
        return None
    return number


def _iso(text: str, field: str, line: int, problems: Problems) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        problems.add(f"{text!r} is not an ISO date (YYYY-MM-DD)", line=line, field=field)
        return None


def _all_or_none(
    values: dict[str, str], group: tuple[str, ...], line: int, problems: Problems
) -> bool:
    """Whether the line gives the group; reports a partly filled group."""
    given = [name for name in group if values.get(name)]
    if given and len(given) < len(group):
        for name in group:
            if not values.get(name):
                problems.add(f"{name} is needed with {', '.join(given)}", line=line, field=name)
    return len(given) == len(group)


def parse_talent_records(data: bytes | str, *, source: str) -> list[TalentRecord]:
    """Parse and validate a talent-records CSV; raises :class:`RecordErrors` listing all problems.

    Returns the records in file order.
    """
    problems = Problems(source, "talent records")
    header, rows = _read(data, TALENT_COLUMNS, problems)
    for group in (_RATING, _EXTERNAL):
        present = [name for name in group if name in header]
        for name in group:
            if present and name not in header:
                problems.add(
                    f"column {name} is needed with {', '.join(present)}", line=1, field=name
                )
    if "rated_by" in header and "performance_rating" not in header:
        problems.add("column rated_by needs performance_rating", line=1, field="rated_by")
    if problems.items:
        problems.raise_if_any()
    records = [
        record
        for line, values in rows
        if (record := _talent_record(line, values, problems)) is not None
    ]
    _check_consistency(records, problems)
    problems.raise_if_any()
    return records


def _talent_record(line: int, values: dict[str, str], problems: Problems) -> TalentRecord | None:
    before = len(problems.items)
    employee_id = values["employee_id"]
    if not employee_id:
        problems.add("employee_id must not be empty", line=line, field="employee_id")
    for name, limit in _LIMITS.items():
        if len(values.get(name, "")) > limit:
            problems.add(f"{name} is longer than {limit} characters", line=line, field=name)
    rating = period = rated_by = None
    if _all_or_none(values, _RATING, line, problems):
        period = values["period"]
        rating = _whole(values["performance_rating"], 1, 5, "performance_rating", line, problems)
    if values.get("rated_by"):
        rated_by = values["rated_by"]
        if period is None:
            problems.add(
                "rated_by needs a period and performance_rating", line=line, field="rated_by"
            )
    network = score = observed_on = None
    if _all_or_none(values, _EXTERNAL, line, problems):
        network = values["external_network"].lower()
        score = _whole(values["external_score"], 1, 100, "external_score", line, problems)
        observed_on = _iso(values["external_observed_on"], "external_observed_on", line, problems)
    in_role = values.get("in_role_since")
    in_role_since = _iso(in_role, "in_role_since", line, problems) if in_role else None
    level = values.get("level") or None
    if len(problems.items) > before:
        return None
    if period is None and network is None and level is None and in_role_since is None:
        problems.add(
            "nothing to import: give a performance rating, a level, in_role_since or an "
            "external observation",
            line=line,
            field=None,
        )
        return None
    return TalentRecord(
        line,
        employee_id,
        period,
        rating,
        rated_by,
        level,
        in_role_since,
        network,
        score,
        observed_on,
    )


def _check_consistency(records: list[TalentRecord], problems: Problems) -> None:
    """A rating period or observation given twice, or a person's level or role date disagreeing."""
    first: dict[tuple[object, ...], TalentRecord] = {}

    def once(key: tuple[object, ...], record: TalentRecord, what: str, field: str) -> None:
        seen = first.setdefault(key, record)
        if seen is not record:
            problems.add(f"{what} already given on line {seen.line}", line=record.line, field=field)

    for record in records:
        who = record.employee_id
        if record.period is not None:
            once(("rating", who, record.period), record, f"the {record.period} rating", "period")
        if record.external_network is not None:
            key = ("external", who, record.external_network, record.external_observed_on)
            once(key, record, "this observation", "external_observed_on")
        for field in ("level", "in_role_since"):
            value = getattr(record, field)
            if value is None:
                continue
            seen = first.setdefault((field, who), record)
            if getattr(seen, field) != value:
                problems.add(
                    f"{field} {value} differs from {getattr(seen, field)} on line {seen.line}",
                    line=record.line,
                    field=field,
                )


def parse_demographics(data: bytes | str, *, source: str) -> list[DemographicsRecord]:
    """Parse and validate a demographics CSV; raises :class:`RecordErrors` listing all problems.

    Values are matched case-insensitively to the vocabularies of
    :mod:`renown.talent.demographics` and stored in their canonical spelling.
    """
    problems = Problems(source, "demographics file")
    header, rows = _read(data, DEMOGRAPHICS_COLUMNS, problems)
    present = [name for name in FIELDS if name in header]
    if not present and not problems.items:
        problems.add(f"no answer column: expected one of {', '.join(FIELDS)}", line=1, field=None)
    problems.raise_if_any()
    records: list[DemographicsRecord] = []
    seen: dict[str, int] = {}
    for line, values in rows:
        before = len(problems.items)
        employee_id = values["employee_id"]
        if not employee_id:
            problems.add("employee_id must not be empty", line=line, field="employee_id")
        elif employee_id in seen:
            problems.add(
                f"employee_id {employee_id!r} already appears on line {seen[employee_id]}",
                line=line,
                field="employee_id",
            )
        else:
            seen[employee_id] = line
        answers: dict[str, str | None] = {}
        for field in present:
            try:
                answers[field] = normalise_answer(field, values[field])
            except Invalid as exc:
                problems.add(str(exc), line=line, field=field)
        if len(problems.items) == before:
            records.append(DemographicsRecord(line, employee_id, answers))
    problems.raise_if_any()
    return records
