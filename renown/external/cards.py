"""The public profile card: "the score anyone can look up", with the person in control.

A card exists only once its person turns it on, lives at an unguessable address
(``/card/<slug>``, 96 random bits) so that nobody can walk the organisation's people, and
shows only what its person ticked: internal prominence, the combined external score, each
network with a link to the account, badges, challenge ratings. HR and administrators can
neither turn a card on nor change what it shows. Turning it off makes the address answer
404 at once; turning it on again keeps the address (a new one can be asked for).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown import audit
from renown.accounts.principal import Principal
from renown.challenges.profiles import current_ratings
from renown.core.errors import NotAllowed
from renown.external.queries import latest_scores, linked_accounts
from renown.external.scoring import COMBINED
from renown.org.access import own_person
from renown.org.queries import latest_run
from renown.recognition.queries import badge_catalogue
from renown.store.tables.accounts import Account
from renown.store.tables.external import PublicCard
from renown.store.tables.org import Person
from renown.store.tables.recognition import BadgeAward
from renown.store.tables.scores import ScoreSnapshot

SHOWN = ("show_internal", "show_external", "show_networks", "show_badges", "show_challenges")


@dataclass(frozen=True)
class CardSettings:
    """What the person chose for their card."""

    slug: str
    enabled: bool
    show_internal: bool
    show_external: bool
    show_networks: bool
    show_badges: bool
    show_challenges: bool


@dataclass(frozen=True)
class CardNetwork:
    """One network on a card."""

    label: str
    score: int
    handle: str
    url: str


@dataclass(frozen=True)
class CardView:
    """What a public card shows (fields the person hid are ``None`` or empty)."""

    name: str
    title: str | None
    internal: int | None
    internal_as_of: date | None
    external: int | None
    external_as_of: date | None
    external_sentence: str | None
    networks: tuple[CardNetwork, ...]
    badges: tuple[str, ...]
    challenge_rating: int | None
    challenges_rated: int


def new_slug() -> str:
    """A card's address: 96 random bits, URL-safe."""
    return secrets.token_urlsafe(12)


def card_settings(session: Session, principal: Principal) -> CardSettings:
    """The principal's card settings (a card that was never turned on is off)."""
    person = _own(session, principal)
    row = session.get(PublicCard, person.id)
    if row is None:
        return CardSettings("", False, True, True, True, True, True)
    return CardSettings(row.slug, row.enabled, *(bool(getattr(row, f)) for f in SHOWN))


def check_update_card(
    session: Session,
    principal: Principal,
    *,
    enabled: bool,
    shown: dict[str, bool],
    new_address: bool = False,
    now: datetime,
) -> CardSettings:
    """Turn the principal's own card on or off and choose what it shows."""
    person = _own(session, principal)
    row = session.get(PublicCard, person.id)
    if row is None:
        row = PublicCard(person_id=person.id, org_id=person.org_id, slug=new_slug())
        session.add(row)
    elif new_address:
        row.slug = new_slug()
    row.enabled = enabled
    for name in SHOWN:
        setattr(row, name, bool(shown.get(name, False)))
    row.updated_at = now
    session.flush()
    audit.append_by(
        session,
        principal,
        "external.card",
        subject=f"person:{person.id}",
        payload={"enabled": enabled, **{n: bool(shown.get(n, False)) for n in SHOWN}},
        at=now,
    )
    return card_settings(session, principal)


def public_card(session: Session, slug: str) -> CardView | None:
    """The card at ``slug`` as anyone sees it, or ``None`` (off, or no such card)."""
    row = session.scalars(
        sa.select(PublicCard).where(PublicCard.slug == slug, PublicCard.enabled.is_(True))
    ).first()
    if row is None:
        return None
    person = session.get(Person, row.person_id)
    if person is None or person.left_on is not None:
        return None
    internal = internal_as_of = None
    if row.show_internal:
        run = latest_run(session, person.org_id)
        if run is not None:
            internal = session.scalar(
                sa.select(ScoreSnapshot.score).where(
                    ScoreSnapshot.run_id == run.id, ScoreSnapshot.person_id == person.id
                )
            )
            internal_as_of = run.as_of.date() if internal is not None and run.as_of else None
    scores = latest_scores(session, person.id)
    combined = next((s for s in scores if s.network == COMBINED), None)
    networks: tuple[CardNetwork, ...] = ()
    if row.show_networks:
        accounts = {
            a.network: a
            for a in linked_accounts(session, person.id, owner=False)
            if a.status == "verified"
        }
        networks = tuple(
            CardNetwork(
                s.network_label, s.score, accounts[s.network].handle, accounts[s.network].url
            )
            for s in scores
            if s.network != COMBINED and s.network in accounts
        )
    badges: tuple[str, ...] = ()
    if row.show_badges:
        names = {b.id: b.name for b in badge_catalogue()}
        earned = session.scalars(
            sa.select(BadgeAward.badge).where(BadgeAward.person_id == person.id).distinct()
        )
        badges = tuple(sorted({names.get(b, b) for b in earned}))
    rating, rated = None, 0
    if row.show_challenges:
        accounts_of = list(
            session.scalars(sa.select(Account.id).where(Account.person_id == person.id))
        )
        ratings = current_ratings(session, accounts_of)
        if ratings:
            best = max(ratings.values(), key=lambda r: r.display)
            rating, rated = best.display, best.contests
    show_external = row.show_external and combined is not None
    return CardView(
        name=person.name,
        title=person.title,
        internal=internal,
        internal_as_of=internal_as_of,
        external=combined.score if show_external and combined else None,
        external_as_of=combined.observed_on if show_external and combined else None,
        external_sentence=(
            combined.explanation.get("sentence") if show_external and combined else None
        ),
        networks=networks,
        badges=badges,
        challenge_rating=rating,
        challenges_rated=rated,
    )


def _own(session: Session, principal: Principal) -> Person:
    person = own_person(session, principal)
    if person is None:
        raise NotAllowed("Only the organisation's people have a public card.")
    return person
