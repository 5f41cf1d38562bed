"""Importing profile snapshots into the organisation's radar: all or nothing, idempotent.

Every file is read by :func:`renown.radar.reading.read_snapshots` (JSONL, CSV, a LinkedIn
data-export folder or zip), which names file, line and field on bad input and returns every
snapshot or none. Each subject is then matched the way uploads of events are
(:func:`renown.org.identities.match_identities`: the org chart's identities, sign-in
e-mails, HR's choices), so an employee id or an e-mail names a person of the organisation;
an external prospect must be written ``network:handle`` (``linkedin:jane-doe``). A subject
that is neither refuses the whole file with its line: a mistyped employee id must not
quietly become a stranger on the recruiters' list.

The import writes in the caller's transaction; nothing is kept unless every row was
accepted. Snapshots are keyed by :func:`~renown.radar.snapshots.snapshot_key` (subject,
instant and content), so the same file imported twice adds nothing.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Final, NoReturn

import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown import audit
from renown.accounts.principal import Principal
from renown.core.errors import InputError, NotAllowed
from renown.core.roles import PEOPLE_ADMIN_ROLES, Role
from renown.org.identities import match_identities
from renown.radar.actions import erased_digests, handle_digest
from renown.radar.reading import read_snapshots
from renown.radar.results import ImportSummary
from renown.radar.snapshots import (
    ProfileSnapshot,
    snapshot_key,
    snapshot_to_dict,
)
from renown.store.tables.radar import RadarSnapshot, RadarSubject

IMPORTERS: Final = frozenset({Role.RECRUITER, Role.HR, Role.ADMIN})
"""Who may import snapshots: recruiters bring prospects, HR and admins bring members too. A
recruiter's file that names a member is refused: recruiters never see members, and must not
write what HR's flight-risk view reads about them either (a fake "open to work", a fake
move)."""
SUFFIXES: Final = frozenset({".jsonl", ".ndjson", ".csv", ".tsv", ".txt", ".zip"})
PERSON_KEY: Final = "person:"
"""Subjects who are people of the organisation are keyed by their person id, so the radar
keeps no copy of their employee id or e-mail and erasure finds them by the foreign key."""
HANDLE: Final = re.compile(r"^[a-z][a-z0-9_.-]{0,31}:[^\s:@][^\s]{0,254}$")
"""An external handle: ``network:handle`` (the network a short lower-case word)."""
SAVED_BATCH: Final = 2000


def prospect_key(raw: str) -> str | None:
    """The stored key of an external handle (lower-cased, ``@`` dropped), or ``None``."""
    network, _, handle = raw.strip().partition(":")
    key = f"{network.strip().lower()}:{handle.strip().lstrip('@').lower()}"
    return key if HANDLE.match(key) and not raw.strip().lower().startswith(PERSON_KEY) else None


def check_import_snapshots(
    session: Session, principal: Principal, data: bytes, name: str, *, now: datetime
) -> ImportSummary:
    """Import the snapshots of an uploaded file (``name`` as uploaded; its suffix decides
    the format).

    Raises
    ------
    NotAllowed
        The principal's role does not import snapshots.
    InputError
        A row cannot be read, or its subject names nobody (file, line, field); nothing is
        kept.
    """
    if principal.role not in IMPORTERS:
        raise NotAllowed("recruiters, HR and admins import profile snapshots")
    safe = PurePosixPath(name.replace("\\", "/")).name or "snapshots.jsonl"
    if PurePosixPath(safe).suffix.lower() not in SUFFIXES:
        raise InputError(safe, f"expected one of {', '.join(sorted(SUFFIXES))}")
    with tempfile.TemporaryDirectory(prefix="renown-radar-") as folder:
        path = Path(folder) / safe
        path.write_bytes(data)
        try:
            snapshots = read_snapshots(path, now=now)
        except InputError as problem:
            raise InputError(
                _named(problem.source, folder, safe),
                problem.message,
                line=problem.line,
                field=problem.field,
            ) from None
        snapshots = [replace(s, source=_named(s.source, folder, safe)) for s in snapshots]
    return do_store_snapshots(session, principal, snapshots, file=safe, now=now)


def _named(source: str, folder: str, name: str) -> str:
    """A source as the person knows it: the uploaded name, never the server's folder."""
    return source.replace(str(Path(folder) / name), name).replace(folder, "")


def _line(source: str) -> tuple[str, int | None]:
    """``file, line 3`` (as readers write a snapshot's source) -> (``file``, 3)."""
    found = re.search(r"^(.*?)(?:, line (\d+))?$", source)
    if found is None or found.group(2) is None:
        return source, None
    return found.group(1), int(found.group(2))


def subject_keys(
    session: Session,
    org_id: int,
    snapshots: Sequence[ProfileSnapshot],
    *,
    file: str,
    members: bool = True,
) -> dict[str, tuple[str, int | None]]:
    """Raw subject -> (stored key, person id or ``None``); an unknown subject is refused,
    and so is a member when ``members`` is false (a recruiter's file)."""
    raws = sorted({s.subject for s in snapshots})
    owners = match_identities(session, org_id, raws).owners
    keys: dict[str, tuple[str, int | None]] = {}

    def refuse(raw: str, message: str) -> NoReturn:
        first = next(s for s in snapshots if s.subject == raw)
        source, line = _line(first.source or file)
        raise InputError(source, message, line=line, field="subject")

    for raw in raws:
        if raw in owners:
            if not members:
                refuse(
                    raw,
                    f"{raw!r} names a person of the organisation; recruiters import external"
                    " prospects only (HR and admins import members' snapshots)",
                )
            keys[raw] = (f"{PERSON_KEY}{owners[raw]}", owners[raw])
            continue
        key = prospect_key(raw)
        if key is None:
            refuse(
                raw,
                f"{raw!r} names nobody in the organisation (no employee id or e-mail matches);"
                " write an external prospect as network:handle, such as linkedin:jane-doe",
            )
        keys[raw] = (key, None)
    return keys


def do_store_snapshots(
    session: Session,
    principal: Principal,
    snapshots: Sequence[ProfileSnapshot],
    *,
    file: str,
    now: datetime,
) -> ImportSummary:
    """Store ``snapshots`` (already read) for the principal's organisation; audited."""
    org_id = principal.org_id
    keys = subject_keys(
        session, org_id, snapshots, file=file, members=principal.role in PEOPLE_ADMIN_ROLES
    )
    forgotten = erased_digests(
        session, org_id, sorted({handle_digest(key) for key, person in keys.values() if not person})
    )
    if forgotten:
        # Prospects erased on request stay erased: their rows are skipped, and counted.
        erased_raws = {raw for raw, (key, _) in keys.items() if handle_digest(key) in forgotten}
        skipped = [s for s in snapshots if s.subject in erased_raws]
        snapshots = [s for s in snapshots if s.subject not in erased_raws]
        keys = {raw: kept for raw, kept in keys.items() if raw not in erased_raws}
    else:
        skipped = []
    wanted = sorted({key for key, _ in keys.values()})
    subjects: dict[str, int] = {}
    for start in range(0, len(wanted), SAVED_BATCH):
        batch = wanted[start : start + SAVED_BATCH]
        subjects.update(
            session.execute(
                sa.select(RadarSubject.key, RadarSubject.id).where(
                    RadarSubject.org_id == org_id, RadarSubject.key.in_(batch)
                )
            ).all()
        )
    new_subjects = 0
    for key, person_id in sorted(set(keys.values()), key=lambda k: k[0]):
        if key not in subjects:
            row = RadarSubject(org_id=org_id, key=key, person_id=person_id, created_at=now)
            session.add(row)
            session.flush()
            subjects[key] = row.id
            new_subjects += 1
    by_key = {snapshot_key(s): s for s in snapshots}
    held: set[str] = set()
    digests = sorted(by_key)
    for start in range(0, len(digests), SAVED_BATCH):
        batch = digests[start : start + SAVED_BATCH]
        held.update(
            session.scalars(
                sa.select(RadarSnapshot.snapshot_key).where(
                    RadarSnapshot.org_id == org_id, RadarSnapshot.snapshot_key.in_(batch)
                )
            )
        )
    added = [digest for digest in digests if digest not in held]
    rows = []
    for digest in added:
        snapshot = by_key[digest]
        key = keys[snapshot.subject][0]
        data = snapshot_to_dict(snapshot)
        data["subject"] = key
        data["source"] = file
        rows.append(
            {
                "org_id": org_id,
                "subject_id": subjects[key],
                "captured_at": snapshot.captured_at,
                "snapshot_key": digest,
                "data": data,
                "imported_at": now,
            }
        )
    for start in range(0, len(rows), SAVED_BATCH):
        session.execute(sa.insert(RadarSnapshot), rows[start : start + SAVED_BATCH])
    members = {key for key, person in keys.values() if person is not None}
    summary = ImportSummary(
        file=file,
        snapshots=len(snapshots) + len(skipped),
        added=len(added),
        duplicates=len(snapshots) - len(added),
        new_subjects=new_subjects,
        members=len(members),
        prospects=len(set(keys.values())) - len(members),
        erased=len(skipped),
    )
    audit.append_by(
        session,
        principal,
        "radar.import",
        subject=f"file:{file}",
        payload={
            "snapshots": summary.snapshots,
            "added": summary.added,
            "members": summary.members,
            "prospects": summary.prospects,
            "erased": summary.erased,
        },
        at=now,
    )
    session.flush()
    return summary
