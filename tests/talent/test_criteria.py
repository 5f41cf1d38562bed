"""Criterion sources: exact points and words, missing evidence, the as-of cut-off, tenants."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown.core.errors import Invalid
from renown.store.tables.feedback import AnonymousRelease, FeedbackItem, FeedbackRating
from renown.store.tables.recognition import BadgeAward
from renown.store.tables.scores import ScoreSnapshot, ScoringRun
from renown.store.tables.talent import ExternalProminence, PerformanceRating
from renown.talent import criteria
from renown.talent.criteria import (
    EXTERNAL_KEYS,
    PROMINENCE_KEYS,
    CriterionInfo,
    Evidence,
    available,
    measure_all,
    register,
    source_for,
)
from tests.talent.conftest import TalentOrg

AS_OF = datetime(2026, 12, 1, tzinfo=UTC)
BEFORE = AS_OF - timedelta(days=30)
AFTER = AS_OF + timedelta(seconds=1)


def _measure(session: Session, org: TalentOrg, key: str, *people: str) -> dict[str, Evidence]:
    ids = [org.ids[p] for p in people]
    result = measure_all(session, org.id, [key], ids, AS_OF)[key]
    assert list(result) == ids
    return {p: result[org.ids[p]] for p in people}


def _rating(org_id: int, person: int, period: str, rating: int, at: datetime) -> PerformanceRating:
    return PerformanceRating(
        org_id=org_id, person_id=person, period=period, rating=rating, created_at=at
    )


def test_performance_uses_the_latest_period_known_on_the_date(
    session: Session, org: TalentOrg
) -> None:
    p1, p2 = org.ids["p1"], org.ids["p2"]
    session.add_all(
        [
            _rating(org.id, p1, "2025", 4, BEFORE),
            _rating(org.id, p1, "2026", 2, BEFORE),
            _rating(org.id, p2, "2025", 5, BEFORE),
            _rating(org.id, p2, "2026", 1, AFTER),  # not yet known on the round's date
            _rating(org.other_id, org.ids["p3"], "2026", 5, BEFORE),  # another tenant's row
        ]
    )
    session.flush()
    got = _measure(session, org, "performance", "p1", "p2", "p3")
    assert got["p1"] == Evidence(25.0, "2 of 5 (2026)", "rating for 2026")
    assert got["p2"] == Evidence(100.0, "5 of 5 (2025)", "rating for 2025")
    assert got["p3"] == Evidence(None, "no performance rating")


def _item(
    session: Session,
    org_id: int,
    receiver: int,
    ratings: dict[str, int],
    *,
    visibility: str = "manager",
    anonymous: bool = False,
    release: int | None = None,
    at: datetime = BEFORE,
    giver: int | None = None,
    relationship: str = "peer",
) -> None:
    item = FeedbackItem(
        org_id=org_id,
        giver_person_id=giver,
        receiver_id=receiver,
        relationship=relationship,
        visibility=visibility,
        anonymous=anonymous,
        release_id=release,
        created_at=at,
    )
    session.add(item)
    session.flush()
    for key, rating in ratings.items():
        session.add(FeedbackRating(item_id=item.id, competency_key=key, rating=rating))
    session.flush()


def _release(session: Session, org_id: int, receiver: int, audience: str, cut: datetime) -> int:
    release = AnonymousRelease(
        org_id=org_id,
        receiver_id=receiver,
        audience=audience,
        group="peer",
        givers=3,
        salt="s",
        cut_at=cut,
    )
    session.add(release)
    session.flush()
    return release.id


@pytest.fixture
def feedback(session: Session, org: TalentOrg) -> None:
    """p1: 4 usable ratings from 3 named givers (manager-shared and public), and 7 that are
    not; p2: ratings from one giver only."""
    p1, ids = org.ids["p1"], org.ids
    usable = _release(session, org.id, p1, "manager", BEFORE)
    private = _release(session, org.id, p1, "private", BEFORE)
    late = _release(session, org.id, p1, "manager", AFTER)
    _item(session, org.id, p1, {"communication": 5, "delivery": 3}, giver=ids["e2"])
    _item(session, org.id, p1, {"communication": 4}, visibility="public", giver=ids["s1"])
    _item(session, org.id, p1, {"delivery": 4}, giver=ids["h1"])
    # Never used: anonymous feedback, even released to managers (a per-person number would
    # let one answer be isolated), private, given after the date, another tenant's item.
    _item(session, org.id, p1, {"delivery": 1}, anonymous=True, release=usable, giver=ids["p2"])
    _item(session, org.id, p1, {"communication": 1}, visibility="private", giver=ids["p2"])
    _item(session, org.id, p1, {"communication": 1}, anonymous=True, giver=ids["p3"])
    _item(session, org.id, p1, {"communication": 1}, anonymous=True, release=private)
    _item(session, org.id, p1, {"communication": 1}, anonymous=True, release=late)
    _item(session, org.id, p1, {"communication": 1}, at=AFTER, giver=ids["p4"])
    _item(session, org.other_id, p1, {"communication": 1}, giver=org.other_ids["e2"])
    # p2: two usable ratings from one person only.
    _item(session, org.id, ids["p2"], {"communication": 4, "craft": 4}, giver=ids["p1"])


@pytest.mark.usefixtures("feedback")
def test_feedback_mean_of_named_ratings_from_three_people(session: Session, org: TalentOrg) -> None:
    got = _measure(session, org, "feedback", "p1", "p2", "p3")
    mean = (5 + 3 + 4 + 4) / 4
    assert got["p1"].points == pytest.approx((mean - 1) / 4 * 100)
    assert got["p1"].shown == "4.0 from 4 ratings by 3 people"
    assert got["p2"] == Evidence(None, "ratings from 1 person; 3 people needed", got["p2"].source)
    assert got["p3"].points is None
    assert got["p3"].shown == "no ratings; 3 people needed"


@pytest.mark.usefixtures("feedback")
def test_a_self_assessment_never_counts(session: Session, org: TalentOrg) -> None:
    """A self-rating shared with managers would let a candidate raise their own criterion."""
    p1, p2 = org.ids["p1"], org.ids["p2"]
    _item(session, org.id, p1, {"communication": 5, "delivery": 5}, giver=p1, relationship="self")
    # p2 has one outside giver; their own ratings (however labelled) must not make a second
    _item(session, org.id, p2, {"communication": 5}, giver=p2)
    _item(session, org.id, p2, {"communication": 5}, giver=org.ids["e2"])
    got = _measure(session, org, "feedback", "p1", "p2")
    assert got["p1"].shown == "4.0 from 4 ratings by 3 people"
    assert got["p2"].shown == "ratings from 2 people; 3 people needed"


@pytest.mark.usefixtures("feedback")
def test_feedback_of_one_competency(session: Session, org: TalentOrg) -> None:
    _item(session, org.id, org.ids["p1"], {"communication": 3}, giver=org.ids["h1"])
    got = _measure(session, org, "feedback:communication", "p1")["p1"]
    assert got.points == pytest.approx(((5 + 4 + 3) / 3 - 1) / 4 * 100)
    assert got.shown == "4.0 from 3 ratings by 3 people"
    delivery = _measure(session, org, "feedback:delivery", "p1")["p1"]
    assert delivery.shown == "ratings from 2 people; 3 people needed"


def _run(session: Session, org_id: int, as_of: datetime, *, status: str = "done") -> int:
    run = ScoringRun(
        org_id=org_id,
        run_key=f"k{as_of.isoformat()}{status}",
        status=status,
        as_of=as_of,
        input_fingerprint="f",
        code_version="t",
        finished_at=as_of if status == "done" else None,
    )
    session.add(run)
    session.flush()
    return run.id


def _scores(session: Session, run_id: int, scores: dict[int, int]) -> None:
    for rank, (person, score) in enumerate(scores.items(), 1):
        session.add(
            ScoreSnapshot(
                run_id=run_id, person_id=person, score=score, score_exact=score, rank=rank
            )
        )
    session.flush()


def test_internal_prominence_from_the_newest_run_by_the_date(
    session: Session, org: TalentOrg
) -> None:
    assert _measure(session, org, "prominence_internal", "p1")["p1"] == Evidence(
        None, "no scoring run by 01 Dec 2026"
    )
    p1, p2 = org.ids["p1"], org.ids["p2"]
    _scores(session, _run(session, org.id, datetime(2026, 10, 1, tzinfo=UTC)), {p1: 10, p2: 20})
    newest = _run(session, org.id, datetime(2026, 11, 1, tzinfo=UTC))
    _scores(session, newest, {p1: 72})
    _scores(session, _run(session, org.id, AFTER), {p1: 99, p2: 99})
    _scores(session, _run(session, org.id, BEFORE, status="failed"), {p1: 98, p2: 98})
    _scores(session, _run(session, org.other_id, BEFORE), {p1: 97, p2: 97})
    got = _measure(session, org, "prominence_internal", "p1", "p2")
    assert got["p1"] == Evidence(72.0, "72 (run of 01 Nov 2026)", f"scoring run {newest}")
    assert got["p2"] == Evidence(None, "not scored in the run of 01 Nov 2026")


def test_external_prominence_latest_per_network(session: Session, org: TalentOrg) -> None:
    p1 = org.ids["p1"]

    def seen(org_id: int, network: str, score: int, day: date) -> ExternalProminence:
        return ExternalProminence(
            org_id=org_id, person_id=p1, network=network, score=score, observed_on=day
        )

    session.add_all(
        [
            seen(org.id, "linkedin", 40, date(2026, 6, 1)),
            seen(org.id, "linkedin", 50, date(2026, 10, 1)),
            seen(org.id, "github", 71, date(2026, 9, 1)),
            seen(org.id, "github", 5, date(2026, 12, 2)),  # after the date
            seen(org.other_id, "x", 1, date(2026, 9, 1)),  # another tenant's row
        ]
    )
    session.flush()
    got = _measure(session, org, "prominence_external", "p1", "p2")
    assert got["p1"] == Evidence(60.5, "60.5 (2 networks, latest 01 Oct 2026)", "github, linkedin")
    assert got["p2"] == Evidence(None, "no external observation")


def test_badges_count_until_the_date_and_zero_is_real(session: Session, org: TalentOrg) -> None:
    def award(person: str, n: int, at: datetime, org_id: int | None = None) -> None:
        for i in range(n):
            session.add(
                BadgeAward(
                    org_id=org_id or org.id,
                    person_id=org.ids[person],
                    badge="b",
                    item=f"{at.isoformat()}-{i}",
                    awarded_at=at,
                    reason="r",
                    rule_hash="h",
                )
            )

    award("p1", 3, BEFORE)
    award("p1", 1, AFTER)
    award("p2", 12, BEFORE)
    award("p3", 4, BEFORE, org.other_id)
    session.flush()
    got = _measure(session, org, "badges", "p1", "p2", "p3")
    assert got["p1"] == Evidence(30.0, "3 badges", "badge awards")
    assert got["p2"] == Evidence(100.0, "12 badges", "badge awards")
    assert got["p3"] == Evidence(0.0, "0 badges", "badge awards")


def test_tenure_years_since_hire(session: Session, org: TalentOrg) -> None:
    got = _measure(session, org, "tenure", "p1", "e0", "p5")
    years = (date(2026, 12, 1) - date(2018, 1, 1)).days / 365.25
    assert got["p1"] == Evidence(years * 10, "8.9 years (since 01 Jan 2018)", "hire date")
    assert got["e0"].points == 100.0
    assert got["p5"] == Evidence(None, "no hire date")
    early = measure_all(
        session, org.id, ["tenure"], [org.ids["p4"]], datetime(2020, 1, 1, tzinfo=UTC)
    )
    assert early["tenure"][org.ids["p4"]] == Evidence(
        None, "hired on 01 Jan 2021, after 01 Jan 2020"
    )


@pytest.mark.usefixtures("feedback")
def test_another_organisations_people_have_no_evidence(session: Session, org: TalentOrg) -> None:
    """Asking about the twin's people from this organisation finds nothing of theirs."""
    theirs = [org.other_ids["p1"], org.other_ids["e0"]]
    session.add(_rating(org.other_id, theirs[0], "2026", 5, BEFORE))
    session.flush()
    keys = ["performance", "feedback", "badges", "tenure", "prominence_external"]
    result = measure_all(session, org.id, keys, theirs, AS_OF)
    for key in keys:
        assert [e.points for e in result[key].values()] == [None, None], key
    assert result["tenure"][theirs[1]].shown == "not a person of this organisation"


def test_registry_builtins_and_unknown_keys() -> None:
    assert source_for("tenure").info.label == "Tenure"
    assert {"prominence_external"} == EXTERNAL_KEYS
    assert {"prominence_internal", "prominence_external"} == PROMINENCE_KEYS
    assert source_for("prominence_external").info.external
    assert not source_for("performance").info.prominence
    assert source_for("feedback:customer_focus").info.label == "360: Customer focus"
    for key in ("nope", "feedback:", "other:x", ""):
        with pytest.raises(Invalid, match="unknown criterion"):
            source_for(key)
    with pytest.raises(ValueError, match="already registered"):
        register("tenure", lambda key: source_for("tenure"))


def test_available_lists_builtins_and_the_active_frameworks_competencies(
    session: Session, org: TalentOrg
) -> None:
    infos = {info.key: info for info in available(session, org.id)}
    builtins = ["performance", "feedback", "prominence_internal", "prominence_external"]
    assert list(infos)[:6] == [*builtins, "badges", "tenure"]
    assert infos["feedback:communication"].label == "360: Communication"
    assert infos["feedback:craft"].label == "360: Craft and expertise"
    assert len([k for k in infos if k.startswith("feedback:")]) == 6


class _Fixed:
    """A plug-in criterion: everyone gets the same points (what a test needs, no more)."""

    def __init__(self, key: str) -> None:
        self.info = CriterionInfo(key, "Challenge", "d", external=False, prominence=False)

    def measure(
        self, session: Session, org_id: int, person_ids: Any, as_of: datetime
    ) -> dict[int, Evidence]:
        return {pid: Evidence(42.0, f"{self.info.key} for {pid}") for pid in person_ids}


@pytest.fixture
def clean_registry(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(criteria, "_SOURCES", dict(criteria._SOURCES))
    yield


@pytest.mark.usefixtures("clean_registry")
def test_a_registered_plug_in_is_measured(session: Session, org: TalentOrg) -> None:
    register("challenge:", _Fixed)
    register("kata", _Fixed)
    p1 = org.ids["p1"]
    result = measure_all(session, org.id, ["challenge:42", "kata", "tenure"], [p1], AS_OF)
    assert result["challenge:42"] == {p1: Evidence(42.0, f"challenge:42 for {p1}")}
    assert result["kata"][p1].points == 42.0
    assert source_for("challenge:7").info.key == "challenge:7"
    assert "kata" in {info.key for info in available(session, org.id)}


def test_an_empty_pool_measures_nothing(session: Session, org: TalentOrg) -> None:
    keys = [info.key for info in available(session, org.id)]
    assert measure_all(session, org.id, keys, [], AS_OF) == {key: {} for key in keys}


def test_unknown_key_fails_before_reading(session: Session, org: TalentOrg) -> None:
    with pytest.raises(Invalid, match="unknown criterion 'bogus'"):
        measure_all(session, org.id, ["tenure", "bogus"], [org.ids["p1"]], AS_OF)


@pytest.mark.usefixtures("feedback")
def test_query_count_does_not_grow_with_the_pool(session: Session, org: TalentOrg) -> None:
    keys = [info.key for info in available(session, org.id)]
    _scores(session, _run(session, org.id, BEFORE), {org.ids["p1"]: 50})
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(str(args[2]))

    connection = session.connection()
    sa.event.listen(connection, "before_cursor_execute", count)
    try:
        measure_all(session, org.id, keys, [org.ids["p1"]], AS_OF)
        few = len(statements)
        statements.clear()
        measure_all(session, org.id, keys, list(org.ids.values()), AS_OF)
        many = len(statements)
    finally:
        sa.event.remove(connection, "before_cursor_execute", count)
    assert few == many
    assert many <= 2 * len(keys)
