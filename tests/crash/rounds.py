"""The rounds of one database: write, kill, restart, check, and say what was found.

The installation lives through every round, and the ledger of writes with it: each round's
checks cover every write acknowledged since the first round, so a later crash that undid
an earlier write would be caught too. The restarted processes of one round are the ones
the next round kills.
"""

from __future__ import annotations

import random
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from tests.crash.checks import Findings, Store
from tests.crash.clients import Ledger, start_clients, stop_clients
from tests.crash.installation import seeded
from tests.crash.processes import Node, StartError, start

WRITE_SECONDS = (0.5, 2.5)
"""The kill comes at a random moment this long after the clients start writing..."""
MIN_WRITES = 10
"""...and after at least this many writes of the round were acknowledged."""
WAIT_FOR_WRITES_SECONDS = 60.0
REQUEUED = re.compile(r"queued again (\d+) job")
"""The worker's log line for jobs whose message was lost (renown.jobs.recovery)."""
SETTLE_SECONDS = 90.0
"""How long the restarted worker may take to finish or fail every job."""


@dataclass
class Round:
    """One round's figures, as printed."""

    database: str
    number: int
    findings: Findings
    acknowledged_by_kind: Counter[str]
    refused: Counter[str]
    aimed_at_job: bool
    requeued: int
    """Queued jobs whose message the kill lost, handed to huey again by the new worker."""
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.findings.ok and not self.problems and not self.refused


@dataclass(frozen=True)
class Plan:
    """How many rounds, how big an installation, and the random source of the kills."""

    rounds: int
    people: int
    employees: int
    rng: random.Random


def run_database(kind: str, folder: Path, plan: Plan) -> list[Round]:
    """Seed ``kind``, then play every round on it; the rounds played (fewer when the
    server or the worker does not start again)."""
    played: list[Round] = []
    with seeded(kind, folder, people=plan.people, employees=plan.employees) as installation:
        store = Store(installation)
        ledger = Ledger()
        node: Node | None = start(installation, folder / "logs", "start")
        try:
            for number in range(1, plan.rounds + 1):
                assert node is not None
                result, node = _play(number, node, store, ledger, plan)
                played.append(result)
                print_round(result)
                if node is None:
                    break
        finally:
            if node is not None:
                node.stop()
            store.close()
    return played


def _play(
    number: int, node: Node, store: Store, ledger: Ledger, plan: Plan
) -> tuple[Round, Node | None]:
    """Write, kill, restart and check once; the round and the restarted processes."""
    installation = store.installation
    aim_at_job = number % 2 == 0
    before = Counter(w.kind for w in ledger.acknowledged)
    refused_before = Counter(ledger.refused)
    label = f"{installation.kind}-r{number}"
    clients = start_clients(installation, node.base_url, ledger, label, plan.rng)
    _wait_for_the_moment(store, ledger, len(ledger.acknowledged), aim_at_job, plan.rng)
    node.kill()
    stop_clients(clients)
    interrupted = store.running_jobs()
    problems: list[str] = []
    restarted: Node | None = None
    try:
        restarted = start(installation, node.server_log.parent, f"round{number}")
    except StartError as error:
        problems.append(f"the server or worker did not start again: {error}")
    requeued = 0
    if restarted is not None:
        for job_id, status in sorted(store.settle(SETTLE_SECONDS).items()):
            problems.append(f"job {job_id} still {status} after {SETTLE_SECONDS:.0f} s")
        requeued = _requeued(restarted)
    result = Round(
        database=installation.kind,
        number=number,
        findings=store.verify(ledger, interrupted),
        acknowledged_by_kind=Counter(w.kind for w in ledger.acknowledged) - before,
        refused=Counter(ledger.refused) - refused_before,
        aimed_at_job=aim_at_job,
        requeued=requeued,
        problems=problems,
    )
    return result, restarted


def _wait_for_the_moment(
    store: Store, ledger: Ledger, acknowledged_before: int, aim_at_job: bool, rng: random.Random
) -> None:
    """Until a random moment after enough writes (and, when aiming, while a job runs)."""
    deadline = time.monotonic() + WAIT_FOR_WRITES_SECONDS
    time.sleep(rng.uniform(*WRITE_SECONDS))
    while time.monotonic() < deadline:
        enough = len(ledger.acknowledged) - acknowledged_before >= MIN_WRITES
        if enough and (not aim_at_job or store.running_jobs()):
            break
        time.sleep(0.02)
    if aim_at_job:
        time.sleep(rng.uniform(0.0, 0.3))  # somewhere inside the job, not at its start


def _requeued(node: Node) -> int:
    """How many jobs the restarted worker queued again (it logs each batch)."""
    text = node.worker_log.read_text(errors="replace")
    return sum(int(n) for n in REQUEUED.findall(text))


def print_round(result: Round) -> None:
    """One round's figures and every problem found."""
    found = result.findings
    verdict = "OK" if result.ok else "FAILED"
    print(
        f"{result.database:<10} round {result.number}: {verdict}"
        f" | writes acknowledged {found.acknowledged} (this round"
        f" {sum(result.acknowledged_by_kind.values())}), attempted {found.attempted}"
        f" | lost {len(found.lost)} | duplicates {len(found.duplicates)}"
        f" | integrity {'ok' if not found.integrity else 'FAILED'}"
        f" | audit {'ok' if not found.audit_breaks else 'BROKEN'} ({found.audit_entries} entries)"
        f" | jobs running at the kill {len(found.interrupted)}, recovered {found.recovered},"
        f" queued again {result.requeued}"
        f"{' (aimed at a job)' if result.aimed_at_job else ''}",
        flush=True,
    )
    kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(result.acknowledged_by_kind.items()))
    print(f"{'':<10}   this round's acknowledged writes: {kinds}")
    lake = f"event lake {found.lake_events:,} events, {found.lake_repeated} keys twice"
    print(f"{'':<10}   {found.integrity_summary}; {lake}")
    for label, items in (
        ("lost", found.lost),
        ("duplicate", found.duplicates),
        ("integrity", found.integrity),
        ("audit", found.audit_breaks),
        ("job", found.job_problems),
        ("problem", result.problems),
        ("refused", [f"{n} x {what}" for what, n in result.refused.items()]),
    ):
        for item in items[:20]:
            print(f"{'':<10}   {label}: {item}")
        if len(items) > 20:
            print(f"{'':<10}   {label}: ... and {len(items) - 20} more")
