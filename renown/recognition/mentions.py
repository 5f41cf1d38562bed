"""Whom a kudos message's ``@`` names: the organisation's people whose full name follows it.

People write ``@Zoe Zimmermann`` as they would in chat; without knowing who exists, the
wall could only highlight ``@Zoe`` and leave the surname as plain text. Only the names a
page's messages could mean are read (those starting with a word written after an ``@``),
so a wall of twenty kudos asks for a handful of names, not the whole organisation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown.store.tables.org import Person

AT_WORD: Final = re.compile(r"(?<![\w@#])@([^\W\d_][\w'-]*)")
"""The word right after an ``@`` that starts a word (not inside an e-mail address)."""
MOST_NAMES: Final = 500
"""Names read for one page at most (a message naming hundreds of first names is noise)."""


def first_words(messages: Iterable[str]) -> set[str]:
    """The words written right after an ``@`` in ``messages``, lower case."""
    return {word.lower() for message in messages for word in AT_WORD.findall(message)}


def mentioned_names(session: Session, org_id: int, messages: Iterable[str]) -> frozenset[str]:
    """Full names (lower case) of people of ``org_id`` that an ``@`` in ``messages`` may
    begin: each name whose first word is one written after an ``@``."""
    firsts = sorted(first_words(messages))
    if not firsts:
        return frozenset()
    lowered = sa.func.lower(Person.name)
    starts = [lowered.like(f"{word} %", escape="\\") for word in _escaped(firsts)]
    rows = session.scalars(
        sa.select(Person.name)
        .where(Person.org_id == org_id, sa.or_(*starts))
        .distinct()
        .limit(MOST_NAMES)
    )
    return frozenset(name.lower() for name in rows)


def _escaped(words: list[str]) -> list[str]:
    """``words`` with LIKE's wildcards taken literally."""
    return [w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") for w in words]
