"""Identities a person of the org chart is known under, in their stored (normalised) form.

The normalisation rules themselves live in :mod:`renown.core.identities` so that score
matching in the batch layer applies exactly the same ones; this module adds what only the
org model needs: which identities an HRIS row declares.
"""

from __future__ import annotations

from collections.abc import Iterator

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

__all__ = [
    "EMAIL",
    "EMPLOYEE_ID",
    "identities_for",
    "lookup_key",
    "normalise_email",
    "normalise_handle",
    "normalise_identity",
    "resolve_identities",
]


def identities_for(row: HrisRow) -> Iterator[tuple[str, str]]:
    """``(kind, value)`` pairs: the employee id, the e-mail, aliases (as e-mail), handles."""
    for kind, value, _field in row_identities(row):
        yield kind, value
