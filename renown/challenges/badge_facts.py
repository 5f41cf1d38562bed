"""Challenge results as badge facts, and the challenge badges a member has earned.

One design serves both kinds of participant, so a badge means the same for everyone:

* **The facts.** Every completed challenge gives its ranked members facts in the badge
  language's one schema (:mod:`renown.badges.facts`): ``challenge_completed`` (value: the
  rank), ``challenge_won`` (first with a passing submission), ``challenge_podium`` (top
  three with a passing submission), each with the challenge as ``item``, and every rated
  challenge a ``challenge_rating`` (value: the display rating right after it). Facts are
  timed when the result or rating was decided, so a rule's first-true time is the moment
  the member earned it.
* **Staff with a person.** :func:`person_challenge_facts` names the same facts by person id;
  the recognition pass adds them to the organisation's facts
  (:func:`renown.recognition.badges.store_facts`), so the default rules award the challenge
  badges like any other (stored, notified, counted by the boards' badge criterion), and an
  organisation's own rules may use the facts too.
* **Community members** have no person to store an award for. :func:`member_badges`
  evaluates the same rules over the member's own facts when their profile is read: nothing
  is stored, and since the rules are monotone in time the answer (badge, date, reason) is
  the one a stored evaluation would have given.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Final

import polars as pl
import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown.badges import FACT_SCHEMA, Badge, empty_facts, evaluate, load_default_rules
from renown.challenges.market_results import EarnedBadge
from renown.challenges.rating_update import display_rating
from renown.store.tables.accounts import Account
from renown.store.tables.challenges import Challenge, ChallengeResult, RatingHistory

CHANNEL: Final = "challenge"
COMPLETED: Final = "challenge_completed"
WON: Final = "challenge_won"
PODIUM: Final = "challenge_podium"
RATING: Final = "challenge_rating"
CHALLENGE_FACTS: Final = frozenset({COMPLETED, WON, PODIUM, RATING})
PODIUM_RANKS: Final = 3


def _frame(rows: list[tuple[str, str, datetime, str, float]]) -> pl.DataFrame:
    """Rows of (subject, fact, at, item, value) as a conformed fact frame."""
    if not rows:
        return empty_facts()
    return pl.DataFrame(
        {
            "subject_user": [r[0] for r in rows],
            "fact": [r[1] for r in rows],
            "at": [r[2] for r in rows],
            "actor": [r[0] for r in rows],
            "item": [r[3] for r in rows],
            "channel": [CHANNEL] * len(rows),
            "value": [r[4] for r in rows],
        },
        schema=FACT_SCHEMA,
    )


def _account_facts(
    session: Session, org_id: int, subjects: dict[int, str]
) -> list[tuple[str, str, datetime, str, float]]:
    """Facts of the accounts in ``subjects`` (account id -> the subject key to name)."""
    if not subjects:
        return []
    rows: list[tuple[str, str, datetime, str, float]] = []
    results = session.execute(
        sa.select(
            ChallengeResult.account_id,
            ChallengeResult.challenge_id,
            ChallengeResult.rank,
            ChallengeResult.passed,
            ChallengeResult.decided_at,
        )
        .join(Challenge, Challenge.id == ChallengeResult.challenge_id)
        .where(Challenge.org_id == org_id, ChallengeResult.account_id.in_(list(subjects)))
    )
    for account_id, challenge_id, rank, passed, at in results:
        who, item = subjects[account_id], str(challenge_id)
        rows.append((who, COMPLETED, at, item, float(rank)))
        if passed and rank == 1:
            rows.append((who, WON, at, item, 1.0))
        if passed and rank <= PODIUM_RANKS:
            rows.append((who, PODIUM, at, item, float(rank)))
    history = session.execute(
        sa.select(
            RatingHistory.account_id,
            RatingHistory.challenge_id,
            RatingHistory.mu,
            RatingHistory.sigma,
            RatingHistory.at,
        )
        .join(Challenge, Challenge.id == RatingHistory.challenge_id)
        .where(Challenge.org_id == org_id, RatingHistory.account_id.in_(list(subjects)))
    )
    for account_id, challenge_id, mu, sigma, at in history:
        display = float(display_rating(mu, sigma))
        rows.append((subjects[account_id], RATING, at, str(challenge_id), display))
    return rows


def account_challenge_facts(
    session: Session, org_id: int, account_ids: Collection[int]
) -> pl.DataFrame:
    """Challenge facts of the given accounts, each named by its account id."""
    return _frame(_account_facts(session, org_id, {a: str(a) for a in account_ids}))


def person_challenge_facts(session: Session, org_id: int) -> pl.DataFrame:
    """Challenge facts of the organisation's staff, named by person id (their accounts'
    facts together: a person with two accounts earns a badge once)."""
    people = dict(
        session.execute(
            sa.select(Account.id, Account.person_id).where(
                Account.org_id == org_id, Account.person_id.is_not(None)
            )
        ).all()
    )
    return _frame(
        _account_facts(session, org_id, {a: str(p) for a, p in people.items() if p is not None})
    )


def challenge_rules(rules: tuple[Badge, ...] | None = None) -> tuple[Badge, ...]:
    """The rules a member's challenge badges come from (the default set unless given)."""
    return rules if rules is not None else load_default_rules()


def member_badges(
    session: Session, org_id: int, account_id: int, rules: tuple[Badge, ...] | None = None
) -> list[EarnedBadge]:
    """The badges the account's challenge facts earn under the rules, oldest first.

    Only challenge facts are read, so only rules about challenges can hold; a staff
    member's stored awards for the same badges carry the same dates.
    """
    facts = account_challenge_facts(session, org_id, [account_id])
    if facts.height == 0:
        return []
    badges = challenge_rules(rules)
    by_id = {badge.id: badge for badge in badges}
    awards = evaluate(badges, facts)
    return [
        EarnedBadge(
            id=row["badge"],
            name=by_id[row["badge"]].name,
            tier=by_id[row["badge"]].tier.value,
            description=by_id[row["badge"]].description,
            awarded_at=row["awarded_at"],
            reason=row["reason"],
        )
        for row in awards.iter_rows(named=True)
    ]
