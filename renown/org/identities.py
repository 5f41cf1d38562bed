"""Identities a person of the org chart is known under, and which person owns an identity.

The normalisation rules themselves live in :mod:`renown.core.identities`; this module adds
what needs the org model: which identities an HRIS row declares, and :func:`owners_of`, the
one lookup from the raw identities events and scores name (e-mail addresses, handles, ids)
to the people of an organisation, used by scoring, snapshots and the org's own queries.

An identifier is looked for among every name the organisation knows a person by: the
identities the org chart declared (employee ids, e-mails, handles, aliases), the e-mail
an account of that person signs in with (events exported from the company's own tools
are often keyed by it), and the choices HR made for identifiers of earlier uploads
(:class:`~renown.store.tables.org.IdentityAlias`: mapped to a person, or ignored).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Final

import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown.core.identities import (
    EMAIL,
    EMPLOYEE_ID,
    lookup_key,
    normalise_email,
    normalise_handle,
    normalise_identity,
    resolve_identities,
)
from renown.org.hris import HrisRow, row_identities
from renown.store.tables.accounts import Account
from renown.store.tables.org import Identity, IdentityAlias

__all__ = [
    "EMAIL",
    "EMPLOYEE_ID",
    "IdentityMatch",
    "identities_for",
    "lookup_key",
    "match_identities",
    "normalise_email",
    "normalise_handle",
    "normalise_identity",
    "owners_of",
    "resolve_identities",
]

LOOKUP_BATCH: Final = 5000
"""Identity values per lookup query (well under SQLite's bound-parameter limit)."""

SIGN_IN: Final = "sign_in"
"""The kind under which an account's sign-in e-mail names its person (after the org
chart's own kinds: :data:`~renown.core.identities.KIND_PRIORITY` ranks unlisted kinds
by name, and ``sign_in`` sorts after ``chat``, ``email`` and ``employee_id``)."""


@dataclass(frozen=True)
class IdentityMatch:
    """Who each raw identifier names, and which ones HR decided about."""

    owners: dict[str, int]
    """Raw identifier -> person id, for every identifier that names a known person."""
    mapped: frozenset[str]
    """Identifiers that name their person only through a mapping HR chose."""
    ignored: frozenset[str]
    """Identifiers HR chose to ignore: their events are left out of scoring."""

    def unmatched(self, raw_values: Iterable[str]) -> list[str]:
        """The identifiers of ``raw_values`` that name nobody and were not ignored."""
        return [r for r in raw_values if r not in self.owners and r not in self.ignored]


def identities_for(row: HrisRow) -> Iterator[tuple[str, str]]:
    """``(kind, value)`` pairs: the employee id, the e-mail, aliases (as e-mail), handles."""
    for kind, value, _field in row_identities(row):
        yield kind, value


def owners_of(session: Session, org_id: int, raw_values: Iterable[str]) -> dict[str, int]:
    """The person of ``org_id`` who owns each raw identity: raw value -> person id.

    Values are matched as the org import stored them (:func:`lookup_key`); a value that
    belongs to nobody known is absent, and one shared by several people under different
    kinds goes to the owner of the strongest kind (:func:`resolve_identities`).
    """
    return match_identities(session, org_id, raw_values).owners


def match_identities(session: Session, org_id: int, raw_values: Iterable[str]) -> IdentityMatch:
    """Match raw identifiers to the people of ``org_id`` (see the module's docstring).

    What the org chart or an account says wins over a choice HR made earlier: a choice is
    only ever made for an identifier nobody owned at the time.
    """
    raws = list(dict.fromkeys(raw_values))
    keys = sorted({lookup_key(raw) for raw in raws})
    rows: list[tuple[str, str, int]] = []
    chosen: dict[str, int | None] = {}
    for start in range(0, len(keys), LOOKUP_BATCH):
        batch = keys[start : start + LOOKUP_BATCH]
        found = session.execute(
            sa.select(Identity.kind, Identity.value, Identity.person_id).where(
                Identity.org_id == org_id, Identity.value.in_(batch)
            )
        )
        rows.extend((kind, value, person) for kind, value, person in found)
        signing_in = session.execute(
            sa.select(Account.email, Account.person_id).where(
                Account.org_id == org_id,
                Account.person_id.is_not(None),
                Account.email.in_(batch),  # stored lower-case and trimmed
            )
        )
        rows.extend((SIGN_IN, email, person) for email, person in signing_in if person)
        aliases = session.execute(
            sa.select(IdentityAlias.value, IdentityAlias.person_id).where(
                IdentityAlias.org_id == org_id, IdentityAlias.value.in_(batch)
            )
        )
        chosen.update((value, person) for value, person in aliases)
    owners = resolve_identities(raws, rows)
    mapped: set[str] = set()
    ignored: set[str] = set()
    for raw in raws:
        key = lookup_key(raw)
        if raw in owners or key not in chosen:
            continue
        person = chosen[key]
        if person is None:
            ignored.add(raw)
        else:
            owners[raw] = person
            mapped.add(raw)
    return IdentityMatch(owners=owners, mapped=frozenset(mapped), ignored=frozenset(ignored))
