"""HR's view of external prominence: who linked which accounts, each person's latest
combined external score, and how many people allow HR to link accounts for them.

A read for one page, kept beside it: three queries whatever the organisation's size.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Final

import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown.accounts.principal import Principal
from renown.external.queries import network_label
from renown.external.scoring import COMBINED
from renown.store.tables.external import ExternalAccount, ExternalConsent, ExternalScore
from renown.store.tables.org import Person

MAX_ROWS: Final = 1000


@dataclass(frozen=True)
class RosterAccount:
    """One linked account on HR's list."""

    network: str
    network_label: str
    handle: str
    url: str
    status: str
    verified_by: str | None
    last_error: str | None


@dataclass(frozen=True)
class RosterRow:
    """A person with linked accounts."""

    person_id: int
    name: str
    employee_id: str
    accounts: tuple[RosterAccount, ...]
    combined: int | None


@dataclass(frozen=True)
class Roster:
    """HR's list, the number of people who allow bulk linking, and whether it was cut."""

    rows: tuple[RosterRow, ...]
    consenting: int
    truncated: bool


def roster(session: Session, principal: Principal) -> Roster:
    """The organisation's people with linked accounts, by name (HR and administrators)."""
    principal.require_people_admin("Only HR and administrators see everyone's linked accounts.")
    org_id = principal.org_id
    found = session.execute(
        sa.select(ExternalAccount, Person.name, Person.employee_id)
        .join(Person, Person.id == ExternalAccount.person_id)
        .where(ExternalAccount.org_id == org_id)
        .order_by(Person.name, Person.id, ExternalAccount.network, ExternalAccount.handle)
    ).all()
    accounts: dict[int, list[RosterAccount]] = defaultdict(list)
    who: dict[int, tuple[str, str]] = {}
    for account, name, employee_id in found:
        who[account.person_id] = (name, employee_id)
        accounts[account.person_id].append(
            RosterAccount(
                network=account.network,
                network_label=network_label(account.network),
                handle=account.handle,
                url=account.url,
                status=account.status,
                verified_by=account.verified_by,
                last_error=account.last_error,
            )
        )
    newest = (
        sa.select(ExternalScore.person_id, sa.func.max(ExternalScore.observed_on).label("day"))
        .where(ExternalScore.org_id == org_id, ExternalScore.network == COMBINED)
        .group_by(ExternalScore.person_id)
        .subquery()
    )
    combined = {
        int(person_id): int(score)
        for person_id, score in session.execute(
            sa.select(ExternalScore.person_id, ExternalScore.score).join(
                newest,
                sa.and_(
                    ExternalScore.person_id == newest.c.person_id,
                    ExternalScore.observed_on == newest.c.day,
                    ExternalScore.network == COMBINED,
                ),
            )
        )
    }
    consenting = session.scalar(
        sa.select(sa.func.count(ExternalConsent.person_id)).where(
            ExternalConsent.org_id == org_id, ExternalConsent.bulk_linking.is_(True)
        )
    )
    people = list(who)
    rows = tuple(
        RosterRow(
            person_id=pid,
            name=who[pid][0],
            employee_id=who[pid][1],
            accounts=tuple(accounts[pid]),
            combined=combined.get(pid),
        )
        for pid in people[:MAX_ROWS]
    )
    return Roster(rows=rows, consenting=int(consenting or 0), truncated=len(people) > MAX_ROWS)
