"""Pulling and keeping: whole pulls or nothing, resumable rate limits, nothing twice.

The network here is a small connector written for the test (the real connectors' own
tests replay each API's documented responses); what is under test is what renown keeps.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import timedelta
from typing import Any, ClassVar

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from renown.connectors.base import Checkpoint, PublicProfile, PulledItem, SocialEvent
from renown.connectors.errors import MalformedResponse, RateLimited
from renown.connectors.http import ApiClient
from renown.external import pulling
from renown.store import transaction
from renown.store.tables.external import ExternalAccount, ExternalEvent, ExternalItem
from tests.external.conftest import NOW, ExternalOrg

KEY = "0" * 43 + "="


class Pages:
    """A network of three pages; ``fail`` breaks one, ``limit`` rate-limits one."""

    network: ClassVar[str] = "github"
    label: ClassVar[str] = "GitHub"
    verification: ClassVar[tuple[str, ...]] = ("bio",)

    def __init__(self) -> None:
        self.fail: int | None = None
        self.limit: int | None = None
        self.stars = 5

    def parse_handle(self, text: str) -> str:
        return text

    def client(
        self, handle: str, *, transport: httpx.BaseTransport | None = None, token: str | None = None
    ) -> ApiClient:
        return ApiClient(self.network, transport=transport, token=token)

    def profile(self, client: ApiClient, handle: str) -> PublicProfile:
        return PublicProfile(self.network, handle, "1", "Ada", "", f"https://x/{handle}", 3)

    def recent_texts(self, client: ApiClient, profile: PublicProfile) -> list[str]:
        return []

    def pull(
        self, client: ApiClient, profile: PublicProfile, state: Mapping[str, Any], *, since: Any
    ) -> Iterator[Checkpoint]:
        me = f"github:{profile.handle}"
        for page in range(int(state.get("page", 0)), 3):
            if page == self.limit:
                self.limit = None
                raise RateLimited(self.network, "/fans", NOW + timedelta(hours=1))
            if page == self.fail:
                raise MalformedResponse(self.network, "/fans", "expected a list", field="items")
            events = tuple(
                SocialEvent(f"reply:{page}:{n}", f"github:fan{page}{n}", me, NOW, "reply")
                for n in range(2)
            )
            if page == 0:
                events += (SocialEvent("stars:1", None, me, NOW, "favorite", self.stars, "repo:1"),)
            items = (
                PulledItem("repo:1", "repository", "tool", "https://x", NOW, {"stars": self.stars}),
            )
            yield Checkpoint(events, items if page == 0 else (), {"page": page + 1})


@pytest.fixture
def network(monkeypatch: pytest.MonkeyPatch) -> Pages:
    fake = Pages()
    monkeypatch.setattr(pulling, "connector", lambda _name: fake)
    return fake


def _account(db: sessionmaker[Session], org: ExternalOrg) -> int:
    with transaction(db) as session:
        account = ExternalAccount(
            org_id=org.id,
            person_id=org.ids["ada"],
            network="github",
            handle="ada",
            status="verified",
            verification_code="renown-0",
            pull_state={},
        )
        session.add(account)
        session.flush()
        return account.id


def _pull(db: sessionmaker[Session], account_id: int, when: Any = NOW) -> pulling.AccountPull:
    with transaction(db) as session:
        account = session.get(ExternalAccount, account_id)
        assert account is not None
        return pulling.pull_account(session, account, transport=None, key=KEY, now=when)


def _kept(db: sessionmaker[Session], account_id: int) -> tuple[int, int, float]:
    with db() as session:
        events = session.scalar(
            sa.select(sa.func.count(ExternalEvent.id)).where(ExternalEvent.account_id == account_id)
        )
        items = session.scalar(
            sa.select(sa.func.count(ExternalItem.id)).where(ExternalItem.account_id == account_id)
        )
        stars = session.scalar(sa.select(ExternalEvent.weight).where(ExternalEvent.actor.is_(None)))
    return int(events or 0), int(items or 0), float(stars or 0)


def test_a_pull_keeps_every_page_and_pulling_again_adds_nothing(
    db: sessionmaker[Session], org: ExternalOrg, network: Pages
) -> None:
    account_id = _account(db, org)
    first = _pull(db, account_id)
    assert (first.events, first.items, first.error) == (7, 1, None)
    network.stars = 9
    with transaction(db) as session:
        session.get(ExternalAccount, account_id).pull_state = {}  # type: ignore[union-attr]
    assert _pull(db, account_id).events == 0  # pulled minutes ago: nothing is asked
    again = _pull(db, account_id, NOW + timedelta(minutes=11))
    assert again.events == 0
    assert _kept(db, account_id) == (7, 1, 9.0)  # today's anonymous count replaces the old


def test_a_hostile_network_cannot_plant_a_script_link(
    db: sessionmaker[Session], org: ExternalOrg, network: Pages, monkeypatch: pytest.MonkeyPatch
) -> None:
    account_id = _account(db, org)
    hostile = PublicProfile("github", "ada", "1", "Ada", "", "javascript:alert(1)", 3)
    monkeypatch.setattr(network, "profile", lambda client, handle: hostile)
    _pull(db, account_id)
    with db() as session:
        account = session.get(ExternalAccount, account_id)
        assert account is not None and account.url == ""


def test_a_malformed_response_keeps_nothing_and_says_where(
    db: sessionmaker[Session], org: ExternalOrg, network: Pages
) -> None:
    account_id = _account(db, org)
    network.fail = 2
    pulled = _pull(db, account_id)
    assert pulled.error is not None and "field 'items'" in pulled.error
    assert _kept(db, account_id) == (0, 0, 0.0)
    with db() as session:
        account = session.get(ExternalAccount, account_id)
        assert account is not None
        assert account.pull_state == {} and "expected a list" in (account.last_error or "")


def test_a_rate_limit_keeps_the_complete_pages_and_the_next_pull_resumes(
    db: sessionmaker[Session], org: ExternalOrg, network: Pages
) -> None:
    account_id = _account(db, org)
    network.limit = 1
    paused = _pull(db, account_id)
    assert paused.resume_at == NOW + timedelta(hours=1)
    assert _kept(db, account_id)[:2] == (3, 1)
    assert _pull(db, account_id).resume_at == NOW + timedelta(hours=1)  # still waiting
    resumed = _pull(db, account_id, NOW + timedelta(hours=2))
    assert resumed.resume_at is None
    assert _kept(db, account_id)[:2] == (7, 1)


def test_control_and_direction_characters_from_a_network_are_dropped(
    db: sessionmaker[Session], org: ExternalOrg, network: Pages, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a NUL fails any PostgreSQL text column; a right-to-left override spoofs a name
    account_id = _account(db, org)
    hostile = PublicProfile("github", "ada", "1", "Ada\x00 \u202eevil", "", "https://x", 3)
    monkeypatch.setattr(network, "profile", lambda client, handle: hostile)
    real_pull = network.pull

    def pull(client: ApiClient, profile: PublicProfile, state: Any, *, since: Any) -> Any:
        for checkpoint in real_pull(client, profile, state, since=since):
            yield Checkpoint(
                tuple(
                    SocialEvent(e.key, e.actor and e.actor + "\x00", e.target, e.timestamp, e.kind)
                    for e in checkpoint.events
                ),
                tuple(
                    PulledItem(i.key, i.kind, "ti\x00tle\u202e", i.url, i.created_at, {})
                    for i in checkpoint.items
                ),
                checkpoint.state,
            )

    monkeypatch.setattr(network, "pull", pull)
    assert _pull(db, account_id).error is None
    with db() as session:
        account = session.get(ExternalAccount, account_id)
        assert account is not None and account.display_name == "Ada evil"
        titles = session.scalars(sa.select(ExternalItem.title)).all()
        actors = session.scalars(
            sa.select(ExternalEvent.actor).where(ExternalEvent.actor.is_not(None))
        ).all()
    assert titles == ["title"]
    assert actors and all("\x00" not in a for a in actors)
