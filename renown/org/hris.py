"""Reading an org chart / HRIS export (CSV) into validated rows, without touching the database.

HR teams export these files from many systems and edit them by hand, so every problem is
reported with the file, the line (1-based, the header is line 1) and the column, and all
problems are collected (up to :data:`MAX_PROBLEMS`) so that one round of fixes is enough.

Columns (names are case-insensitive, surrounding spaces ignored, unknown columns ignored):
``employee_id`` and ``name`` are required; ``email``, ``title``, ``team``, ``department``,
``manager_id`` (the manager's ``employee_id``), ``hired_on`` / ``left_on`` (ISO dates),
``public_profile`` (true/false/yes/no/1/0, empty is false), ``aliases`` (``;``-separated
extra e-mail addresses) and ``handles`` (``;``-separated ``kind:value`` pairs such as
``chat:@ana;social:ana_dev``) are optional.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from renown.core.delimited import read_records
from renown.core.errors import FileErrors, FileProblems, InputError
from renown.core.identities import EMAIL, EMPLOYEE_ID, normalise_email, normalise_identity

REQUIRED_COLUMNS = ("employee_id", "name")
OPTIONAL_COLUMNS = (
    "email",
    "title",
    "team",
    "department",
    "manager_id",
    "hired_on",
    "left_on",
    "public_profile",
    "aliases",
    "handles",
)
MAX_PROBLEMS = 50
_TRUE = frozenset({"true", "yes", "1", "y"})
_FALSE = frozenset({"false", "no", "0", "n", ""})
_HANDLE_KIND = re.compile(r"^[a-z][a-z0-9_.-]{0,31}$")
_RESERVED_KINDS = frozenset({EMAIL, EMPLOYEE_ID})


@dataclass(frozen=True)
class HrisRow:
    """One validated person of the org chart."""

    line: int
    employee_id: str
    name: str
    email: str | None = None
    title: str | None = None
    team: str | None = None
    department: str | None = None
    manager_id: str | None = None
    hired_on: date | None = None
    left_on: date | None = None
    public_profile: bool = False
    aliases: tuple[str, ...] = ()
    handles: tuple[tuple[str, str], ...] = ()


ORG_CHART = "org chart"


class HrisErrors(FileErrors):
    """Every problem found in one org chart (at most :data:`MAX_PROBLEMS`), each located."""


class _Problems(FileProblems):
    error = HrisErrors
    limit = MAX_PROBLEMS


def parse_hris(
    data: bytes | Path,
    *,
    source: str | None = None,
    known_employee_ids: Collection[str] | Mapping[str, str | None] = (),
) -> list[HrisRow]:
    """Parse and validate an org-chart CSV.

    ``known_employee_ids`` are people already stored (a partial export may name a manager
    who is not in it); pass a mapping ``employee_id -> manager employee_id`` to have cycles
    through stored reporting lines detected too. Raises :class:`HrisErrors` listing every
    problem; returns the rows in file order otherwise.

    The file is read strictly (:mod:`renown.core.delimited`): a malformed record (an unclosed
    quote, a row with more or fewer fields than the header, bytes that are not UTF-8) ends
    the reading with a located problem, so it can never turn into wrong people.
    """
    if isinstance(data, Path):
        source = source or str(data)
        data = data.read_bytes()
    source = source or "org chart"
    problems = _Problems(source, ORG_CHART)
    rows, mentioned = _read_rows(data, problems)
    if not problems.items:
        _check_references(rows, known_employee_ids, problems)
    else:
        _check_references(rows, {*known_employee_ids, *mentioned}, problems)
    problems.raise_if_any()
    return rows


def _read_rows(data: bytes, problems: _Problems) -> tuple[list[HrisRow], set[str]]:
    """Valid rows, and every employee id mentioned (so a bad row's id is not also reported
    as an unknown manager of its reports)."""
    mentioned: set[str] = set()
    rows: list[HrisRow] = []
    records = read_records(data, source=problems.source)
    try:
        header = next(records)
        columns = [name.strip().lower() for name in header.cells]
        for name in REQUIRED_COLUMNS:
            if name not in columns:
                problems.add(f"required column {name!r} is missing", line=header.line, field=name)
        for name in dict.fromkeys(columns):
            if columns.count(name) > 1 and name in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS):
                problems.add(f"column {name!r} appears twice", line=header.line, field=name)
        if problems.items:
            return rows, mentioned
        position = {name: i for i, name in enumerate(columns)}
        seen: dict[str, int] = {}
        for record in records:
            values = {name: record.cells[i].strip() for name, i in position.items()}
            mentioned.add(values["employee_id"])
            row = _parse_row(record.line, values, problems)
            if row is None:
                continue
            if row.employee_id in seen:
                problems.add(
                    f"employee_id {row.employee_id!r} already appears on line "
                    f"{seen[row.employee_id]}",
                    line=record.line,
                    field="employee_id",
                )
                continue
            seen[row.employee_id] = record.line
            rows.append(row)
            if problems.truncated:
                break
        if not seen and not problems.items:
            problems.add("no people: the file has a header but no rows", line=2, field=None)
    except InputError as error:
        problems.add(error.message, line=error.line, field=error.field)
    _check_duplicate_identities(rows, problems)
    _check_team_departments(rows, problems)
    return rows, mentioned


def _parse_row(line: int, values: dict[str, str], problems: _Problems) -> HrisRow | None:
    before = len(problems.items)

    def required(name: str) -> str:
        value = values.get(name, "")
        if not value:
            problems.add(f"{name} must not be empty", line=line, field=name)
        return value

    def optional(name: str) -> str | None:
        return values.get(name) or None

    def day(name: str) -> date | None:
        value = values.get(name, "")
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            problems.add(f"{value!r} is not an ISO date (YYYY-MM-DD)", line=line, field=name)
            return None

    employee_id = required("employee_id")
    name = required("name")
    email = optional("email")
    if email is not None:
        email = normalise_email(email)
        if not _looks_like_email(email):
            problems.add(f"{email!r} is not an e-mail address", line=line, field="email")
    hired_on, left_on = day("hired_on"), day("left_on")
    if hired_on and left_on and left_on < hired_on:
        problems.add(f"left_on {left_on} is before hired_on {hired_on}", line=line, field="left_on")
    flag = values.get("public_profile", "").lower()
    if flag not in _TRUE | _FALSE:
        problems.add(
            f"{values['public_profile']!r} is not true/false/yes/no/1/0",
            line=line,
            field="public_profile",
        )
    aliases = tuple(normalise_email(a) for a in values.get("aliases", "").split(";") if a.strip())
    for alias in aliases:
        if not _looks_like_email(alias):
            problems.add(f"{alias!r} is not an e-mail address", line=line, field="aliases")
    handles = _parse_handles(values.get("handles", ""), line, problems)
    manager_id = optional("manager_id")
    if manager_id is not None and manager_id == employee_id:
        problems.add("a person cannot be their own manager", line=line, field="manager_id")
    if len(problems.items) > before or problems.truncated:
        return None
    return HrisRow(
        line=line,
        employee_id=employee_id,
        name=name,
        email=email,
        title=optional("title"),
        team=optional("team"),
        department=optional("department"),
        manager_id=manager_id,
        hired_on=hired_on,
        left_on=left_on,
        public_profile=flag in _TRUE,
        aliases=tuple(dict.fromkeys(aliases)),
        handles=handles,
    )


def _looks_like_email(value: str) -> bool:
    local, _, domain = value.partition("@")
    return bool(local) and bool(domain) and " " not in value


def _parse_handles(text: str, line: int, problems: _Problems) -> tuple[tuple[str, str], ...]:
    handles: list[tuple[str, str]] = []
    for item in (part.strip() for part in text.split(";")):
        if not item:
            continue
        kind, sep, value = item.partition(":")
        kind = kind.strip().lower()
        if not sep or not value.strip() or not _HANDLE_KIND.match(kind):
            problems.add(
                f"handle {item!r} is not kind:value (for example chat:@ana)",
                line=line,
                field="handles",
            )
            continue
        if kind in _RESERVED_KINDS:
            problems.add(
                f"handle kind {kind!r} is reserved; use the {kind} or aliases column",
                line=line,
                field="handles",
            )
            continue
        normalised = normalise_identity(kind, value)
        if not normalised:
            problems.add(f"handle {item!r} has an empty value", line=line, field="handles")
            continue
        if (kind, normalised) not in handles:
            handles.append((kind, normalised))
    return tuple(handles)


def row_identities(row: HrisRow) -> Iterator[tuple[str, str, str]]:
    """``(kind, normalised value, field)`` of every identity a row declares."""
    yield EMPLOYEE_ID, normalise_identity(EMPLOYEE_ID, row.employee_id), "employee_id"
    if row.email:
        yield EMAIL, row.email, "email"
    for alias in row.aliases:
        if alias != row.email:
            yield EMAIL, alias, "aliases"
    for kind, value in row.handles:
        yield kind, value, "handles"


def _check_duplicate_identities(rows: list[HrisRow], problems: _Problems) -> None:
    owner: dict[tuple[str, str], HrisRow] = {}
    for row in rows:
        for kind, value, field in row_identities(row):
            first = owner.setdefault((kind, value), row)
            if first is not row:
                problems.add(
                    f"{kind} {value!r} already belongs to {first.employee_id} (line {first.line})",
                    line=row.line,
                    field=field,
                )


def _check_team_departments(rows: list[HrisRow], problems: _Problems) -> None:
    """A team belongs to one department; two rows disagreeing is almost always a typo."""
    home: dict[str, HrisRow] = {}
    for row in rows:
        if row.team is None:
            continue
        first = home.setdefault(row.team, row)
        if first.department != row.department:
            problems.add(
                f"team {row.team!r} is in department {first.department!r} on line "
                f"{first.line} but in {row.department!r} here",
                line=row.line,
                field="department",
            )


def _check_references(
    rows: list[HrisRow],
    known: Collection[str] | Mapping[str, str | None],
    problems: _Problems,
) -> None:
    """Managers must exist, and following managers upwards must end at someone without one."""
    manager_of: dict[str, str | None] = dict(known) if isinstance(known, Mapping) else {}
    in_file = {row.employee_id for row in rows}
    known_ids = set(known)
    for row in rows:
        manager_of[row.employee_id] = row.manager_id
        if row.manager_id is not None and row.manager_id not in in_file | known_ids:
            problems.add(
                f"manager {row.manager_id!r} is neither in this file nor already known",
                line=row.line,
                field="manager_id",
            )
    settled: set[str] = set()
    for row in rows:
        path: list[str] = []
        on_path: set[str] = set()
        current: str | None = row.employee_id
        while current is not None and current not in settled:
            if current in on_path:
                cycle = path[path.index(current) :]
                lines = {r.employee_id: r.line for r in rows}
                first_line = min(lines.get(e, row.line) for e in cycle)
                problems.add(
                    "reporting lines form a cycle: " + " -> ".join([*cycle, current]),
                    line=first_line,
                    field="manager_id",
                )
                break
            path.append(current)
            on_path.add(current)
            current = manager_of.get(current)
        settled.update(path)
