"""Outside raters' single-use links and addresses (the database side of :mod:`raters`).

A link's token is the rater's only credential. Only its SHA-256 is stored (like API
tokens), so a copy of the database answers nothing, and the token exists only while it is
being mailed to the rater or, without a mail server, shown once to the requester.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from sqlalchemy.orm import Session

from renown.core.errors import Invalid
from renown.feedback.address_words import not_an_address
from renown.feedback.raters import mailbox
from renown.store.tables.accounts import Account
from renown.store.tables.org import Person

LINK_PREFIX = "fbr_"


@dataclass(frozen=True)
class ExternalRater:
    """Someone outside the organisation (a client) asked by e-mail."""

    email: str
    name: str


def link_digest(token: str) -> str:
    """What the database keeps of an outside rater's token."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_link_token() -> str:
    """A fresh token: 256 random bits behind a recognisable prefix."""
    return LINK_PREFIX + secrets.token_urlsafe(32)


def checked_raters(
    session: Session, org_id: int, external: Sequence[ExternalRater]
) -> dict[str, str]:
    """Outside raters as ``{address: name}``: valid, one per mailbox, none a colleague.

    A colleague asked through an outside address would give a second, unauthenticated
    answer beside their own; they are asked in renown instead.
    """
    raters: dict[str, str] = {}
    mailboxes: dict[str, str] = {}
    for rater in external:
        email, name = plain_address(rater.email), rater.name.strip()
        if not name or len(name) > 200:
            raise Invalid(
                f"an outside rater needs a name of 1 to 200 characters: {email!r}",
                field="external",
            )
        box = mailbox(email)
        if box in mailboxes and mailboxes[box] != email:
            raise Invalid(
                f"{email} and {mailboxes[box]} are the same mailbox: ask once", field="external"
            )
        mailboxes[box] = email
        raters[email] = name
    if raters:
        colleagues = colleague_mailboxes(session, org_id)
        for email in raters:
            if mailbox(email) in colleagues:
                raise Invalid(
                    f"{email} belongs to someone in the organisation: ask them as a colleague",
                    field="external",
                )
    return raters


def plain_address(text: str) -> str:
    """One plain e-mail address, lower-cased, or :class:`Invalid`.

    email-validator (RFC 5322 addr-spec, the checker pydantic uses) refuses what a mail
    server would read as several mailboxes or a display name ("a@x, b@y", "Ann <a@x>"): a
    requester could otherwise hide their own address beside a rater's, or a colleague's
    behind a display name the colleague check does not see.
    """
    try:
        checked = validate_email(text.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise Invalid(not_an_address(text.strip(), str(error)), field="external") from None
    return checked.normalized.lower()


def colleague_mailboxes(session: Session, org_id: int) -> set[str]:
    """Mailboxes of the organisation's people and accounts."""
    people = session.scalars(
        sa.select(Person.email).where(Person.org_id == org_id, Person.email.is_not(None))
    ).all()
    accounts = session.scalars(sa.select(Account.email).where(Account.org_id == org_id)).all()
    return {mailbox(address) for address in [*people, *accounts] if address}
