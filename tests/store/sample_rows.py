"""Representative rows for any table of the schema, as it is at any revision.

The migration test inserts rows at every revision and checks they survive every later
upgrade and every downgrade that keeps their table. Rows are generated from the reflected
schema rather than written by hand, so a migration added tomorrow is covered without
touching the test: every column gets a distinctive non-null value of its type (text with a
non-ASCII letter, aware timestamps, nested JSON, ...), every foreign key a parent row of
its own (inserted first, recursively), and values in unique columns never repeat.

Small integers (2) satisfy the schema's range checks (ratings 1-5, 9-box positions 1-3,
scores 1-100). A column of a type not handled here fails with its name, so whoever adds
one extends :func:`_value` rather than seeing a silent gap.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

Key = tuple[str, tuple[Any, ...]]
"""A row's table and primary-key values."""

BASE_TIME = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)


@dataclass
class SampleRows:
    """Rows inserted so far, by key, with their values as read back right after insert."""

    rows: dict[Key, dict[str, Any]] = field(default_factory=dict)
    _counter: int = 0
    _latest: dict[str, Key] = field(default_factory=dict)

    def insert(self, connection: sa.Connection, metadata: sa.MetaData, name: str) -> Key:
        """Insert one row into ``name`` (and the parents it needs); return its key."""
        return self._insert(connection, metadata, metadata.tables[name], stack=())

    def survivors(self, metadata: sa.MetaData) -> dict[Key, dict[str, Any]]:
        """Expected rows whose table exists, restricted to the columns that exist."""
        found: dict[Key, dict[str, Any]] = {}
        for key, values in self.rows.items():
            table = metadata.tables.get(key[0])
            if table is not None:
                found[key] = {c: v for c, v in values.items() if c in table.columns}
        return found

    def _insert(
        self,
        connection: sa.Connection,
        metadata: sa.MetaData,
        table: sa.Table,
        stack: tuple[str, ...],
    ) -> Key:
        self._counter += 1
        serial = self._counter
        unique = _unique_columns(table)
        values: dict[str, Any] = {}
        for constraint in table.foreign_key_constraints:
            values.update(self._parent_values(connection, metadata, table, constraint, stack))
        for column in table.columns:
            if column.name in values or _generated_key(table, column):
                continue
            values[column.name] = _value(table, column, serial, unique=column.name in unique)
        result = connection.execute(sa.insert(table).values(values))
        primary = list(table.primary_key.columns)
        if len(primary) == 1 and primary[0].name not in values:
            pk = tuple(result.inserted_primary_key or ())
        else:
            pk = tuple(values[column.name] for column in primary)
        key: Key = (table.name, pk)
        condition = sa.and_(*(column == value for column, value in zip(primary, pk, strict=True)))
        stored = connection.execute(sa.select(table).where(condition)).one()
        self.rows[key] = dict(stored._mapping)
        self._latest[table.name] = key
        return key

    def _parent_values(
        self,
        connection: sa.Connection,
        metadata: sa.MetaData,
        table: sa.Table,
        constraint: sa.ForeignKeyConstraint,
        stack: tuple[str, ...],
    ) -> dict[str, Any]:
        parent = constraint.referred_table
        pairs = [(element.parent.name, element.column.name) for element in constraint.elements]
        if parent.name == table.name or parent.name in stack:
            existing = self._latest.get(parent.name)
            if existing is not None:
                return {mine: self.rows[existing][theirs] for mine, theirs in pairs}
            if all(table.columns[mine].nullable for mine, _theirs in pairs):
                return dict.fromkeys((mine for mine, _theirs in pairs), None)
            raise AssertionError(f"{table.name}: a cycle of required foreign keys")
        key = self._insert(connection, metadata, parent, (*stack, table.name))
        return {mine: self.rows[key][theirs] for mine, theirs in pairs}


def _generated_key(table: sa.Table, column: sa.Column[Any]) -> bool:
    """An integer primary key the database numbers itself."""
    primary = list(table.primary_key.columns)
    return (
        len(primary) == 1
        and primary[0] is column
        and isinstance(column.type, sa.Integer)
        and column.autoincrement in (True, "auto")
    )


def _unique_columns(table: sa.Table) -> set[str]:
    names: set[str] = set()
    for constraint in table.constraints:
        if isinstance(constraint, sa.UniqueConstraint | sa.PrimaryKeyConstraint):
            names.update(column.name for column in constraint.columns)
    for index in table.indexes:
        if index.unique:
            names.update(column.name for column in index.columns)
    return names


def _value(table: sa.Table, column: sa.Column[Any], serial: int, *, unique: bool) -> Any:
    """A distinctive value of ``column``'s type for row number ``serial``."""
    kind = column.type
    if isinstance(kind, sa.Boolean):
        return True
    if isinstance(kind, sa.Integer):
        return 1000 + serial if unique else 2
    if isinstance(kind, sa.Numeric) and not isinstance(kind, sa.Float):
        return Decimal("2.5")
    if isinstance(kind, sa.Float):
        return 2.5
    if isinstance(kind, sa.DateTime):
        moment = BASE_TIME + timedelta(minutes=serial)
        return moment if kind.timezone else moment.replace(tzinfo=None)
    if isinstance(kind, sa.Date):
        return date(2024, 5, 6) + timedelta(days=serial)
    if isinstance(kind, sa.JSON):
        return {"row": serial, "list": [1, "é", None], "nested": {"ok": True}}
    if isinstance(kind, sa.LargeBinary):
        return bytes([serial % 256, 0, 255])
    if isinstance(kind, sa.String):
        text = f"{serial}-{column.name}-é"
        return text[: kind.length] if kind.length else text
    raise AssertionError(
        f"{table.name}.{column.name}: no sample value for type {kind!r}; add one to _value"
    )
