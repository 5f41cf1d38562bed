"""Personal values in audit entries: recorded by keyed digest, kept beside the chain.

An audit entry must stay verifiable for ever, but the person it names may ask to be
erased. So a value that names someone (an account's e-mail, the name a decision is signed
with) is passed to :func:`renown.audit.append` wrapped in :func:`personal`: the hashed
payload then holds ``{"$personal": <digest>}``, where the digest is HMAC-SHA256 of the
value under a random key of its own, and the value and key live in
:class:`~renown.store.tables.audit.AuditPersonalValue`, tied to the person and account it
names. Deleting that row (erasure deletes the person and accounts, and the row's foreign
keys cascade) removes the value without touching the hashed content; what is left, a
digest under a forgotten key, can no more be tested against guesses than a random number.
While the row exists, :func:`check_values` proves the value is the one recorded.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown.store.tables.accounts import Account
from renown.store.tables.audit import AuditPersonalValue
from renown.store.tables.org import Person

MARKER: Final = "$personal"
"""Key of the object that stands for a personal value in a hashed payload."""
ERASED: Final = "erased:"
"""Prefix of the pseudonym that replaces an erased person wherever a value must remain."""


@dataclass(frozen=True)
class Personal:
    """A payload value that names someone (see :func:`personal`)."""

    value: str
    person_id: int | None = None
    account_id: int | None = None


def personal(value: str, *, person_id: int | None = None, account_id: int | None = None) -> Any:
    """Wrap ``value`` so the audit log records it by digest, erasable with its person or
    account (at least one of them should be given, or nothing can ever erase it)."""
    return Personal(value, person_id, account_id)


def digest_of(key_hex: str, value: str) -> str:
    """The keyed digest an entry records for ``value``."""
    return hmac.new(bytes.fromhex(key_hex), value.encode(), hashlib.sha256).hexdigest()


def seal(payload: Any, found: list[tuple[str, str, Personal]]) -> Any:
    """``payload`` with every :class:`Personal` replaced by its marker; appends
    ``(digest, key, personal)`` to ``found`` for the side rows."""
    if isinstance(payload, Personal):
        key = secrets.token_hex(32)
        digest = digest_of(key, payload.value)
        found.append((digest, key, payload))
        return {MARKER: digest}
    if isinstance(payload, dict):
        return {k: seal(v, found) for k, v in payload.items()}
    if isinstance(payload, list | tuple):
        return [seal(v, found) for v in payload]
    return payload


def store_values(
    session: Session, seq: int, org_id: int | None, found: list[tuple[str, str, Personal]]
) -> None:
    """Keep the sealed values of entry ``seq`` beside the chain.

    A reference to a person or account that does not exist (a principal made up by a
    script) is dropped rather than failing the entry: the value then goes with whichever
    of the two does exist.
    """
    for digest, key, item in found:
        person = item.person_id
        account = item.account_id
        if person is not None and session.get(Person, person) is None:
            person = None
        if account is not None and session.get(Account, account) is None:
            account = None
        session.add(
            AuditPersonalValue(
                digest=digest,
                seq=seq,
                org_id=org_id,
                person_id=person,
                account_id=account,
                key=key,
                value=item.value,
            )
        )


def markers(payload: Any) -> Iterator[str]:
    """Digests of the personal values a payload refers to."""
    if isinstance(payload, dict):
        if set(payload) == {MARKER} and isinstance(payload[MARKER], str):
            yield payload[MARKER]
            return
        for value in payload.values():
            yield from markers(value)
    elif isinstance(payload, list):
        for value in payload:
            yield from markers(value)


def is_marker(value: Any) -> bool:
    """Whether ``value`` stands for a personal value."""
    return isinstance(value, dict) and set(value) == {MARKER}


def resolved(session: Session, payload: Any) -> Any:
    """``payload`` with its personal values filled in (``None`` where they were erased)."""
    digests = list(markers(payload))
    if not digests:
        return payload
    values = dict(
        session.execute(
            sa.select(AuditPersonalValue.digest, AuditPersonalValue.value).where(
                AuditPersonalValue.digest.in_(digests)
            )
        ).all()
    )

    def fill(value: Any) -> Any:
        if is_marker(value):
            return values.get(value[MARKER])
        if isinstance(value, dict):
            return {k: fill(v) for k, v in value.items()}
        if isinstance(value, list):
            return [fill(v) for v in value]
        return value

    return fill(payload)


def matches(session: Session, recorded: Any, value: str) -> bool:
    """Whether a recorded payload value vouches for ``value``.

    A plain value must be equal; a sealed one must digest to it under its key, or, once
    erased, ``value`` must be an erasure pseudonym (the record says only that someone was
    named and has since been erased).
    """
    if not is_marker(recorded):
        return bool(recorded == value)
    row = session.get(AuditPersonalValue, recorded[MARKER])
    if row is None:
        return value.startswith(ERASED)
    return hmac.compare_digest(digest_of(row.key, value), row.digest)


def altered_values(session: Session) -> list[int]:
    """Entries (by seq) whose kept personal value no longer matches its recorded digest."""
    return [
        row.seq
        for row in session.scalars(sa.select(AuditPersonalValue).order_by(AuditPersonalValue.seq))
        if not hmac.compare_digest(digest_of(row.key, row.value), row.digest)
    ]
