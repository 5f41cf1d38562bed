"""HR's file of links (only for people who consented), and the opt-in public card."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from renown.core.errors import InputError, NotAllowed
from renown.external.cards import card_settings, check_update_card, public_card
from renown.external.imports import check_import_links, check_set_bulk_consent
from renown.external.scoring import score_external
from renown.store import transaction
from renown.store.tables.external import ExternalAccount
from tests.external.conftest import NOW, ExternalOrg

FILE = b"person,network,handle\nada,github,ada-l\nbob@example.com,mastodon,@bob@social.example\n"
ADA = b"person,network,handle\nada,github,ada-l\n"
ALL = {
    n: True
    for n in ("show_internal", "show_external", "show_networks", "show_badges", "show_challenges")
}


def _consent(db: sessionmaker[Session], org: ExternalOrg, *names: str) -> None:
    with transaction(db) as session:
        for name in names:
            check_set_bulk_consent(session, org.principal(name), True, now=NOW)


def test_hr_links_accounts_only_for_people_who_consented(
    db: sessionmaker[Session], org: ExternalOrg
) -> None:
    _consent(db, org, "ada")
    with transaction(db) as session, pytest.raises(InputError) as refused:
        check_import_links(session, org.principal("hr"), FILE, source="links.csv", now=NOW)
    assert "line 3" in str(refused.value) and "'person'" in str(refused.value)
    assert "not allowed HR" in str(refused.value)
    with db() as session:
        assert session.scalar(sa.select(sa.func.count(ExternalAccount.id))) == 0  # all or nothing
    _consent(db, org, "bob")
    for added in (2, 0):  # the same file twice adds nothing
        with transaction(db) as session:
            report = check_import_links(
                session, org.principal("hr"), FILE, source="links.csv", now=NOW
            )
        assert report.added == added
    with db() as session:
        handles = session.scalars(sa.select(ExternalAccount.handle).order_by(ExternalAccount.id))
        assert list(handles) == ["ada-l", "bob@social.example"]


def test_the_file_names_every_bad_line_and_column(
    db: sessionmaker[Session], org: ExternalOrg
) -> None:
    _consent(db, org, "ada")
    bad = b"person,network,handle\nnobody,github,x\nada,myspace,ada\nada,github,../x\n"
    with transaction(db) as session, pytest.raises(InputError) as refused:
        check_import_links(session, org.principal("hr"), bad, source="links.csv", now=NOW)
    message = str(refused.value)
    for where in ("line 2, column 'person'", "line 3, column 'network'", "line 4, column 'handle'"):
        assert where in message
    with transaction(db) as session, pytest.raises(NotAllowed):
        check_import_links(session, org.principal("bob"), FILE, source="links.csv", now=NOW)


def test_a_card_shows_only_what_its_person_ticked_and_nothing_when_off(
    db: sessionmaker[Session], org: ExternalOrg
) -> None:
    _consent(db, org, "ada")
    with transaction(db) as session:
        check_import_links(session, org.principal("hr"), ADA, source="l.csv", now=NOW)
        score_external(session, org.id, now=NOW)
        assert card_settings(session, org.principal("ada")).enabled is False
        slug = check_update_card(
            session, org.principal("ada"), enabled=True, shown=ALL, now=NOW
        ).slug
    with db() as session:
        card = public_card(session, slug)
    assert card is not None and card.name == "Ada Person"
    assert card.external == 1 and [n.handle for n in card.networks] == ["ada-l"]
    with transaction(db) as session:
        check_update_card(
            session,
            org.principal("ada"),
            enabled=True,
            shown={**ALL, "show_external": False, "show_networks": False},
            now=NOW,
        )
    with db() as session:
        card = public_card(session, slug)
    assert card is not None and card.external is None and card.networks == ()
    with transaction(db) as session:
        check_update_card(session, org.principal("ada"), enabled=False, shown=ALL, now=NOW)
    with db() as session:
        assert public_card(session, slug) is None
        assert public_card(session, "not-a-card") is None
    with transaction(db) as session:
        moved = check_update_card(
            session, org.principal("ada"), enabled=True, shown=ALL, new_address=True, now=NOW
        )
    assert moved.slug != slug
    with transaction(db) as session, pytest.raises(NotAllowed):
        check_update_card(session, org.principal("hr"), enabled=True, shown=ALL, now=NOW)
