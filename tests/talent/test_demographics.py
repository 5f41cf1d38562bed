"""Self-reported demographics: validation, own answers only, audit entries without values."""

from __future__ import annotations

import inspect
import json
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from renown import audit
from renown.accounts.principal import Principal
from renown.core.clock import FixedClock
from renown.core.errors import Invalid, NotAllowed
from renown.core.roles import Role
from renown.store.tables.talent import Demographics
from renown.talent import demographics
from renown.talent.demographics import (
    AGE_BANDS,
    RACE_ETHNICITY_VALUES,
    MyDemographics,
    check_forget_my_demographics,
    check_report_my_demographics,
    demographics_for_audit,
    my_demographics,
    normalise_answer,
)
from tests.talent.conftest import NOW, TalentOrg

ANSWERS = {
    "sex": "Female",
    "race_ethnicity": "two or more races",
    "age_band": "40-49",
    "disability": "prefer not to say",
}


def test_vocabularies_follow_the_design() -> None:
    assert demographics.SEX_VALUES == ("female", "male", "non-binary")
    assert len(RACE_ETHNICITY_VALUES) == 7
    assert "Native Hawaiian or Pacific Islander" in RACE_ETHNICITY_VALUES
    assert AGE_BANDS == ("under 30", "30-39", "40-49", "50 and over")
    assert demographics.DISABILITY_VALUES == ("yes", "no")


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("sex", " MALE ", "male"),
        ("sex", "Non-Binary", "non-binary"),
        ("race_ethnicity", "hispanic or latino", "Hispanic or Latino"),
        ("age_band", "50 AND OVER", "50 and over"),
        ("disability", "Yes", "yes"),
        ("disability", "Prefer Not To Say", None),
        ("sex", "", None),
        ("sex", None, None),
    ],
)
def test_answers_are_matched_case_insensitively(
    field: str, value: str | None, expected: str | None
) -> None:
    assert normalise_answer(field, value) == expected


@pytest.mark.parametrize(
    ("field", "value"),
    [("sex", "woman"), ("age_band", "35"), ("disability", "maybe"), ("shoe_size", "42")],
)
def test_other_answers_are_invalid(field: str, value: str) -> None:
    with pytest.raises(Invalid):
        normalise_answer(field, value)


def test_self_report_round_trip(session: Session, org: TalentOrg, clock: FixedClock) -> None:
    me = org.as_("p1")
    assert my_demographics(session, me) == MyDemographics()
    got = check_report_my_demographics(session, me, clock=clock, **ANSWERS)
    assert got == MyDemographics("female", "Two or more races", "40-49", None, NOW)
    row = session.get(Demographics, org.ids["p1"])
    assert row is not None
    assert (row.source, row.org_id) == ("self", org.id)
    later = FixedClock(NOW + timedelta(days=1))
    changed = check_report_my_demographics(
        session,
        me,
        sex=None,
        race_ethnicity=None,
        age_band="50 and over",
        disability="no",
        clock=later,
    )
    assert changed == MyDemographics(None, None, "50 and over", "no", later.now())
    assert my_demographics(session, me) == changed


def test_invalid_answers_store_nothing(session: Session, org: TalentOrg, clock: FixedClock) -> None:
    with pytest.raises(Invalid, match="one of under 30, 30-39"):
        check_report_my_demographics(
            session, org.as_("p1"), clock=clock, **{**ANSWERS, "age_band": "41"}
        )
    assert session.get(Demographics, org.ids["p1"]) is None


def test_each_person_reads_only_their_own(
    session: Session, org: TalentOrg, clock: FixedClock
) -> None:
    check_report_my_demographics(session, org.as_("p1"), clock=clock, **ANSWERS)
    # No reader takes a person id: everyone, even HR or p1's manager, gets their own answers.
    for other in (org.as_("p2"), org.as_("e2", Role.MANAGER), org.as_("h1", Role.HR)):
        assert my_demographics(session, other) == MyDemographics()
    for reader in (my_demographics, check_report_my_demographics, check_forget_my_demographics):
        assert "person_id" not in inspect.signature(reader).parameters
    # The twin organisation's p1 shares the employee id but not the answers.
    twin_p1 = Principal(7, org.other_id, Role.EMPLOYEE, org.other_ids["p1"], "p1@example.com")
    assert my_demographics(session, twin_p1) == MyDemographics()


def test_accounts_without_a_person_of_the_org_are_refused(
    session: Session, org: TalentOrg, clock: FixedClock
) -> None:
    for principal in (
        org.staff(Role.HR),
        # A person id of another organisation does not count as one's own.
        Principal(8, org.id, Role.EMPLOYEE, org.other_ids["p1"], "x@example.com"),
    ):
        with pytest.raises(NotAllowed):
            check_report_my_demographics(session, principal, clock=clock, **ANSWERS)
        with pytest.raises(NotAllowed):
            my_demographics(session, principal)
        with pytest.raises(NotAllowed):
            check_forget_my_demographics(session, principal, clock=clock)
    assert session.get(Demographics, org.other_ids["p1"]) is None


def test_forget_deletes_the_row(session: Session, org: TalentOrg, clock: FixedClock) -> None:
    me = org.as_("p1")
    check_report_my_demographics(session, me, clock=clock, **ANSWERS)
    check_forget_my_demographics(session, me, clock=clock)
    assert session.get(Demographics, org.ids["p1"]) is None
    assert my_demographics(session, me) == MyDemographics()
    check_forget_my_demographics(session, me, clock=clock)  # nothing left: still fine


def test_audit_entries_carry_no_values(session: Session, org: TalentOrg, clock: FixedClock) -> None:
    me = org.as_("p1")
    check_report_my_demographics(session, me, clock=clock, **ANSWERS)
    check_forget_my_demographics(session, me, clock=clock)
    entries = [e for e in audit.entries(session, org_id=org.id) if e.action.startswith("talent.")]
    assert [(e.action, e.subject, e.at) for e in entries] == [
        ("talent.demographics.self_report", f"person:{org.ids['p1']}", NOW),
        ("talent.demographics.forget", f"person:{org.ids['p1']}", NOW),
    ]
    text = json.dumps([e.payload for e in entries]).lower()
    for value in ("female", "two or more races", "40-49"):
        assert value not in text


def test_demographics_for_audit_covers_everyone_asked(
    session: Session, org: TalentOrg, clock: FixedClock
) -> None:
    check_report_my_demographics(session, org.as_("p1"), clock=clock, **ANSWERS)
    p1, p2, theirs = org.ids["p1"], org.ids["p2"], org.other_ids["p1"]
    result = demographics_for_audit(session, org.id, [p1, p2, theirs, p1])
    assert list(result) == [p1, p2, theirs]
    assert result[p1] == {
        "sex": "female",
        "race_ethnicity": "Two or more races",
        "age_band": "40-49",
        "disability": None,
    }
    empty = {"sex": None, "race_ethnicity": None, "age_band": None, "disability": None}
    assert result[p2] == result[theirs] == empty
    assert demographics_for_audit(session, org.other_id, [p1]) == {p1: empty}
    assert demographics_for_audit(session, org.id, []) == {}
