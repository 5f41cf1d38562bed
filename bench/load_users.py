"""The load test's users: ``python -m bench.load_users SPEC RESULT`` drives a running server.

It runs in a process of its own (``bench.load`` starts it), so that the users' CPU is not
the server's and the server is measured as users reach it: over HTTP, from outside.

Every user is a browser: its own connection (an ``httpx.AsyncClient`` with its cookie
jar), signed in once through the sign-in form with the form's CSRF token, then reading
the CSRF token from the pages (the ``csrf_token`` field every page carries, which htmx
sends as the ``X-CSRF-Token`` header). Until the end of the run each user picks an action
from a fixed mix (:data:`MIX`, about 70% reads and 30% writes), does it, and thinks for a
while (uniformly 0.5x to 1.5x the mean think time) before the next one. A full page is
followed by the notifications badge its ``hx-trigger="load"`` fetches, and a form post
answered with a redirect by the page it redirects to, as a browser does; those follow-up
requests count as reads.

Writes go half through the pages (form posts and htmx requests) and half through the
JSON API with the same cookie and CSRF header, so both paths are loaded. The mix is built
to be accepted: kudos go to colleagues still employed and stop when the monthly allowance
is spent (the user asks for its budget first), anonymous feedback comes only from people
who manage nobody, anonymous requests go to nobody in the subject's chain. A refusal the
product is right to give (422 for a spent allowance or the pair cap) is counted apart;
every other answer that is not 2xx or 3xx, and every timeout, is an error.

Every request is recorded (what, read or write, status, start, latency); the result file
holds them all, and ``bench.load`` turns them into figures.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

CSRF_INPUT = re.compile(r'name="csrf_token"\s+value="([^"]+)"')
PROFILE_LINK = re.compile(r'href="/people/(\d+)"')
KUDOS_CARD = re.compile(r'id="kudos-(\d+)"')
REQUEST_TIMEOUT_SECONDS = 30.0
REFUSALS = ("kudos of this month", "kudos this month")
"""Words of the 422 answers a user may get for a spent allowance or the pair cap."""
REACTIONS = ("thumbsup", "clap", "heart", "tada", "rocket", "star")
VISIBILITIES = ("private", "manager")
KUDOS_TEXTS = (
    "Thanks for unblocking the release on Friday.",
    "Great write-up of the incident, very clear.",
    "Thank you for the patient onboarding help.",
    "Your review caught a nasty bug, thanks!",
    "Brilliant demo to the customer today.",
)
FEEDBACK_TEXTS = (
    "Clear plans and steady delivery this quarter.",
    "Very helpful in reviews; could share context earlier.",
    "Great collaboration with the other team on the migration.",
    "Communicates well; meetings could be shorter.",
)

READS = {
    "GET /": 6,
    "GET /people?q=": 5,
    "GET /people/{id}": 5,
    "GET /feedback": 4,
    "GET /kudos": 5,
    "GET /api/v1/people?q=": 4,
    "GET /api/v1/kudos": 3,
    "GET /api/v1/leaderboard": 3,
    "GET /api/v1/feedback/received": 3,
    "GET /api/v1/notifications": 2,
}
WRITES = {
    "give kudos": 10,
    "give feedback": 10,
    "request feedback": 5,
    "react to kudos": 10,
}
MIX = {**READS, **WRITES}
"""Actions and their weights. A page brings its notifications badge, and half the kudos
and feedback writes (the form posts) the page they redirect to, so per request the mix is
about 70% reads and 30% writes: 25 pages x 2 + 15 API reads + 10 x 2 follow-ups = 85
reads for 35 writes."""


@dataclass(frozen=True)
class UserSpec:
    """One account to sign in as, and what its writes may name."""

    email: str
    password: str
    role: str
    person_id: int
    chain: list[int]
    """The person and everyone above them (anonymous requests go to none of these)."""
    reports: list[int]
    """Direct reports (a manager asks for feedback about them)."""
    anonymous_ok: bool
    """Manages nobody, so their feedback may be anonymous."""


@dataclass(frozen=True)
class Spec:
    """What ``bench.load`` hands the users' process."""

    base_url: str
    users: list[UserSpec]
    colleagues: list[int]
    """Person ids of everyone still employed (receivers of kudos and feedback)."""
    surnames: list[str]
    competencies: list[str]
    seconds: float
    warm_up: float
    think: float
    seed: int

    @staticmethod
    def read(path: Path) -> Spec:
        raw = json.loads(path.read_text())
        raw["users"] = [UserSpec(**user) for user in raw["users"]]
        return Spec(**raw)


@dataclass
class Record:
    """Every request of the run, as parallel lists (compact JSON)."""

    name: list[str] = field(default_factory=list)
    write: list[bool] = field(default_factory=list)
    status: list[int] = field(default_factory=list)
    """HTTP status, or 0 for a timeout or a broken connection."""
    outcome: list[str] = field(default_factory=list)
    """``ok``, ``refused`` (an expected business refusal) or ``error``."""
    start: list[float] = field(default_factory=list)
    """When it was sent: ``perf_counter`` seconds, then (in the result) seconds since the
    measured window opened (negative: the sign-ins and the warm-up)."""
    latency: list[float] = field(default_factory=list)
    """Seconds."""
    detail: list[str] = field(default_factory=list)
    """The start of an error's or a refusal's answer (empty otherwise)."""

    def add(
        self,
        name: str,
        write: bool,
        status: int,
        outcome: str,
        start: float,
        latency: float,
        detail: str,
    ) -> None:
        self.name.append(name)
        self.write.append(write)
        self.status.append(status)
        self.outcome.append(outcome)
        self.start.append(start)
        self.latency.append(latency)
        self.detail.append(detail)


class User:
    """One signed-in browser going through the mix until the run ends."""

    def __init__(self, spec: Spec, me: UserSpec, record: Record, seed: int):
        self.spec, self.me, self.record = spec, me, record
        self.rng = random.Random(seed)
        self.http = httpx.AsyncClient(
            base_url=spec.base_url, timeout=REQUEST_TIMEOUT_SECONDS, follow_redirects=False
        )
        self.csrf = ""
        self.seen_people: list[int] = [me.person_id]
        self.seen_kudos: list[int] = []
        self.kudos_left = 0
        self.kudos_given: dict[int, int] = {}

    # --- sending and recording ---------------------------------------------------------

    async def send(
        self, name: str, write: bool, method: str, url: str, **kwargs: Any
    ) -> httpx.Response | None:
        """One request, timed and recorded; ``None`` when it got no answer."""
        began = time.perf_counter()
        try:
            answer = await self.http.request(method, url, **kwargs)
        except httpx.HTTPError as failure:
            elapsed = time.perf_counter() - began
            self.record.add(name, write, 0, "error", began, elapsed, type(failure).__name__)
            return None
        elapsed = time.perf_counter() - began
        status = answer.status_code
        if status < 400:
            outcome, detail = "ok", ""
        elif status == 422 and any(words in answer.text for words in REFUSALS):
            outcome, detail = "refused", answer.text[:200]
        else:
            outcome, detail = "error", answer.text[:200]
        self.record.add(name, write, status, outcome, began, elapsed, detail)
        return answer

    async def page(self, name: str, url: str) -> httpx.Response | None:
        """A full page, then the notifications badge it loads (as htmx does)."""
        answer = await self.send(name, False, "GET", url)
        if answer is not None and answer.status_code == 200:
            found = CSRF_INPUT.search(answer.text)
            if found:
                self.csrf = found.group(1)
            await self.send(
                "GET /notifications/badge",
                False,
                "GET",
                "/notifications/badge",
                headers={"HX-Request": "true", "X-CSRF-Token": self.csrf},
            )
        return answer

    async def follow(self, answer: httpx.Response | None) -> None:
        """The page a form post redirected to (a browser loads it at once)."""
        if answer is not None and answer.status_code == 303:
            target = answer.headers["location"]
            await self.page(f"GET {target.split('?')[0]} (after a post)", target)

    def form(self, **fields: Any) -> dict[str, Any]:
        return {"csrf_token": self.csrf, **fields}

    def api_headers(self) -> dict[str, str]:
        return {"X-CSRF-Token": self.csrf}

    # --- signing in --------------------------------------------------------------------

    async def sign_in(self) -> bool:
        """The sign-in form, as a browser fills it; then the home page it lands on."""
        form = await self.send("GET /signin", False, "GET", "/signin")
        found = CSRF_INPUT.search(form.text) if form is not None else None
        if found is None:
            return False
        answer = await self.send(
            "POST /signin",
            True,
            "POST",
            "/signin",
            data={
                "email": self.me.email,
                "password": self.me.password,
                "csrf_token": found.group(1),
                "next": "/",
            },
        )
        if answer is None or answer.status_code != 303:
            return False
        await self.page("GET /", "/")
        budget = await self.send("GET /api/v1/kudos/budget", False, "GET", "/api/v1/kudos/budget")
        if budget is not None and budget.status_code == 200:
            self.kudos_left = int(budget.json()["left"])
        return bool(self.csrf)

    # --- the mix -----------------------------------------------------------------------

    async def run(self, until: float) -> None:
        actions = list(MIX)
        weights = [MIX[action] for action in actions]
        await asyncio.sleep(self.rng.uniform(0, self.spec.think))  # users do not click at once
        while time.perf_counter() < until:
            action = self.rng.choices(actions, weights)[0]
            await self.act(action)
            if self.spec.think > 0:
                await asyncio.sleep(self.spec.think * self.rng.uniform(0.5, 1.5))

    async def act(self, action: str) -> None:
        rng = self.rng
        if action == "GET /":
            await self.page(action, "/")
        elif action == "GET /people?q=":
            answer = await self.page(action, f"/people?q={rng.choice(self.spec.surnames)}")
            if answer is not None and answer.status_code == 200:
                self.remember_people(int(i) for i in PROFILE_LINK.findall(answer.text))
        elif action == "GET /people/{id}":
            await self.page(action, f"/people/{rng.choice(self.seen_people[-50:])}")
        elif action == "GET /feedback":
            await self.page(action, "/feedback")
        elif action == "GET /kudos":
            answer = await self.page(action, "/kudos")
            if answer is not None and answer.status_code == 200:
                self.remember_kudos(int(i) for i in KUDOS_CARD.findall(answer.text))
        elif action == "GET /api/v1/people?q=":
            query = rng.choice(self.spec.surnames)
            answer = await self.send(action, False, "GET", f"/api/v1/people?q={query}&limit=20")
            if answer is not None and answer.status_code == 200:
                self.remember_people(item["id"] for item in answer.json()["items"])
        elif action == "GET /api/v1/kudos":
            answer = await self.send(action, False, "GET", "/api/v1/kudos?per_page=20")
            if answer is not None and answer.status_code == 200:
                self.remember_kudos(item["id"] for item in answer.json()["items"])
        elif action == "GET /api/v1/leaderboard":
            await self.send(action, False, "GET", "/api/v1/leaderboard?limit=50")
        elif action == "GET /api/v1/feedback/received":
            await self.send(action, False, "GET", "/api/v1/feedback/received")
        elif action == "GET /api/v1/notifications":
            await self.send(action, False, "GET", "/api/v1/notifications?limit=20")
        elif action == "give kudos":
            await (self.give_kudos() if self.kudos_left > 0 else self.give_feedback())
        elif action == "give feedback":
            await self.give_feedback()
        elif action == "request feedback":
            await self.request_feedback()
        elif action == "react to kudos":
            await self.react()
        else:  # pragma: no cover - MIX and this switch list the same actions
            raise AssertionError(action)

    def remember_people(self, ids: Any) -> None:
        self.seen_people.extend(ids)
        del self.seen_people[:-200]

    def remember_kudos(self, ids: Any) -> None:
        self.seen_kudos.extend(ids)
        del self.seen_kudos[:-200]

    def colleague(self, avoid: set[int] | None = None) -> int:
        """Someone still employed, other than me (and not in ``avoid``)."""
        avoid = (avoid or set()) | {self.me.person_id}
        while True:
            chosen = self.rng.choice(self.spec.colleagues)
            if chosen not in avoid:
                return chosen

    async def give_kudos(self) -> None:
        receiver = self.colleague({p for p, n in self.kudos_given.items() if n >= 2})
        message = self.rng.choice(KUDOS_TEXTS)
        competency = self.rng.choice(["", *self.spec.competencies])
        if self.rng.random() < 0.5:
            answer = await self.send(
                "POST /kudos (page)",
                True,
                "POST",
                "/kudos",
                data=self.form(receiver_id=receiver, message=message, competency=competency),
            )
            await self.follow(answer)
        else:
            body: dict[str, Any] = {"receiver_id": receiver, "message": message}
            if competency:
                body["competency"] = competency
            answer = await self.send(
                "POST /api/v1/kudos",
                True,
                "POST",
                "/api/v1/kudos",
                json=body,
                headers=self.api_headers(),
            )
        if answer is not None and answer.status_code in (201, 303):
            self.kudos_left -= 1
            self.kudos_given[receiver] = self.kudos_given.get(receiver, 0) + 1

    async def give_feedback(self) -> None:
        rng = self.rng
        receiver = self.colleague()
        anonymous = self.me.anonymous_ok and rng.random() < 0.4
        visibility = rng.choice(VISIBILITIES if anonymous else (*VISIBILITIES, "public"))
        rated = rng.sample(self.spec.competencies, 2)
        ratings = {key: rng.randint(2, 5) for key in rated}
        text = rng.choice(FEEDBACK_TEXTS)
        if rng.random() < 0.5:
            fields = self.form(
                receiver_id=receiver,
                text=text,
                rating=[f"{k}:{v}" for k, v in ratings.items()],
                visibility=visibility,
                anonymous="true" if anonymous else "false",
            )
            answer = await self.send(
                "POST /feedback/give (page)", True, "POST", "/feedback/give", data=fields
            )
            await self.follow(answer)
        else:
            body = {
                "receiver_id": receiver,
                "text": text,
                "ratings": ratings,
                "visibility": visibility,
                "anonymous": anonymous,
            }
            await self.send(
                "POST /api/v1/feedback",
                True,
                "POST",
                "/api/v1/feedback",
                json=body,
                headers=self.api_headers(),
            )

    async def request_feedback(self) -> None:
        rng = self.rng
        subject = self.me.person_id
        if self.me.reports and rng.random() < 0.5:
            subject = rng.choice(self.me.reports)
        anonymity = "allowed" if subject == self.me.person_id and rng.random() < 0.5 else "none"
        avoid = set(self.me.chain) | {subject}
        asked = sorted({self.colleague(avoid) for _ in range(rng.randint(1, 3))})
        competencies = rng.sample(self.spec.competencies, 2)
        message = "Could you share how the last project went from your side?"
        if rng.random() < 0.5:
            expires_on = (datetime.now(UTC) + timedelta(days=14)).date().isoformat()
            fields = self.form(
                expires_on=expires_on,
                person_ids=asked,
                competencies=competencies,
                message=message,
                anonymity=anonymity,
                visibility="private",
            )
            if subject != self.me.person_id:
                fields["subject_id"] = subject
            await self.send(
                "POST /feedback/request (page)", True, "POST", "/feedback/request", data=fields
            )
        else:
            body: dict[str, Any] = {
                "expires_at": (datetime.now(UTC) + timedelta(days=14)).isoformat(),
                "person_ids": asked,
                "competencies": competencies,
                "message": message,
                "anonymity": anonymity,
                "visibility": "manager",
            }
            if subject != self.me.person_id:
                body["subject_id"] = subject
            await self.send(
                "POST /api/v1/feedback/requests",
                True,
                "POST",
                "/api/v1/feedback/requests",
                json=body,
                headers=self.api_headers(),
            )

    async def react(self) -> None:
        if not self.seen_kudos:
            answer = await self.send("GET /api/v1/kudos", False, "GET", "/api/v1/kudos")
            if answer is not None and answer.status_code == 200:
                self.remember_kudos(item["id"] for item in answer.json()["items"])
            if not self.seen_kudos:
                return
        kudos = self.rng.choice(self.seen_kudos[-40:])
        kind = self.rng.choice(REACTIONS)
        if self.rng.random() < 0.5:
            await self.send(
                "POST /kudos/{id}/react (htmx)",
                True,
                "POST",
                f"/kudos/{kudos}/react",
                data={"kind": kind},
                headers={"HX-Request": "true", "X-CSRF-Token": self.csrf},
            )
        else:
            await self.send(
                "PUT /api/v1/kudos/{id}/reactions/{kind}",
                True,
                "PUT",
                f"/api/v1/kudos/{kudos}/reactions/{kind}",
                headers=self.api_headers(),
            )


async def drive(spec: Spec) -> tuple[Record, dict[str, Any]]:
    """Sign everyone in, then run the mix for the warm-up and the measured seconds."""
    record = Record()
    users = [User(spec, me, record, seed=spec.seed * 1000 + k) for k, me in enumerate(spec.users)]
    signing_began = time.perf_counter()
    try:
        signed = await asyncio.gather(*(user.sign_in() for user in users))
        opens = time.perf_counter() + spec.warm_up
        summary: dict[str, Any] = {
            "sign_in_s": opens - spec.warm_up - signing_began,
            "window_opens_unix": time.time() + spec.warm_up,  # to line up with server logs
        }
        failed = [user.me.email for user, ok in zip(users, signed, strict=True) if not ok]
        if not failed:
            await asyncio.gather(*(user.run(opens + spec.seconds) for user in users))
            summary["last_answer_after_s"] = time.perf_counter() - opens
    finally:
        await asyncio.gather(*(user.http.aclose() for user in users))
    record.start[:] = [start - opens for start in record.start]
    summary |= {"signed_in": len(users) - len(failed), "sign_in_failed": failed}
    return record, summary


def main(argv: list[str]) -> int:
    spec_path, result_path = Path(argv[0]), Path(argv[1])
    spec = Spec.read(spec_path)
    try:
        import uvloop

        runner: Any = uvloop.run
    except ImportError:  # pragma: no cover - uvloop is a dependency on Linux and macOS
        runner = asyncio.run
    record, summary = runner(drive(spec))
    result_path.write_text(json.dumps({"summary": summary, "requests": record.__dict__}))
    return 1 if summary["sign_in_failed"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
