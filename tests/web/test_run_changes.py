"""A person's change since the previous run, and why, on the API, the run page and the
profile (its own installation: this module adds a run)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from renown.core.roles import Role
from renown.demo.org import generate_org
from renown.scoring.pipeline import score_events
from renown.scoring.snapshots import store_scoring_result
from renown.store.engine import transaction
from renown.store.tables.scores import ScoreSnapshot, ScoringRun
from tests.web.conftest import ORG_PEOPLE, Platform


@pytest.fixture(scope="module")
def rescored(platform: Platform) -> int:
    """A second acme run, 40 days later with a shorter half-life: as-of and decay moved."""
    org = generate_org(people=ORG_PEOPLE)
    groups = dict(zip(org.people["person_id"], org.people["department"], strict=True))
    later = org.events["timestamp"].max() + timedelta(days=40)
    result = score_events(org.events, as_of=later, half_life_days=60.0, groups=groups)
    with transaction(platform.sessions) as session:
        return store_scoring_result(
            session, org_id=platform.acme_id, result=result, actor="tests"
        ).id


def _half_life_change(platform: Platform) -> str:
    """The reason the rescore gives for its half-life (the base run used the default)."""
    with platform.sessions() as session:
        base = session.get(ScoringRun, platform.run_id)
        assert base is not None
        before = base.params["graph_params"]["half_life_days"]
    return f"half life days changed from {before} to 60.0"


def _score(platform: Platform, run_id: int, person_id: int) -> int:
    with platform.sessions() as session:
        score = session.scalar(
            sa.select(ScoreSnapshot.score).where(
                ScoreSnapshot.run_id == run_id, ScoreSnapshot.person_id == person_id
            )
        )
    assert score is not None
    return int(score)


def test_the_api_reports_each_persons_change_and_the_reasons(
    platform: Platform, rescored: int
) -> None:
    answer = platform.bearer(Role.HR).get(f"/api/v1/runs/{rescored}/changes", params={"limit": 5})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["run"]["previous_run_id"] == platform.run_id
    reasons = body["run"]["reasons"]
    assert any(r.startswith("as-of moved from ") for r in reasons)
    assert _half_life_change(platform) in reasons
    assert len(body["people"]) == 5
    for person in body["people"]:
        before = _score(platform, platform.run_id, person["person_id"])
        assert person["previous_score"] == before
        assert person["change"] == person["score"] - before
        assert person["reasons"] == reasons

    first = platform.bearer(Role.HR).get(f"/api/v1/runs/{platform.run_id}/changes").json()
    assert first["run"]["reasons"] == ["the first scoring run of the organisation"]
    assert {p["change"] for p in first["people"]} == {None}


def test_changes_are_for_hr_and_admins_of_the_runs_organisation(
    platform: Platform, rescored: int
) -> None:
    assert platform.bearer(Role.EMPLOYEE).get(f"/api/v1/runs/{rescored}/changes").status_code == 403
    other = platform.bearer(platform.other_hr).get(f"/api/v1/runs/{rescored}/changes")
    assert other.status_code == 404


def test_the_profile_states_the_change_since_the_previous_run_with_its_reasons(
    platform: Platform, rescored: int
) -> None:
    person = platform.cast.public
    profile = platform.bearer(Role.HR).get(f"/api/v1/people/{person}/profile").json()
    change = profile["change"]
    assert change["score"] == _score(platform, rescored, person) == profile["score"]
    assert change["change"] == profile["score"] - _score(platform, platform.run_id, person)
    assert [point["score"] for point in profile["history"][-2:]] == [
        change["previous_score"],
        change["score"],
    ]
    assert any(r.startswith("as-of moved") for r in change["reasons"])
    page = platform.browser(Role.HR).get(f"/people/{person}")
    assert "data-person-change" in page.text and "as-of moved" in page.text


def test_the_run_page_says_what_changed_since_the_previous_run(
    platform: Platform, rescored: int
) -> None:
    page = platform.browser(Role.ADMIN).get(f"/runs/{rescored}")
    assert page.status_code == 200
    assert "Since the previous run" in page.text
    assert f'href="/runs/{platform.run_id}"' in page.text
    assert _half_life_change(platform) in page.text
    assert page.text.count("data-run-change-value=") >= 10


def test_the_leaderboard_shows_the_change_since_the_previous_run(
    platform: Platform, rescored: int
) -> None:
    board = platform.bearer(Role.HR).get("/api/v1/leaderboard", params={"limit": 5}).json()
    assert board["run_id"] == rescored  # the newest as-of is the latest run
    for row in board["items"]:
        before = _score(platform, platform.run_id, row["person_id"])
        assert row["since_previous"] == row["score"] - before
    first = platform.bearer(Role.HR).get(
        "/api/v1/leaderboard", params={"run_id": platform.run_id, "limit": 5}
    )
    assert {row["since_previous"] for row in first.json()["items"]} == {None}
    page = platform.browser(Role.HR).get("/leaderboard")
    assert "Since previous run" in page.text
