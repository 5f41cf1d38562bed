"""Concurrent clients that write through the public API and keep a ledger of what they sent.

Each client is a thread with its own HTTP connection and bearer token, writing as fast as
the server answers until it is told to stop or the server goes away. Every write carries a
marker that finds it in the store later: feedback and kudos carry it as their text, a new
org chart as its people's employee ids, a re-import of the same org chart and an events
upload as the uploaded file's name (kept in the audit entry and the job), a scoring run
as the job id the server answered. The ledger records every write attempted and every one
the server acknowledged (a 2xx answer); only acknowledged ones must survive a crash, and
no write, acknowledged or not, may be stored twice.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tests.crash.installation import EMAIL_DOMAIN, Installation, Writer

FEEDBACK, ANONYMOUS, KUDOS = "feedback", "anonymous feedback", "kudos"
SAME_CHART, NEW_PEOPLE = "org chart (same file)", "org chart (new people)"
UPLOAD, RUN = "events upload", "scoring run"
KINDS = (FEEDBACK, ANONYMOUS, KUDOS, SAME_CHART, NEW_PEOPLE, UPLOAD, RUN)
EVENTS_PER_UPLOAD = 20
NEW_PEOPLE_PER_CHART = 2
REQUEST_TIMEOUT_SECONDS = 60.0
UPLOADS_PER_RUN = 3
"""The jobs client starts a scoring run after every this many uploads."""


@dataclass(frozen=True)
class Write:
    """One write a client sent: its kind and the marker that finds it in the store."""

    kind: str
    marker: str


@dataclass
class Ledger:
    """Writes attempted and acknowledged by all clients (thread-safe)."""

    attempted: list[Write] = field(default_factory=list)
    acknowledged: list[Write] = field(default_factory=list)
    refused: Counter[str] = field(default_factory=Counter)
    """Non-2xx answers by ``status kind`` (none are expected: each is reported)."""
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def attempt(self, write: Write) -> None:
        with self._lock:
            self.attempted.append(write)

    def acknowledge(self, write: Write) -> None:
        with self._lock:
            self.acknowledged.append(write)

    def refuse(self, kind: str, status: int, detail: str) -> None:
        with self._lock:
            self.refused[f"{status} {kind}: {detail[:120]}"] += 1


Step = Callable[[httpx.Client, str], tuple[Write, httpx.Response] | None]
"""Sends one write named by the marker prefix; the write and the server's answer."""


class Client(threading.Thread):
    """One writer: repeats its steps until stopped or the server stops answering."""

    def __init__(
        self, name: str, base_url: str, writer: Writer, steps: list[Step], ledger: Ledger
    ) -> None:
        super().__init__(name=name, daemon=True)
        self.base_url, self.writer, self.steps, self.ledger = base_url, writer, steps, ledger
        self.stop = threading.Event()
        self.sent = 0

    def run(self) -> None:
        headers = {"Authorization": f"Bearer {self.writer.token}"}
        with httpx.Client(
            base_url=self.base_url, headers=headers, timeout=REQUEST_TIMEOUT_SECONDS
        ) as http:
            while not self.stop.is_set():
                step = self.steps[self.sent % len(self.steps)]
                marker = f"{self.name}-{self.sent}"
                self.sent += 1
                try:
                    sent = step(http, marker)
                except httpx.TransportError:
                    return  # the server went away: whatever was in flight is unacknowledged
                if sent is None:
                    continue
                write, answer = sent
                if answer.is_success:
                    self.ledger.acknowledge(write)
                else:
                    self.ledger.refuse(write.kind, answer.status_code, answer.text)


class Writes:
    """The steps of each kind of client, for one installation and one ledger."""

    def __init__(self, installation: Installation, ledger: Ledger, rng: random.Random) -> None:
        self.installation, self.ledger, self.rng = installation, ledger, rng
        self._lock = threading.Lock()

    def _receiver(self, giver: int | None) -> int:
        with self._lock:
            while True:
                chosen = self.rng.choice(self.installation.receivers)
                if chosen != giver:
                    return chosen

    def _send(self, write: Write, call: Callable[[], httpx.Response]) -> tuple[Write, Any]:
        self.ledger.attempt(write)
        return write, call()

    def employee_steps(self, writer: Writer) -> list[Step]:
        """Named feedback, anonymous feedback and kudos, in turn."""

        def feedback(http: httpx.Client, marker: str, anonymous: bool) -> tuple[Write, Any]:
            body = {
                "receiver_id": self._receiver(writer.person_id),
                "text": marker,
                "visibility": "private",
                "anonymous": anonymous,
            }
            write = Write(ANONYMOUS if anonymous else FEEDBACK, marker)
            return self._send(write, lambda: http.post("/api/v1/feedback", json=body))

        def kudos(http: httpx.Client, marker: str) -> tuple[Write, Any]:
            body = {"receiver_id": self._receiver(writer.person_id), "message": marker}
            return self._send(Write(KUDOS, marker), lambda: http.post("/api/v1/kudos", json=body))

        return [
            lambda http, marker: feedback(http, marker, anonymous=False),
            lambda http, marker: feedback(http, marker, anonymous=True),
            kudos,
        ]

    def org_chart_steps(self) -> list[Step]:
        """The seeded org chart again (under a new name), then a chart of new people."""

        def same(http: httpx.Client, marker: str) -> tuple[Write, Any]:
            name = f"{marker}.csv"
            files = {"file": (name, self.installation.org_chart, "text/csv")}
            return self._send(
                Write(SAME_CHART, name), lambda: http.post("/api/v1/org/import", files=files)
            )

        def new_people(http: httpx.Client, marker: str) -> tuple[Write, Any]:
            manager = self.rng.choice(self.installation.employee_ids)
            lines = ["employee_id,name,email,manager_id"]
            for i in range(NEW_PEOPLE_PER_CHART):
                lines.append(f"{marker}-{i},New Person {i},{marker}-{i}@{EMAIL_DOMAIN},{manager}")
            files = {"file": (f"{marker}.csv", "\n".join(lines).encode(), "text/csv")}
            return self._send(
                Write(NEW_PEOPLE, marker), lambda: http.post("/api/v1/org/import", files=files)
            )

        return [same, new_people]

    def job_steps(self) -> list[Step]:
        """Events uploads (ingest jobs), and a scoring run after every few of them."""

        def upload(http: httpx.Client, marker: str) -> tuple[Write, Any]:
            name = f"{marker}.csv"
            files = {"file": (name, self._events(), "text/csv")}
            return self._send(
                Write(UPLOAD, name), lambda: http.post("/api/v1/uploads/events", files=files)
            )

        def run(http: httpx.Client, marker: str) -> tuple[Write, Any] | None:
            # The marker of a run is its job id, known only from the answer: an unanswered
            # run is attempted but cannot be named (its job is checked with all the others).
            answer = http.post("/api/v1/runs", json={})
            if not answer.is_success:
                self.ledger.refuse(RUN, answer.status_code, answer.text)
                return None
            write = Write(RUN, f"job:{answer.json()['id']}")
            self.ledger.attempt(write)
            return write, answer

        return [*([upload] * UPLOADS_PER_RUN), run]

    def _events(self) -> bytes:
        """Events between random people, inside the seeded window (each one new)."""
        first, last = self.installation.window
        span = (last - first).days or 1
        start = datetime(first.year, first.month, first.day, tzinfo=UTC)
        lines = ["actor,target,timestamp,channel,kind"]
        with self._lock:
            for _ in range(EVENTS_PER_UPLOAD):
                actor, target = self.rng.sample(self.installation.employee_ids, 2)
                when = start + timedelta(seconds=self.rng.uniform(0, span * 86400))
                lines.append(f"{actor},{target},{when.isoformat()},chat,to")
        return "\n".join(lines).encode()


def start_clients(
    installation: Installation, base_url: str, ledger: Ledger, prefix: str, rng: random.Random
) -> list[Client]:
    """Every employee writing feedback and kudos, HR importing org charts and the
    administrator uploading events and starting runs, all started."""
    writes = Writes(installation, ledger, rng)
    clients = [
        Client(f"{prefix}-e{i}", base_url, writer, writes.employee_steps(writer), ledger)
        for i, writer in enumerate(installation.employees)
    ]
    clients.append(
        Client(f"{prefix}-hr", base_url, installation.hr, writes.org_chart_steps(), ledger)
    )
    clients.append(
        Client(f"{prefix}-admin", base_url, installation.admin, writes.job_steps(), ledger)
    )
    for client in clients:
        client.start()
    return clients


def stop_clients(clients: list[Client], timeout: float = REQUEST_TIMEOUT_SECONDS) -> None:
    """Tell every client to stop and wait for them (a killed server ends their requests)."""
    for client in clients:
        client.stop.set()
    for client in clients:
        client.join(timeout)
