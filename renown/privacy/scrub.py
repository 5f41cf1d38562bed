"""Scrubbing free text: wherever the organisation's records mention an erased person.

Messages, comments, reasons, notification texts, job errors, other people's score
explanations (which name the identities that drive a score) and HR's actor strings can
all name anyone, so they are not classified column by column: every text and JSON column
of every table is searched, within the organisation, for the person's words and id-derived
keys, and each mention is replaced by the pseudonym. Identifier columns
(:data:`UNSCRUBBED`) are left alone, and the audit log and frozen
decisions are rewritten only by their own recorded steps.

The database narrows the search (``LIKE`` on the lower-cased column, JSON compared in its
stored ASCII-escaped form); Python decides, with word boundaries, what is a mention.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown.privacy.traces import LIKE_ESCAPE, Traces, like_patterns
from renown.store.base import Base

TEXT_TYPES = (sa.String, sa.Text, sa.JSON)

UNSCRUBBED: Final[frozenset[tuple[str, str]]] = frozenset(
    {
        # other people's names and addresses: never rewritten because they look alike
        ("people", "name"),
        ("people", "email"),
        ("people", "employee_id"),
        ("identities", "value"),
        ("identities", "kind"),
        ("accounts", "email"),
        ("feedback_recipients", "email"),
        # secrets and digests: a rewrite would break what they vouch for
        ("accounts", "password_hash"),
        ("api_tokens", "digest"),
        ("api_tokens", "prefix"),
        ("feedback_recipients", "token_digest"),
        ("feedback_releases", "salt"),
        ("feedback_items", "giver_pseudonym"),
        ("kudos_ring_reviews", "ring_key"),
        ("badge_awards", "rule_hash"),
        ("scoring_runs", "run_key"),
        ("scoring_runs", "input_fingerprint"),
        ("notification_deliveries", "dedupe_key"),
        ("organisations", "slug"),
        ("audit_personal_values", "digest"),
        ("audit_personal_values", "key"),
        ("audit_personal_values", "value"),
    }
)
"""Text columns the free-text scrub leaves alone (identifiers, not prose)."""

SCRUBBED_ELSEWHERE: Final[frozenset[str]] = frozenset({"audit_log", "round_decisions"})
"""Tables rewritten only by their own recorded steps (redaction, frozen decisions)."""


INSTALLATION_TABLES = frozenset({"sign_in_throttle"})
"""Tables of the installation, not of an organisation, holding no personal text (their keys
are digests): no organisation's erasure touches them."""


def org_scope(table: sa.Table, org_id: int) -> sa.ColumnElement[bool] | None:
    """Rows of ``table`` that belong to organisation ``org_id`` (``None``: no way to tell)."""
    if table.name in INSTALLATION_TABLES:
        return sa.false()
    if table.name == "organisations":
        return table.c.id == org_id
    if "org_id" in table.c:
        return table.c.org_id == org_id
    for column in table.c:
        for key in column.foreign_keys:
            parent = key.column.table
            if "org_id" in parent.c:
                return column.in_(sa.select(key.column).where(parent.c.org_id == org_id))
    return None


def text_columns(table: sa.Table) -> list[sa.Column[Any]]:
    """The columns of ``table`` the scrub searches."""
    return [
        column
        for column in table.c
        if isinstance(column.type, TEXT_TYPES) and (table.name, column.name) not in UNSCRUBBED
    ]


def scrub_organisation(session: Session, traces: Traces) -> dict[str, int]:
    """Replace every mention of the person in the organisation's text; rows per column."""
    patterns = like_patterns([*traces.words, *traces.tokens])
    counts: Counter[str] = Counter()
    for table in Base.metadata.sorted_tables:
        scope = org_scope(table, traces.org_id)
        if table.name in SCRUBBED_ELSEWHERE or scope is None:
            continue
        keys = list(table.primary_key.columns)
        for column in text_columns(table):
            searched = sa.func.lower(sa.cast(column, sa.Text))
            hit = sa.or_(*(searched.like(p, escape=LIKE_ESCAPE) for p in patterns))
            rows = session.execute(sa.select(*keys, column).where(scope, hit)).all()
            for *key, value in rows:
                clean = (
                    traces.scrub_json(value)
                    if isinstance(column.type, sa.JSON)
                    else traces.scrub_text(value)
                )
                if clean == value:
                    continue
                match = sa.and_(*(k == v for k, v in zip(keys, key, strict=True)))
                session.execute(sa.update(table).where(match).values({column.name: clean}))
                counts[f"{table.name}.{column.name}"] += 1
    session.flush()
    return dict(sorted(counts.items()))
