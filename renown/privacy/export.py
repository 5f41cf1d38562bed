""" "Export my data": everything renown holds that names the signed-in person, as JSON.

One function serves the API (``GET /api/v1/me/export``) and the page (``/me/export``). It
is complete by construction and by test: :mod:`renown.privacy.registry` lists every
column that names a person with the export section that holds its rows, and the privacy
tests seed a row for each and find it here. Each section keeps its own domain's rules:

* other people appear by id, never by name (except a named feedback item's giver, whom
  the person sees in the app anyway);
* feedback received: named items, and anonymous answers only as the released aggregates
  the person sees in the app (never an answer or a giver);
* feedback given: their anonymous answers' text and ratings, nothing about releases;
* challenges: what their accounts posted, entered, reviewed, won and were told, with the
  app's own reticence (:mod:`renown.privacy.export_challenges`); a community member with
  no person gets this section too;
* secrets are never exported (password hashes, token digests, link tokens).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown.accounts.principal import Principal
from renown.external.queries import external_data_of
from renown.org.access import own_person
from renown.privacy.export_activity import about_me, activity, messages, recognition
from renown.privacy.export_challenges import challenge_data
from renown.privacy.export_events import my_events
from renown.privacy.export_feedback import feedback_given, feedback_received, feedback_requests
from renown.privacy.export_person import (
    account_record,
    identities,
    own_accounts,
    person_record,
    snapshots,
)
from renown.privacy.traces import traces_of
from renown.radar.queries import radar_data_of
from renown.settings import Settings
from renown.store.tables.org import Person
from renown.talent.export import my_talent_data

FORMAT = 3
"""Version of the document's layout (2: every section that names the person; 3: with the
challenges)."""


def export_my_data(
    session: Session, principal: Principal, settings: Settings | None = None
) -> dict[str, Any]:
    """Everything renown holds about the principal's person and accounts (JSON-ready).

    With ``settings`` (where the event lake is), it also holds the person's interaction
    events (:mod:`renown.privacy.export_events`).
    """
    person = own_person(session, principal)
    accounts = [account_record(session, a) for a in own_accounts(session, principal, person)]
    account_ids = sorted({principal.account_id, *(a["id"] for a in accounts)})
    addresses = {a["email"] for a in accounts}
    tokens = [f"account:{a}" for a in account_ids]
    if person is not None:
        addresses |= {person.email} if person.email else set()
        tokens.append(f"person:{person.id}")
    org_id = principal.org_id
    document: dict[str, Any] = {
        "format": FORMAT,
        "exported_at": datetime.now(UTC).isoformat(),
        "person": person_record(person) if person else None,
        "identities": identities(session, person) if person else [],
        "snapshots": snapshots(session, person) if person else [],
        "accounts": accounts,
        "feedback_received": None,
        "direct_reports": [],
        "feedback_given": None,
        "feedback_requests": None,
        **messages(session, org_id, person.id if person else None, account_ids, sorted(addresses)),
        "recognition": None,
        "talent": my_talent_data(session, principal),
        "radar": radar_data_of(session, org_id, person.id) if person else None,
        "external": external_data_of(session, person.id) if person else None,
        "challenges": challenge_data(session, org_id, account_ids),
        "activity": activity(session, org_id, account_ids, tokens),
        "about_me": about_me(session, org_id, person.id if person else None, account_ids, tokens),
    }
    if person is not None:
        document["direct_reports"] = [
            {"id": report_id}
            for report_id in session.scalars(
                sa.select(Person.id)
                .where(Person.org_id == org_id, Person.manager_id == person.id)
                .order_by(Person.id)
            )
        ]
        document["recognition"] = recognition(session, org_id, person.id)
        if settings is not None:
            traces = traces_of(session, org_id, person.id)
            document["interactions"] = my_events(settings, traces)
        if principal.is_staff:
            document["feedback_received"] = feedback_received(session, principal, person.id)
            document["feedback_given"] = feedback_given(session, org_id, person.id)
            document["feedback_requests"] = feedback_requests(session, principal, person.id)
    return document
