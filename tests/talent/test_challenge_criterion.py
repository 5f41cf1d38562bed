"""The "challenges" criterion: the conservative rating as of the round's date, on its written
scale, missing for people who never took part, read only from the organisation asked about."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from renown.store.tables.accounts import Account
from renown.store.tables.challenges import RatingHistory
from renown.talent.criteria import (
    CHALLENGE_RATING_FOR_FULL_POINTS,
    CHALLENGE_RATING_FOR_ZERO_POINTS,
    Evidence,
    available,
    measure_all,
    source_for,
)
from tests.challenges.market_helpers import completed_challenge
from tests.talent.conftest import TalentOrg

AS_OF = datetime(2026, 12, 1, tzinfo=UTC)
BEFORE = AS_OF - timedelta(days=30)
AFTER = AS_OF + timedelta(seconds=1)
SOURCE = "challenge rating history"


def _account(session: Session, org_id: int, person_id: int, email: str) -> int:
    account = Account(org_id=org_id, email=email, role="employee", person_id=person_id)
    session.add(account)
    session.flush()
    return account.id


def _rated(
    session: Session, org_id: int, account_id: int, mu: float, sigma: float, at: datetime
) -> None:
    challenge = completed_challenge(session, org_id, None, [], at, rate=False)
    session.add(
        RatingHistory(
            account_id=account_id, challenge_id=challenge, mu=mu, sigma=sigma, rank=1, at=at
        )
    )
    session.flush()


def _measure(session: Session, org: TalentOrg, *people: str) -> dict[str, Evidence]:
    ids = [org.ids[p] for p in people]
    result = measure_all(session, org.id, ["challenges"], ids, AS_OF)["challenges"]
    assert list(result) == ids
    return {p: result[org.ids[p]] for p in people}


def test_the_scale_and_the_as_of_cut_off(session: Session, org: TalentOrg) -> None:
    assert (CHALLENGE_RATING_FOR_ZERO_POINTS, CHALLENGE_RATING_FOR_FULL_POINTS) == (1000, 2000)
    p1 = _account(session, org.id, org.ids["p1"], "p1@example.com")
    p2 = _account(session, org.id, org.ids["p2"], "p2@example.com")
    p3 = _account(session, org.id, org.ids["p3"], "p3@example.com")
    _account(session, org.id, org.ids["p4"], "p4@example.com")  # an account, never rated
    _rated(session, org.id, p1, 18.5, 2.0, BEFORE - timedelta(days=5))  # 1500
    _rated(session, org.id, p1, 18.5, 1.0, BEFORE)  # 1620: the latest by the date
    _rated(session, org.id, p1, 40.0, 1.0, AFTER)  # settled after the round's date
    _rated(session, org.id, p2, 50.0, 1.0, BEFORE)  # 2880: capped
    _rated(session, org.id, p3, 10.0, 5.0, BEFORE)  # 800: below a newcomer
    found = _measure(session, org, "p1", "p2", "p3", "p4", "p5")
    day = BEFORE.date()
    assert found["p1"] == Evidence(62.0, f"rating 1620 after 2 rated challenges ({day})", SOURCE)
    assert found["p2"] == Evidence(100.0, f"rating 2880 after 1 rated challenge ({day})", SOURCE)
    assert found["p3"] == Evidence(0.0, f"rating 800 after 1 rated challenge ({day})", SOURCE)
    missing = Evidence(None, f"no rated challenge by {AS_OF:%d %b %Y}")
    assert found["p4"] == missing and found["p5"] == missing


def test_a_person_with_two_accounts_is_measured_by_the_latest(
    session: Session, org: TalentOrg
) -> None:
    first = _account(session, org.id, org.ids["p1"], "a@example.com")
    second = _account(session, org.id, org.ids["p1"], "b@example.com")
    _rated(session, org.id, second, 18.5, 2.0, BEFORE)  # 1500, newer
    _rated(session, org.id, first, 50.0, 1.0, BEFORE - timedelta(days=1))
    assert _measure(session, org, "p1")["p1"].points == 50.0


def test_another_organisation_is_never_read(session: Session, org: TalentOrg) -> None:
    theirs = _account(session, org.other_id, org.other_ids["p1"], "x@globex.example")
    _rated(session, org.other_id, theirs, 50.0, 1.0, BEFORE)
    assert _measure(session, org, "p1")["p1"].points is None
    result = measure_all(session, org.id, ["challenges"], [org.other_ids["p1"]], AS_OF)
    assert result["challenges"][org.other_ids["p1"]].points is None


def test_the_criterion_is_a_builtin(session: Session, org: TalentOrg) -> None:
    info = source_for("challenges").info
    assert info.label == "Challenges" and not info.external and not info.prominence
    assert "2000" in info.description
    assert "challenges" in {i.key for i in available(session, org.id)}
