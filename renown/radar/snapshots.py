"""Profile snapshots: what a profile said at one instant, from the files members share.

A snapshot names its subject (an employee id of the organisation, or an external handle
such as ``linkedin:jane-doe``), when it was captured, and the fields recruiters read.
``None`` means *not in this snapshot* (unknown), never *empty*: a field that was not
captured is not a change. The JSONL and CSV readers here (and
:mod:`renown.radar.linkedin_export`; :func:`renown.radar.reading.read_snapshots` picks one)
name file, line and field on bad input and return every snapshot or none.

renown never scrapes a site: snapshots come from data members share (their own LinkedIn
data download) and from renown's own profile pages, so the readers only parse files.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Final, NoReturn

from renown.core.delimited import decode_text, read_records
from renown.core.errors import InputError
from renown.core.text import text_problem


@dataclass(frozen=True, slots=True)
class ProfileSnapshot:
    """One profile as captured at ``captured_at`` (timezone-aware, UTC)."""

    subject: str
    """Employee id, e-mail or external handle (``network:handle``) the profile belongs to."""
    captured_at: datetime
    headline: str | None = None
    title: str | None = None
    company: str | None = None
    location: str | None = None
    skills: tuple[str, ...] | None = None
    """Skills as listed (order kept, duplicates removed); ``None`` when not captured."""
    summary: str | None = None
    photo: str | None = None
    """A fingerprint of the photo (URL or hash): only whether it changed matters."""
    connections: int | None = None
    """Connection or follower count."""
    open_to_work: bool | None = None
    title_since: datetime | None = None
    """When the current position started, when the source says (LinkedIn's Positions)."""
    extra: tuple[tuple[str, str], ...] = field(default=())
    """Any other fields, as sorted (name, value) pairs."""
    source: str = ""
    """File (and line) the snapshot came from, for messages and provenance."""


MAX_FILE_BYTES: Final = 200 * 1024 * 1024
"""Largest JSONL or CSV file read: far beyond years of monthly snapshots of an organisation,
small enough to hold in memory (the reader is all-or-nothing, so it holds every snapshot)."""

MAX_EXPORT_BYTES: Final = 50 * 1024 * 1024
"""Most uncompressed bytes read from one LinkedIn export. The CSVs read (profile, positions,
skills, connections, e-mail addresses) are kilobytes to a few megabytes; a zip that claims or
inflates to more is refused rather than unpacked (a zip bomb)."""

MAX_EXPORT_MEMBERS: Final = 5_000
"""Most entries a LinkedIn export zip may list (real ones have a few dozen)."""

MAX_CONNECTIONS: Final = 1_000_000_000
"""Largest connection or follower count accepted: above the largest public accounts, so a
bigger number is a typing or unit mistake, not a profile."""

FUTURE_TOLERANCE: Final = timedelta(days=1)
"""How far ahead of now a capture time may be (clock skew and time zones), no further."""

EARLIEST: Final = datetime(1970, 1, 1, tzinfo=UTC)
"""Capture times and position starts before this are typing mistakes."""

TEXT_FIELDS: Final = ("headline", "title", "company", "location", "summary", "photo")

_ALIASES: Final[Mapping[str, str]] = {
    "subject": "subject",
    "person": "subject",
    "handle": "subject",
    "employee_id": "subject",
    "email": "subject",
    "captured_at": "captured_at",
    "headline": "headline",
    "title": "title",
    "company": "company",
    "location": "location",
    "skills": "skills",
    "summary": "summary",
    "photo": "photo",
    "connections": "connections",
    "followers": "connections",
    "open_to_work": "open_to_work",
    "title_since": "title_since",
}
"""Accepted key or column names (after :func:`_canonical_key`) and the field each fills."""

_TRUE: Final = frozenset({"true", "yes", "y", "1", "on"})
_FALSE: Final = frozenset({"false", "no", "n", "0", "off"})
_SPACES = re.compile(r"\s+")


# --------------------------------------------------------------------------- public API


def snapshot_key(s: ProfileSnapshot) -> str:
    """A stable sha256 (hex) over the subject, the capture time and every content field.

    ``source`` is left out: the same profile read from a copy of the file, or from another
    folder, is the same snapshot, so an import keyed on this adds nothing the second time.
    """
    payload = snapshot_to_dict(s)
    payload.pop("source", None)
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def snapshot_to_dict(s: ProfileSnapshot) -> dict[str, object]:
    """``s`` as JSON-compatible values (times as ISO 8601 with offset, skills as a list)."""
    return {
        "subject": s.subject,
        "captured_at": s.captured_at.astimezone(UTC).isoformat(),
        "headline": s.headline,
        "title": s.title,
        "company": s.company,
        "location": s.location,
        "skills": list(s.skills) if s.skills is not None else None,
        "summary": s.summary,
        "photo": s.photo,
        "connections": s.connections,
        "open_to_work": s.open_to_work,
        "title_since": (
            s.title_since.astimezone(UTC).isoformat() if s.title_since is not None else None
        ),
        "extra": dict(s.extra),
        "source": s.source,
    }


def snapshot_from_dict(d: Mapping[str, object]) -> ProfileSnapshot:
    """The snapshot :func:`snapshot_to_dict` wrote (checked as a JSONL row is).

    Raises :class:`InputError` (source ``snapshot``) when ``d`` is not such a dictionary.
    """
    fields = {k: v for k, v in d.items() if k not in {"extra", "source"}}
    for key in fields:
        if key not in _ALIASES.values():
            raise InputError("snapshot", "is not a snapshot field", field=key)
    extra = d.get("extra") or {}
    if not isinstance(extra, Mapping):
        raise InputError("snapshot", "extra must be an object", field="extra")
    source = d.get("source") or ""
    if not isinstance(source, str):
        raise InputError("snapshot", "source must be text", field="source")
    snapshot = _snapshot(dict(fields), extra, "snapshot", None, None, None, source)
    return snapshot


# --------------------------------------------------------------------------- field parsing


def _canonical_key(name: str) -> str:
    return _SPACES.sub("_", name.strip().lower().replace("-", "_"))


def as_aware(when: datetime) -> datetime:
    """``when`` in UTC; a naive time is taken to be UTC already."""
    if when.tzinfo is None:
        return when.replace(tzinfo=UTC)
    return when.astimezone(UTC)


def _parse_time(value: object, where: _Where, name: str) -> datetime:
    if isinstance(value, datetime):
        when = as_aware(value)
    elif isinstance(value, str) and value.strip():
        text = value.strip()
        try:
            when = as_aware(datetime.fromisoformat(text))
        except ValueError:
            where.fail(f"{text!r} is not an ISO 8601 date or time (2024-03-01T09:30:00Z)", name)
    else:
        where.fail("must be an ISO 8601 date or time", name)
    if when < EARLIEST:
        where.fail(f"{when.date().isoformat()} is before 1970", name)
    return when


MAX_SUMMARY_CHARS: Final = 10_000
"""Longest summary kept: LinkedIn's "About" holds 2,600 characters; four times that leaves
room for other sites while one row can no longer carry megabytes into every list read."""
MAX_TEXT_CHARS: Final = 1_000
"""Longest headline, title, company, location, photo fingerprint, subject or extra field."""
MAX_SKILL_CHARS: Final = 200
MAX_SKILLS: Final = 500
MAX_EXTRA_FIELDS: Final = 100


def _too_long(value: str, limit: int) -> str | None:
    if len(value) > limit:
        return f"is {len(value):,} characters long; at most {limit:,} are accepted"
    return None


def _parse_text(value: object, where: _Where, name: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        where.fail("must be text", name)
    limit = MAX_SUMMARY_CHARS if name == "summary" else MAX_TEXT_CHARS
    if (problem := _too_long(value, limit)) is not None:
        where.fail(problem, name)
    problem = text_problem(value, multiline=True)
    if problem is not None:
        where.fail(problem, name)
    cleaned = value.strip()
    return cleaned or None


def _clean_skill(value: str) -> str:
    return _SPACES.sub(" ", value).strip()


def _parse_skills(value: object, where: _Where) -> tuple[str, ...] | None:
    """Skills in order, whitespace collapsed, repeats (ignoring case) dropped."""
    if value is None:
        return None
    if isinstance(value, str):
        if not value.strip():
            return None
        items: list[object] = list(value.split(";"))
    elif isinstance(value, list):
        items = value
    else:
        where.fail("must be a list of skills or one text with ';' between them", "skills")
    seen: set[str] = set()
    skills: list[str] = []
    if len(items) > MAX_SKILLS:
        where.fail(f"lists {len(items):,} skills; at most {MAX_SKILLS} are accepted", "skills")
    for item in items:
        if not isinstance(item, str):
            where.fail("every skill must be text", "skills")
        problem = _too_long(item, MAX_SKILL_CHARS) or text_problem(item)
        if problem is not None:
            where.fail(f"a skill {problem}", "skills")
        skill = _clean_skill(item)
        if ";" in skill:
            where.fail("a skill may not contain ';' (it separates skills)", "skills")
        if skill and skill.casefold() not in seen:
            seen.add(skill.casefold())
            skills.append(skill)
    return tuple(skills)


def _parse_count(value: object, where: _Where) -> int | None:
    """A whole, non-negative count; ``1,234`` and LinkedIn's ``500+`` are accepted."""
    if value is None:
        return None
    if isinstance(value, bool):
        where.fail("must be a whole number, not true/false", "connections")
    if isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            where.fail(f"{value!r} is not a whole number", "connections")
        value = int(value)
    if isinstance(value, str):
        text = value.strip().replace(",", "").replace("_", "").removesuffix("+")
        if not text:
            return None
        if not re.fullmatch(r"-?\d{1,12}", text):
            where.fail(f"{value.strip()!r} is not a whole number", "connections")
        value = int(text)
    if not isinstance(value, int):
        where.fail("must be a whole number", "connections")
    if value < 0:
        where.fail(f"{value} is negative", "connections")
    if value > MAX_CONNECTIONS:
        where.fail(f"{value:,} is more than {MAX_CONNECTIONS:,}", "connections")
    return value


def _parse_flag(value: object, where: _Where) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int) and value in {0, 1}:
        return bool(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if not text:
            return None
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    where.fail(f"{value!r} is not yes/no, true/false or 1/0", "open_to_work")


def _extra_value(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


@dataclass(frozen=True, slots=True)
class _Where:
    """Where a row came from, to locate its errors."""

    source: str
    line: int | None

    def fail(self, message: str, name: str | None = None) -> NoReturn:
        raise InputError(self.source, message, line=self.line, field=name)


def _snapshot(
    row: dict[str, object],
    extra: Mapping[str, object],
    source: str,
    line: int | None,
    default_subject: str | None,
    default_captured: datetime | None,
    provenance: str | None = None,
) -> ProfileSnapshot:
    """One snapshot from canonical fields ``row`` (``None`` or empty = not captured)."""
    where = _Where(source, line)
    subject = _parse_text(row.get("subject"), where, "subject") or default_subject
    if not subject:
        where.fail("no subject (subject, person, handle, employee_id or email)", "subject")
    if "\n" in subject or "\r" in subject or "\t" in subject:
        where.fail("a subject is one line of text", "subject")
    raw_time = row.get("captured_at")
    if raw_time is None or (isinstance(raw_time, str) and not raw_time.strip()):
        if default_captured is None:
            where.fail("no captured_at (when the profile was captured)", "captured_at")
        captured = default_captured
    else:
        captured = _parse_time(raw_time, where, "captured_at")
    since_raw = row.get("title_since")
    title_since = None
    if since_raw is not None and not (isinstance(since_raw, str) and not since_raw.strip()):
        title_since = _parse_time(since_raw, where, "title_since")
    texts = {name: _parse_text(row.get(name), where, name) for name in TEXT_FIELDS}
    extras: list[tuple[str, str]] = []
    if len(extra) > MAX_EXTRA_FIELDS:
        where.fail(f"has {len(extra)} extra fields; at most {MAX_EXTRA_FIELDS} are kept", None)
    for key, value in extra.items():
        text = _extra_value(value)
        if text is not None:
            problem = _too_long(text, MAX_TEXT_CHARS) or text_problem(text, multiline=True)
            if problem is not None:
                where.fail(problem, key)
            extras.append((key, text))
    if provenance is None:
        provenance = f"{source}, line {line}" if line is not None else source
    return ProfileSnapshot(
        subject=subject,
        captured_at=captured,
        headline=texts["headline"],
        title=texts["title"],
        company=texts["company"],
        location=texts["location"],
        skills=_parse_skills(row.get("skills"), where),
        summary=texts["summary"],
        photo=texts["photo"],
        connections=_parse_count(row.get("connections"), where),
        open_to_work=_parse_flag(row.get("open_to_work"), where),
        title_since=title_since,
        extra=tuple(sorted(extras)),
        source=provenance,
    )


def _split_keys(
    items: Iterable[tuple[str, object]], where: _Where
) -> tuple[dict[str, object], dict[str, object]]:
    """Known fields by canonical name, and the rest; two names for one field are refused."""
    known: dict[str, object] = {}
    named: dict[str, str] = {}
    extra: dict[str, object] = {}
    for key, value in items:
        canonical = _canonical_key(key)
        target = _ALIASES.get(canonical)
        if target is None:
            if canonical in extra:
                where.fail("appears twice", key)
            extra[canonical] = value
            continue
        if target in known:
            where.fail(f"{named[target]!r} and {key!r} both give the {target}", key)
        known[target] = value
        named[target] = key
    return known, extra


# --------------------------------------------------------------------------- JSONL and CSV


def read_file_bytes(path: Path) -> bytes:
    """The bytes of ``path``, refused over :data:`MAX_FILE_BYTES` before a byte is read."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(str(path), f"is larger than {MAX_FILE_BYTES // 2**20} MB")
        return path.read_bytes()
    except OSError as exc:
        raise InputError(str(path), f"cannot read the file: {exc.strerror}") from None


def _unique(snapshots: list[ProfileSnapshot]) -> list[ProfileSnapshot]:
    """Identical snapshots once; two different ones of a subject at one instant refused."""
    kept: dict[tuple[str, datetime], tuple[str, ProfileSnapshot]] = {}
    result: list[ProfileSnapshot] = []
    for snapshot in snapshots:
        key = snapshot_key(snapshot)
        slot = (snapshot.subject, snapshot.captured_at)
        if slot in kept:
            first_key, first = kept[slot]
            if first_key == key:
                continue
            raise InputError(
                snapshot.source,
                f"a second, different snapshot of {snapshot.subject!r} captured at "
                f"{snapshot.captured_at.isoformat()} (the first is at {first.source}); "
                "keep one of them",
                field="captured_at",
            )
        kept[slot] = (key, snapshot)
        result.append(snapshot)
    return result


class _DuplicateKeyError(ValueError):
    """A JSON object names one key twice (``json`` would silently keep the last)."""


def _no_duplicate_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    result: dict[str, object] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKeyError(key)
        result[key] = value
    return result


def read_jsonl(
    data: bytes, source: str, captured: datetime | None, subject: str | None
) -> list[ProfileSnapshot]:
    """The snapshots of a JSONL file, one object per line; ``source`` names it in errors."""
    text = decode_text(data, source)
    snapshots: list[ProfileSnapshot] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        where = _Where(source, number)
        try:
            value = json.loads(raw, object_pairs_hook=_no_duplicate_keys)
        except _DuplicateKeyError as exc:
            where.fail("the key appears twice in one object", str(exc))
        except json.JSONDecodeError as exc:
            where.fail(f"is not valid JSON ({exc.msg} at column {exc.colno})")
        except RecursionError:
            where.fail("is nested too deeply to be a snapshot")
        if not isinstance(value, dict):
            where.fail("must be one JSON object (a snapshot) per line")
        known, extra = _split_keys(value.items(), where)
        snapshots.append(_snapshot(known, extra, source, number, subject, captured))
    if not snapshots:
        raise InputError(source, "holds no snapshots", line=1)
    return _unique(snapshots)


def _delimiter(data: bytes, suffix: str) -> str:
    """Tab for ``.tsv``; else the first of tab, semicolon or comma on the header line.

    Spreadsheets in many locales save "CSV" with semicolons; the header line says which.
    """
    if suffix == ".tsv":
        return "\t"
    header = data.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0]
    for candidate in ("\t", ";", ","):
        if candidate.encode() in header:
            return candidate
    return ","


def read_csv(
    data: bytes, source: str, captured: datetime | None, subject: str | None, suffix: str
) -> list[ProfileSnapshot]:
    """The snapshots of a delimited file with a header line; ``suffix`` picks the delimiter."""
    records = read_records(data, source=source, delimiter=_delimiter(data, suffix))
    header = next(records)
    names = [cell.strip() for cell in header.cells]
    where = _Where(source, header.line)
    for index, name in enumerate(names):
        if not name:
            where.fail(f"column {index + 1} has no name in the header")
    _split_keys(((name, None) for name in names), where)  # refuses repeated columns
    canon = [_canonical_key(n) for n in names]
    if subject is None and not any(_ALIASES.get(c) == "subject" for c in canon):
        where.fail(
            "the header names no subject column (subject, person, handle, employee_id or "
            "email); is the header line missing?"
        )
    if captured is None and "captured_at" not in canon:
        where.fail("the header names no captured_at column; is the header line missing?")
    snapshots: list[ProfileSnapshot] = []
    for record in records:
        row_where = _Where(source, record.line)
        cells: list[tuple[str, object]] = [
            (name, cell.strip() or None) for name, cell in zip(names, record.cells, strict=True)
        ]
        known, extra = _split_keys(cells, row_where)
        snapshots.append(_snapshot(known, extra, source, record.line, subject, captured))
    if not snapshots:
        raise InputError(source, "has a header but no snapshots", line=2)
    return _unique(snapshots)
