"""What a person may upload as events, and under which name it is known.

Uploads are stored as ``<job id>-<name>``; the name people gave stays the one their errors
(and the event keys of a table) use, so that uploading the same file again adds nothing.
Reading an upload is :func:`renown.ingest.events.read_events`, like any other input.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Final

from renown.core.errors import InputError

EVENT_SUFFIXES: Final = frozenset({".csv", ".tsv", ".jsonl", ".parquet", ".mbox", ".zip"})
"""File types accepted as events: tables, a mailbox, or a zipped Slack export."""


def upload_name(filename: str | None) -> str:
    """The file's own name, without any folder a browser or script sent along."""
    name = PurePosixPath((filename or "").replace("\\", "/")).name.strip()
    return name[:150] or "upload"


def check_event_suffix(name: str) -> str:
    """The (lower-case) suffix of ``name`` if it is an accepted events file."""
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in EVENT_SUFFIXES:
        accepted = ", ".join(sorted(EVENT_SUFFIXES))
        raise InputError(
            name, f"unsupported file type {suffix or '(none)'}; upload one of {accepted}"
        )
    return suffix
