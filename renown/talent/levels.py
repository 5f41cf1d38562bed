"""Career levels as an order: which levels a role's pool admits, and how far below a role
someone stands.

Levels are the strings HR imports with talent records (``L1`` … ``L6``, ``IC3``, ``M2``):
the org chart knows no order of its own, so a level's place is the number written in it
(``L4`` is 4). A level without a number has no place, and every rule here then declines to
judge rather than guess: a round with such levels keeps admitting every level (and says
so), and a successor at such a level is not held back.

A role's level is what HR names, else a known level written in the role's name
(``Team lead (L4)``), else the most common level of the people who hold that title today.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping

_NUMBER = re.compile(r"\d+")


def level_number(level: str | None) -> int | None:
    """The place of ``level`` in the ladder (the first number written in it), or None."""
    if not level:
        return None
    found = _NUMBER.search(level)
    return int(found.group()) if found else None


def level_named_in(text: str, known: Iterable[str]) -> str | None:
    """A known level written as a word of ``text`` (``Team lead (L4)`` names ``L4``)."""
    words = {w.casefold() for w in re.findall(r"[\w-]+", text)}
    for level in sorted(set(known), key=len, reverse=True):
        if level.casefold() in words:
            return level
    return None


def role_level(
    role: str,
    known: Iterable[str],
    *,
    named: str | None = None,
    title_levels: Mapping[str, Iterable[str]] | None = None,
) -> str | None:
    """The level of a role: ``named`` by HR, else written in its name, else the most common
    level of the people holding ``role`` as their title (``title_levels``: title -> levels)."""
    if named and named.strip():
        return named.strip()
    levels = list(known)
    in_name = level_named_in(role, levels)
    if in_name is not None:
        return in_name
    holders = Counter(
        level
        for title, found in (title_levels or {}).items()
        if title.casefold() == role.strip().casefold()
        for level in found
        if level
    )
    return holders.most_common(1)[0][0] if holders else None


def band_below(role: str, known: Iterable[str]) -> tuple[str, ...]:
    """The levels a promotion into ``role`` draws from: the nearest level below it.

    A role at the lowest known level draws from its own level (an entry role). Empty when
    the role's level has no number, so the caller keeps every level and warns about it.
    """
    target = level_number(role)
    if target is None:
        return ()
    places = {level: level_number(level) for level in {*known, role}}
    below = [n for n in places.values() if n is not None and n < target]
    wanted = max(below) if below else target
    return tuple(sorted(level for level, n in places.items() if n == wanted))


def levels_below(person: str | None, role: str | None) -> int | None:
    """How many levels ``person`` stands below ``role`` (0 or less: at or above it); None
    when either level is unknown or has no number."""
    mine, theirs = level_number(person), level_number(role)
    if mine is None or theirs is None:
        return None
    return theirs - mine
