"""Attacks on external prominence through the web: a public card cached after it was
turned off, the card of someone who left, and markup a hostile network planted in a display
name or a failed pull's reason."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from renown.core.roles import Role
from renown.store.tables.external import ExternalAccount
from renown.store.tables.org import Person

SCRIPT = "<script>alert(1)</script>"


def test_the_cards_api_answer_is_never_cached_so_off_means_gone(platform: Any) -> None:
    client = platform.bearer(Role.MANAGER)
    slug = client.put("/api/v1/me/card", json={"enabled": True, "show_external": True}).json()[
        "slug"
    ]
    answer = platform.anonymous().get(f"/api/v1/cards/{slug}")
    assert answer.status_code == 200
    assert answer.headers.get("cache-control") == "no-store"
    assert "noindex" in answer.headers.get("x-robots-tag", "")
    client.put("/api/v1/me/card", json={"enabled": False})
    assert platform.anonymous().get(f"/api/v1/cards/{slug}").status_code == 404


def test_the_card_of_someone_who_left_answers_nothing(platform: Any) -> None:
    client = platform.bearer(Role.HR)
    slug = client.put("/api/v1/me/card", json={"enabled": True}).json()["slug"]
    assert platform.anonymous(accept="text/html").get(f"/card/{slug}").status_code == 200
    person_id = platform.members[Role.HR].person_id
    with platform.sessions() as session:
        person = session.get(Person, person_id)
        assert person is not None
        person.left_on = date(2020, 1, 1)
        session.commit()
    try:
        assert platform.anonymous(accept="text/html").get(f"/card/{slug}").status_code == 404
        assert platform.anonymous().get(f"/api/v1/cards/{slug}").status_code == 404
    finally:
        with platform.sessions() as session:
            person = session.get(Person, person_id)
            assert person is not None
            person.left_on = None
            session.commit()
        client.put("/api/v1/me/card", json={"enabled": False})


def test_markup_from_a_network_is_shown_as_text_everywhere(platform: Any) -> None:
    person_id = platform.cast.employee
    with platform.sessions() as session:
        org_id = session.scalar(sa.select(Person.org_id).where(Person.id == person_id))
        account = ExternalAccount(
            org_id=org_id,
            person_id=person_id,
            network="github",
            handle="ext-hostile",
            status="verified",
            verified_by="import",
            verification_code="renown-0000000000",
            display_name=SCRIPT,
            url="",
            last_error=f"github https://api.github.com/users/x: {SCRIPT}",
            pull_state={},
        )
        session.add(account)
        session.commit()
        account_id = account.id
    try:
        mine = platform.browser(Role.EMPLOYEE).get("/me/networks")
        hr = platform.browser(Role.HR).get("/people/external")
        for page in (mine, hr):
            assert page.status_code == 200
            assert "ext-hostile" in page.text
            assert SCRIPT not in page.text
    finally:
        with platform.sessions() as session:
            session.execute(sa.delete(ExternalAccount).where(ExternalAccount.id == account_id))
            session.commit()
