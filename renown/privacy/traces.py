"""What names a person (or an account without one), and rewriting it to a pseudonym
wherever it must remain.

A person is named by their name, e-mail, HRIS employee id and every identity they appear
under in interaction data (the org chart's identities and the identifiers HR mapped to
them from an upload); by the e-mails of their accounts, which uploads are matched on too;
and by keys derived from
their ids (``person:42`` in an audit subject, ``account:7`` as an actor,
``demo-seed:person:42``). :class:`Traces` gathers all of these once, and rewrites text
and JSON so none of them is left: words are replaced by the erasure's pseudonym
(``erased:<n>``), and person ids stored as numbers (in frozen decisions, ring members,
audit payloads) by the negative number ``-n``, which no row can have, so code that reads
those ids as integers keeps working and never finds anyone.

A community member or sponsor of the challenges is an account with no person
(:func:`traces_of_account`): they are named by the account's e-mail, their marketplace
display name and ``account:7``; the person parts are empty.

The pseudonym is random, not derived from anything: nothing can turn it back into the
person, yet every record of the same erasure shows the same one, so an auditor can still
see that one (erased) person acted in several entries.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown.audit.personal import ERASED
from renown.core.errors import Invalid, NotFound
from renown.core.identities import lookup_key
from renown.org.access import person_in_org
from renown.store.tables.accounts import Account
from renown.store.tables.challenges import MemberProfile
from renown.store.tables.org import Identity, IdentityAlias, Organisation

PERSON_ID_KEYS: Final = frozenset(
    {
        "person",
        "person_id",
        "people",
        "subject",
        "receiver",
        "giver",
        "incumbent",
        "members",
        "promoted",
        "recommended",
        "awards",
        "pool",
    }
)
"""JSON keys under which renown stores person ids (audit payloads, decisions): any integer
equal to the erased person's id below one of these keys is theirs."""
MIN_WORD: Final = 3
"""Shorter values (a two-letter handle) are not searched for inside free text: they would
match ordinary words. They are still removed wherever they are a whole value."""
_ID_TOKEN: Final = re.compile(r"(?<![\w])(person|account):(\d+)(?!\d)")


@dataclass(frozen=True)
class Traces:
    """Everything that names one person (or one account without a person) of one
    organisation, and their pseudonym."""

    org_id: int
    org_slug: str
    person_id: int | None
    """``None`` for an account without a person (a community member, a sponsor)."""
    account_ids: frozenset[int]
    words: tuple[str, ...]
    """Name, e-mails, employee id, identity values (an account without a person: its
    e-mail and marketplace display name): longest first."""
    lookup_keys: frozenset[str]
    """Normalised identity values, as event data is matched (:func:`lookup_key`)."""
    number: int
    """The pseudonym's number (random, positive)."""
    file_words: tuple[str, ...] | None = None
    """The words that make an uploaded file theirs (None: :attr:`words`). A member's display
    name may be an ordinary word ("python"): it is scrubbed from text, but an event upload
    that merely contains the word is not theirs, and must not be deleted for it."""
    _pattern: re.Pattern[str] | None = field(default=None, compare=False, repr=False)

    @property
    def pseudonym(self) -> str:
        """What replaces the person in text: ``erased:<n>``."""
        return f"{ERASED}{self.number}"

    @property
    def pseudonym_id(self) -> int:
        """What replaces the person's id where an integer must remain."""
        return -self.number

    @property
    def actors(self) -> frozenset[str]:
        """How the audit log names their accounts."""
        return frozenset(f"account:{a}" for a in self.account_ids)

    @property
    def tokens(self) -> tuple[str, ...]:
        """Id-derived keys that name them (``person:<id>``, ``account:<id>``)."""
        person = () if self.person_id is None else (f"person:{self.person_id}",)
        return (*person, *sorted(self.actors))

    @property
    def person_ids(self) -> list[int]:
        """The person's id, or none for an account without a person."""
        return [] if self.person_id is None else [self.person_id]

    def mentions(self, text: str) -> bool:
        """Whether ``text`` names the person."""
        return self.scrub_text(text) != text

    def scrub_text(self, text: str) -> str:
        """``text`` with every word and id-derived key of the person replaced."""
        if not text:
            return text
        lowered = text.strip().lower()
        if any(lowered == word.lower() for word in self.words):
            return self.pseudonym
        pattern = self._words_pattern()
        if pattern is not None:
            text = pattern.sub(self.pseudonym, text)
        return _ID_TOKEN.sub(self._token, text)

    def scrub_json(self, value: Any, *, ids: bool = False) -> Any:
        """``value`` with the person's words replaced in every string and key, and, below a
        :data:`PERSON_ID_KEYS` key (``ids``), their id replaced by :attr:`pseudonym_id`."""
        if isinstance(value, str):
            return self.scrub_text(value)
        if isinstance(value, bool):
            return value
        if isinstance(value, int):
            return self.pseudonym_id if ids and value in self.person_ids else value
        if isinstance(value, dict):
            return {
                self.scrub_text(str(k)): self.scrub_json(v, ids=ids or k in PERSON_ID_KEYS)
                for k, v in value.items()
            }
        if isinstance(value, list):
            return [self.scrub_json(v, ids=ids) for v in value]
        return value

    def _token(self, match: re.Match[str]) -> str:
        kind, number = match.group(1), int(match.group(2))
        named = number in self.person_ids if kind == "person" else number in self.account_ids
        return self.pseudonym if named else match.group(0)

    def _words_pattern(self) -> re.Pattern[str] | None:
        if self._pattern is not None:
            return self._pattern
        searchable = [w for w in self.words if len(w) >= MIN_WORD]
        if not searchable:
            return None
        alternatives = "|".join(re.escape(w) for w in searchable)
        pattern = re.compile(rf"(?<![\w])(?:{alternatives})(?![\w])", re.IGNORECASE)
        object.__setattr__(self, "_pattern", pattern)
        return pattern


def traces_of(
    session: Session, org_id: int, person_id: int, *, number: int | None = None
) -> Traces:
    """Gather what names ``person_id`` of ``org_id`` (NotFound for anyone else)."""
    person = person_in_org(session, org_id, person_id)
    slug = session.scalar(sa.select(Organisation.slug).where(Organisation.id == org_id))
    identities = list(
        session.scalars(sa.select(Identity.value).where(Identity.person_id == person.id))
    )
    # events stored under an address HR mapped to them are theirs as much as any identity's
    identities += session.scalars(
        sa.select(IdentityAlias.value).where(
            IdentityAlias.org_id == org_id, IdentityAlias.person_id == person.id
        )
    )
    accounts = session.execute(
        sa.select(Account.id, Account.email).where(
            Account.org_id == org_id, Account.person_id == person.id
        )
    ).all()
    words = _words([person.name, person.email, person.employee_id, *identities])
    words = _words([*words, *(email for _id, email in accounts)])
    signed_in = [email for _id, email in accounts]
    keys = frozenset(
        lookup_key(w) for w in [person.employee_id, *identities, person.email or "", *signed_in]
    )
    return Traces(
        org_id=org_id,
        org_slug=str(slug),
        person_id=person.id,
        account_ids=frozenset(account_id for account_id, _email in accounts),
        words=words,
        lookup_keys=frozenset(k for k in keys if k),
        number=number if number is not None else new_pseudonym_number(),
    )


def traces_of_account(
    session: Session, org_id: int, account_id: int, *, number: int | None = None
) -> Traces:
    """Gather what names ``account_id`` of ``org_id``, an account without a person: its
    e-mail (which uploads may name it by) and its marketplace display name.

    NotFound for another organisation's account; Invalid for an account that represents
    a person (erasing the person erases their accounts, and everything else about them).
    """
    account = session.get(Account, account_id)
    if account is None or account.org_id != org_id:
        raise NotFound(f"no account {account_id}")
    if account.person_id is not None:
        raise Invalid(
            f"account {account_id} belongs to a person of the org chart: erase the person instead"
        )
    slug = session.scalar(sa.select(Organisation.slug).where(Organisation.id == org_id))
    display = session.scalar(
        sa.select(MemberProfile.display_name).where(MemberProfile.account_id == account.id)
    )
    return Traces(
        org_id=org_id,
        org_slug=str(slug),
        person_id=None,
        account_ids=frozenset({account.id}),
        words=_words([account.email, display]),
        lookup_keys=frozenset(k for k in [lookup_key(account.email)] if k),
        number=number if number is not None else new_pseudonym_number(),
        file_words=_words([account.email]),
    )


def new_pseudonym_number() -> int:
    """A random pseudonym number (48 bits: unguessable and readable)."""
    return secrets.randbelow(2**48 - 1) + 1


def _words(values: Iterable[str | None]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for value in values:
        text = (value or "").strip()
        if text:
            seen.setdefault(text.lower(), text)
    return tuple(sorted(seen.values(), key=lambda w: (-len(w), w.lower())))


LIKE_ESCAPE: Final = "!"


def like_patterns(words: Collection[str]) -> list[str]:
    """``LIKE`` patterns (escaped with :data:`LIKE_ESCAPE`, to compare with the lower-cased
    column) that find every word as it may be stored: as typed, in JSON's ASCII escapes,
    in the usual letter cases."""
    found: set[str] = set()
    for word in words:
        for variant in {word, word.lower(), word.upper(), word.title()}:
            for form in (variant, json.dumps(variant)[1:-1]):
                escaped = "".join(
                    LIKE_ESCAPE + c if c in f"%_{LIKE_ESCAPE}" else c for c in form.lower()
                )
                found.add(f"%{escaped}%")
    return sorted(found)
