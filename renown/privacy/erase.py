"""Erasing a person (the right to erasure): HR's decision, carried out everywhere at once.

After an erasure no table, lake partition, run output or score snapshot names the person
(see :mod:`renown.privacy.registry` for what happens to each kind of record, and why).
The steps, and why in this order:

1. **Check** (read only): the person belongs to the caller's organisation (anyone else's
   is "not found"), is not the caller, a reason is given, and no job of the organisation
   is waiting or running (an ingest, or a recognition export, could write them back).
2. **Files** (:mod:`renown.privacy.files`): the lake, run outputs and uploads, each
   rewritten crash-safely. This runs before the database transaction and outside it, so
   a long lake rewrite never holds the database's write lock; and if anything fails or
   the process dies before step 3 commits, the person is still in the database and
   running the erasure again completes it (every file step is idempotent).
3. **Database**, in one transaction: rows detached, cleared and deleted
   (:mod:`renown.privacy.erase_rows`), frozen decisions and ring reviews pseudonymised
   (:mod:`renown.privacy.erase_records`), free text scrubbed (:mod:`renown.privacy.scrub`),
   audit entries redacted on the record, and one ``person.erase`` entry naming only the
   pseudonym, with the reason and what was done. Either all of it is committed or none.
4. On SQLite, deleted rows are overwritten (``secure_delete``), and after the commit the
   file is rebuilt (``VACUUM``) and its write-ahead log emptied, so the database file keeps
   no copy of them. PostgreSQL keeps dead row versions in its files until it vacuums and
   reuses the space; operators vacuum (and rotate backups) for that.

Erasing someone already erased finds no such person (404) and changes nothing.

**An account without a person** (a community member or a sponsor of the challenges) is
erased the same way, by :func:`check_erase_account` / :func:`do_erase_account`: its traces
are its e-mail and marketplace display name (:func:`renown.privacy.traces.traces_of_account`),
its rows every column that names an account, then the account row itself; the audit log is
redacted alike and one ``account.erase`` entry names only the pseudonym. An account that
represents a person is refused (erase the person, which takes their accounts along).
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown import audit
from renown.accounts.principal import Principal
from renown.core.clock import Clock, SystemClock
from renown.core.errors import Invalid, NotAllowed
from renown.core.roles import Role
from renown.org.access import access_person
from renown.privacy.erase_records import pseudonymise_decisions, pseudonymise_rings, redact_audit
from renown.privacy.erase_rows import erase_rows
from renown.privacy.files import FilesErased, erase_from_files
from renown.privacy.scrub import scrub_organisation
from renown.privacy.traces import Traces, traces_of, traces_of_account
from renown.settings import Settings
from renown.store.engine import writing
from renown.store.tables.accounts import Account
from renown.store.tables.jobs import Job

logger = logging.getLogger(__name__)
MAX_REASON: Final = 2000
ERASE_ACTION: Final = "person.erase"
ERASE_ACCOUNT_ACTION: Final = "account.erase"


@dataclass(frozen=True)
class Erasure:
    """What one erasure did (the person is named only by the pseudonym)."""

    pseudonym: str
    rows: dict[str, int] = field(default_factory=dict)
    """Rows detached, cleared or deleted, per ``table.column``."""
    scrubbed: dict[str, int] = field(default_factory=dict)
    """Rows whose free text mentioned the person, per ``table.column``."""
    decisions: int = 0
    rings: int = 0
    audit_entries: int = 0
    files: FilesErased = field(default_factory=FilesErased)

    def summary(self) -> dict[str, Any]:
        """JSON-ready account of the erasure (what the audit entry records)."""
        return {
            "pseudonym": self.pseudonym,
            "rows": self.rows,
            "scrubbed": self.scrubbed,
            "decisions": self.decisions,
            "rings": self.rings,
            "audit_entries": self.audit_entries,
            "lake_events": self.files.lake_events,
            "score_rows": self.files.score_rows,
            "score_files": self.files.score_files,
            "uploads": self.files.uploads,
        }


def check_erase_person(
    session: Session,
    settings: Settings,
    principal: Principal,
    person_id: int,
    reason: str,
    *,
    confirm_name: str,
    clock: Clock | None = None,
) -> Erasure:
    """HR and administrators erase a person of their own organisation (committed here).

    ``confirm_name`` must be the person's name as renown holds it (letter case aside): an
    erasure cannot be undone, and a mistyped id must not erase someone else.
    """
    principal.require_people_admin("only HR and administrators erase people")
    person = access_person(session, principal, person_id)
    if confirm_name.strip().casefold() != person.name.strip().casefold():
        raise Invalid(f"type the name of person {person_id} to confirm the erasure")
    if principal.person_id == person_id:
        raise Invalid("you cannot erase yourself; ask another HR person or administrator")
    return do_erase_person(
        session,
        settings,
        org_id=principal.org_id,
        person_id=person_id,
        reason=reason,
        actor=principal.actor,
        clock=clock,
    )


def do_erase_person(
    session: Session,
    settings: Settings,
    *,
    org_id: int,
    person_id: int,
    reason: str,
    actor: str,
    clock: Clock | None = None,
) -> Erasure:
    """Erase ``person_id`` of ``org_id`` from files and the database (no authorisation: for
    the CLI and ``check_erase_person``). Commits the session; see the module docstring."""
    return _erase(
        session,
        settings,
        lambda number: traces_of(session, org_id, person_id, number=number),
        reason=reason,
        actor=actor,
        action=ERASE_ACTION,
        clock=clock,
    )


def check_erase_account(
    session: Session,
    settings: Settings,
    principal: Principal,
    account_id: int,
    reason: str,
    *,
    confirm_email: str,
    clock: Clock | None = None,
) -> Erasure:
    """HR and administrators erase an account without a person (a community member, a
    sponsor) of their own organisation (committed here).

    ``confirm_email`` must be the account's e-mail (letter case aside): an erasure cannot
    be undone, and a mistyped id must not erase someone else. Only an administrator erases
    an administrator's account.
    """
    principal.require_people_admin("only HR and administrators erase accounts")
    traces_of_account(session, principal.org_id, account_id)  # 404, or "erase the person"
    account = session.get(Account, account_id)
    assert account is not None
    if confirm_email.strip().casefold() != account.email.strip().casefold():
        raise Invalid(f"type the e-mail address of account {account_id} to confirm the erasure")
    if principal.account_id == account_id:
        raise Invalid("you cannot erase your own account; ask another HR person or administrator")
    if account.role == Role.ADMIN.value and principal.role is not Role.ADMIN:
        raise NotAllowed("only administrators erase an administrator's account")
    return do_erase_account(
        session,
        settings,
        org_id=principal.org_id,
        account_id=account_id,
        reason=reason,
        actor=principal.actor,
        clock=clock,
    )


def do_erase_account(
    session: Session,
    settings: Settings,
    *,
    org_id: int,
    account_id: int,
    reason: str,
    actor: str,
    clock: Clock | None = None,
) -> Erasure:
    """Erase ``account_id`` of ``org_id``, an account without a person, from files and the
    database (no authorisation: for the CLI and ``check_erase_account``). Commits the
    session; the steps are the person's (module docstring)."""
    return _erase(
        session,
        settings,
        lambda number: traces_of_account(session, org_id, account_id, number=number),
        reason=reason,
        actor=actor,
        action=ERASE_ACCOUNT_ACTION,
        clock=clock,
    )


def _erase(
    session: Session,
    settings: Settings,
    gather: Callable[[int | None], Traces],
    *,
    reason: str,
    actor: str,
    action: str,
    clock: Clock | None,
) -> Erasure:
    """The steps every erasure takes (module docstring): ``gather`` reads the traces (with
    the pseudonym number to keep, or a new one)."""
    traces = gather(None)  # first: another organisation's is 404
    why = checked_reason(reason, "a person" if traces.person_id is not None else "an account")
    _refuse_while_jobs_run(session, traces.org_id)
    session.rollback()  # the file work may be long: hold no database snapshot meanwhile
    files = erase_from_files(settings, traces)
    # The database step reads what to erase, then writes: it starts as a writer's, or a
    # write another process commits in between would make it fail (SQLite cannot write
    # from a snapshot older than the last commit).
    writing(session)
    fresh = gather(traces.number)
    if fresh.lookup_keys - traces.lookup_keys:  # an import added identities meanwhile
        files = _add(files, erase_from_files(settings, fresh))
    erasure = _erase_in_database(session, fresh, files, why, actor, clock or SystemClock(), action)
    session.commit()
    _compact_sqlite(session)
    return erasure


def checked_reason(reason: str, what: str = "a person") -> str:
    """The reason an erasure (of ``what``) is recorded with (required, bounded, no NUL)."""
    why = reason.strip()
    if not why:
        raise Invalid(f"erasing {what} needs a reason")
    if len(why) > MAX_REASON or "\x00" in why:
        raise Invalid(f"the reason must be 1 to {MAX_REASON} characters of text")
    return why


def _erase_in_database(
    session: Session,
    traces: Traces,
    files: FilesErased,
    reason: str,
    actor: str,
    clock: Clock,
    action: str,
) -> Erasure:
    if session.get_bind().dialect.name == "sqlite":
        session.execute(sa.text("PRAGMA secure_delete = ON"))
    clean_reason = traces.scrub_text(reason)
    decisions = pseudonymise_decisions(session, traces)
    rings = pseudonymise_rings(session, traces)
    redacted = redact_audit(session, traces, decisions, actor=actor, reason=clean_reason)
    rows = erase_rows(session, traces)
    scrubbed = scrub_organisation(session, traces)
    erasure = Erasure(
        pseudonym=traces.pseudonym,
        rows=rows,
        scrubbed=scrubbed,
        decisions=len(decisions),
        rings=rings,
        audit_entries=redacted,
        files=files,
    )
    audit.append(
        session,
        actor=actor,
        action=action,
        subject=traces.pseudonym,
        payload={"reason": clean_reason, **erasure.summary()},
        org_id=traces.org_id,
        at=clock.now(),
    )
    return erasure


def _refuse_while_jobs_run(session: Session, org_id: int) -> None:
    """Every job may write the person back: an ingest its file's events, a recognition or
    scoring job the kudos and feedback it exported to the lake before the erasure."""
    busy = session.execute(
        sa.select(Job.id, Job.kind)
        .where(Job.org_id == org_id, Job.status.in_(["queued", "running"]))
        .order_by(Job.id)
        .limit(1)
    ).first()
    if busy is not None:
        raise Invalid(
            f"{busy.kind} job {busy.id} has not finished; erase once it has, or what it"
            " writes could bring the person back"
        )


def _add(first: FilesErased, second: FilesErased) -> FilesErased:
    return FilesErased(
        lake_events=first.lake_events + second.lake_events,
        score_rows=first.score_rows + second.score_rows,
        score_files=first.score_files + second.score_files,
        uploads=first.uploads + second.uploads,
    )


def _compact_sqlite(session: Session) -> None:
    """Rebuild a SQLite database file, and empty its write-ahead log, after an erasure.

    A deleted row leaves its bytes in the page it lived in (and an update leaves the old
    version's) until the space is reused; ``secure_delete`` zeroes what this transaction
    removed, but not what earlier updates left behind. ``VACUUM`` rewrites the file from
    the live rows only (it takes time in proportion to the database's size, which for an
    erasure, rare and deliberate, is the right trade), and the checkpoint then truncates
    the log, which still held the old pages.
    """
    engine = session.get_bind()
    if engine.dialect.name != "sqlite" or not isinstance(engine, sa.Engine):
        return
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("VACUUM")
        busy, _log, _done = cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy:
            logger.warning("erasure: readers kept SQLite's write-ahead log from being emptied")
        cursor.close()
    except sqlite3.Error:
        logger.warning("erasure: the SQLite file could not be compacted", exc_info=True)
    finally:
        raw.close()
