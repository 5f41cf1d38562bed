"""The Enron tables in the layout of the published TSV conversion.

Kept apart from the readers so that the TSV reader and the ``.rda`` reader share one
definition of the tables, and one serialisation to check both against the same pins.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import polars as pl

MESSAGE_COLUMNS: Final = ("time", "from_id", "to_id", "reciptype", "topic", "ldc_topic")
"""Columns of ``messages_jhu184.tsv.gz``, in order."""

EMPLOYEE_COLUMNS: Final = ("id", "email_local", "name")
"""Columns of ``employees_jhu184.tsv``, in order."""

MISSING_NAME: Final = "NA"
"""How the TSV conversion writes an unknown name (R's ``NA``)."""


@dataclass(frozen=True)
class EnronTables:
    """The two Enron tables with typed columns, before any row is dropped.

    ``messages``: time (text as published), from_id, to_id (Int64), reciptype (text),
    topic, ldc_topic (Int64). ``employees``: id (Int64), email_local (text), name (text or
    null). ``first_record`` is the line (TSV) or record (.rda) number of the first row,
    so that errors point at the right place in either form.
    """

    messages: pl.DataFrame
    employees: pl.DataFrame
    messages_source: str
    employees_source: str
    first_record: int


def canonical_tsv(tables: EnronTables) -> tuple[bytes, bytes]:
    """Serialise the tables exactly as the published TSV conversion is laid out.

    Returns
    -------
    tuple of bytes
        The decoded text of ``messages_jhu184.tsv.gz`` and of ``employees_jhu184.tsv``
        (header, tab separators, LF endings, ``NA`` for an unknown name), whose SHA-256
        the registry pins.
    """
    messages = tables.messages.select(MESSAGE_COLUMNS)
    employees = tables.employees.select(
        pl.col("id"), pl.col("email_local"), pl.col("name").fill_null(MISSING_NAME)
    )
    return _tsv_bytes(messages), _tsv_bytes(employees)


def _tsv_bytes(frame: pl.DataFrame) -> bytes:
    lines = ["\t".join(frame.columns)]
    lines.extend("\t".join(str(value) for value in row) for row in frame.iter_rows())
    return ("\n".join(lines) + "\n").encode("utf-8")
