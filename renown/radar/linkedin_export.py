"""Reading a LinkedIn data export (its folder or zip) into profile snapshots.

A member's own data download is the richest snapshot renown may use: the profile, every
position with its dates (so a career history becomes dated title and company changes) and
the skills. Only the files in :data:`EXPORT_FILES` are read; a zip is unpacked under explicit
limits (members, total size, no absolute or ``..`` paths), counted while reading. Split from
:mod:`renown.radar.snapshots`, which holds the snapshot type and the row rules shared by
every format; :func:`~renown.radar.reading.read_snapshots` calls :func:`read_export`.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from renown.core.delimited import decode_text, read_records
from renown.core.errors import InputError
from renown.core.text import text_problem
from renown.radar.snapshots import (
    EARLIEST,
    MAX_EXPORT_BYTES,
    MAX_EXPORT_MEMBERS,
    ProfileSnapshot,
    _parse_skills,
    _parse_text,
    _Where,
)

EXPORT_FILES: Final = (
    "Profile.csv",
    "Positions.csv",
    "Skills.csv",
    "Connections.csv",
    "Email Addresses.csv",
)
"""The only files of a LinkedIn data export that are read; everything else is left alone."""

_MONTHS: Final = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}


@dataclass(frozen=True, slots=True)
class _ExportFile:
    """One CSV of an export: its text, how errors name it, and its file date."""

    data: bytes
    source: str
    modified: datetime


@dataclass(frozen=True, slots=True)
class _Position:
    company: str | None
    title: str | None
    started: datetime
    finished: datetime | None
    line: int


def read_export(
    path: Path, *, captured_at: datetime | None = None, subject: str | None = None
) -> list[ProfileSnapshot]:
    """The snapshots of a LinkedIn data export (folder or ``.zip``); see :func:`read_snapshots`.

    The current position is the one without *Finished On* that started last (a second open
    position, such as a board seat, is history, not the job); ``title_since`` is its start.
    Positions that start after the capture time are left out (a job not yet begun).
    """
    files = _zip_files(path) if path.is_file() else _folder_files(path)
    name = path.name
    if "Profile.csv" not in files:
        raise InputError(str(path), "is not a LinkedIn data export: it has no Profile.csv")
    if subject is None:
        subject = _primary_email(files.get("Email Addresses.csv"))
    if not subject:
        raise InputError(
            str(path),
            "the export does not say whose it is: give the subject (no primary address in "
            "Email Addresses.csv)",
            field="subject",
        )
    if captured_at is None:
        captured_at = max(f.modified for f in files.values())
    profile = _profile(files["Profile.csv"])
    positions = _positions(files["Positions.csv"]) if "Positions.csv" in files else []
    positions = [p for p in positions if p.started <= captured_at]
    current = _current(positions)
    skills = _skills(files["Skills.csv"]) if "Skills.csv" in files else None
    connections = (
        _connection_count(files["Connections.csv"]) if "Connections.csv" in files else None
    )
    headline, summary, location, industry = profile
    snapshots = [
        ProfileSnapshot(
            subject=subject,
            captured_at=p.started,
            title=p.title,
            company=p.company,
            title_since=p.started,
            source=f"{name}!Positions.csv, line {p.line}",
        )
        for p in positions
        if p.started < captured_at
    ]
    snapshots.append(
        ProfileSnapshot(
            subject=subject,
            captured_at=captured_at,
            headline=headline,
            title=current.title if current else None,
            company=current.company if current else None,
            location=location,
            skills=skills,
            summary=summary,
            connections=connections,
            title_since=current.started if current else None,
            extra=(("industry", industry),) if industry else (),
            source=name,
        )
    )
    return snapshots


def _member_source(archive: Path, member: str) -> str:
    return f"{archive.name}!{member}"


def _folder_files(path: Path) -> dict[str, _ExportFile]:
    found: dict[str, _ExportFile] = {}
    total = 0
    wanted = {n.casefold(): n for n in EXPORT_FILES}
    try:
        entries = sorted(path.iterdir())
    except OSError as exc:
        raise InputError(str(path), f"cannot read the folder: {exc.strerror}") from None
    for entry in entries:
        known = wanted.get(entry.name.casefold())
        if known is None or not entry.is_file():
            continue
        stat = entry.stat()
        total += stat.st_size
        if total > MAX_EXPORT_BYTES:
            raise InputError(str(path), f"the export is larger than {MAX_EXPORT_BYTES // 2**20} MB")
        found[known] = _ExportFile(
            entry.read_bytes(), str(entry), datetime.fromtimestamp(stat.st_mtime, UTC)
        )
    return found


def _zip_files(path: Path) -> dict[str, _ExportFile]:
    """The known CSVs of the zip at ``path``, after refusing unsafe or oversized archives.

    Any member with an absolute path or ``..`` refuses the whole archive (it was made to
    write outside a folder when unpacked), as do more than :data:`MAX_EXPORT_MEMBERS`
    members or more than :data:`MAX_EXPORT_BYTES` declared; members are read in chunks and
    stop at the limit too, whatever their headers claim.
    """
    source = str(path)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(source, f"is not a readable zip file ({exc})") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_EXPORT_MEMBERS:
            raise InputError(source, f"has more than {MAX_EXPORT_MEMBERS:,} members")
        wanted = {n.casefold(): n for n in EXPORT_FILES}
        chosen: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            name = info.filename.replace("\\", "/")
            parts = name.split("/")
            if name.startswith("/") or ".." in parts or (parts and ":" in parts[0]):
                raise InputError(
                    _member_source(path, info.filename),
                    "has an unsafe path (absolute or with '..'); the archive is refused",
                )
            known = wanted.get(parts[-1].casefold())
            if known is None or info.is_dir():
                continue
            if known in chosen and chosen[known].filename.count("/") <= name.count("/"):
                continue  # the shallowest copy of a file is the export's own
            chosen[known] = info
        declared = sum(info.file_size for info in chosen.values())
        if declared > MAX_EXPORT_BYTES:
            raise InputError(
                source, f"its files would unpack to more than {MAX_EXPORT_BYTES // 2**20} MB"
            )
        budget = MAX_EXPORT_BYTES
        found: dict[str, _ExportFile] = {}
        for known, info in chosen.items():
            member = _member_source(path, info.filename)
            data = _read_member(archive, info, member, budget)
            budget -= len(data)
            found[known] = _ExportFile(data, member, _zip_time(info.date_time))
    return found


def _read_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, source: str, budget: int
) -> bytes:
    chunks: list[bytes] = []
    size = 0
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(1 << 16):
                size += len(chunk)
                if size > budget:
                    raise InputError(source, f"unpacks to more than {MAX_EXPORT_BYTES // 2**20} MB")
                chunks.append(chunk)
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        OSError,
        EOFError,
        NotImplementedError,
    ) as exc:
        raise InputError(source, f"cannot be unpacked ({exc})") from None
    except RuntimeError as exc:  # encrypted members
        raise InputError(source, f"cannot be unpacked ({exc})") from None
    return b"".join(chunks)


def _zip_time(date_time: tuple[int, int, int, int, int, int]) -> datetime:
    """A member's date: zips store local time without a zone; it is read as UTC."""
    try:
        return datetime(*date_time, tzinfo=UTC)
    except ValueError:
        return EARLIEST


def _rows(file: _ExportFile, required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """Rows of ``file`` as header -> trimmed cell, after checking ``required`` columns."""
    records = read_records(file.data, source=file.source)
    header = next(records)
    names = [cell.strip() for cell in header.cells]
    for column in required:
        if column not in names:
            raise InputError(
                file.source, f"the header has no {column!r} column", line=header.line, field=column
            )
    return [
        (record.line, {n: c.strip() for n, c in zip(names, record.cells, strict=True)})
        for record in records
    ]


def _profile(file: _ExportFile) -> tuple[str | None, str | None, str | None, str | None]:
    rows = _rows(file, ())
    if not rows:
        raise InputError(file.source, "has a header but no profile row", line=2)
    line, row = rows[0]
    where = _Where(file.source, line)
    values = [
        _parse_text(row.get(column) or None, where, column)
        for column in ("Headline", "Summary", "Geo Location", "Industry")
    ]
    return values[0], values[1], values[2], values[3]


def _parse_month(text: str, where: _Where, column: str) -> datetime:
    """LinkedIn's dates: ``Mar 2021``, ``March 2021``, ``2021``, ``2021-03`` or ``2021-03-01``."""
    cleaned = text.strip()
    match = re.fullmatch(r"([A-Za-z]+)\.?\s+(\d{4})", cleaned)
    year: int | None = None
    month = 1
    day = 1
    if match:
        number = _MONTHS.get(match.group(1).lower())
        if number is not None:
            month, year = number, int(match.group(2))
    elif re.fullmatch(r"\d{4}", cleaned):
        year = int(cleaned)
    elif found := re.fullmatch(r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?", cleaned):
        year, month = int(found.group(1)), int(found.group(2))
        day = int(found.group(3)) if found.group(3) else 1
    if year is not None:
        try:
            when = datetime(year, month, day, tzinfo=UTC)
        except ValueError:
            pass
        else:
            if when >= EARLIEST:
                return when
    where.fail(f"{cleaned!r} is not a date like 'Mar 2021' or '2021'", column)


def _positions(file: _ExportFile) -> list[_Position]:
    positions: list[_Position] = []
    for line, row in _rows(file, ("Company Name", "Title", "Started On")):
        where = _Where(file.source, line)
        if not row["Started On"]:
            continue  # LinkedIn allows a position without dates: it cannot be placed in time
        started = _parse_month(row["Started On"], where, "Started On")
        finished_text = row.get("Finished On", "")
        finished = _parse_month(finished_text, where, "Finished On") if finished_text else None
        if finished is not None and finished < started:
            where.fail("ends before it starts", "Finished On")
        positions.append(
            _Position(
                company=_parse_text(row["Company Name"] or None, where, "Company Name"),
                title=_parse_text(row["Title"] or None, where, "Title"),
                started=started,
                finished=finished,
                line=line,
            )
        )
    return positions


def _current(positions: list[_Position]) -> _Position | None:
    open_ = [p for p in positions if p.finished is None]
    if not open_:
        return None
    return max(open_, key=lambda p: (p.started, -p.line))


def _skills(file: _ExportFile) -> tuple[str, ...]:
    names: list[str] = []
    for line, row in _rows(file, ("Name",)):
        value = row["Name"]
        if value:
            where = _Where(file.source, line)
            problem = text_problem(value)
            if problem is not None:
                where.fail(problem, "Name")
            names.append(value.replace(";", ","))
    skills = _parse_skills(names, _Where(file.source, None))
    return skills if skills is not None else ()


def _connection_count(file: _ExportFile) -> int:
    """Rows of Connections.csv, whose header follows a few ``Notes:`` lines."""
    text = decode_text(file.data, file.source)
    lines = text.splitlines(keepends=True)
    start = next(
        (i for i, line in enumerate(lines) if line.lstrip().startswith("First Name")), None
    )
    if start is None:
        raise InputError(file.source, "has no header line starting with 'First Name'")
    try:
        records = list(read_records("".join(lines[start:]), source=file.source))
    except InputError as error:
        line = error.line + start if error.line is not None else None
        raise InputError(error.source, error.message, line=line, field=error.field) from None
    return len(records) - 1


def _primary_email(file: _ExportFile | None) -> str | None:
    if file is None:
        return None
    for _line, row in _rows(file, ("Email Address",)):
        if row.get("Primary", "").strip().lower() == "yes" and row["Email Address"]:
            return row["Email Address"].strip().lower()
    return None
