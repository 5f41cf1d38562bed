"""The server-rendered pages, through the real app on the shared test installation.

Each test signs in through the form (``platform.browser``) and reads the HTML a browser
would get: the numbers shown must be the stored ones, the chart spec must be valid JSON
carrying the score history, and every person shown must be one the viewer may see.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import timedelta
from html import unescape
from typing import Any

import polars as pl
import pytest
import sqlalchemy as sa

from renown.core.roles import Role
from renown.demo.org import generate_org
from renown.org.results import COLLEAGUE, Connection, HistoryPoint
from renown.scoring.pipeline import score_events
from renown.scoring.snapshots import store_scoring_result
from renown.store.tables.org import Department, Person
from renown.store.tables.scores import ScoreSnapshot, ScoringRun
from renown.web.people.present import component_bars, describe, trend_chart_spec
from tests.web.conftest import ORG_PEOPLE, Platform, csrf_of

HTML = {"accept": "text/html"}
HTMX = {"hx-request": "true"}
SPEC_BLOCK = re.compile(r'<script type="application/json" id="trend-spec">(.*?)</script>', re.S)
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.S)
WEIGHTED_LABELS = ("Endorsement", "Reach", "Engagement")


@pytest.fixture(scope="module")
def earlier_run(platform: Platform) -> Iterator[int]:
    """A second, older scoring run of acme, so that profiles have a history of two points.

    It is stored after the installation's run but dated (``as_of`` and ``finished_at``)
    30 days before it, as if it had run first; the installation's run stays the latest.
    """
    org = generate_org(people=ORG_PEOPLE)
    groups = dict(zip(org.people["person_id"], org.people["department"], strict=True))
    newest = org.events["timestamp"].max()
    as_of = newest - timedelta(days=30)
    result = score_events(
        org.events.filter(pl.col("timestamp") <= as_of), as_of=as_of, groups=groups
    )
    with platform.sessions() as session, session.begin():
        latest = session.get(ScoringRun, platform.run_id)
        assert latest is not None and latest.finished_at is not None
        run = store_scoring_result(session, org_id=platform.acme_id, result=result, actor="tests")
        run.finished_at = latest.finished_at - timedelta(days=30)
        run_id = run.id
    yield run_id


def _page(platform: Platform, role: Role, url: str, **headers: str) -> Any:
    answer = platform.browser(role).get(url, headers={**HTML, **headers})
    assert answer.status_code == 200, answer.text
    return answer


def _snapshot(platform: Platform, person_id: int, run_id: int) -> ScoreSnapshot:
    with platform.sessions() as session:
        snap = session.scalar(
            sa.select(ScoreSnapshot).where(
                ScoreSnapshot.person_id == person_id, ScoreSnapshot.run_id == run_id
            )
        )
        assert snap is not None
        session.expunge(snap)
        return snap


def _text(html: str) -> str:
    """The visible words of a page, tags removed and whitespace collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


# Signing in and navigation


def test_pages_send_anonymous_visitors_to_sign_in(platform: Platform) -> None:
    answer = platform.anonymous(**HTML).get("/leaderboard")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/signin?next=%2Fleaderboard"


@pytest.mark.parametrize(
    ("role", "shown", "hidden"),
    [
        (Role.EMPLOYEE, {"/people", "/leaderboard", "/network", "/tokens"}, {"/runs"}),
        (Role.HR, {"/people", "/leaderboard", "/network", "/runs", "/tokens"}, set()),
        (Role.SPONSOR, {"/tokens"}, {"/people", "/leaderboard", "/network", "/runs"}),
    ],
)
def test_navigation_offers_only_what_the_role_may_open(
    platform: Platform, role: Role, shown: set[str], hidden: set[str]
) -> None:
    html = _page(platform, role, "/").text
    nav = html[html.index('<nav aria-label="Main">') : html.index("</nav>")]
    links = set(re.findall(r'href="([^"]+)"', nav))
    assert shown <= links
    assert not hidden & links
    for link in links:
        assert platform.browser(role).get(link, headers=HTML).status_code == 200, link


def test_pages_run_no_inline_script(platform: Platform, earlier_run: int) -> None:
    """The Content-Security-Policy forbids inline scripts: every script has a src or is data."""
    urls = ["/", "/people", "/leaderboard", "/network", "/tokens", "/teams"]
    urls += [f"/people/{platform.cast.employee}"]
    client = platform.browser(Role.EMPLOYEE)
    for url in urls:
        answer = client.get(url, headers=HTML)
        assert "script-src 'self'" in answer.headers["content-security-policy"]
        for attributes in SCRIPT_TAG.findall(answer.text):
            assert "src=" in attributes or 'type="application/json"' in attributes, url
        for src in re.findall(r'<script[^>]*\bsrc="([^"]+)"', answer.text):
            assert client.get(src).status_code == 200, src


# Home


def test_home_shows_the_employees_own_score_card(platform: Platform) -> None:
    snap = _snapshot(platform, platform.cast.employee, platform.run_id)
    text = _text(_page(platform, Role.EMPLOYEE, "/").text)
    assert "Your score" in text
    assert f"Score {snap.score}" in text
    assert f"Rank {snap.rank} of {ORG_PEOPLE}" in text
    for label in WEIGHTED_LABELS:
        assert label in text
    assert "Organisation" not in text


def test_home_lists_a_managers_direct_reports_with_scores(platform: Platform) -> None:
    report = _snapshot(platform, platform.cast.report, platform.run_id)
    with platform.sessions() as session:
        name = session.get(Person, platform.cast.report).name  # type: ignore[union-attr]
    html = _page(platform, Role.MANAGER, "/").text
    section = _text(html[html.index('id="reports-title"') :])
    assert f"Score {report.score} {name}" in section


def test_home_gives_hr_the_organisation_summary(platform: Platform) -> None:
    text = _text(_page(platform, Role.HR, "/").text)
    assert f"People {ORG_PEOPLE}" in text
    assert "Top 10" in text
    assert "Latest scoring run" in text


def test_sponsors_get_a_plain_home_and_no_prominence_pages(platform: Platform) -> None:
    text = _text(_page(platform, Role.SPONSOR, "/").text)
    assert "Post a challenge" in text and "Prize ledger" in text
    assert "Score" not in text
    member = _text(_page(platform, Role.MEMBER, "/").text)
    assert "Open challenges" in member and "Your marketplace profile" in member
    answer = platform.browser(Role.SPONSOR).get("/leaderboard", headers=HTML)
    assert answer.status_code == 403
    assert "Not allowed" in answer.text


# Profiles


def test_profile_shows_score_components_words_and_chart(
    platform: Platform, earlier_run: int
) -> None:
    person = platform.cast.employee
    latest = _snapshot(platform, person, platform.run_id)
    earlier = _snapshot(platform, person, earlier_run)
    html = _page(platform, Role.EMPLOYEE, f"/people/{person}").text
    text = _text(html)
    assert f"Score {latest.score}" in text
    for bar in component_bars(latest.explanation):
        assert f"{bar.label} {bar.points:.1f} / {bar.maximum:.0f} pts" in text
    assert f"scores {latest.score} out of 100" in text
    spec = json.loads(unescape(SPEC_BLOCK.search(html).group(1)))  # type: ignore[union-attr]
    assert spec["mark"]["type"] == "line"
    assert [v["score"] for v in spec["data"]["values"]] == [earlier.score, latest.score]
    assert 'data-vega-spec="trend-spec"' in html
    assert "/static/vega-embed-6.29.0.min.js" in html


def test_profile_names_only_connections_the_viewer_may_see(platform: Platform) -> None:
    """The stored summary names drivers by raw identity; the page must not repeat them."""
    html = _page(platform, Role.EMPLOYEE, f"/people/{platform.cast.employee}").text
    with platform.sessions() as session:
        visible = set(
            session.scalars(
                sa.select(Person.name).where(
                    Person.org_id == platform.acme_id,
                    sa.or_(Person.public_profile.is_(True), Person.id == platform.cast.employee),
                )
            )
        )
        private = set(
            session.scalars(
                sa.select(Person.name).where(
                    Person.org_id == platform.acme_id,
                    Person.public_profile.is_(False),
                    Person.id != platform.cast.employee,
                )
            )
        )
    linked = re.findall(r'<a href="/people/\d+">([^<]+)</a>', html)
    assert set(linked) <= visible
    text = _text(html)
    assert not [name for name in private - visible if name in text]
    assert not re.search(r"\bp\d{4}\b", text), "raw event identities leaked into the page"


def test_profile_of_someone_unseen_or_elsewhere_is_not_found(platform: Platform) -> None:
    client = platform.browser(Role.EMPLOYEE)
    for person in (platform.cast.private, platform.cast.other_person):
        answer = client.get(f"/people/{person}", headers=HTML)
        assert answer.status_code == 404
        assert "Not found" in answer.text
    assert client.get(f"/teams/{platform.team_of[platform.cast.other_person]}").status_code == 404


# People search, leaderboard, teams


def test_people_search_answers_htmx_with_the_results_only(platform: Platform) -> None:
    with platform.sessions() as session:
        name = session.get(Person, platform.cast.public).name  # type: ignore[union-attr]
    full = _page(platform, Role.EMPLOYEE, "/people").text
    assert 'hx-get="/people"' in full and "<html" in full
    query = name.split()[0]
    part = _page(platform, Role.EMPLOYEE, f"/people?q={query}", **HTMX).text
    assert "<html" not in part
    assert name in part
    assert f"/people/{platform.cast.private}" not in part
    blank = _page(platform, Role.EMPLOYEE, "/people?q=&team_id=&department_id=", **HTMX)
    assert "people" in blank.text


def test_leaderboard_pages_with_htmx_and_shows_everyone_to_hr(platform: Platform) -> None:
    first = _text(_page(platform, Role.HR, "/leaderboard").text)
    assert f"1–25 of {ORG_PEOPLE}" in first
    second = _page(platform, Role.HR, "/leaderboard?offset=25", **HTMX).text
    assert "<html" not in second
    assert f"26–50 of {ORG_PEOPLE}" in _text(second)
    assert len(re.findall(r'<a href="/people/\d+">', second)) == 25


def test_leaderboard_shows_employees_only_opted_in_colleagues(platform: Platform) -> None:
    with platform.sessions() as session:
        public = session.scalar(
            sa.select(sa.func.count(Person.id)).where(
                Person.org_id == platform.acme_id, Person.public_profile.is_(True)
            )
        )
    text = _text(_page(platform, Role.EMPLOYEE, "/leaderboard").text)
    assert f"of {public + 1}" in text  # the public profiles and the employee themselves


def test_leaderboard_filters_by_department(platform: Platform) -> None:
    with platform.sessions() as session:
        department = session.scalars(
            sa.select(Department).where(Department.org_id == platform.acme_id)
        ).first()
        assert department is not None
        members = session.scalar(
            sa.select(sa.func.count(Person.id)).where(Person.department_id == department.id)
        )
    part = _page(
        platform, Role.HR, f"/leaderboard?department_id={department.id}&team_id=", **HTMX
    ).text
    rows = re.findall(r"<tr>.*?</tr>", part, re.S)[1:]
    assert len(rows) == min(members or 0, 25)
    assert all(department.name in row for row in rows)


def test_team_page_lists_visible_members_with_scores(platform: Platform) -> None:
    person = platform.cast.employee
    snap = _snapshot(platform, person, platform.run_id)
    text = _text(_page(platform, Role.EMPLOYEE, f"/teams/{platform.team_of[person]}").text)
    assert "you" in text
    assert f"Score {snap.score}" in text


# Network map


def test_network_page_points_the_map_at_the_api(platform: Platform) -> None:
    team = platform.team_of[platform.cast.public]
    html = _page(platform, Role.HR, f"/network?team_id={team}").text
    source = unescape(re.search(r'data-source="([^"]+)"', html).group(1))  # type: ignore[union-attr]
    assert source.startswith("/api/v1/network?") and f"team_id={team}" in source
    assert "/static/cytoscape-3.34.4.min.js" in html
    data = platform.browser(Role.HR).get(source).json()
    assert data["nodes"] and data["edges"]
    with platform.sessions() as session:
        in_team = set(session.scalars(sa.select(Person.id).where(Person.team_id == team)))
    assert {node["id"] for node in data["nodes"]} <= in_team
    ids = {node["id"] for node in data["nodes"]}
    assert all(e["source"] in ids and e["target"] in ids for e in data["edges"])


def test_network_defaults_to_the_viewers_department(platform: Platform) -> None:
    with platform.sessions() as session:
        department = session.get(Person, platform.cast.employee).department_id  # type: ignore[union-attr]
    html = _page(platform, Role.EMPLOYEE, "/network?department_id=&team_id=").text
    assert f"department_id={department}" in unescape(html)


# The person's own data


def test_visibility_toggle_needs_csrf_and_changes_the_leaderboard(platform: Platform) -> None:
    person = platform.cast.employee
    url = "/me/visibility"
    refused = platform.browser(Role.EMPLOYEE, with_csrf=False).post(url, data={"public": "true"})
    assert refused.status_code == 403
    profile = _page(platform, Role.EMPLOYEE, f"/people/{person}").text
    assert 'action="/me/visibility"' in profile and "Make my profile public" in profile
    token = csrf_of(profile[profile.index('action="/me/visibility"') :])
    form = platform.browser(Role.EMPLOYEE, with_csrf=False)
    try:
        answer = form.post(url, data={"public": "true", "csrf_token": token})
        assert answer.status_code == 303
        assert answer.headers["location"] == f"/people/{person}"
        seen_by_colleague = platform.browser(Role.RECRUITER).get(f"/people/{person}")
        assert seen_by_colleague.status_code == 200
    finally:
        form.post(url, data={"public": "false", "csrf_token": token})
    assert platform.browser(Role.RECRUITER).get(f"/people/{person}").status_code == 404


def test_export_is_a_json_download_of_the_signers_own_data(
    platform: Platform, earlier_run: int
) -> None:
    answer = platform.browser(Role.EMPLOYEE).get("/me/export")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/json")
    assert answer.headers["content-disposition"].startswith("attachment")
    data = answer.json()
    assert data["person"]["id"] == platform.cast.employee
    assert {s["run_id"] for s in data["snapshots"]} == {earlier_run, platform.run_id}
    assert [a["email"] for a in data["accounts"]] == ["employee@acme.example"]
    with platform.sessions() as session:
        others = set(
            session.scalars(
                sa.select(Person.name).where(
                    Person.org_id == platform.acme_id, Person.id != platform.cast.employee
                )
            )
        )
    assert not [name for name in others - {data["person"]["name"]} if name in answer.text]


def test_tokens_are_shown_once_and_can_be_revoked(platform: Platform) -> None:
    client = platform.browser(Role.SPONSOR)
    page = client.get("/tokens", headers=HTML).text
    issued = client.post("/tokens", data={"name": "nightly", "csrf_token": csrf_of(page)})
    assert issued.status_code == 200
    token = re.search(r"data-new-token>([^<]+)<", issued.text).group(1)  # type: ignore[union-attr]
    api = platform.anonymous(authorization=f"Bearer {token}")
    assert api.get("/api/v1/me").json()["email"] == "sponsor@acme.example"
    listing = client.get("/tokens", headers=HTML).text
    assert token not in listing and "nightly" in listing
    token_id = re.search(r'action="/tokens/(\d+)/revoke"', listing).group(1)  # type: ignore[union-attr]
    revoked = client.post(f"/tokens/{token_id}/revoke", data={"csrf_token": csrf_of(listing)})
    assert revoked.status_code == 303
    assert api.get("/api/v1/me").status_code == 401
    assert "revoked" in client.get("/tokens", headers=HTML).text


# Presentation (pure)


def test_component_bars_keep_weighted_components_only() -> None:
    explanation = {
        "components": [
            {"name": "pagerank", "label": "Influence", "weight": 0.5, "points": 30.0},
            {"name": "out_strength", "label": "Activity", "weight": 0.0, "points": 0.0},
            {"name": "reach", "label": "Reach", "weight": 0.5, "points": 60.0},
        ]
    }
    bars = component_bars(explanation)
    assert [b.label for b in bars] == ["Influence", "Reach"]
    assert [round(b.percent) for b in bars] == [61, 100]  # 30 of 49.5, capped at full


def test_describe_counts_hidden_connections_without_naming_them() -> None:
    explanation = {"score": 70, "rank": 3, "population": 50, "trend": -2.0, "drivers": []}
    connections = [
        Connection(None, COLLEAGUE, 0.2),
        Connection(7, "Ana Silva", 0.15),
        Connection(None, COLLEAGUE, 0.1),
    ]
    words = " ".join(describe("Bo Chen", explanation, connections))
    assert "Bo Chen scores 70 out of 100, rank 3 of 50" in words
    assert "down 2.0 points" in words
    assert "2 colleagues whose profiles you cannot see (30% together)" in words
    assert "Ana Silva (15%)" in words
    assert describe("Bo Chen", None, connections) == []


def test_describe_states_the_change_since_the_previous_run_not_a_flat_window_trend() -> None:
    from renown.scoring.changes import PersonChange

    explanation = {"score": 70, "rank": 3, "population": 50, "trend": 0.0, "drivers": []}
    moved = PersonChange(1, 70, 64, 6, ("as-of moved from 30 Jun 2026 to 30 Nov 2026",))
    words = " ".join(describe("Bo Chen", explanation, [], moved))
    assert "up 6 points since the previous scoring run (as-of moved from 30 Jun" in words
    assert "previous window" not in words
    unscored_before = PersonChange(1, 70, None, None, ("not scored in the previous run",))
    words = " ".join(describe("Bo Chen", explanation, [], unscored_before))
    assert "about the same as in the previous window" in words


def test_trend_chart_spec_lists_runs_oldest_first_with_each_step() -> None:
    from datetime import UTC, datetime

    history = [
        HistoryPoint(1, datetime(2026, 1, 31, tzinfo=UTC), 40),
        HistoryPoint(2, datetime(2026, 2, 28, tzinfo=UTC), 55),
    ]
    spec = trend_chart_spec(history)
    assert spec["data"]["values"] == [
        {"as_of": "2026-01-31", "score": 40, "run": 1, "change": None},
        {"as_of": "2026-02-28", "score": 55, "run": 2, "change": 15},
    ]
    assert spec["encoding"]["y"]["scale"]["domain"] == [0, 100]
    json.dumps(spec)  # embeddable as JSON as is


def test_every_vendored_file_is_listed_with_its_checksum() -> None:
    import hashlib
    from pathlib import Path

    import renown.web

    static = Path(renown.web.__file__).parent / "static"
    repository = static.parents[2]
    listed = dict(
        re.findall(
            r"^\| `([^`]+\.min\.js)` \|.*\| `([0-9a-f]{64})` \|$",
            (static / "VENDORED.md").read_text(),
            re.M,
        )
    )
    # a bare name is a file served from static/; a path (a file only the tests load, such as
    # axe-core) is relative to the repository
    served = {name for name in listed if "/" not in name}
    assert served == {path.name for path in static.glob("*.min.js")}
    for name, digest in listed.items():
        path = repository / name if "/" in name else static / name
        assert hashlib.sha256(path.read_bytes()).hexdigest() == digest, name
