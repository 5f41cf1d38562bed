"""Reading a snapshot file of any supported kind: JSONL, CSV, or a LinkedIn data export.

The one entry point the CLI and the web import use. It lives apart from
:mod:`renown.radar.snapshots` (the snapshot type and the JSONL/CSV row readers) and
:mod:`renown.radar.linkedin_export` (which builds on that module) so neither needs the other
in a circle.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from renown.core.errors import InputError
from renown.radar.linkedin_export import read_export
from renown.radar.snapshots import (
    FUTURE_TOLERANCE,
    ProfileSnapshot,
    as_aware,
    read_csv,
    read_file_bytes,
    read_jsonl,
)


def read_snapshots(
    path: Path,
    *,
    captured_at: datetime | None = None,
    subject: str | None = None,
    now: datetime | None = None,
) -> list[ProfileSnapshot]:
    """Every snapshot in ``path``, or :class:`InputError` naming file, line and field.

    ``path`` is a ``.jsonl``/``.ndjson`` file (one JSON object per line), a ``.csv``/``.tsv``
    file (header required; comma, semicolon or tab, as the header line uses), or a LinkedIn
    data export (its folder or its ``.zip``). Keys and columns: ``subject`` (or ``person``,
    ``handle``, ``employee_id``, ``email``), ``captured_at``, ``headline``, ``title``,
    ``company``, ``location``, ``skills`` (a list, or one text with ``;`` between skills),
    ``summary``, ``photo``, ``connections`` (or ``followers``), ``open_to_work`` (true/false,
    yes/no, 1/0) and ``title_since``; any other key is kept in ``extra``. Names are matched
    ignoring case, spaces and hyphens (``Captured At`` is ``captured_at``).

    Times are ISO 8601; **a time without an offset is UTC** (exports and spreadsheets rarely
    say, and UTC is what the rest of renown stores). A capture time more than
    :data:`FUTURE_TOLERANCE` after ``now`` (default: the wall clock) is refused.

    ``subject`` and ``captured_at`` fill rows that lack them. A LinkedIn export has no
    subject of its own: the caller names it, or the export's primary e-mail address
    (``Email Addresses.csv``) is used; its capture time defaults to the newest file date in
    the export. Besides the current profile, an export yields one snapshot per position
    (captured when it started, title and company only), so the position history becomes
    title and company changes dated when they happened.

    All or nothing: a file with one bad row returns nothing. Identical rows are read once
    (importing a file twice adds nothing); two different snapshots of one subject at the
    same instant are refused, since neither can be trusted over the other.
    """
    clock = now if now is not None else datetime.now(UTC)
    if captured_at is not None:
        captured_at = as_aware(captured_at)
    suffix = path.suffix.lower()
    if suffix == ".zip" or path.is_dir():
        snapshots = read_export(path, captured_at=captured_at, subject=subject)
    elif suffix in {".jsonl", ".ndjson"}:
        snapshots = read_jsonl(read_file_bytes(path), str(path), captured_at, subject)
    elif suffix in {".csv", ".tsv", ".txt"}:
        snapshots = read_csv(read_file_bytes(path), str(path), captured_at, subject, suffix)
    else:
        raise InputError(
            str(path),
            "is not a snapshot file: expected .jsonl, .ndjson, .csv, .tsv, a LinkedIn "
            "export folder or its .zip",
        )
    for snapshot in snapshots:
        if snapshot.captured_at > clock + FUTURE_TOLERANCE:
            raise InputError(
                snapshot.source or str(path),
                f"captured_at {snapshot.captured_at.isoformat()} is in the future",
                field="captured_at",
            )
    return snapshots
