"""The reporting line in either direction, and the access helpers every domain fetches
people through (on the feedback tests' small organisation)."""

# ruff: noqa: F811 - the tests take the imported ``org`` fixture

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from renown.accounts.principal import Principal
from renown.core.errors import NotAllowed, NotFound
from renown.core.roles import Role
from renown.org.access import NOT_LINKED, access_acting_person, access_person, own_person
from renown.org.reporting import manager_chain, reporting_line_ids
from renown.store import transaction
from renown.store.tables.org import Person
from tests.feedback.conftest import ENGINEERS, Org, org  # noqa: F401 - org: the fixture


def test_the_line_goes_down_from_a_manager_and_up_from_a_report(
    db: sessionmaker[Session], org: Org
) -> None:
    ids = org.ids
    with db() as session:
        below = set(session.scalars(reporting_line_ids(org.id, ids["e1"])))
        assert below == {ids["e1"], *(ids[p] for p in ENGINEERS)}
        p1 = session.get(Person, ids["p1"])
        e0 = session.get(Person, ids["e0"])
        assert p1 is not None and e0 is not None
        assert manager_chain(session, p1) == {ids["e1"], ids["e0"]}
        assert manager_chain(session, e0) == set()
        # another organisation's line is empty, whatever the id
        assert set(session.scalars(reporting_line_ids(org.other_id, ids["e1"]))) == set()


def test_a_stored_cycle_ends_the_walk_in_both_directions(
    db: sessionmaker[Session], org: Org
) -> None:
    ids = org.ids
    with transaction(db) as session:
        session.execute(
            sa.update(Person).where(Person.id == ids["e0"]).values(manager_id=ids["p1"])
        )
    with db() as session:
        p1 = session.get(Person, ids["p1"])
        assert p1 is not None
        assert manager_chain(session, p1) == {ids["e1"], ids["e0"]}
        everyone = set(session.scalars(sa.select(Person.id).where(Person.org_id == org.id)))
        assert set(session.scalars(reporting_line_ids(org.id, ids["e0"]))) == everyone


def test_a_person_of_another_organisation_is_not_found(db: sessionmaker[Session], org: Org) -> None:
    with db() as session:
        assert access_person(session, org.as_("p1"), org.ids["p2"]).id == org.ids["p2"]
        with pytest.raises(NotFound):
            access_person(session, org.as_("p1"), org.other_ids["p2"])


def test_only_staff_linked_to_a_person_of_their_organisation_act_as_one(
    db: sessionmaker[Session], org: Org
) -> None:
    with db() as session:
        assert access_acting_person(session, org.as_("p1"), "no").id == org.ids["p1"]
        with pytest.raises(NotAllowed, match="sponsors may not"):
            access_acting_person(session, org.as_("p1", Role.SPONSOR), "sponsors may not")
        with pytest.raises(NotAllowed, match=NOT_LINKED):
            access_acting_person(session, org.staff(Role.HR), "no")
        elsewhere = Principal(1, org.id, Role.EMPLOYEE, org.other_ids["p1"], "p1@example.com")
        assert own_person(session, elsewhere) is None
        with pytest.raises(NotAllowed, match=NOT_LINKED):
            access_acting_person(session, elsewhere, "no")


def test_the_principal_refuses_with_the_callers_reason(org: Org) -> None:
    org.staff(Role.HR).require_people_admin("unused")
    org.as_("p1").require_staff("unused")
    with pytest.raises(NotAllowed, match="only HR and administrators do this"):
        org.as_("e1", Role.MANAGER).require_people_admin("only HR and administrators do this")
    with pytest.raises(NotAllowed, match="members see challenges only"):
        org.staff(Role.MEMBER).require_staff("members see challenges only")
