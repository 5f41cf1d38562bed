"""A kudos budget raced by 20 HTTP clients and two other processes, on both databases.

The monthly allowance and the pair cap are check-then-write rules: count what the giver gave,
then store one more. Two writers that both counted before either stored would both pass. The
count and the insert happen in one writer's transaction, and writers take turns (``BEGIN
IMMEDIATE`` on SQLite, an advisory lock on PostgreSQL; the giver's row is locked as well), so
the rule holds however many writers race it, from however many processes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import sqlalchemy as sa

from renown import audit
from renown.core.roles import Role
from renown.recognition.actions import check_set_limits
from renown.store.engine import transaction
from renown.store.tables.audit import AuditEntry
from renown.store.tables.recognition import Kudos
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
    committed_or_refused,
    flat,
    new_writer,
    served,
    statuses,
)
from tests.web.conftest import Platform, principal_of_account

ALLOWANCE = 20
PAIR_CAP = 3
KUDOS_RECEIVERS = 10
"""Each receiver gets 6 of the 60 attempts (twice the cap) and the caps add up to 30, above
the allowance: whatever the order, the allowance runs out, and every receiver's cap is
tested. So exactly ALLOWANCE kudos must exist afterwards, at most PAIR_CAP per receiver."""
HTTP_KUDOS_EACH = 2
PROCESS_KUDOS_EACH = 10
ALLOWANCE_SPENT = f"you have given all {ALLOWANCE} kudos of this month"
PAIR_CAP_REACHED = f"you have given this colleague {PAIR_CAP} kudos this month"


def test_a_kudos_budget_holds_against_threads_and_processes(
    platform: Platform, colleagues: Colleagues
) -> None:
    """One giver fires three times their monthly allowance at once: 20 HTTP clients and two
    other processes. Exactly the allowance is given, no receiver gets more than the pair
    cap, and every other attempt is refused with the rule's reason (422), nothing else."""
    giver_person, *receivers = colleagues.take(1 + KUDOS_RECEIVERS)
    giver = new_writer(platform, giver_person)
    with transaction(platform.sessions) as session:
        hr = principal_of_account(session, platform.members[Role.HR].account_id)
        check_set_limits(session, hr, monthly_allowance=ALLOWANCE, pair_cap=PAIR_CAP, clock=CLOCK)
    attempts = HTTP_WRITERS * HTTP_KUDOS_EACH + WRITER_PROCESSES * PROCESS_KUDOS_EACH
    assert attempts == 3 * ALLOWANCE
    receiver_of = [receivers[i % KUDOS_RECEIVERS] for i in range(attempts)]

    with served(platform) as server:

        def http_giver(index: int) -> Callable[[], list[Answer]]:
            client = server.client(giver)
            numbers = range(index * HTTP_KUDOS_EACH, (index + 1) * HTTP_KUDOS_EACH)
            return lambda: [
                client.post(
                    f"kudos-{n}",
                    f"{API}/kudos",
                    {"receiver_id": receiver_of[n], "message": f"race kudos {n}"},
                )
                for n in numbers
            ]

        first = HTTP_WRITERS * HTTP_KUDOS_EACH
        results = race(
            [http_giver(i) for i in range(HTTP_WRITERS)],
            [
                (
                    workers.give_kudos,
                    (
                        platform.settings.database,
                        giver.account_id,
                        receiver_of[first + p * PROCESS_KUDOS_EACH :][:PROCESS_KUDOS_EACH],
                        f"race kudos process {p}",
                    ),
                )
                for p in range(WRITER_PROCESSES)
            ],
        )

    answers = flat(results.threads)
    answered = statuses(results.threads)
    assert set(answered) <= {201, REFUSED}, answered
    outcomes = committed_or_refused(results.processes)
    given = answered[201] + outcomes.count(workers.OK)
    assert given == ALLOWANCE, (answered, outcomes)
    refusals = [a.detail for a in answers if a.status == REFUSED]
    refusals += [o for o in outcomes if workers.refused(o)]
    assert len(refusals) == attempts - ALLOWANCE
    for reason in refusals:
        assert ALLOWANCE_SPENT in reason or PAIR_CAP_REACHED in reason, reason
    with platform.sessions() as session:
        stored = session.execute(
            sa.select(Kudos.id, Kudos.receiver_id).where(Kudos.giver_id == giver_person)
        ).all()
        assert len(stored) == ALLOWANCE
        per_receiver = Counter(receiver for _, receiver in stored)
        assert max(per_receiver.values()) <= PAIR_CAP, per_receiver
        logged = session.scalars(
            sa.select(AuditEntry.subject).where(
                AuditEntry.action == "kudos.give",
                AuditEntry.subject.in_([f"kudos:{kudos_id}" for kudos_id, _ in stored]),
            )
        ).all()
        assert len(logged) == ALLOWANCE  # every kudos given is in the audit trail, once
        assert audit.verify(session) == []
