"""Pulling linked accounts and keeping what was pulled.

A pull that fails (a malformed response, an
account that disappeared, a revoked token) keeps nothing and records the reason on the
account; a pull a rate limit paused keeps its complete pages and the state to resume from.
Items are upserted by key (their engagement counts are today's) and events by their
canonical key (an anonymous count's weight is today's), so pulling twice adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

import httpx
import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown.connectors.base import PublicProfile
from renown.connectors.errors import ConnectorError, MalformedResponse
from renown.connectors.pull import PullOutcome, run_pull
from renown.connectors.registry import connector
from renown.core.events import event_key
from renown.external.shown import plain_text, public_url
from renown.external.tokens import unseal
from renown.store.tables.external import ExternalAccount, ExternalEvent, ExternalItem

WINDOW: Final = timedelta(days=365)
"""How far back a first pull reads: older activity has decayed below a sixteenth."""
MIN_INTERVAL: Final = timedelta(minutes=10)
"""An account is pulled at most this often, however often someone presses Refresh: the
networks' data does not change faster than that, and their rate limits are shared."""


@dataclass(frozen=True)
class AccountPull:
    """One account's pull: what it kept, or why it kept nothing."""

    account_id: int
    label: str
    events: int
    items: int
    error: str | None
    resume_at: datetime | None


@dataclass(frozen=True)
class Fetched:
    """What the network answered for one account, before anything is written."""

    account_id: int
    label: str
    profile: PublicProfile | None = None
    outcome: PullOutcome | None = None
    error: str | None = None
    waiting_until: datetime | None = None
    """Set when the account's earlier pull was paused and the pause has not ended."""
    recent: bool = False
    """Pulled less than :data:`MIN_INTERVAL` ago: nothing was asked."""


def fetch(
    account: ExternalAccount,
    *,
    transport: httpx.BaseTransport | None,
    key: str,
    now: datetime,
) -> Fetched:
    """Ask the network for one account's activity (reads the row, writes nothing).

    Kept apart from :func:`keep` so that no database transaction is open while the
    network answers.
    """
    label = f"{account.network}:{account.handle}"
    if account.resume_at is not None and account.resume_at > now:
        return Fetched(account.id, label, waiting_until=account.resume_at)
    if (
        account.last_pulled_at is not None
        and account.last_error is None
        and now - account.last_pulled_at < MIN_INTERVAL
    ):
        return Fetched(account.id, label, recent=True)
    plugin = connector(account.network)
    token = unseal(key, account.token_ciphertext)
    state = dict(account.pull_state or {})
    try:
        with plugin.client(account.handle, transport=transport, token=token) as client:
            profile = plugin.profile(client, account.handle)
            outcome = run_pull(plugin, client, profile, state, since=now - WINDOW)
    except (ConnectorError, MalformedResponse) as error:
        return Fetched(account.id, label, error=str(error)[:2000])
    return Fetched(account.id, label, profile, outcome)


def keep(session: Session, fetched: Fetched, *, now: datetime) -> AccountPull:
    """Store a fetch (all of it, or only the reason it failed) on the account's row."""
    account = session.get(ExternalAccount, fetched.account_id)
    if (
        account is None
        or account.status != "verified"
        or f"{account.network}:{account.handle}" != fetched.label
    ):  # unlinked while the network answered (its id may even be another claim's now)
        return AccountPull(fetched.account_id, fetched.label, 0, 0, "unlinked meanwhile", None)
    if fetched.waiting_until is not None:
        return AccountPull(account.id, fetched.label, 0, 0, None, fetched.waiting_until)
    if fetched.recent:
        return AccountPull(account.id, fetched.label, 0, 0, None, None)
    if fetched.outcome is None or fetched.profile is None:
        account.last_error = fetched.error
        account.last_pulled_at = now
        session.flush()
        return AccountPull(account.id, fetched.label, 0, 0, fetched.error, None)
    outcome = fetched.outcome
    _refresh_profile(account, fetched.profile)
    added, items = _store(session, account, outcome)
    account.pull_state = dict(outcome.state)
    account.resume_at = outcome.resume_at
    account.last_pulled_at = now
    account.last_error = None
    session.flush()
    return AccountPull(account.id, fetched.label, added, items, None, outcome.resume_at)


def pull_account(
    session: Session,
    account: ExternalAccount,
    *,
    transport: httpx.BaseTransport | None,
    key: str,
    now: datetime,
) -> AccountPull:
    """:func:`fetch` then :func:`keep` (the demo and tests, where nobody waits on a lock)."""
    return keep(session, fetch(account, transport=transport, key=key, now=now), now=now)


def _refresh_profile(account: ExternalAccount, profile: PublicProfile) -> None:
    account.display_name = plain_text(profile.display_name, 200)
    account.url = public_url(profile.url)
    account.audience = profile.audience


def _store(session: Session, account: ExternalAccount, outcome: PullOutcome) -> tuple[int, int]:
    items = {
        row.key: row
        for row in session.scalars(
            sa.select(ExternalItem).where(ExternalItem.account_id == account.id)
        )
    }
    for item in outcome.items:
        key = plain_text(item.key, 400)
        row = items.get(key)
        if row is None:
            row = ExternalItem(account_id=account.id, key=key)
            session.add(row)
            items[row.key] = row
        row.kind = plain_text(item.kind, 32)
        row.title = plain_text(item.title, 500)
        row.url = public_url(item.url)
        row.created_at = item.created_at
        row.engagement = {k: int(v) for k, v in item.engagement.items()}
    events = {
        event.event_key: event
        for event in session.scalars(
            sa.select(ExternalEvent).where(ExternalEvent.account_id == account.id)
        )
    }
    added = 0
    for event in outcome.events:
        canonical = event_key("social", account.network, event.target, event.key)
        stored = events.get(canonical)
        if stored is None:
            stored = ExternalEvent(
                account_id=account.id,
                event_key=canonical,
                actor=None if event.actor is None else plain_text(event.actor, 600),
                target=plain_text(event.target, 600),
                happened_at=event.timestamp,
                kind=plain_text(event.kind, 32),
                weight=float(event.weight),
                item_key=None if event.item is None else plain_text(event.item, 400),
            )
            session.add(stored)
            events[canonical] = stored
            added += 1
        else:
            stored.weight = float(event.weight)
    session.flush()
    return added, len(outcome.items)


def verified_accounts(
    session: Session, org_id: int, *, person_id: int | None = None
) -> list[ExternalAccount]:
    """The organisation's proven accounts (one person's, when ``person_id`` is given)."""
    query = sa.select(ExternalAccount).where(
        ExternalAccount.org_id == org_id, ExternalAccount.status == "verified"
    )
    if person_id is not None:
        query = query.where(ExternalAccount.person_id == person_id)
    return list(session.scalars(query.order_by(ExternalAccount.id)))
