"""Erasing a person's rows, column by column as :mod:`renown.privacy.registry` says.

Three kinds of step, in this order:

1. **Detach** what stays someone else's but must keep counting the person once: feedback
   they gave (the item keeps a pseudonymous giver key, so anonymous releases count the
   same givers and named items read "a former colleague"), their place among a request's
   recipients (answered or not, as before), and the outside raters who answered requests
   the person made (their key is kept before those requests go, so releases still count
   each of them once).
2. **Clear** references from other people's rows (their manager, who rated them, who
   started a job, a key role's incumbent).
3. **Delete** the rows about the person, children before parents (so each count is of
   rows this step removed, not of what a cascade took along); the accounts themselves
   last (for a person, their rows went already by ``accounts.person_id``; an account
   without a person, a community member or a sponsor, goes here as ``accounts.id``).

An account without a person has no person to detach or clear: only the columns that name
an account (:attr:`Names.ACCOUNT`) apply to it.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown.feedback.releases import giver_key
from renown.privacy.registry import PERSONAL_COLUMNS, Erase, Names, PersonalColumn
from renown.privacy.traces import Traces
from renown.store.base import Base
from renown.store.tables.accounts import Account
from renown.store.tables.feedback import FeedbackItem, FeedbackRecipient, FeedbackRequest
from renown.store.tables.recognition import NotificationDelivery

FORMER_COLLEAGUE = "a former colleague"


def erase_rows(session: Session, traces: Traces) -> dict[str, int]:
    """Detach, clear and delete (in the caller's transaction); rows changed per column."""
    counts: Counter[str] = Counter()
    counts.update(_detach_feedback(session, traces))
    for spec in PERSONAL_COLUMNS:
        if spec.erase is Erase.CLEAR:
            counts[_name(spec)] += _apply(session, spec, traces, clear=True)
    order = {table.name: i for i, table in enumerate(Base.metadata.sorted_tables)}
    deletions = [
        spec
        for spec in PERSONAL_COLUMNS
        if spec.erase is Erase.DELETE and spec.names in (Names.PERSON, Names.ACCOUNT)
    ]
    for spec in sorted(deletions, key=lambda s: -order[s.table]):
        counts[_name(spec)] += _apply(session, spec, traces, clear=False)
    counts["notification_deliveries.recipient"] += _delete_deliveries(session, traces)
    counts["accounts.id"] += _delete_accounts(session, traces)
    session.flush()
    return {name: n for name, n in sorted(counts.items()) if n}


def _name(spec: PersonalColumn) -> str:
    return f"{spec.table}.{spec.column}"


def _references(spec: PersonalColumn, traces: Traces) -> list[int]:
    if spec.names is Names.PERSON:
        return traces.person_ids
    return sorted(traces.account_ids)


def _delete_accounts(session: Session, traces: Traces) -> int:
    """The accounts themselves, once every row that names them is gone (a person's were
    deleted with the person's rows already: this finds none of theirs)."""
    if not traces.account_ids:
        return 0
    result = session.execute(
        sa.delete(Account).where(
            Account.org_id == traces.org_id, Account.id.in_(sorted(traces.account_ids))
        )
    )
    return _changed(result)


def _apply(session: Session, spec: PersonalColumn, traces: Traces, *, clear: bool) -> int:
    table = Base.metadata.tables[spec.table]
    column = table.c[spec.column]
    ids = _references(spec, traces)
    if not ids:
        return 0
    statement: Any = (
        sa.update(table).where(column.in_(ids)).values({spec.column: None})
        if clear
        else sa.delete(table).where(column.in_(ids))
    )
    return _changed(session.execute(statement))


def _delete_deliveries(session: Session, traces: Traces) -> int:
    addresses = [w.lower() for w in traces.words if "@" in w]
    if not addresses:
        return 0
    result = session.execute(
        sa.delete(NotificationDelivery).where(
            NotificationDelivery.org_id == traces.org_id,
            sa.func.lower(NotificationDelivery.recipient).in_(addresses),
        )
    )
    return _changed(result)


def _detach_feedback(session: Session, traces: Traces) -> Counter[str]:
    me = traces.person_id
    counts: Counter[str] = Counter()
    if me is None:  # an account without a person gives and is asked for no 360 feedback
        return counts
    mine = sa.select(FeedbackRequest.id).where(
        sa.or_(FeedbackRequest.requester_id == me, FeedbackRequest.subject_id == me)
    )
    # outside raters of requests that go with the person keep the key releases count them by
    raters = session.execute(
        sa.select(FeedbackItem, FeedbackRecipient.email)
        .join(FeedbackRecipient, FeedbackRecipient.id == FeedbackItem.external_rater_id)
        .where(
            FeedbackRecipient.request_id.in_(mine),
            FeedbackItem.receiver_id != me,
            FeedbackItem.giver_pseudonym.is_(None),
        )
    ).all()
    for item, email in raters:
        item.giver_pseudonym = giver_key(item, email)
    counts["feedback_items.external_rater_id"] += len(raters)
    given = session.execute(
        sa.update(FeedbackItem)
        .where(FeedbackItem.giver_person_id == me, FeedbackItem.receiver_id != me)
        .values(giver_person_id=None, giver_pseudonym=traces.pseudonym)
    )
    counts["feedback_items.giver_person_id"] += _changed(given)
    asked = session.execute(
        sa.update(FeedbackRecipient)
        .where(FeedbackRecipient.person_id == me, FeedbackRecipient.request_id.not_in(mine))
        .values(person_id=None, name=FORMER_COLLEAGUE, email=None, token_digest=None)
    )
    counts["feedback_recipients.person_id"] += _changed(asked)
    session.flush()
    return counts


def _changed(result: sa.Result[Any]) -> int:
    """Rows an UPDATE or DELETE changed (a cursor result always knows)."""
    assert isinstance(result, sa.CursorResult)
    return int(result.rowcount or 0)
