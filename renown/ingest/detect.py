"""Pick the right reader for a path, so users can point renown at "their data".

Detection looks only at names and folder layout (never at content), so it is cheap and
predictable; when it cannot tell, the error lists the formats to pass explicitly.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Final, Literal, get_args

import polars as pl

from renown.core.errors import InputError
from renown.ingest.readers.mail import read_maildir, read_mbox
from renown.ingest.readers.slack import read_slack
from renown.ingest.readers.snap import read_snap
from renown.ingest.readers.stackexchange import read_stackexchange, stackexchange_tables
from renown.ingest.readers.tabular import read_tabular, tabular_format_of

SourceFormat = Literal[
    "csv", "tsv", "jsonl", "parquet", "mbox", "maildir", "slack", "stackexchange", "snap"
]
SOURCE_FORMATS: Final[tuple[str, ...]] = get_args(SourceFormat)

_EDGE_LIST_SUFFIXES: Final = (".txt", ".txt.gz", ".edges", ".edges.gz", ".edgelist")


def detect_format(path: str | Path) -> SourceFormat:
    """Format of ``path`` judged by its name and layout.

    Folders: ``users.json`` -> Slack export; ``cur``/``new`` sub-folders -> Maildir; a
    posts table (``Posts.xml``, ``posts.csv(.gz)``) -> Stack Exchange dump. Files:
    ``.mbox`` -> mbox; ``.csv``/``.tsv``/``.jsonl``/``.parquet`` (text ones optionally
    ``.gz``) -> tabular; ``.txt(.gz)``/``.edges`` -> SNAP edge list.

    Raises
    ------
    InputError
        The path does not exist or matches none of the rules; the message lists the
        formats that can be passed explicitly.
    """
    source = Path(path)
    if source.is_dir():
        if (source / "users.json").is_file():
            return "slack"
        if (source / "cur").is_dir() or (source / "new").is_dir():
            return "maildir"
        if "posts" in stackexchange_tables(source):
            return "stackexchange"
    elif source.is_file():
        name = source.name.lower()
        if name.endswith(".mbox"):
            return "mbox"
        tabular = tabular_format_of(source)
        if tabular is not None:
            return tabular
        if name.endswith(_EDGE_LIST_SUFFIXES):
            return "snap"
    else:
        raise InputError(str(source), "no such file or folder")
    raise InputError(
        str(source),
        f"cannot tell the source format; pass format= one of {', '.join(SOURCE_FORMATS)}",
        field="format",
    )


def read_source(
    path: str | Path,
    *,
    format: SourceFormat | None = None,
    mapping: Mapping[str, str] | None = None,
    **options: Any,
) -> pl.DataFrame:
    """Read any supported source into a canonical event frame.

    Parameters
    ----------
    path:
        File or folder.
    format:
        One of :data:`SOURCE_FORMATS`; detected with :func:`detect_format` when omitted.
    mapping:
        Column mapping, for tabular formats only (see
        :func:`~renown.ingest.readers.tabular.read_tabular`).
    **options:
        Passed to the reader (e.g. ``aliases`` for mail, ``site`` for Stack Exchange,
        ``epoch_offset`` for SNAP, ``channel``/``kind`` for tabular and SNAP).

    Returns
    -------
    polars.DataFrame
        Canonical events.

    Raises
    ------
    InputError
        Unknown format, a mapping given to a non-tabular format, or any reader error.
    """
    chosen = format or detect_format(path)
    if chosen not in SOURCE_FORMATS:
        raise InputError(
            str(path),
            f"unknown format {chosen!r}; one of {', '.join(SOURCE_FORMATS)}",
            field="format",
        )
    if chosen in ("csv", "tsv", "jsonl", "parquet"):
        return read_tabular(path, mapping=mapping, format=chosen, **options)
    if mapping is not None:
        raise InputError(str(path), f"a column mapping does not apply to {chosen}", field="mapping")
    readers: dict[str, Callable[..., pl.DataFrame]] = {
        "mbox": read_mbox,
        "maildir": read_maildir,
        "slack": read_slack,
        "stackexchange": read_stackexchange,
        "snap": read_snap,
    }
    return readers[chosen](path, **options)
