"""The demo's external prominence: linked public accounts with recorded activity.

The demo's people are fictional, so their public accounts are too: about thirty people
(the demo employee and their manager among them) link one to three accounts across
GitHub, Mastodon, Bluesky, Stack Exchange and blogs. Their activity is written as
recordings of each API's documented responses (:mod:`renown.demo.networks`) into the
replay folder (``RENOWN_CONNECTORS_REPLAY``; ``renown serve --demo`` points the app at it),
and then pulled and scored by the real connectors and the real job code, so every
explanation, card and board criterion in the demo comes from the same path as live data.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from renown.connectors.replay import Replay
from renown.demo.networks import DemoAccount, recordings, write_recordings
from renown.external.cards import new_slug
from renown.external.linking import new_code
from renown.external.pulling import pull_account
from renown.external.scoring import score_external
from renown.settings import Settings
from renown.store import transaction
from renown.store.tables.external import ExternalAccount, ExternalConsent, PublicCard
from renown.store.tables.org import Person

SEED: Final = 20_261_207
LINKED_PEOPLE: Final = 30
NETWORKS: Final = ("github", "mastodon", "bluesky", "stackexchange", "rss")
RECORDING: Final = "demo-organisation"
PREFIXES: Final = ("dev", "maker", "writer", "builder", "hacker", "analyst", "tinkerer")


def replay_folder(settings: Settings) -> Path:
    """Where the demo's recordings live (the app's replay folder, if one is set)."""
    return settings.connectors_replay or settings.home / "demo-networks"


def _pseudonym(employee_id: str) -> str:
    """A stable public alias for a demo person, unrelated to their name (e.g. ``dev 4f2a9c``)."""
    digest = hashlib.sha256(f"{SEED}:{employee_id}".encode()).hexdigest()
    return f"{PREFIXES[int(digest[:2], 16) % len(PREFIXES)]} {digest[2:8]}"


def _handle(network: str, slug: str, n: int) -> str:
    return {
        "github": slug,
        "mastodon": f"{slug}@social.example.org",
        "bluesky": f"{slug}.bsky.social",
        "stackexchange": f"stackoverflow/{4_100_000 + n}",
        "rss": f"https://{slug}.blog.example.org/feed.xml",
    }[network]


def seed_external(
    settings: Settings,
    sessions: sessionmaker[Session],
    org_id: int,
    cast: tuple[int, ...],
    step: Callable[[str], None],
) -> None:
    """Link the demo's public accounts, write their recordings, pull and score them (once)."""
    with sessions() as session:
        done = session.scalar(
            sa.select(ExternalAccount.id).where(ExternalAccount.org_id == org_id).limit(1)
        )
        people = session.execute(
            sa.select(Person.id, Person.employee_id)
            .where(Person.org_id == org_id, Person.left_on.is_(None))
            .order_by(Person.employee_id)
        ).all()
    if done is not None or not people:
        return
    step(f"linking {LINKED_PEOPLE} people's public accounts and pulling their activity")
    draw = random.Random(SEED)  # nosec B311 - demo data, not security
    by_id = {pid: employee_id for pid, employee_id in people}
    chosen = [pid for pid in cast if pid in by_id]
    others = [pid for pid, _ in people if pid not in chosen]
    chosen += draw.sample(others, min(LINKED_PEOPLE - len(chosen), len(others)))
    drawn: list[tuple[int, str, str, str, float]] = []
    for n, pid in enumerate(chosen):
        # public accounts go by pseudonyms, never the org chart's names: the recordings are
        # a file under the home folder that erasing a person must not leave naming them
        name = _pseudonym(by_id[pid])
        slug = name.lower().replace(" ", "")
        count = 3 if pid in cast else draw.choice((1, 1, 2, 2, 3))
        for network in draw.sample(NETWORKS, count):
            # the cast is well known somewhere, not everywhere
            popularity = draw.uniform(0.35, 0.8) if pid in cast else draw.betavariate(1.2, 3.0)
            drawn.append((pid, network, _handle(network, slug, n), name, popularity))
    on = {net: [handle for _, n, handle, _, _ in drawn if n == net] for net in NETWORKS}
    plan = [
        (
            pid,
            DemoAccount(
                network,
                handle,
                name,
                f"{name} on {network}",
                popularity,
                tuple(h for h in on[network] if h != handle)[:6],
            ),
        )
        for pid, network, handle, name, popularity in drawn
    ]
    now = datetime.now(UTC)
    exchanges = recordings([spec for _, spec in plan], now=now, seed=SEED)
    write_recordings(replay_folder(settings), exchanges, RECORDING)
    transport = Replay(exchanges).transport()
    key = settings.connector_secret()
    with transaction(sessions) as session:
        for pid, spec in plan:
            row = ExternalAccount(
                org_id=org_id,
                person_id=pid,
                network=spec.network,
                handle=spec.handle,
                status="verified",
                verification_code=new_code(),
                verified_by="bio",
                verified_at=now,
                pull_state={},
                created_at=now,
            )
            session.add(row)
        for pid in cast:
            session.add(ExternalConsent(person_id=pid, org_id=org_id, bulk_linking=True))
        if cast:
            session.add(
                PublicCard(person_id=cast[-1], org_id=org_id, slug=new_slug(), enabled=True)
            )
        session.flush()
        for row in session.scalars(
            sa.select(ExternalAccount).where(ExternalAccount.org_id == org_id)
        ):
            pull_account(session, row, transport=transport, key=key, now=now)
        score_external(session, org_id, now=now)
