"""Badges in the product: facts from the store, incremental awards, notifications.

Facts (see :mod:`renown.badges.facts`) come from three places, all keyed by person id:

* counted kudos and their reactions (discounted kudos, inside a confirmed ring, give no
  fact, so a ring earns nothing from thanking itself);
* feedback given and received (through :mod:`renown.recognition.feedback_link`);
* every scoring run's scores (``prominence_score`` at the run's as-of instant);
* completed challenges of the person's accounts (``challenge_completed``, ``challenge_won``,
  ``challenge_podium``, ``challenge_rating``: :mod:`renown.challenges.badge_facts`, where
  community members without a person get the same badges computed on their profile).

:func:`do_evaluate_badges` evaluates the default badge set against the awards already
stored and inserts only new ones, so running it twice adds nothing; each new award gets an
in-app notification, an e-mail in the outbox when the person has an address, and, for gold
badges, a post to the organisation's Slack channel.

When HR confirms a ring, its members' awards are re-derived from the discounted facts:
awards that no longer hold are revoked (deleted, with an audit entry naming each), so a
person can still earn them honestly later.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import polars as pl
import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown import audit
from renown.accounts.principal import Principal
from renown.badges import (
    AWARD_SCHEMA,
    Badge,
    Tier,
    empty_facts,
    evaluate,
    facts_from_events,
    facts_from_scores,
    load_default_rules,
)
from renown.badges.facts import FactColumn
from renown.badges.progress import Progress, next_badges
from renown.challenges.badge_facts import person_challenge_facts
from renown.core.clock import Clock
from renown.notify.inapp import add_badge_notification
from renown.notify.outbox import SLACK_RECIPIENT, enqueue
from renown.org.access import own_person
from renown.recognition.events import recognition_events
from renown.store.tables.org import Person
from renown.store.tables.recognition import BadgeAward
from renown.store.tables.scores import ScoreSnapshot, ScoringRun

AUDIT_LIST_LIMIT = 200
"""Awards named one by one in an evaluation's audit entry (the rest are counted)."""


@dataclass(frozen=True)
class BadgeRun:
    """What one evaluation did."""

    awarded: list[BadgeAward] = field(default_factory=list)
    revoked: int = 0


def rule_hash(badge: Badge) -> str:
    """Hash of a badge's definition (what it takes, not its wording)."""
    text = repr((badge.id, badge.tier.value, badge.award.value, badge.rule))
    return hashlib.sha256(text.encode()).hexdigest()


def store_facts(session: Session, org_id: int) -> pl.DataFrame:
    """Every badge fact of the organisation, from kudos, feedback, scoring runs and
    challenges."""
    parts = [
        facts_from_events(recognition_events(session, org_id)),
        person_challenge_facts(session, org_id),
    ]
    snapshots = session.execute(
        sa.select(ScoringRun.id, ScoringRun.as_of, ScoreSnapshot.person_id, ScoreSnapshot.score)
        .join(ScoreSnapshot, ScoreSnapshot.run_id == ScoringRun.id)
        .where(ScoringRun.org_id == org_id, ScoringRun.status == "done")
        .order_by(ScoringRun.id)
    ).all()
    runs: dict[int, tuple[datetime, list[tuple[str, float]]]] = {}
    for run_id, as_of, person_id, score in snapshots:
        runs.setdefault(run_id, (as_of, []))[1].append((str(person_id), float(score)))
    for as_of, scores in runs.values():
        frame = pl.DataFrame(
            scores, schema={"person": pl.String, "score": pl.Float64}, orient="row"
        )
        parts.append(facts_from_scores(frame, as_of))
    return pl.concat([empty_facts(), *parts], how="vertical_relaxed")


def stored_awards(session: Session, org_id: int) -> pl.DataFrame:
    """The organisation's awards in the evaluator's :data:`AWARD_SCHEMA`."""
    rows = session.execute(
        sa.select(
            BadgeAward.badge,
            BadgeAward.person_id,
            BadgeAward.item,
            BadgeAward.awarded_at,
            BadgeAward.reason,
        ).where(BadgeAward.org_id == org_id)
    ).all()
    return pl.DataFrame(
        [
            (badge, str(person), item or None, at, reason)
            for badge, person, item, at, reason in rows
        ],
        schema=AWARD_SCHEMA,
        orient="row",
    )


def do_evaluate_badges(
    session: Session,
    org_id: int,
    clock: Clock,
    *,
    rules: tuple[Badge, ...] | None = None,
    revoke_for: Collection[int] = (),
    actor: str = "system",
) -> BadgeRun:
    """Award every badge newly earned in the organisation (idempotent, incremental).

    ``revoke_for``: people whose awards are checked again against the facts as they are
    now (after a ring was confirmed); those that no longer hold are revoked.
    """
    badges = rules if rules is not None else load_default_rules()
    facts = store_facts(session, org_id)
    already = stored_awards(session, org_id)
    revoked = _revoke(session, org_id, badges, facts, revoke_for, actor, clock) if revoke_for else 0
    if revoked:
        already = stored_awards(session, org_id)
    new = evaluate(badges, facts, already)
    by_id = {badge.id: badge for badge in badges}
    now = clock.now()
    awarded: list[BadgeAward] = []
    for row in new.iter_rows(named=True):
        badge = by_id[row["badge"]]
        award = BadgeAward(
            org_id=org_id,
            person_id=int(row["user"]),
            badge=badge.id,
            item=row["item"] or "",
            awarded_at=row["awarded_at"],
            reason=row["reason"],
            rule_hash=rule_hash(badge),
            created_at=now,
        )
        session.add(award)
        awarded.append(award)
    session.flush()
    _notify(session, org_id, awarded, by_id, clock)
    if awarded or revoked:
        audit.append(
            session,
            actor=actor,
            action="badges.evaluate",
            subject=f"org:{org_id}",
            payload=_audit_payload(awarded, revoked),
            org_id=org_id,
            at=now,
        )
    return BadgeRun(awarded=awarded, revoked=revoked)


def _revoke(
    session: Session,
    org_id: int,
    badges: tuple[Badge, ...],
    facts: pl.DataFrame,
    people: Collection[int],
    actor: str,
    clock: Clock,
) -> int:
    still = evaluate(badges, facts.filter(pl.col("subject_user").is_in([str(p) for p in people])))
    holds = {(r["badge"], int(r["user"]), r["item"] or "") for r in still.iter_rows(named=True)}
    known = {badge.id for badge in badges}
    stale = [
        award
        for award in session.scalars(
            sa.select(BadgeAward).where(
                BadgeAward.org_id == org_id, BadgeAward.person_id.in_(list(people))
            )
        )
        if award.badge in known and (award.badge, award.person_id, award.item) not in holds
    ]
    for award in stale:
        audit.append(
            session,
            actor=actor,
            action="badges.revoke",
            subject=f"person:{award.person_id}",
            payload={"badge": award.badge, "item": award.item, "reason": award.reason},
            org_id=org_id,
            at=clock.now(),
        )
        session.delete(award)
    session.flush()
    return len(stale)


def _notify(
    session: Session,
    org_id: int,
    awarded: list[BadgeAward],
    badges: dict[str, Badge],
    clock: Clock,
) -> None:
    if not awarded:
        return
    people = {
        person.id: person
        for person in session.scalars(
            sa.select(Person).where(Person.id.in_({a.person_id for a in awarded}))
        )
    }
    for award in awarded:
        badge, person = badges[award.badge], people[award.person_id]
        text = f"You earned the {badge.tier.value} badge {badge.name}: {badge.description}"
        add_badge_notification(session, org_id=org_id, person_id=person.id, text=text)
        if person.email:
            enqueue(
                session,
                org_id=org_id,
                channel="email",
                dedupe_key=f"badge:{award.id}",
                recipient=person.email,
                subject=f"You earned the badge {badge.name}",
                body=f"Hello {person.name},\n\n{text}\nWhy: {award.reason}.\n",
                clock=clock,
            )
        if badge.tier is Tier.GOLD:
            enqueue(
                session,
                org_id=org_id,
                channel="slack",
                dedupe_key=f"badge:{award.id}",
                recipient=SLACK_RECIPIENT,
                subject=f"{person.name} earned {badge.name}",
                body=f":trophy: {person.name} earned the gold badge *{badge.name}*.",
                clock=clock,
            )


def _audit_payload(awarded: list[BadgeAward], revoked: int) -> dict[str, Any]:
    named = [[a.person_id, a.badge, a.item] for a in awarded[:AUDIT_LIST_LIMIT]]
    return {"awarded": len(awarded), "revoked": revoked, "awards": named}


def my_progress(session: Session, principal: Principal, clock: Clock) -> list[Progress]:
    """How far the principal's own person is from their next badges, from the same facts
    the evaluation reads (the badges page's "3 of 5 kudos ... for Team player"); nothing
    for an account without a person. Only one's own: progress is not published."""
    person = own_person(session, principal)
    if person is None:
        return []
    facts = store_facts(session, principal.org_id).filter(
        pl.col(FactColumn.SUBJECT_USER) == str(person.id)
    )
    earned = set(
        session.scalars(sa.select(BadgeAward.badge).where(BadgeAward.person_id == person.id))
    )
    return next_badges(load_default_rules(), facts, earned, clock.now())
