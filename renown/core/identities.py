"""Normalising the names people appear under, so an org chart and event data agree.

The same person is ``Ana.Lopez@Example.com `` in the HRIS export, ``ana.lopez@example.com``
in the mail log and ``@Ana`` or ``ana`` in chat. Both the org import (which stores
identities) and score matching (which looks scored event identities up) go through the
functions here, so a value normalised on one side is found on the other. It lives in
``core`` because the batch layer (which matches scores) may not import the org package.

Rules: every value is trimmed and lower-cased; handles and ids lose any leading ``@``
(chat exports disagree on whether to show it, so it carries no information). E-mail
addresses never start with ``@``, so :func:`lookup_key` normalises any raw event identity
without knowing its kind.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

EMAIL = "email"
EMPLOYEE_ID = "employee_id"

KIND_PRIORITY: Mapping[str, int] = {EMPLOYEE_ID: 0, EMAIL: 1}
"""When one value belongs to different people under different kinds, the HRIS key wins,
then e-mail, then the other kinds in name order (deterministic, and the most trusted first)."""


def normalise_email(value: str) -> str:
    """``  Ana@Example.COM `` -> ``ana@example.com``."""
    return value.strip().lower()


def normalise_handle(value: str) -> str:
    """``@Ana_Dev`` and ``ana_dev`` -> ``ana_dev`` (also used for employee ids)."""
    return value.strip().lower().lstrip("@").strip()


def normalise_kind(kind: str) -> str:
    """Identity kinds are lower-case words: ``Chat`` -> ``chat``."""
    return kind.strip().lower()


def normalise_identity(kind: str, value: str) -> str:
    """The stored form of ``value`` for an identity of ``kind``."""
    if normalise_kind(kind) == EMAIL:
        return normalise_email(value)
    return normalise_handle(value)


def lookup_key(raw: str) -> str:
    """The form under which a raw event identity (of unknown kind) is looked up."""
    return normalise_handle(raw)


def resolve_identities(
    raw_values: Iterable[str],
    identities: Iterable[tuple[str, str, int]],
) -> dict[str, int]:
    """Map raw event identities to person ids, given stored ``(kind, value, person_id)`` rows.

    A raw value absent from the result belongs to nobody known. Values shared by several
    people under different kinds resolve by :data:`KIND_PRIORITY`.
    """
    best: dict[str, tuple[int, str, int]] = {}
    for kind, value, person_id in identities:
        rank = (KIND_PRIORITY.get(kind, len(KIND_PRIORITY)), kind, person_id)
        current = best.get(value)
        if current is None or rank < current:
            best[value] = rank
    resolved: dict[str, int] = {}
    for raw in raw_values:
        hit = best.get(lookup_key(raw))
        if hit is not None:
            resolved[raw] = hit[2]
    return resolved
