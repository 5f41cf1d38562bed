"""``python -m tests.crash``: the crash harness on SQLite, and PostgreSQL when configured.

Exits 1 when any round finds a lost or duplicated write, a damaged database or audit
chain, a job left unfinished, a refused write, or a server that does not start again.
The seed is printed so that a failing run can be repeated with ``--seed``.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

from tests.crash.rounds import Plan, Round, run_database

POSTGRES_ENV = "RENOWN_TEST_DATABASE_URL"


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.crash", description=__doc__)
    parser.add_argument("--rounds", type=int, default=3, help="kills per database (default 3)")
    parser.add_argument(
        "--database",
        action="append",
        choices=["sqlite", "postgresql"],
        help=f"database to test (repeatable; default: sqlite, and postgresql when {POSTGRES_ENV}"
        " is set)",
    )
    parser.add_argument("--people", type=int, default=300, help="people in the organisation")
    parser.add_argument("--employees", type=int, default=6, help="clients giving feedback/kudos")
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: random)")
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary folder (logs) even on success"
    )
    return parser.parse_args()


def main() -> int:
    arguments = _arguments()
    seed = arguments.seed if arguments.seed is not None else random.SystemRandom().randrange(2**31)
    databases = arguments.database or (
        ["sqlite", "postgresql"] if os.environ.get(POSTGRES_ENV) else ["sqlite"]
    )
    if "postgresql" in databases and not os.environ.get(POSTGRES_ENV):
        print(f"postgresql needs {POSTGRES_ENV}", file=sys.stderr)
        return 2
    plan = Plan(arguments.rounds, arguments.people, arguments.employees, random.Random(seed))
    folder = Path(tempfile.mkdtemp(prefix="renown-crash-"))
    print(f"crash harness: seed {seed}, {arguments.rounds} rounds on {', '.join(databases)}")
    began = time.monotonic()
    played: list[Round] = []
    try:
        for kind in databases:
            played.extend(run_database(kind, folder / kind, plan))
    finally:
        expected = arguments.rounds * len(databases)
        failed = len(played) < expected or not all(r.ok for r in played)
        seconds = time.monotonic() - began
        _summary(played, expected, seconds)
        if failed or arguments.keep:
            print(f"logs kept in {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    return 1 if failed else 0


def _summary(played: list[Round], expected: int, seconds: float) -> None:
    acknowledged = {r.database: r.findings.acknowledged for r in played}
    lost = sum(len(r.findings.lost) for r in played)
    duplicates = sum(len(r.findings.duplicates) for r in played)
    recovered = sum(r.findings.recovered for r in played)
    interrupted = sum(len(r.findings.interrupted) for r in played)
    requeued = sum(r.requeued for r in played)
    failed = sum(not r.ok for r in played)
    print(
        f"summary: {len(played)} of {expected} rounds played, {failed} failed, in {seconds:.0f} s;"
        f" writes acknowledged {acknowledged}; lost {lost}; duplicates {duplicates};"
        f" jobs interrupted {interrupted}, recovered {recovered}, queued again {requeued}"
    )


if __name__ == "__main__":
    sys.exit(main())
