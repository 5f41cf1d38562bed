"""Kudos actions: give, react, comment, withdraw; the organisation's kudos limits.

Each public ``check_*`` authorises and validates, then calls the matching ``do_*`` that
writes in the caller's transaction with an audit entry.

Rules, and why:

- Only the organisation's own people give, react and comment (a signed-in account linked
  to a person, not a challenge-only sponsor or member): kudos are thanks between colleagues.
- No self-kudos, and the receiver must be a current colleague in the same organisation
  (anyone else is "not found", so other tenants' people are not revealed).
- A monthly allowance per giver, counted in the calendar month (UTC) of the moment of
  giving; what is not used does not roll over, so nobody can save up for a burst. A cap
  per giver and receiver per month keeps one friendship from absorbing an allowance.
  Withdrawing a kudos gives its place back (the kudos no longer exists anywhere).
- The giver's row is locked while the limits are counted (``SELECT ... FOR UPDATE`` on
  PostgreSQL; SQLite serialises writers anyway), so two quick clicks cannot both pass.
- Kudos between members of an HR-confirmed ring are marked discounted when given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown import audit
from renown.accounts.principal import Principal
from renown.core.clock import Clock
from renown.core.errors import Invalid, NotAllowed, NotFound
from renown.org.access import access_acting_person, access_person
from renown.store.tables.org import Person
from renown.store.tables.recognition import (
    Kudos,
    KudosBudget,
    KudosComment,
    KudosReaction,
    KudosRingReview,
)

REACTION_KINDS: Final = ("thumbsup", "clap", "heart", "tada", "rocket", "star")
"""Emoji names a reaction may use (a fixed set: no free-text reactions to moderate)."""
DEFAULT_ALLOWANCE: Final = 10
DEFAULT_PAIR_CAP: Final = 3
MAX_ALLOWANCE: Final = 1000
MAX_TEXT: Final = 1000
_COMPETENCY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


@dataclass(frozen=True)
class Limits:
    """An organisation's kudos limits in force."""

    monthly_allowance: int
    pair_cap: int


def month_bounds(instant: datetime) -> tuple[datetime, datetime]:
    """The UTC calendar month holding ``instant``: ``[start, end)``."""
    utc = instant.astimezone(UTC)
    start = datetime(utc.year, utc.month, 1, tzinfo=UTC)
    end = datetime(utc.year + utc.month // 12, utc.month % 12 + 1, 1, tzinfo=UTC)
    return start, end


def limits_of(session: Session, org_id: int) -> Limits:
    """The organisation's limits (defaults when it never set any)."""
    row = session.get(KudosBudget, org_id)
    if row is None:
        return Limits(DEFAULT_ALLOWANCE, DEFAULT_PAIR_CAP)
    return Limits(row.monthly_allowance, row.pair_cap)


def given_this_month(
    session: Session, giver_id: int, now: datetime, receiver_id: int | None = None
) -> int:
    """Kudos ``giver_id`` gave in the UTC month of ``now`` (to ``receiver_id`` if given)."""
    start, end = month_bounds(now)
    query = sa.select(sa.func.count(Kudos.id)).where(
        Kudos.giver_id == giver_id, Kudos.created_at >= start, Kudos.created_at < end
    )
    if receiver_id is not None:
        query = query.where(Kudos.receiver_id == receiver_id)
    return int(session.scalar(query) or 0)


def acting_person(session: Session, principal: Principal) -> Person:
    """The colleague behind ``principal`` (kudos are between the organisation's people)."""
    return access_acting_person(session, principal, "kudos are for the organisation's own people")


def _text(value: str, what: str, field: str | None = None) -> str:
    text = value.strip()
    if not text or len(text) > MAX_TEXT or "\x00" in text:
        raise Invalid(f"{what} must be 1 to {MAX_TEXT} characters", field=field)
    return text


def check_give_kudos(
    session: Session,
    principal: Principal,
    receiver_id: int,
    message: str,
    *,
    clock: Clock,
    competency: str | None = None,
) -> Kudos:
    """Thank a colleague publicly, within the monthly allowance and the pair cap."""
    giver = acting_person(session, principal)
    receiver = access_person(session, principal, receiver_id)
    if receiver.id == giver.id:
        raise Invalid("kudos are for others: you cannot give kudos to yourself")
    now = clock.now()
    if receiver.left_on is not None and receiver.left_on <= now.date():
        raise Invalid(f"{receiver.name} has left the organisation")
    key = competency.strip().lower() if competency else None
    if key is not None and not _COMPETENCY.match(key):
        raise Invalid(
            "a competency is named by its key (letters, digits, '-' and '_')", field="competency"
        )
    return do_give_kudos(
        session,
        org_id=principal.org_id,
        giver_id=giver.id,
        receiver_id=receiver.id,
        message=_text(message, "a kudos message", "message"),
        competency=key,
        now=now,
        actor=principal.actor,
    )


def do_give_kudos(
    session: Session,
    *,
    org_id: int,
    giver_id: int,
    receiver_id: int,
    message: str,
    competency: str | None,
    now: datetime,
    actor: str,
) -> Kudos:
    """Store a kudos after checking the limits (no authorisation: see ``check_give_kudos``)."""
    session.execute(sa.select(Person.id).where(Person.id == giver_id).with_for_update())
    limits = limits_of(session, org_id)
    if given_this_month(session, giver_id, now) >= limits.monthly_allowance:
        raise Invalid(
            f"you have given all {limits.monthly_allowance} kudos of this month; "
            "the allowance renews on the 1st (UTC)"
        )
    if given_this_month(session, giver_id, now, receiver_id) >= limits.pair_cap:
        raise Invalid(
            f"you have given this colleague {limits.pair_cap} kudos this month, the most "
            "one person can give another in a month"
        )
    ring = confirmed_ring_between(session, org_id, giver_id, receiver_id)
    kudos = Kudos(
        org_id=org_id,
        giver_id=giver_id,
        receiver_id=receiver_id,
        message=message,
        competency=competency,
        created_at=now,
        discounted=ring is not None,
        discount_reason=f"ring:{ring}" if ring is not None else None,
    )
    session.add(kudos)
    session.flush()
    audit.append(
        session,
        actor=actor,
        action="kudos.give",
        subject=f"kudos:{kudos.id}",
        payload={"giver": giver_id, "receiver": receiver_id, "competency": competency},
        org_id=org_id,
        at=now,
    )
    return kudos


def confirmed_ring_between(session: Session, org_id: int, a: int, b: int) -> int | None:
    """Id of an HR-confirmed ring holding both people, if any."""
    reviews = session.execute(
        sa.select(KudosRingReview.id, KudosRingReview.members).where(
            KudosRingReview.org_id == org_id, KudosRingReview.status == "confirmed"
        )
    ).all()
    for review_id, members in reviews:
        if a in members and b in members:
            return int(review_id)
    return None


def visible_kudos(session: Session, principal: Principal, kudos_id: int) -> Kudos:
    """A kudos of the principal's organisation (the wall is public inside it)."""
    kudos = session.get(Kudos, kudos_id)
    if kudos is None or kudos.org_id != principal.org_id or not principal.is_staff:
        raise NotFound("no such kudos")
    return kudos


def _reaction(session: Session, kudos: Kudos, person: Person, kind: str) -> KudosReaction | None:
    """The person's reaction of this kind to the kudos: at most one, as reacting twice
    keeps the one reaction and taking it back removes it."""
    return session.scalar(
        sa.select(KudosReaction).where(
            KudosReaction.kudos_id == kudos.id,
            KudosReaction.person_id == person.id,
            KudosReaction.kind == kind,
        )
    )


def check_react(
    session: Session, principal: Principal, kudos_id: int, kind: str, *, clock: Clock
) -> KudosReaction:
    """React to a kudos; reacting twice with the same kind keeps the one reaction."""
    person = acting_person(session, principal)
    kudos = visible_kudos(session, principal, kudos_id)
    if kind not in REACTION_KINDS:
        raise Invalid(f"a reaction is one of {', '.join(REACTION_KINDS)}")
    existing = _reaction(session, kudos, person, kind)
    if existing is not None:
        return existing
    now = clock.now()
    reaction = KudosReaction(kudos_id=kudos.id, person_id=person.id, kind=kind, created_at=now)
    session.add(reaction)
    session.flush()
    audit.append_by(
        session,
        principal,
        "kudos.react",
        subject=f"kudos:{kudos.id}",
        payload={"kind": kind, "reaction": reaction.id},
        at=now,
    )
    return reaction


def check_unreact(
    session: Session, principal: Principal, kudos_id: int, kind: str, *, clock: Clock
) -> bool:
    """Take back one's own reaction; ``False`` when there was none."""
    person = acting_person(session, principal)
    kudos = visible_kudos(session, principal, kudos_id)
    reaction = _reaction(session, kudos, person, kind)
    if reaction is None:
        return False
    session.delete(reaction)
    audit.append_by(
        session,
        principal,
        "kudos.unreact",
        subject=f"kudos:{kudos.id}",
        payload={"kind": kind},
        at=clock.now(),
    )
    return True


def check_comment(
    session: Session, principal: Principal, kudos_id: int, text: str, *, clock: Clock
) -> KudosComment:
    """Comment under a kudos."""
    person = acting_person(session, principal)
    kudos = visible_kudos(session, principal, kudos_id)
    now = clock.now()
    comment = KudosComment(
        kudos_id=kudos.id,
        author_id=person.id,
        text=_text(text, "a comment"),
        created_at=now,
    )
    session.add(comment)
    session.flush()
    audit.append_by(
        session,
        principal,
        "kudos.comment",
        subject=f"kudos:{kudos.id}",
        payload={"comment": comment.id},
        at=now,
    )
    return comment


def check_delete_kudos(
    session: Session, principal: Principal, kudos_id: int, *, clock: Clock
) -> None:
    """Withdraw one's own kudos (its reactions and comments go with it)."""
    person = acting_person(session, principal)
    kudos = visible_kudos(session, principal, kudos_id)
    if kudos.giver_id != person.id:
        raise NotAllowed("only the giver can withdraw a kudos")
    payload = {"giver": kudos.giver_id, "receiver": kudos.receiver_id}
    session.execute(sa.delete(KudosReaction).where(KudosReaction.kudos_id == kudos.id))
    session.execute(sa.delete(KudosComment).where(KudosComment.kudos_id == kudos.id))
    session.delete(kudos)
    audit.append_by(
        session,
        principal,
        "kudos.delete",
        subject=f"kudos:{kudos_id}",
        payload=payload,
        at=clock.now(),
    )


def check_delete_comment(
    session: Session, principal: Principal, comment_id: int, *, clock: Clock
) -> None:
    """Delete one's own comment."""
    person = acting_person(session, principal)
    comment = session.get(KudosComment, comment_id)
    if comment is None:
        raise NotFound("no such comment")
    visible_kudos(session, principal, comment.kudos_id)
    if comment.author_id != person.id:
        raise NotAllowed("only its author can delete a comment")
    session.delete(comment)
    audit.append_by(
        session,
        principal,
        "kudos.comment.delete",
        subject=f"kudos:{comment.kudos_id}",
        payload={"comment": comment_id},
        at=clock.now(),
    )


def check_set_limits(
    session: Session, principal: Principal, *, monthly_allowance: int, pair_cap: int, clock: Clock
) -> Limits:
    """HR and administrators set the organisation's allowance and pair cap."""
    principal.require_people_admin("only HR and administrators set kudos limits")
    if not 1 <= monthly_allowance <= MAX_ALLOWANCE:
        raise Invalid(f"the monthly allowance must be between 1 and {MAX_ALLOWANCE}")
    if not 1 <= pair_cap <= monthly_allowance:
        raise Invalid("the pair cap must be between 1 and the monthly allowance")
    now = clock.now()
    row = session.get(KudosBudget, principal.org_id)
    if row is None:
        row = KudosBudget(org_id=principal.org_id)
        session.add(row)
    row.monthly_allowance, row.pair_cap, row.updated_at = monthly_allowance, pair_cap, now
    session.flush()
    audit.append_by(
        session,
        principal,
        "kudos.limits",
        subject=f"org:{principal.org_id}",
        payload={"monthly_allowance": monthly_allowance, "pair_cap": pair_cap},
        at=now,
    )
    return Limits(monthly_allowance, pair_cap)
