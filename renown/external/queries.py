"""Reading external prominence: a person's networks page and their latest scores."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import InstrumentedAttribute, Session

from renown.accounts.principal import Principal
from renown.connectors.registry import CONNECTORS
from renown.core.errors import NotAllowed
from renown.external.imports import bulk_consent
from renown.external.results import ExternalScoreView, LinkedAccount, MyNetworks
from renown.external.scoring import COMBINED
from renown.org.access import own_person
from renown.store.tables.external import (
    ExternalAccount,
    ExternalConsent,
    ExternalEvent,
    ExternalItem,
    ExternalScore,
    PublicCard,
)


def network_label(network: str) -> str:
    """A network's display name (``Combined`` for the combined score)."""
    if network == COMBINED:
        return "Combined"
    plugin = CONNECTORS.get(network)
    return plugin.label if plugin is not None else network


def my_networks(
    session: Session, principal: Principal, *, oauth_networks: Iterable[str] = ()
) -> MyNetworks:
    """The principal's linked accounts, consent and latest external scores."""
    person = own_person(session, principal)
    if person is None:
        raise NotAllowed("Only the organisation's people link public accounts.")
    return MyNetworks(
        person_id=person.id,
        accounts=linked_accounts(session, person.id, owner=True),
        scores=latest_scores(session, person.id),
        bulk_consent=bulk_consent(session, person.id),
        networks=tuple((c.network, c.label, c.verification) for c in CONNECTORS.values()),
        oauth_networks=tuple(oauth_networks),
    )


def linked_accounts(session: Session, person_id: int, *, owner: bool) -> tuple[LinkedAccount, ...]:
    """A person's linked accounts with what was pulled (codes only for the ``owner``)."""
    accounts = list(
        session.scalars(
            sa.select(ExternalAccount)
            .where(ExternalAccount.person_id == person_id)
            .order_by(ExternalAccount.network, ExternalAccount.handle)
        )
    )
    ids = [a.id for a in accounts]
    items = _counts(session, ExternalItem.account_id, ids)
    events = _counts(session, ExternalEvent.account_id, ids)
    return tuple(
        LinkedAccount(
            id=a.id,
            network=a.network,
            network_label=network_label(a.network),
            handle=a.handle,
            url=a.url,
            display_name=a.display_name,
            status=a.status,
            verified_by=a.verified_by,
            verification_code=a.verification_code if owner and a.status == "pending" else None,
            proofs=CONNECTORS[a.network].verification if a.network in CONNECTORS else (),
            last_pulled_at=a.last_pulled_at,
            resume_at=a.resume_at,
            last_error=a.last_error,
            items=items.get(a.id, 0),
            events=events.get(a.id, 0),
        )
        for a in accounts
    )


def _counts(session: Session, column: InstrumentedAttribute[int], ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    return {
        int(account_id): int(count)
        for account_id, count in session.execute(
            sa.select(column, sa.func.count()).where(column.in_(ids)).group_by(column)
        )
    }


def latest_scores(session: Session, person_id: int) -> tuple[ExternalScoreView, ...]:
    """The person's newest score per network, combined first."""
    newest = (
        sa.select(ExternalScore.network, sa.func.max(ExternalScore.observed_on).label("day"))
        .where(ExternalScore.person_id == person_id)
        .group_by(ExternalScore.network)
        .subquery()
    )
    rows = session.scalars(
        sa.select(ExternalScore)
        .join(
            newest,
            sa.and_(
                ExternalScore.network == newest.c.network,
                ExternalScore.observed_on == newest.c.day,
            ),
        )
        .where(ExternalScore.person_id == person_id)
    )
    views = [
        ExternalScoreView(
            network=r.network,
            network_label=network_label(r.network),
            score=r.score,
            observed_on=r.observed_on,
            explanation=dict(r.explanation),
        )
        for r in rows
    ]
    return tuple(sorted(views, key=lambda v: (v.network != COMBINED, -v.score, v.network)))


def external_data_of(session: Session, person_id: int) -> dict[str, object]:
    """Everything external prominence holds on a person, for their export: linked accounts
    with every item and event pulled from them, scores, consent and card (never a token)."""
    accounts = list(
        session.scalars(
            sa.select(ExternalAccount)
            .where(ExternalAccount.person_id == person_id)
            .order_by(ExternalAccount.id)
        )
    )
    out = []
    for account in accounts:
        items = session.scalars(
            sa.select(ExternalItem)
            .where(ExternalItem.account_id == account.id)
            .order_by(ExternalItem.id)
        )
        events = session.scalars(
            sa.select(ExternalEvent)
            .where(ExternalEvent.account_id == account.id)
            .order_by(ExternalEvent.id)
        )
        out.append(
            {
                "id": account.id,
                "network": account.network,
                "handle": account.handle,
                "url": account.url,
                "display_name": account.display_name,
                "status": account.status,
                "verified_by": account.verified_by,
                "verified_at": account.verified_at.isoformat() if account.verified_at else None,
                "has_token": account.token_ciphertext is not None,
                "last_pulled_at": (
                    account.last_pulled_at.isoformat() if account.last_pulled_at else None
                ),
                "items": [
                    {
                        "key": i.key,
                        "kind": i.kind,
                        "title": i.title,
                        "url": i.url,
                        "created_at": i.created_at.isoformat(),
                        "engagement": i.engagement,
                    }
                    for i in items
                ],
                "events": [
                    {
                        "actor": e.actor,
                        "target": e.target,
                        "at": e.happened_at.isoformat(),
                        "kind": e.kind,
                        "weight": e.weight,
                    }
                    for e in events
                ],
            }
        )
    scores = session.scalars(
        sa.select(ExternalScore)
        .where(ExternalScore.person_id == person_id)
        .order_by(ExternalScore.observed_on, ExternalScore.network)
    )
    consent = session.get(ExternalConsent, person_id)
    card = session.get(PublicCard, person_id)
    return {
        "accounts": out,
        "scores": [
            {
                "id": s.id,
                "network": s.network,
                "observed_on": s.observed_on.isoformat(),
                "score": s.score,
                "explanation": s.explanation,
            }
            for s in scores
        ],
        "consent": (
            {"person_id": person_id, "bulk_linking": consent.bulk_linking} if consent else None
        ),
        "card": (
            {
                "person_id": person_id,
                "enabled": card.enabled,
                "address": f"/card/{card.slug}",
                **{name: getattr(card, name) for name in _CARD_FLAGS},
            }
            if card
            else None
        ),
    }


_CARD_FLAGS = ("show_internal", "show_external", "show_networks", "show_badges", "show_challenges")
