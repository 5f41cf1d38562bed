"""Identities a person of the org chart is known under, and which person owns an identity.

The normalisation rules themselves live in :mod:`renown.core.identities`; this module adds
what needs the org model: which identities an HRIS row declares, and :func:`owners_of`, the
one lookup from the raw identities events and scores name (e-mail addresses, handles, ids)
to the people of an organisation, used by scoring, snapshots and the org's own queries.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
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
from renown.store.tables.org import Identity

__all__ = [
    "EMAIL",
    "EMPLOYEE_ID",
    "identities_for",
    "lookup_key",
    "normalise_email",
    "normalise_handle",
    "normalise_identity",
    "owners_of",
    "resolve_identities",
]

LOOKUP_BATCH: Final = 5000
"""Identity values per lookup query (well under SQLite's bound-parameter limit)."""


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
    raws = list(dict.fromkeys(raw_values))
    keys = sorted({lookup_key(raw) for raw in raws})
    rows: list[tuple[str, str, int]] = []
    for start in range(0, len(keys), LOOKUP_BATCH):
        found = session.execute(
            sa.select(Identity.kind, Identity.value, Identity.person_id).where(
                Identity.org_id == org_id, Identity.value.in_(keys[start : start + LOOKUP_BATCH])
            )
        )
        rows.extend((kind, value, person) for kind, value, person in found)
    return resolve_identities(raws, rows)
