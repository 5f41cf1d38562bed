"""A promotion round changed, signed off and appealed by several HR users at once.

Round changes are read-modify-write (a configuration change starts from the stored one; a
change's audit entry records what it replaced), sign-off freezes the round, and "one open
appeal" and "an appeal is answered once" are check-then-write rules. Each is one writer's
transaction and writers take turns (the round's row is locked as well), so the audit trail
is a serial history: every change starts where the previous one ended, nothing changes
after the sign-off, and exactly one of several simultaneous sign-offs, appeals or answers
succeeds while the others are refused with the rule's reason (422).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from renown import audit
from renown.core.roles import Role
from renown.store.engine import transaction
from renown.store.tables.audit import AuditEntry
from renown.store.tables.feedback import Notification
from renown.store.tables.talent import Appeal, PromotionRound, RoundCandidate, RoundDecision
from renown.talent.decisions import check_sign_off, verify_decision
from tests.concurrency import workers
from tests.concurrency.crews import race
from tests.concurrency.installation import (
    API,
    CLOCK,
    HTTP_WRITERS,
    REFUSED,
    WRITER_PROCESSES,
    Answer,
    Colleagues,
    Writer,
    committed_or_refused,
    flat,
    new_writer,
    only_one_succeeded,
    open_round,
    pool_of,
    served,
    statuses,
)
from tests.web.conftest import Platform, principal_of_account

ROUND_THREADS = 8
ROUND_STEPS = 5
ROUND_DEPARTMENT = "Marketing"
FROZEN = "this round has been signed off and can no longer change"


def _round_script(writer: int, toggled: list[int]) -> list[tuple[Any, ...]]:
    """Writer ``writer``'s steps: changes with unique tags, and one sign-off among them.

    A configure step's tag is the unique ``top_n`` it sets; a candidate step's and a
    sign-off's tag is their unique reason. The sign-off moves through the script from one
    writer to the next, so sign-offs race each other and the changes around them.
    """
    steps: list[tuple[Any, ...]] = []
    for step in range(ROUND_STEPS):
        number = writer * ROUND_STEPS + step
        if step == writer % ROUND_STEPS:
            steps.append(("sign_off", f"race sign-off {number}"))
        elif number % 2:
            steps.append(("configure", 100 + number))
        else:
            person = toggled[number % len(toggled)]
            steps.append(("candidate", person, bool(number % 4), f"race step {number}"))
    return steps


def _tag(step: tuple[Any, ...]) -> str:
    return str(step[1]) if step[0] == "configure" else str(step[-1])


def test_round_changes_and_sign_offs_race_without_lost_updates(
    platform: Platform, colleagues: Colleagues, hr_writers: list[Writer]
) -> None:
    """Three HR accounts change one round and sign it off, all at once, from 8 HTTP
    clients and 2 processes. Exactly one sign-off succeeds; every change acknowledged
    before it is in the audit trail, every change after it is refused as frozen (422); the
    trail replays serially (each change's "before" is the previous change's "after") to
    the round's final state, which the decision froze."""
    round_id = open_round(platform, ROUND_DEPARTMENT, "race round")
    pool = pool_of(platform, round_id)
    outsiders = colleagues.take(2, department="Sales")
    toggled = pool[:2] + outsiders
    everyone = sorted(set(pool) | set(outsiders))
    overrides = {person: "not promoted: a race test" for person in everyone}
    accounts = hr_writers
    before = _candidates(platform, round_id)
    scripts = [_round_script(w, toggled) for w in range(ROUND_THREADS + WRITER_PROCESSES)]

    with served(platform) as server:

        def http_steps(index: int) -> Callable[[], list[Answer]]:
            client = server.client(accounts[index % len(accounts)])
            base = f"{API}/talent/rounds/{round_id}"

            def send(step: tuple[Any, ...]) -> Answer:
                if step[0] == "configure":
                    return client.put(_tag(step), base, {"top_n": step[1]})
                if step[0] == "candidate":
                    body = {"included": step[2], "reason": step[3]}
                    return client.put(_tag(step), f"{base}/candidates/{step[1]}", body)
                body = {"promoted": [], "reason": step[1], "overrides": overrides}
                return client.post(_tag(step), f"{base}/decision", body)

            return lambda: [send(step) for step in scripts[index]]

        results = race(
            [http_steps(i) for i in range(ROUND_THREADS)],
            [
                (
                    workers.change_round,
                    (
                        platform.settings.database,
                        accounts[p % len(accounts)].account_id,
                        round_id,
                        [
                            (*s, overrides) if s[0] == "sign_off" else s
                            for s in scripts[ROUND_THREADS + p]
                        ],
                    ),
                )
                for p in range(WRITER_PROCESSES)
            ],
        )

    answers = flat(results.threads)
    assert set(statuses(results.threads)) <= {200, 201, REFUSED}, statuses(results.threads)
    assert all(a.detail == FROZEN for a in answers if a.status == REFUSED), answers
    committed_or_refused(results.processes)
    acknowledged = {a.tag for a in answers if a.acknowledged}
    for p, outcomes in enumerate(results.processes):
        for step, outcome in zip(scripts[ROUND_THREADS + p], outcomes, strict=True):
            assert outcome in (workers.OK, f"refused: {FROZEN}"), outcome
            if outcome == workers.OK:
                acknowledged.add(_tag(step))
    sign_offs = {_tag(s) for script in scripts for s in script if s[0] == "sign_off"}
    assert len(acknowledged & sign_offs) == 1, acknowledged & sign_offs

    with platform.sessions() as session:
        replayed = _replay_round(session, round_id, before)
        assert replayed.tags == acknowledged  # no acknowledged change lost, none invented
        round_ = session.get(PromotionRound, round_id)
        assert round_ is not None
        assert (round_.status, round_.top_n) == ("decided", replayed.top_n)
        assert _candidates(platform, round_id) == replayed.included
        decisions = session.scalars(
            sa.select(RoundDecision).where(RoundDecision.round_id == round_id)
        ).all()
        assert len(decisions) == 1
        [decision] = decisions
        assert decision.inputs["top_n"] == replayed.top_n
        assert decision.inputs["pool"] == sorted(p for p, inc in replayed.included.items() if inc)
        assert verify_decision(session, decision)
        assert audit.verify(session) == []


def _candidates(platform: Platform, round_id: int) -> dict[int, bool]:
    """Everyone listed in the round (in the pool or not): person id -> included."""
    with platform.sessions() as session:
        rows = session.execute(
            sa.select(RoundCandidate.person_id, RoundCandidate.included).where(
                RoundCandidate.round_id == round_id
            )
        ).all()
    return {int(person): bool(included) for person, included in rows}


class _Replay:
    """A round's changes read back from the audit trail in chain order."""

    def __init__(self, top_n: int, included: dict[int, bool]) -> None:
        self.top_n = top_n
        self.included = included
        self.tags: set[str] = set()
        self.decided = False


def _replay_round(session: Any, round_id: int, listed: dict[int, bool]) -> _Replay:
    """Replay the round's audit entries, checking that each one starts where the previous
    one ended: the trail is a serial history. A lost update shows as a "before" that is
    not the previous "after"; a change after the sign-off, or a second sign-off, fails."""
    entries = session.scalars(
        sa.select(AuditEntry)
        .where(AuditEntry.subject == f"round:{round_id}")
        .order_by(AuditEntry.seq)
    ).all()
    opening = entries[0]
    assert opening.action == "talent.round.open"
    state = _Replay(int(opening.payload["top_n"]), dict(listed))
    for entry in entries[1:]:
        payload = entry.payload
        assert not state.decided, f"{entry.action} after the sign-off (seq {entry.seq})"
        if entry.action == "talent.round.configure":
            assert payload["before"]["top_n"] == state.top_n, entry.seq
            state.top_n = payload["after"]["top_n"]
            state.tags.add(str(state.top_n))
        elif entry.action == "talent.round.candidate":
            assert payload["before"] == state.included.get(payload["person"]), entry.seq
            state.included[payload["person"]] = payload["included"]
            state.tags.add(payload["reason"])
        else:
            assert entry.action == "talent.round.decide", entry.action
            state.decided = True
            state.tags.add(payload["reason"])
    assert state.decided
    return state


APPEAL_DEPARTMENT = "Data & Analytics"
APPEAL_TRIES_EACH = 2
ONE_OPEN_APPEAL = "you already have an open appeal in this round; HR will answer it"
ALREADY_ANSWERED = "this appeal has already been answered"


def test_an_appeal_is_filed_once_and_answered_once(
    platform: Platform, colleagues: Colleagues, hr_writers: list[Writer]
) -> None:
    """A candidate files the same appeal from 20 clients and two processes at once: one
    is filed, the rest are told one is open already. Then three HR accounts answer it at
    once from as many clients and processes: one answer stands, the others are told it was
    answered; the candidate is told once, and the trail has one answer, the one that stands."""
    [candidate_person] = colleagues.take(1, department=APPEAL_DEPARTMENT)
    round_id = open_round(platform, APPEAL_DEPARTMENT, "appeal round", top_n=1)
    assert candidate_person in pool_of(platform, round_id)
    candidate = new_writer(platform, candidate_person)
    with transaction(platform.sessions) as session:
        hr = principal_of_account(session, platform.members[Role.HR].account_id)
        pool = pool_of(platform, round_id)
        check_sign_off(
            session,
            hr,
            round_id,
            promoted=[],
            reason="nobody this time",
            override_reasons=dict.fromkeys(pool, "not this time"),
            clock=CLOCK,
        )
    answerers = hr_writers
    filers = [
        [f"appeal process {p}-{n}" for n in range(APPEAL_TRIES_EACH)]
        for p in range(WRITER_PROCESSES)
    ]
    repliers = [
        [f"answer process {p}-{n}" for n in range(APPEAL_TRIES_EACH)]
        for p in range(WRITER_PROCESSES)
    ]

    with served(platform) as server:

        def file(index: int) -> Callable[[], list[Answer]]:
            client = server.client(candidate)
            texts = [f"appeal {index}-{n}: I led the launch" for n in range(APPEAL_TRIES_EACH)]
            url = f"{API}/talent/rounds/{round_id}/appeals"
            return lambda: [client.post(t, url, {"text": t}) for t in texts]

        filing = race(
            [file(i) for i in range(HTTP_WRITERS)],
            [
                (
                    workers.file_appeal,
                    (
                        platform.settings.database,
                        candidate.account_id,
                        round_id,
                        filers[p],
                    ),
                )
                for p in range(WRITER_PROCESSES)
            ],
        )
        with platform.sessions() as session:
            appeals = session.scalars(sa.select(Appeal).where(Appeal.round_id == round_id)).all()
        assert len(appeals) == 1
        appeal_id = appeals[0].id

        def reply(index: int) -> Callable[[], list[Answer]]:
            client = server.client(answerers[index % len(answerers)])
            texts = [f"answer {index}-{n}: reviewed" for n in range(APPEAL_TRIES_EACH)]
            url = f"{API}/talent/appeals/{appeal_id}/answer"
            body = [{"upheld": True, "answer": t} for t in texts]
            return lambda: [client.post(b["answer"], url, b) for b in body]

        answering = race(
            [reply(i) for i in range(HTTP_WRITERS)],
            [
                (
                    workers.answer_appeal,
                    (
                        platform.settings.database,
                        answerers[p].account_id,
                        appeal_id,
                        repliers[p],
                    ),
                )
                for p in range(WRITER_PROCESSES)
            ],
        )

    only_one_succeeded(filing, ONE_OPEN_APPEAL, process_tags=filers)
    standing = only_one_succeeded(answering, ALREADY_ANSWERED, process_tags=repliers)
    with platform.sessions() as session:
        appeal = session.get(Appeal, appeal_id)
        assert appeal is not None
        assert (appeal.status, appeal.answer) == ("upheld", standing)
        trail = session.scalars(
            sa.select(AuditEntry).where(
                AuditEntry.subject == f"round:{round_id}",
                AuditEntry.action.in_(("talent.appeal.file", "talent.appeal.answer")),
            )
        ).all()
        assert [e.action for e in trail] == ["talent.appeal.file", "talent.appeal.answer"]
        assert trail[1].payload["answer"] == appeal.answer
        told = session.scalar(
            sa.select(sa.func.count()).where(
                Notification.person_id == candidate_person,
                Notification.kind == "promotion.appeal",
            )
        )
        assert told == 1
        assert audit.verify(session) == []
