"""The badge rule language: TOML in, :class:`~renown.badges.rules.Badge` out.

The full reference with examples is ``docs/badges.md``. In short, a file is a list of
``[[badge]]`` tables::

    [[badge]]
    id = "team-player"            # lower-case letters, digits and '-'; unique in the file
    name = "Team player"
    description = "Kudos from 5 distinct colleagues within 30 days."
    tier = "silver"               # bronze | silver | gold
    award = "once"                # once (default) | per_item
    [badge.rule.count]            # exactly one block: first, threshold, count, sum,
    fact = "kudos_received"       #   streak, all, any
    distinct = "actor"
    window = "30d"
    min = 5

Every block selects facts with ``fact`` (a name or a list), optional ``channel`` (name or
list) and optional ``where`` (a list of ``"field op number"`` strings, all must hold).
``all``/``any`` hold an array of tables, each with exactly one block.

Validation is strict because a typo in a badge file would otherwise silently award
nothing: unknown keys, wrong types and bad values raise
:class:`~renown.core.errors.InputError` naming the file, the line of the badge's ``id``,
the key path (``rule.all[2].count.window``) and the badge id.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any, Final, TypeVar

from renown.badges.rules import (
    OPERATORS,
    AllOf,
    AnyOf,
    Award,
    Badge,
    Condition,
    Count,
    Distinct,
    Rule,
    Selection,
    Streak,
    Sum,
    Tier,
    Unit,
)
from renown.core.errors import InputError

_ID: Final = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_FIELD: Final = re.compile(r"^[a-z_][a-z0-9_]*$")
_WINDOW: Final = re.compile(r"^([1-9][0-9]*)([hdw])$")
_CONDITION: Final = re.compile(
    r"^\s*([a-z_][a-z0-9_]*)\s*(" + "|".join(re.escape(o) for o in OPERATORS) + r")\s*"
    r"(-?[0-9]+(?:\.[0-9]+)?)\s*$"
)
_UNITS: Final = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}
_BADGE_KEYS: Final = ("id", "name", "description", "tier", "award", "rule", "meta")
_SELECT_KEYS: Final = ("fact", "channel", "where")
BLOCK_KEYS: Final[dict[str, tuple[str, ...]]] = {
    "first": _SELECT_KEYS,
    "threshold": _SELECT_KEYS,
    "count": (*_SELECT_KEYS, "min", "distinct", "window", "per_item"),
    "sum": (*_SELECT_KEYS, "min", "field", "window", "per_item"),
    "streak": (*_SELECT_KEYS, "length", "unit", "per_unit", "per_item"),
    "all": (),
    "any": (),
}
"""Rule blocks and the keys each accepts."""

T = TypeVar("T")


class _Where:
    """Where an error is: file, badge, key path; raises precise InputErrors."""

    def __init__(self, source: str, text: str, badge_id: str | None, index: int) -> None:
        self.source = source
        self.badge_id = badge_id
        self.line = _line_of_badge(text, badge_id, index)
        self.label = f"badge {badge_id!r}" if badge_id else f"badge #{index + 1}"

    def fail(self, path: str, message: str) -> InputError:
        return InputError(self.source, f"{self.label}: {message}", line=self.line, field=path)


def parse_rules(text: str, *, source: str = "<rules>") -> tuple[Badge, ...]:
    """Parse and validate badge rules from TOML text."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line = getattr(error, "lineno", None)
        raise InputError(source, f"is not valid TOML ({error})", line=line) from error
    unknown = sorted(set(document) - {"badge"})
    if unknown:
        raise InputError(source, "unknown top-level key (expected [[badge]])", field=unknown[0])
    tables = document.get("badge", [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise InputError(source, "badges must be [[badge]] tables", field="badge")
    badges: list[Badge] = []
    seen: set[str] = set()
    for index, table in enumerate(tables):
        raw_id = table.get("id")
        where = _Where(source, text, raw_id if isinstance(raw_id, str) else None, index)
        badge = _badge(table, where)
        if badge.id in seen:
            raise where.fail("id", "the id is used by another badge in this file")
        seen.add(badge.id)
        badges.append(badge)
    return tuple(badges)


def load_rules(path: str | Path) -> tuple[Badge, ...]:
    """Read and validate a badge rule file."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(str(file), f"cannot read the badge rules ({error})") from error
    return parse_rules(text, source=str(file))


def _line_of_badge(text: str, badge_id: str | None, index: int) -> int | None:
    """1-based line of the badge's ``id = ...`` (else of its ``[[badge]]`` header)."""
    lines = text.splitlines()
    if badge_id is not None:
        pattern = re.compile(r"^\s*id\s*=\s*[\"']" + re.escape(badge_id) + r"[\"']")
        for number, line in enumerate(lines, start=1):
            if pattern.match(line):
                return number
    headers = [n for n, line in enumerate(lines, start=1) if line.strip() == "[[badge]]"]
    return headers[index] if index < len(headers) else None


def _badge(table: Mapping[str, Any], where: _Where) -> Badge:
    _no_unknown(table, _BADGE_KEYS, "", where)
    badge_id = _required(table, "id", str, "", where)
    if not _ID.match(badge_id):
        raise where.fail("id", "use lower-case letters, digits and '-' (e.g. 'team-player')")
    meta = table.get("meta", {})
    if not isinstance(meta, dict) or not all(isinstance(v, str) for v in meta.values()):
        raise where.fail("meta", "meta must be a table of strings")
    if "rule" not in table:
        raise where.fail("rule", "missing key")
    return Badge(
        id=badge_id,
        name=_required(table, "name", str, "", where),
        description=_required(table, "description", str, "", where),
        tier=_choice(table, "tier", Tier, None, "", where),
        award=_choice(table, "award", Award, Award.ONCE, "", where),
        rule=_rule(table["rule"], "rule", where),
        meta=dict(meta),
    )


def _rule(value: object, path: str, where: _Where) -> Rule:
    if not isinstance(value, dict):
        raise where.fail(path, "a rule must be a table with one block")
    blocks = [k for k in value if k in BLOCK_KEYS]
    _no_unknown(value, tuple(BLOCK_KEYS), path, where)
    if len(blocks) != 1:
        names = ", ".join(BLOCK_KEYS)
        raise where.fail(path, f"a rule needs exactly one block of: {names}")
    name = blocks[0]
    body = value[name]
    here = f"{path}.{name}"
    if name in ("all", "any"):
        if not isinstance(body, list) or not body:
            raise where.fail(here, f"'{name}' needs a non-empty array of [[...{name}]] tables")
        parts = tuple(_rule(p, f"{here}[{i + 1}]", where) for i, p in enumerate(body))
        return AllOf(parts) if name == "all" else AnyOf(parts)
    if not isinstance(body, dict):
        raise where.fail(here, f"'{name}' must be a table")
    _no_unknown(body, BLOCK_KEYS[name], here, where)
    select = _selection(body, here, where)
    if name == "first":
        return Count(select, kind="first")
    if name == "threshold":
        if not select.where:
            raise where.fail(f"{here}.where", "a threshold needs at least one condition")
        return Count(select, kind="threshold")
    per_item = _optional(body, "per_item", bool, False, here, where)
    if name == "count":
        distinct = None
        if body.get("distinct") is not None:
            distinct = _choice(body, "distinct", Distinct, None, here, where)
        return Count(
            select,
            min=_positive_int(body, "min", None, here, where),
            distinct=distinct,
            window=_window(body, here, where),
            per_item=per_item,
        )
    if name == "sum":
        minimum: float = _required(body, "min", (int, float), here, where)
        field = _optional(body, "field", str, "value", here, where)
        if not _FIELD.match(field):
            raise where.fail(f"{here}.field", f"{field!r} is not a column name")
        return Sum(select, float(minimum), field, _window(body, here, where), per_item)
    return Streak(
        select,
        length=_positive_int(body, "length", None, here, where),
        unit=_choice(body, "unit", Unit, Unit.DAY, here, where),
        per_unit=_positive_int(body, "per_unit", 1, here, where),
        per_item=per_item,
    )


def _selection(body: Mapping[str, Any], path: str, where: _Where) -> Selection:
    facts = _names(body, "fact", path, where)
    if facts is None:
        raise where.fail(f"{path}.fact", "missing key")
    raw = body.get("where", [])
    if not isinstance(raw, list) or not all(isinstance(c, str) for c in raw):
        raise where.fail(f"{path}.where", 'where must be a list of strings like "value >= 10"')
    conditions = []
    for text in raw:
        match = _CONDITION.match(text)
        if match is None:
            raise where.fail(
                f"{path}.where", f"{text!r} is not 'field op number' (op one of {OPERATORS})"
            )
        conditions.append(Condition(match[1], match[2], float(match[3])))
    return Selection(facts, _names(body, "channel", path, where), tuple(conditions))


def _names(body: Mapping[str, Any], key: str, path: str, where: _Where) -> tuple[str, ...] | None:
    value = body.get(key)
    if value is None:
        return None
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list) or not names or not all(isinstance(n, str) and n for n in names):
        raise where.fail(f"{path}.{key}", f"{key} must be a name or a non-empty list of names")
    return tuple(names)


def _window(body: Mapping[str, Any], path: str, where: _Where) -> timedelta | None:
    value = body.get("window")
    if value is None:
        return None
    match = _WINDOW.match(value) if isinstance(value, str) else None
    if match is None:
        raise where.fail(f"{path}.window", f"{value!r} is not a duration like '30d', '2w', '12h'")
    return int(match[1]) * _UNITS[match[2]]


def _positive_int(
    body: Mapping[str, Any], key: str, default: int | None, path: str, where: _Where
) -> int:
    value = body.get(key, default)
    if value is None:
        raise where.fail(f"{path}.{key}", "missing key")
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise where.fail(f"{path}.{key}", f"{value!r} is not a whole number of at least 1")
    return value


def _required(
    body: Mapping[str, Any], key: str, kind: type[T] | tuple[type, ...], path: str, where: _Where
) -> T:
    dotted = f"{path}.{key}" if path else key
    if key not in body:
        raise where.fail(dotted, "missing key")
    value = body[key]
    if isinstance(value, bool) or not isinstance(value, kind):
        raise where.fail(dotted, f"{value!r} has the wrong type")
    return value  # type: ignore[return-value]


def _optional(
    body: Mapping[str, Any], key: str, kind: type[T], default: T, path: str, where: _Where
) -> T:
    if key not in body:
        return default
    value = body[key]
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        raise where.fail(f"{path}.{key}", f"{value!r} has the wrong type")
    return value


E = TypeVar("E", Tier, Award, Distinct, Unit)


def _choice(
    body: Mapping[str, Any], key: str, enum: type[E], default: E | None, path: str, where: _Where
) -> E:
    dotted = f"{path}.{key}" if path else key
    value = body.get(key)
    if value is None:
        if default is None:
            raise where.fail(dotted, "missing key")
        return default
    allowed: Sequence[str] = [e.value for e in enum]
    if value not in allowed:
        raise where.fail(dotted, f"{value!r} is not one of {', '.join(allowed)}")
    return enum(value)


def _no_unknown(body: Mapping[str, Any], allowed: Sequence[str], path: str, where: _Where) -> None:
    for key in body:
        if key not in allowed:
            dotted = f"{path}.{key}" if path else key
            raise where.fail(dotted, f"unknown key (allowed: {', '.join(allowed)})")
