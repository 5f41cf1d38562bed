"""A person's consent to bulk linking, and HR's file of links for those who gave it.

HR may know people's public handles (an intranet directory, a sign-up sheet), but a link
is the person's choice: a row of HR's file is accepted only for a person who has said, on
their own networks page, that HR may link their accounts. The file is checked whole before
anything is written, every problem is reported with its line and field, and a file with
any problem adds nothing. Rows already linked are left as they are, so the same file
twice adds nothing. Imported links count as proven (``verified_by = "import"``); the
person sees them on their page and can unlink any.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Final

import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown import audit
from renown.accounts.principal import Principal
from renown.connectors.registry import CONNECTORS
from renown.core.delimited import decode_text, read_records
from renown.core.errors import FileErrors, InputError, NotAllowed
from renown.external.linking import MAX_ACCOUNTS_PER_NETWORK, new_code
from renown.external.results import ImportedLinks
from renown.org.access import own_person
from renown.store.tables.external import ExternalAccount, ExternalConsent
from renown.store.tables.org import Person

COLUMNS: Final = ("person", "network", "handle")
MAX_ROWS: Final = 50_000


class LinkFileErrors(FileErrors):
    """Every problem of a file of links."""

    cell = "column"


def check_set_bulk_consent(
    session: Session, principal: Principal, allow: bool, *, now: datetime
) -> bool:
    """Record the principal's own choice on bulk linking; answer it."""
    person = own_person(session, principal)
    if person is None:
        raise NotAllowed("Only the organisation's people have external accounts.")
    row = session.get(ExternalConsent, person.id)
    if row is None:
        row = ExternalConsent(person_id=person.id, org_id=person.org_id)
        session.add(row)
    row.bulk_linking = allow
    row.decided_at = now
    session.flush()
    audit.append_by(
        session,
        principal,
        "external.bulk_consent",
        subject=f"person:{person.id}",
        payload={"allow": allow},
        at=now,
    )
    return allow


def bulk_consent(session: Session, person_id: int) -> bool:
    """Whether the person let HR link their accounts from a file."""
    row = session.get(ExternalConsent, person_id)
    return bool(row is not None and row.bulk_linking)


@dataclass(frozen=True)
class _Row:
    line: int
    person_id: int
    network: str
    handle: str


def check_import_links(
    session: Session, principal: Principal, data: bytes, *, source: str, now: datetime
) -> ImportedLinks:
    """Link the accounts of HR's CSV (``person,network,handle``; see the module)."""
    principal.require_people_admin("Only HR and administrators import links.")
    rows = _read(session, principal.org_id, data, source)
    accounts = list(
        session.scalars(
            sa.select(ExternalAccount).where(ExternalAccount.org_id == principal.org_id)
        )
    )
    proven = {(a.network, a.handle): a for a in accounts if a.status == "verified"}
    own = {(a.person_id, a.network, a.handle): a for a in accounts}
    held = Counter((a.person_id, a.network) for a in accounts)
    problems: list[InputError] = []
    seen: dict[tuple[str, str], int] = {}
    counted: set[tuple[int, str, str]] = set()
    for row in rows:
        key = (row.network, row.handle)
        owner = proven.get(key)
        mine = (row.person_id, row.network, row.handle)
        if mine not in own and mine not in counted:
            counted.add(mine)
            held[(row.person_id, row.network)] += 1  # one more account for this person
            if held[(row.person_id, row.network)] > MAX_ACCOUNTS_PER_NETWORK:
                problems.append(
                    InputError(
                        source,
                        f"a person links at most {MAX_ACCOUNTS_PER_NETWORK} accounts per network",
                        line=row.line,
                        field="handle",
                    )
                )
        if owner is not None and owner.person_id != row.person_id:
            problems.append(
                InputError(
                    source, "already linked to another person", line=row.line, field="handle"
                )
            )
        if key in seen and seen[key] != row.person_id:
            problems.append(
                InputError(
                    source, "given to two people in this file", line=row.line, field="handle"
                )
            )
        seen[key] = row.person_id
    if problems:
        raise LinkFileErrors(source, "links", problems)
    added = unchanged = 0
    for row in rows:
        mine = (row.person_id, row.network, row.handle)
        account = own.get(mine)
        if account is not None and account.status == "verified":
            unchanged += 1
            continue
        # the link is proven by HR's file: other people's claims on the handle are withdrawn
        session.execute(
            sa.delete(ExternalAccount).where(
                ExternalAccount.org_id == principal.org_id,
                ExternalAccount.network == row.network,
                ExternalAccount.handle == row.handle,
                ExternalAccount.person_id != row.person_id,
                ExternalAccount.status == "pending",
            )
        )
        if account is None:
            account = ExternalAccount(
                org_id=principal.org_id,
                person_id=row.person_id,
                network=row.network,
                handle=row.handle,
                verification_code=new_code(),
                pull_state={},
                created_at=now,
            )
            session.add(account)
            own[mine] = account
        account.status = "verified"
        account.verified_by = "import"
        account.verified_at = now
        account.linked_by_account_id = principal.account_id
        session.flush()
        added += 1
    session.flush()
    audit.append_by(
        session,
        principal,
        "external.import_links",
        subject=f"org:{principal.org_id}",
        payload={"added": added, "unchanged": unchanged},
        at=now,
    )
    return ImportedLinks(added=added, unchanged=unchanged)


def _read(session: Session, org_id: int, data: bytes, source: str) -> list[_Row]:
    text = decode_text(data, source)
    records = iter(read_records(text, source=source))
    header = next(records, None)
    if header is None:
        raise InputError(source, "the file is empty; expected columns person,network,handle")
    names = [cell.strip().lower() for cell in header.cells]
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        raise InputError(source, f"missing column {missing[0]!r}", line=1, field=missing[0])
    at = {c: names.index(c) for c in COLUMNS}
    people = _people(session, org_id)
    consent = set(
        session.scalars(
            sa.select(ExternalConsent.person_id).where(
                ExternalConsent.org_id == org_id, ExternalConsent.bulk_linking.is_(True)
            )
        )
    )
    problems: list[InputError] = []
    rows: list[_Row] = []
    for record in records:
        if len(rows) + len(problems) >= MAX_ROWS:
            problems.append(InputError(source, f"more than {MAX_ROWS} rows", line=record.line))
            break
        cells = record.cells
        if not any(c.strip() for c in cells):
            continue
        value = {c: (cells[i].strip() if i < len(cells) else "") for c, i in at.items()}
        person_id = people.get(value["person"].casefold())
        network = value["network"].lower()
        if person_id is None:
            problems.append(
                InputError(
                    source,
                    "no such person (employee id or e-mail)",
                    line=record.line,
                    field="person",
                )
            )
        elif person_id not in consent:
            problems.append(
                InputError(
                    source,
                    "this person has not allowed HR to link their accounts",
                    line=record.line,
                    field="person",
                )
            )
        plugin = CONNECTORS.get(network)
        if plugin is None:
            problems.append(
                InputError(
                    source,
                    f"unknown network; one of {', '.join(CONNECTORS)}",
                    line=record.line,
                    field="network",
                )
            )
            continue
        try:
            handle = plugin.parse_handle(value["handle"])
        except ValueError as error:
            problems.append(InputError(source, str(error), line=record.line, field="handle"))
            continue
        if person_id is not None:
            rows.append(_Row(record.line, person_id, network, handle))
    if problems:
        raise LinkFileErrors(source, "links", problems[:100], truncated=len(problems) > 100)
    return rows


def _people(session: Session, org_id: int) -> dict[str, int]:
    found: dict[str, int] = {}
    for pid, employee_id, email in session.execute(
        sa.select(Person.id, Person.employee_id, Person.email).where(Person.org_id == org_id)
    ):
        found[employee_id.casefold()] = pid
        if email:
            found.setdefault(email.casefold(), pid)
    return found
