"""The vocabulary of :mod:`renown.privacy.registry`: how a column names a person, what
erasure does to it, and where "export my data" holds its rows."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Names(StrEnum):
    """How a column names the person."""

    PERSON = "person"
    """A foreign key to ``people.id``."""
    ACCOUNT = "account"
    """A foreign key to ``accounts.id`` (one of the person's accounts)."""
    ACTOR = "actor"
    """An id-derived key: ``account:<id>`` of one of their accounts, ``person:<id>``."""
    WORDS = "words"
    """Holds one of their words: name, e-mail, employee id, identity value."""
    IDS = "ids"
    """JSON holding person ids (under the keys of ``renown.privacy.traces.PERSON_ID_KEYS``)."""


class Erase(StrEnum):
    """What erasing the person does to the rows the column names them in."""

    DELETE = "delete"
    """The row is about the person: it is deleted."""
    CLEAR = "clear"
    """Someone else's row: the reference becomes NULL."""
    DETACH = "detach"
    """Someone else's row that must keep counting the person once: the reference gives way
    to the pseudonym (see ``renown.privacy.erase_rows``)."""
    PSEUDONYMISE = "pseudonymise"
    """The value is rewritten to the pseudonym (and recorded where a digest vouches for it)."""
    REDACT = "redact"
    """The audit log: rewritten to the pseudonym by a recorded redaction."""


@dataclass(frozen=True)
class Exported:
    """Where the export holds the rows of a column that name the person.

    ``path`` is a dotted path into the export document (``*`` steps into each item of a
    list); the records found there carry the row's ``match`` column under ``key``.
    ``where`` narrows the rows (a column and the value it must have).
    """

    path: str
    match: str = "id"
    key: str = "id"
    where: tuple[str, object] | None = None


@dataclass(frozen=True)
class PersonalColumn:
    """One column that names a person, and what privacy does with it."""

    table: str
    column: str
    names: Names
    erase: Erase
    why: str
    exported: tuple[Exported, ...] = ()
    """Empty when the rows are not the person's own data (``why`` says whose they are)."""


def col(
    table: str, column: str, names: Names, erase: Erase, why: str, *exported: Exported
) -> PersonalColumn:
    """A :class:`PersonalColumn` (the registry's compact form)."""
    return PersonalColumn(table, column, names, erase, why, tuple(exported))
