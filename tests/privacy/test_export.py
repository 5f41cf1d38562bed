""" "Export my data" holds every row that names the person: proven by walking the schema.

Every foreign key to ``people.id`` or ``accounts.id``, and every other column the registry
says names a person, is classified in :mod:`renown.privacy.registry` with the export
section that holds its rows. The installation makes the subject appear in every one of
them; the export must then hold each such row. A column or table added later without a
classification fails here, saying what to do.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict
from typing import Any

import pytest
import sqlalchemy as sa

import renown.store.tables  # noqa: F401 - registers every table
from renown.feedback.queries import received
from renown.privacy.export import export_my_data
from renown.privacy.registry import (
    PERSONAL_COLUMNS,
    TABLES_NAMING_NOBODY,
    Exported,
    Names,
    PersonalColumn,
)
from renown.privacy.scrub import org_scope
from renown.privacy.traces import traces_of
from renown.store.base import Base
from renown.store.tables.feedback import FeedbackItem
from tests.privacy.installation import Installation

REGISTRY = "renown/privacy/registry.py"
PERSON_KEYS = {"people.id", "accounts.id"}
EXPORTED = [spec for spec in PERSONAL_COLUMNS if spec.exported]


def test_every_foreign_key_to_a_person_or_account_is_classified() -> None:
    classified = {(c.table, c.column) for c in PERSONAL_COLUMNS}
    missing = [
        f"{table.name}.{column.name}"
        for table in Base.metadata.sorted_tables
        for column in table.c
        if {fk.target_fullname for fk in column.foreign_keys} & PERSON_KEYS
        and (table.name, column.name) not in classified
    ]
    assert not missing, (
        f"{missing} reference a person or an account but are not classified: add each to "
        f"PERSONAL_COLUMNS in {REGISTRY} with the export section that holds its rows "
        "(Exported) and what erasing a person does to them (Erase), and why."
    )


def test_every_table_is_classified_and_scoped_to_its_organisation() -> None:
    with_columns = {c.table for c in PERSONAL_COLUMNS}
    for spec in PERSONAL_COLUMNS:
        assert spec.column in Base.metadata.tables[spec.table].c, f"no column {spec}"
    unclassified = sorted(
        t for t in Base.metadata.tables if t not in with_columns and t not in TABLES_NAMING_NOBODY
    )
    assert not unclassified, (
        f"tables {unclassified} are not classified: list their columns that name a person "
        f"(foreign keys, names, e-mails, actor strings, ids in JSON) in PERSONAL_COLUMNS of "
        f"{REGISTRY}, or add the table to TABLES_NAMING_NOBODY with the reason."
    )
    assert not with_columns & set(TABLES_NAMING_NOBODY)
    unscoped = [t.name for t in Base.metadata.sorted_tables if org_scope(t, 1) is None]
    assert not unscoped, f"erasure cannot tell which organisation rows of {unscoped} belong to"


@pytest.fixture(scope="module")
def exported(installation: Installation) -> dict[str, Any]:
    with installation.sessions() as session:
        document = export_my_data(session, installation.employee, installation.settings)
    return json.loads(json.dumps(document))


def records_at(document: Any, path: str) -> list[Any]:
    """The records at a dotted path (``*`` steps into each item of a list)."""
    nodes = [document]
    for step in path.split("."):
        nodes = [
            item
            for node in nodes
            for item in (node if step == "*" else [node.get(step) if node else None])
        ]
    flat: list[Any] = []
    for node in nodes:
        flat.extend(node if isinstance(node, list) else [] if node is None else [node])
    return flat


def rows_naming(
    installation: Installation, spec: PersonalColumn, where: tuple[str, object] | None = None
) -> list[Any]:
    """Rows of ``spec``'s table that name the subject through ``spec``'s column."""
    table = Base.metadata.tables[spec.table]
    column = table.c[spec.column]
    with installation.sessions() as session:
        traces = traces_of(session, installation.org_id, installation.subject)
        query = sa.select(table)
        if where is not None:
            query = query.where(table.c[where[0]] == where[1])
        if spec.names is Names.PERSON:
            return list(session.execute(query.where(column == traces.person_id)))
        if spec.names is Names.ACCOUNT:
            return list(session.execute(query.where(column.in_(traces.account_ids))))
        rows = list(session.execute(query))
    if spec.names is Names.ACTOR:
        return [r for r in rows if _actor_names(getattr(r, spec.column), traces.tokens)]
    if spec.names is Names.WORDS:
        words = [w.lower() for w in traces.words]
        return [r for r in rows if any(w in str(getattr(r, spec.column)).lower() for w in words)]
    return [r for r in rows if installation.subject in set(_ids(getattr(r, spec.column)))]


def _actor_names(value: str | None, tokens: tuple[str, ...]) -> bool:
    return value is not None and any(value == t or value.endswith(":" + t) for t in tokens)


def _ids(value: Any) -> Iterator[int]:
    """Person ids in a JSON value (members lists, ranking rows)."""
    if isinstance(value, int) and not isinstance(value, bool):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _ids(item)
    elif isinstance(value, dict) and "person_id" in value:
        yield from _ids(value["person_id"])


@pytest.mark.parametrize(
    ("spec", "target"),
    [(spec, target) for spec in EXPORTED for target in spec.exported],
    ids=lambda v: f"{v.table}.{v.column}" if isinstance(v, PersonalColumn) else v.path,
)
def test_the_export_holds_every_row_that_names_the_person(
    installation: Installation, exported: dict[str, Any], spec: PersonalColumn, target: Exported
) -> None:
    rows = rows_naming(installation, spec, target.where)
    assert rows, (
        f"the installation has no row of {spec.table}.{spec.column} naming the subject"
        + (f" with {target.where}" if target.where else "")
        + ": make the subject appear there in tests/privacy/installation.py"
    )
    held = {
        json.dumps(r.get(target.key), sort_keys=True) for r in records_at(exported, target.path)
    }
    for row in rows:
        value = getattr(row, target.match)
        if hasattr(value, "isoformat"):
            value = value.isoformat()
        assert json.dumps(value, sort_keys=True) in held, (
            f"{spec.table}.{spec.column}: the row with {target.match}={value!r} is not in the"
            f" export's {target.path}"
        )


def test_anonymous_feedback_received_is_only_the_aggregates_the_person_sees(
    installation: Installation, exported: dict[str, Any]
) -> None:
    with installation.sessions() as session:
        view = received(session, installation.employee)
        anonymous = list(
            session.scalars(
                sa.select(FeedbackItem).where(
                    FeedbackItem.receiver_id == installation.subject, FeedbackItem.anonymous
                )
            )
        )
    assert anonymous and view.aggregates, "the subject should have a released aggregate"
    section = exported["feedback_received"]
    assert section["anonymous_aggregates"] == json.loads(
        json.dumps([asdict(a) for a in view.aggregates])
    )
    ids = {r["id"] for r in section["named"]}
    assert not ids & {item.id for item in anonymous}
    elsewhere = json.dumps(
        {**exported, "feedback_received": {**section, "anonymous_aggregates": []}}
    )
    with installation.sessions() as session:
        named_texts = set(
            session.scalars(sa.select(FeedbackItem.text).where(~FeedbackItem.anonymous))
        )
    checked = [item for item in anonymous if item.text not in named_texts]
    assert any("pending" in item.text for item in checked)
    for item in checked:
        assert json.dumps(item.text) not in elsewhere, f"anonymous answer {item.id} leaked"


def test_anonymous_answers_given_carry_nothing_about_releases_or_other_givers(
    exported: dict[str, Any],
) -> None:
    given = exported["feedback_given"]["anonymous"]
    assert given
    assert all(
        set(record) == {"receiver_id", "relationship", "text", "ratings", "created_at"}
        for record in given
    )


def test_the_export_holds_no_secret(installation: Installation, exported: dict[str, Any]) -> None:
    text = json.dumps(exported)
    assert "digest" not in text and "password" not in text and "fbr_" not in text
    with installation.sessions() as session:
        traces = traces_of(session, installation.org_id, installation.subject)
    assert len(exported["accounts"]) == len(traces.account_ids) == 2


def test_the_export_holds_the_persons_interaction_events(
    installation: Installation, exported: dict[str, Any]
) -> None:
    """Every event of the lake naming one of the person's identities, sent and received
    (erasure removes exactly these, so the export must show them)."""
    from renown.ingest.lake import EventLake
    from renown.ingest.rewrite import events_naming
    from renown.privacy.traces import traces_of

    with installation.sessions() as session:
        traces = traces_of(session, installation.org_id, installation.subject)
    frame = EventLake(installation.settings.org_lake_dir(traces.org_slug)).scan().collect()
    expected = frame.filter(events_naming(frame, traces.lookup_keys)).height
    events = exported["interactions"]
    assert expected > 0 and len(events) == expected
    assert {e["direction"] for e in events} == {"sent", "received"}
