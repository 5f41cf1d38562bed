"""Attacks on external prominence below the web: a pull landing on an account that is no
longer the one it read, and HR's file linking more accounts to one person than the person
could link themselves."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from renown.connectors.base import Checkpoint, PublicProfile, SocialEvent
from renown.connectors.http import ApiClient
from renown.core.errors import InputError
from renown.external import pulling
from renown.external.imports import check_import_links, check_set_bulk_consent
from renown.external.linking import MAX_ACCOUNTS_PER_NETWORK, check_claim, check_unlink
from renown.store import transaction
from renown.store.tables.external import ExternalAccount, ExternalEvent
from tests.external.conftest import NOW, ExternalOrg

KEY = "0" * 43 + "="


class _Fans:
    network: ClassVar[str] = "github"
    label: ClassVar[str] = "GitHub"
    verification: ClassVar[tuple[str, ...]] = ("bio",)

    def parse_handle(self, text: str) -> str:
        return text

    def client(
        self, handle: str, *, transport: httpx.BaseTransport | None = None, token: str | None = None
    ) -> ApiClient:
        return ApiClient(self.network, transport=transport, token=token)

    def profile(self, client: ApiClient, handle: str) -> PublicProfile:
        return PublicProfile("github", handle, "1", "Ada", "", f"https://github.com/{handle}", 7)

    def recent_texts(self, client: ApiClient, profile: PublicProfile) -> list[str]:
        return []

    def pull(
        self, client: ApiClient, profile: PublicProfile, state: Mapping[str, Any], *, since: Any
    ) -> Iterator[Checkpoint]:
        me = f"github:{profile.handle}"
        yield Checkpoint((SocialEvent("f:1", "github:fan", me, NOW, "follow"),), (), {"done": 1})


def test_a_pull_is_not_kept_on_an_account_that_took_the_unlinked_ones_place(
    db: sessionmaker[Session], org: ExternalOrg, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The refresh job reads, the owner unlinks meanwhile and a colleague claims another
    handle (SQLite gives the new row the freed id): the pull must not land on it."""
    monkeypatch.setattr(pulling, "connector", lambda _name: _Fans())
    with transaction(db) as session:
        ada = ExternalAccount(
            org_id=org.id,
            person_id=org.ids["ada"],
            network="github",
            handle="ada-l",
            status="verified",
            verification_code="renown-0",
            pull_state={},
        )
        session.add(ada)
        session.flush()
        ada_id = ada.id
    with db() as session:
        account = session.get(ExternalAccount, ada_id)
        assert account is not None
        fetched = pulling.fetch(account, transport=None, key=KEY, now=NOW)
    assert fetched.outcome is not None
    with transaction(db) as session:
        check_unlink(session, org.principal("ada"), ada_id, now=NOW)
        bob_id = check_claim(session, org.principal("bob"), "github", "bob-b", now=NOW).id
    with transaction(db) as session:
        kept = pulling.keep(session, fetched, now=NOW)
    assert kept.events == 0 and kept.error is not None
    with db() as session:
        bob = session.get(ExternalAccount, bob_id)
        assert bob is not None
        assert (bob.url, bob.audience, bob.last_pulled_at) == ("", None, None)
        assert bob.pull_state == {}
        pulled = session.scalar(
            sa.select(sa.func.count(ExternalEvent.id)).where(ExternalEvent.account_id == bob_id)
        )
    assert pulled == 0


def test_hrs_file_cannot_link_more_accounts_than_the_person_could(
    db: sessionmaker[Session], org: ExternalOrg
) -> None:
    with transaction(db) as session:
        check_set_bulk_consent(session, org.principal("ada"), True, now=NOW)
        check_claim(session, org.principal("ada"), "github", "ada-own", now=NOW)
    rows = "".join(f"ada,github,ada-{n}\n" for n in range(MAX_ACCOUNTS_PER_NETWORK))
    many = f"person,network,handle\n{rows}ada,mastodon,@ada@social.example\n".encode()
    with transaction(db) as session, pytest.raises(InputError) as refused:
        check_import_links(session, org.principal("hr"), many, source="links.csv", now=NOW)
    assert f"line {MAX_ACCOUNTS_PER_NETWORK + 1}, column 'handle'" in str(refused.value)
    assert "line 2," not in str(refused.value)
    with db() as session:
        assert session.scalar(sa.select(sa.func.count(ExternalAccount.id))) == 1
    fits = "person,network,handle\nada,github,ada-own\nada,github,ada-0\nADA,github,ada-1\n"
    with transaction(db) as session:
        report = check_import_links(
            session, org.principal("hr"), fits.encode(), source="links.csv", now=NOW
        )
    assert report.added == 3  # ada-own was her own pending claim: proven by the file now
    again = "person,network,handle\nada,github,ada-1\nada,github,ada-1\n"
    with transaction(db) as session:
        report = check_import_links(
            session, org.principal("hr"), again.encode(), source="links.csv", now=NOW
        )
    assert (report.added, report.unchanged) == (0, 2)
