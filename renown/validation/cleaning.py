"""The cleaning a score and its baselines share: aliases merged, self-mail dropped.

A baseline computed on uncleaned events would lose to the score for a reason unrelated to
the score's design (someone's second address splitting their in-degree in two), so every
figure in a validation is computed on the frame this module returns.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import polars as pl

from renown.core.delimited import read_records
from renown.core.errors import InputError
from renown.core.events import EventColumn


def read_aliases(path: Path) -> dict[str, str]:
    """Read an ``alias,person`` CSV (header required): each alias is merged into its person.

    Raises
    ------
    InputError
        No such file, a missing column, an empty cell, or one alias given two people.
    """
    where = str(path)
    if not path.is_file():
        raise InputError(where, "no such file")
    records = read_records(path.read_bytes(), source=where)
    header = next(records, None)
    if header is None:
        raise InputError(where, "the file is empty; it needs the header alias,person", line=1)
    columns = [cell.strip() for cell in header.cells]
    for column in ("alias", "person"):
        if column not in columns:
            raise InputError(where, "missing column", line=header.line, field=column)
    alias_at, person_at = columns.index("alias"), columns.index("person")
    aliases: dict[str, str] = {}
    for record in records:
        alias, person = record.cells[alias_at].strip(), record.cells[person_at].strip()
        for column, value in (("alias", alias), ("person", person)):
            if not value:
                raise InputError(where, f"empty {column}", line=record.line, field=column)
        if aliases.get(alias, person) != person:
            raise InputError(
                where,
                f"{alias!r} is an alias of both {aliases[alias]!r} and {person!r}",
                line=record.line,
                field="person",
            )
        aliases[alias] = person
    return aliases


def clean_events(events: pl.DataFrame, aliases: Mapping[str, str] | None = None) -> pl.DataFrame:
    """``events`` with every alias replaced by its person and self-addressed rows dropped."""
    frame = events
    if aliases:
        old, new = list(aliases), list(aliases.values())
        frame = frame.with_columns(
            pl.col(EventColumn.ACTOR).replace(old, new),
            pl.col(EventColumn.TARGET).replace(old, new),
        )
    actor, target = pl.col(EventColumn.ACTOR), pl.col(EventColumn.TARGET)
    return frame.filter(target.is_not_null() & (actor != target).fill_null(value=True))
