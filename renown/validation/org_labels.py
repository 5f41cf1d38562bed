"""Labels an organisation uploads, matched to its people rather than to event identities.

HR keys a labels file by what their spreadsheet has: employee ids or e-mail addresses,
in whatever case. Both are identities the org import recorded, so the one lookup scoring
uses (:func:`renown.org.identities.owners_of`, case-insensitive for e-mail) places them. A
file that places nobody is refused at once, before any work is queued, with a hint about
the id column; ids that place nobody are listed, since a label silently dropped for some
people changes whom the metrics are about.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from sqlalchemy.orm import Session

from renown.core.errors import InputError
from renown.org.identities import owners_of
from renown.validation.labels import Labels

UNMATCHED_KEPT: Final = 50
"""How many unmatched ids are kept to show (the count is always kept)."""


@dataclass(frozen=True)
class PeopleLabels:
    """Labels keyed by the organisation's person ids."""

    source: str
    values: dict[int, float]
    unmatched: tuple[str, ...]
    """Labelled ids that belong to nobody of the organisation (up to :data:`UNMATCHED_KEPT`)."""
    unmatched_count: int


def match_people(session: Session, org_id: int, labels: Labels) -> PeopleLabels:
    """Place every labelled id on a person of ``org_id``.

    Raises
    ------
    InputError
        No id belongs to a person of the organisation, or two ids of one person carry
        different labels (which of them the organisation trusts is not renown's to guess).
    """
    owners = owners_of(session, org_id, labels.values)
    values: dict[int, float] = {}
    given_as: dict[int, str] = {}
    for raw, label in labels.values.items():
        person = owners.get(raw)
        if person is None:
            continue
        if person in values and values[person] != label:
            raise InputError(
                labels.source,
                f"{given_as[person]!r} and {raw!r} are one person with different labels "
                f"({values[person]:g} and {label:g})",
                field=raw,
            )
        values[person] = label
        given_as.setdefault(person, raw)
    unmatched = sorted(raw for raw in labels.values if raw not in owners)
    if not values:
        example = ", ".join(sorted(labels.values)[:3])
        raise InputError(
            labels.source,
            f"no labelled id matches a person of the organisation (the file uses ids like "
            f"{example}); the id column must hold employee ids or e-mail addresses as in "
            "the org chart",
        )
    return PeopleLabels(labels.source, values, tuple(unmatched[:UNMATCHED_KEPT]), len(unmatched))
