"""Erasing a person leaves nothing that names them: not a table, lake part, run output or
file under the home folder; what stays (releases, decisions, the audit log) still counts
and verifies exactly as before.

The subject of the installation appears in every personal column; the administrator
erases them once for the module, and each test checks one promise against that result.
The scans here are deliberately independent of the erasure's own code: they read every
text and JSON column of every table, and every file under the home folder (the SQLite
database file included), and look for the subject's name, e-mails, identities and
id-derived keys.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from typing import Any

import polars as pl
import pytest
import sqlalchemy as sa

import renown.store.tables  # noqa: F401 - registers every table
from renown import audit
from renown.accounts.principal import Principal
from renown.core.errors import Invalid, NotFound
from renown.core.events import event_key
from renown.core.roles import Role
from renown.feedback.queries import received, requested
from renown.ingest.lake import EventLake
from renown.privacy.erase import Erasure, check_erase_person
from renown.privacy.traces import PERSON_ID_KEYS, traces_of
from renown.store.base import Base
from renown.store.tables.audit import AuditEntry
from renown.store.tables.feedback import FeedbackItem, FeedbackRequest
from renown.store.tables.org import Organisation, Person
from renown.store.tables.recognition import Kudos, KudosReaction
from renown.store.tables.talent import RoundDecision
from renown.talent.decisions import verify_decision
from tests.privacy.installation import OLD_ADDRESS, SIGN_IN, Installation


@dataclass(frozen=True)
class Before:
    """What the tests compare with after the erasure."""

    words: tuple[str, ...]
    tokens: tuple[str, ...]
    person_id: int
    account_ids: frozenset[int]
    event_keys: frozenset[str]
    views: dict[int, Any]
    answered: dict[int, Any]
    audit_entries: int


@dataclass(frozen=True)
class Erased:
    before: Before
    erasure: Erasure


def _reader(installation: Installation, person_id: int) -> Principal:
    return Principal(0, installation.org_id, Role.EMPLOYEE, person_id, "")


def _views(installation: Installation) -> dict[int, Any]:
    """How the receivers of the subject's anonymous answers see their feedback."""
    found = {}
    with installation.sessions() as session:
        for person in (installation.anonymous_receiver, installation.outside_receiver):
            view = received(session, _reader(installation, person))
            found[person] = json.loads(
                json.dumps([asdict(a) for a in view.aggregates + view.suppressed])  # type: ignore[operator]
            )
    return found


def _answered(installation: Installation) -> dict[int, Any]:
    """What requesters who asked the subject see of their requests' answers."""
    with installation.sessions() as session:
        requesters = set(
            session.scalars(
                sa.select(FeedbackRequest.requester_id).where(
                    FeedbackRequest.org_id == installation.org_id,
                    FeedbackRequest.requester_id != installation.subject,
                    FeedbackRequest.subject_id != installation.subject,
                )
            )
        )
        return {
            requester: sorted(
                (v.id, v.answered, len(v.recipients))
                for v in requested(session, _reader(installation, requester))
            )
            for requester in requesters
        }


def _event_keys(installation: Installation) -> frozenset[str]:
    """Lake keys derived from the subject's kudos, reactions and feedback rows."""
    subject, org = installation.subject, installation.org_id
    with installation.sessions() as session:
        kudos = session.scalars(
            sa.select(Kudos.id).where((Kudos.giver_id == subject) | (Kudos.receiver_id == subject))
        )
        reactions = session.scalars(
            sa.select(KudosReaction.id).where(KudosReaction.person_id == subject)
        )
        feedback = session.scalars(
            sa.select(FeedbackItem.id).where(FeedbackItem.receiver_id == subject)
        )
        keys = {event_key("renown", org, "kudos", i) for i in kudos}
        keys |= {event_key("renown", org, "reaction", i) for i in reactions}
        keys |= {event_key("renown", org, "feedback", i) for i in feedback}
    return frozenset(keys)


@pytest.fixture(scope="module")
def erased(installation: Installation) -> Erased:
    with installation.sessions() as session:
        traces = traces_of(session, installation.org_id, installation.subject)
        entries = session.scalar(sa.select(sa.func.count(AuditEntry.id)))
        decision = session.scalar(
            sa.select(RoundDecision).where(RoundDecision.round_id == installation.decided_round)
        )
        assert decision is not None and verify_decision(session, decision)
        assert not audit.verify(session)
    before = Before(
        words=traces.words,
        tokens=traces.tokens,
        person_id=traces.person_id,
        account_ids=traces.account_ids,
        event_keys=_event_keys(installation),
        views=_views(installation),
        answered=_answered(installation),
        audit_entries=int(entries or 0),
    )
    assert len(before.event_keys) > 3 and before.views and before.answered
    name = next(w for w in traces.words if " " in w)
    with installation.sessions() as session:
        erasure = check_erase_person(
            session,
            installation.settings,
            installation.admin,
            installation.subject,
            f"{name} asked to be forgotten",
            confirm_name=name.upper(),
        )
    return Erased(before, erasure)


def _finder(before: Before) -> re.Pattern[str]:
    words = "|".join(re.escape(w) for w in before.words)
    tokens = "|".join(re.escape(t) for t in before.tokens)
    return re.compile(rf"(?:{words})|(?:{tokens})(?!\d)", re.IGNORECASE)


def _person_ids(value: Any, below: bool = False) -> list[int]:
    if isinstance(value, bool):
        return []
    if isinstance(value, int):
        return [value] if below else []
    if isinstance(value, dict):
        return [i for k, v in value.items() for i in _person_ids(v, below or k in PERSON_ID_KEYS)]
    if isinstance(value, list):
        return [i for v in value for i in _person_ids(v, below)]
    return []


def test_no_table_names_the_person(installation: Installation, erased: Erased) -> None:
    finder = _finder(erased.before)
    found: list[str] = []
    with installation.sessions() as session:
        for table in Base.metadata.sorted_tables:
            for row in session.execute(sa.select(table)):
                for column in table.c:
                    value = getattr(row, column.name)
                    referenced = {fk.target_fullname for fk in column.foreign_keys}
                    if "people.id" in referenced and value == erased.before.person_id:
                        found.append(f"{table.name}.{column.name} references the person")
                    if "accounts.id" in referenced and value in erased.before.account_ids:
                        found.append(f"{table.name}.{column.name} references their account")
                    if isinstance(value, dict | list):
                        if erased.before.person_id in _person_ids(value):
                            found.append(f"{table.name}.{column.name} holds their id")
                        value = json.dumps(value, ensure_ascii=False)
                    if isinstance(value, str) and (hit := finder.search(value)):
                        found.append(f"{table.name}.{column.name}: {hit.group(0)!r}")
    assert not found, found


def test_no_file_under_the_home_folder_names_the_person(
    installation: Installation, erased: Erased
) -> None:
    finder = _finder(erased.before)
    pattern = re.compile(finder.pattern.encode(), re.IGNORECASE)
    found: list[str] = []
    for path in sorted(p for p in installation.settings.home.rglob("*") if p.is_file()):
        if path.suffix == ".parquet":
            frame = pl.read_parquet(path)
            text = "\n".join(
                "\n".join(frame.get_column(c).drop_nulls().cast(pl.String))
                for c in frame.columns
                if frame.schema[c] == pl.String
            )
            if hit := finder.search(text):
                found.append(f"{path}: {hit.group(0)!r}")
            if "event_key" in frame.columns:
                leaked = erased.before.event_keys & set(frame.get_column("event_key"))
                if leaked:
                    found.append(f"{path}: {len(leaked)} events derived from their rows")
        elif hit_bytes := pattern.search(path.read_bytes()):
            found.append(f"{path}: {hit_bytes.group(0)!r}")
    assert not found, found


def test_events_under_a_mapped_alias_or_a_sign_in_address_are_erased(
    installation: Installation, erased: Erased
) -> None:
    """The upload named the subject by an old address HR mapped to them and by a sign-in
    address: neither is an org-chart identity, and neither may outlive the erasure."""
    assert OLD_ADDRESS in erased.before.words
    assert SIGN_IN in erased.before.words
    with installation.sessions() as session:
        slug = session.scalar(
            sa.select(Organisation.slug).where(Organisation.id == installation.org_id)
        )
    events = EventLake(installation.settings.org_lake_dir(str(slug))).scan().collect()
    named = set(events["actor"].drop_nulls().str.to_lowercase()) | set(
        events["target"].str.to_lowercase()
    )
    assert "p0005" in named  # the upload's bystander event is still there
    assert not named & {OLD_ADDRESS, SIGN_IN}


def test_the_files_really_were_rewritten(erased: Erased) -> None:
    """Lake and run outputs were rewritten. Uploads are deleted once their job read them,
    so none is left to erase here (the scan above proves no file names the person)."""
    files = erased.erasure.files
    assert files.lake_events > 0 and files.score_rows >= 3 and files.uploads == 0


def test_the_audit_chain_and_the_frozen_decision_still_verify(
    installation: Installation, erased: Erased
) -> None:
    with installation.sessions() as session:
        assert audit.verify(session) == []
        decision = session.scalar(
            sa.select(RoundDecision).where(RoundDecision.round_id == installation.decided_round)
        )
        assert decision is not None and verify_decision(session, decision)
        mine = [r for r in decision.ranking if r["name"] == erased.erasure.pseudonym]
        assert len(mine) == 1 and mine[0]["person_id"] < 0 and mine[0]["title"] is None
        assert decision.signed_by == erased.erasure.pseudonym


def test_releases_and_answer_counts_are_unchanged(
    installation: Installation, erased: Erased
) -> None:
    assert _views(installation) == erased.before.views
    assert _answered(installation) == erased.before.answered
    with installation.sessions() as session:
        kept = session.scalars(
            sa.select(FeedbackItem).where(FeedbackItem.giver_pseudonym == erased.erasure.pseudonym)
        ).all()
    assert {item.anonymous for item in kept} == {True, False}


def test_the_erasure_is_audited_under_the_pseudonym(
    installation: Installation, erased: Erased
) -> None:
    with installation.sessions() as session:
        last = session.scalar(sa.select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1))
        redaction = session.scalar(
            sa.select(AuditEntry).where(AuditEntry.action == "audit.redact").limit(1)
        )
    assert last is not None and redaction is not None
    assert last.action == "person.erase" and last.subject == erased.erasure.pseudonym
    assert last.actor == installation.admin.actor
    assert last.payload["reason"] == f"{erased.erasure.pseudonym} asked to be forgotten"
    assert len(redaction.payload["entries"]) == erased.erasure.audit_entries > 10


def test_erasing_again_finds_nobody_and_changes_nothing(
    installation: Installation, erased: Erased
) -> None:
    with installation.sessions() as session:
        count = session.scalar(sa.select(sa.func.count(AuditEntry.id)))
        with pytest.raises(NotFound):
            check_erase_person(
                session,
                installation.settings,
                installation.admin,
                erased.before.person_id,
                "again",
                confirm_name=next(w for w in erased.before.words if " " in w),
            )
    with installation.sessions() as session:
        assert session.scalar(sa.select(sa.func.count(AuditEntry.id))) == count


def test_another_organisation_cannot_erase_and_nobody_erases_themselves(
    installation: Installation, erased: Erased
) -> None:
    stranger = Principal(0, installation.other_org_id, Role.HR, None, "")
    colleague = installation.reports[0]
    settings = installation.settings
    with installation.sessions() as session:
        count = session.scalar(sa.select(sa.func.count(AuditEntry.id)))
        person = session.get(Person, colleague)
        assert person is not None
        name = person.name
        with pytest.raises(NotFound):
            check_erase_person(session, settings, stranger, colleague, "x", confirm_name=name)
        myself = Principal(0, installation.org_id, Role.HR, colleague, "")
        with pytest.raises(Invalid, match="yourself"):
            check_erase_person(session, settings, myself, colleague, "x", confirm_name=name)
        admin = installation.admin
        with pytest.raises(Invalid, match="type the name"):
            check_erase_person(session, settings, admin, colleague, "x", confirm_name="Someone")
        assert session.scalar(sa.select(sa.func.count(AuditEntry.id))) == count
        assert session.get(Person, colleague) is not None
