"""The network map in a real browser: it draws, names only the highest scores without
overlapping labels, shows a tooltip at the cursor and on keyboard focus, lists the same
people as a table, and draws a 3,000-person organisation without freezing the page.

Run with ``make e2e``. Console errors and Content-Security-Policy violations fail a test.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from renown.org.queries import latest_run
from renown.store.engine import make_engine, session_factory, transaction
from renown.store.tables.org import Department, Identity, Organisation, Person, Team
from renown.store.tables.scores import ScoreSnapshot
from renown.web.app import create_app
from scripts.screenshots import live_server, seed_accounts, sign_in, sign_in_of

pytestmark = pytest.mark.e2e

LABELS = 15
LARGE = 3000
READY = "#network-map[data-ready='true']"


def _open(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_selector(READY, state="attached", timeout=60_000)


def _labelled_boxes(page: Any) -> list[dict[str, float]]:
    """Rendered label boxes of the people named on the map (cytoscape's own measure)."""
    boxes: list[dict[str, float]] = page.evaluate(
        """() => document.getElementById('network-map').cytoscape
            .nodes('.labelled')
            .map(n => n.renderedBoundingBox({includeNodes: false, includeEdges: false,
                                             includeLabels: true}))"""
    )
    return boxes


def _overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return a["x1"] < b["x2"] and b["x1"] < a["x2"] and a["y1"] < b["y2"] and b["y1"] < a["y2"]


def _hover_first_person(page: Any) -> str:
    """Move the mouse onto the best-scored person; their name.

    The map is scrolled into view first, and the mouse moves only after two frames:
    cytoscape keeps the container's screen offset until the page's scroll event reaches
    it, and a move before that would be placed with the old offset."""
    page.evaluate(
        """() => new Promise(done => {
            document.getElementById('network-map').scrollIntoView({block: 'center'});
            requestAnimationFrame(() => requestAnimationFrame(done));
        })"""
    )
    at = page.evaluate(
        """() => {
            const el = document.getElementById('network-map');
            const node = el.cytoscape.nodes('.person')[0];
            const rect = el.getBoundingClientRect();
            const p = node.renderedPosition();
            return {x: rect.left + p.x, y: rect.top + p.y, name: node.data('name')};
        }"""
    )
    page.mouse.move(at["x"] - 6, at["y"] - 6)
    page.mouse.move(at["x"], at["y"], steps=4)
    return str(at["name"])


def test_hr_sees_a_department_map_with_a_colour_range_and_a_table(live: Any, watched: Any) -> None:
    page = watched.page
    sign_in(page, live.base_url, live.email, live.password)
    _open(page, f"{live.base_url}/network")
    scope = page.locator("[data-scope-name]").inner_text()
    assert scope != "whole organisation", "the demo HR login starts with one department"
    assert page.locator("[data-departments] li span").first.inner_text() == scope
    drawn = int(page.get_attribute("#network-map", "data-nodes") or 0)
    assert drawn > 0
    low = int(page.locator("[data-score-low]").inner_text())
    high = int(page.locator("[data-score-high]").inner_text())
    page.locator("[data-table-details] summary").click()
    scores = [
        int(s) for s in page.locator("[data-node-table] td.num:nth-child(5)").all_inner_texts()
    ]
    assert len(scores) == drawn
    assert (low, high) == (min(scores), max(scores))
    assert page.locator("[data-departments] li").count() == 1
    page.wait_for_load_state("networkidle")
    assert watched.problems == []


def test_labels_are_few_and_do_not_overlap(live: Any, watched: Any) -> None:
    page = watched.page
    sign_in(page, live.base_url, live.email, live.password)
    _open(page, f"{live.base_url}/network?scope=organisation")
    drawn = int(page.get_attribute("#network-map", "data-nodes") or 0)
    assert drawn > LABELS
    boxes = _labelled_boxes(page)
    assert 0 < len(boxes) <= LABELS
    assert int(page.get_attribute("#network-map", "data-labelled") or 0) == len(boxes)
    assert not any(_overlap(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
    assert page.locator("[data-departments] li").count() > 1
    assert page.locator("[data-top] li").count() == LABELS
    before = page.get_attribute("#network-map", "data-zoom")
    page.click("[data-map-zoom='in']")
    page.wait_for_function(
        "(before) => document.getElementById('network-map').dataset.zoom !== before", arg=before
    )
    zoomed = _labelled_boxes(page)
    assert len(zoomed) <= LABELS
    assert not any(_overlap(a, b) for i, a in enumerate(zoomed) for b in zoomed[i + 1 :])
    assert watched.problems == []


def test_a_tooltip_follows_the_cursor_and_keyboard_focus(live: Any, watched: Any) -> None:
    page = watched.page
    sign_in(page, live.base_url, live.email, live.password)
    _open(page, f"{live.base_url}/network")
    tooltip = page.locator("[data-tooltip]")
    assert tooltip.is_hidden()
    name = _hover_first_person(page)
    tooltip.wait_for(state="visible")
    text = tooltip.inner_text()
    assert name in text and "Score " in text
    page.mouse.move(2, 2)
    tooltip.wait_for(state="hidden")
    first = page.locator("[data-top] button").first
    first.focus()
    tooltip.wait_for(state="visible")
    assert first.locator(".name").inner_text() in tooltip.inner_text()
    assert first.get_attribute("aria-describedby") == "network-tooltip"
    page.keyboard.press("Tab")
    assert page.locator("[data-top] button").nth(1).locator(".name").inner_text() in (
        tooltip.inner_text()
    )
    assert watched.problems == []


# A 3,000-person organisation: a small demo (for its accounts and scoring run) and 3,000
# more people scored in that run, each driven by a few colleagues, written to the store.


def _add_people(settings: Any, count: int) -> None:
    rng = random.Random(17)
    engine = make_engine(settings.database)
    try:
        with transaction(session_factory(engine)) as session:
            org_id = session.scalars(sa.select(Organisation.id)).one()
            run = latest_run(session, org_id)
            assert run is not None
            departments = [Department(org_id=org_id, name=f"Load unit {d + 1}") for d in range(12)]
            session.add_all(departments)
            session.flush()
            teams = [
                Team(org_id=org_id, department_id=departments[t % 12].id, name=f"Load team {t + 1}")
                for t in range(60)
            ]
            session.add_all(teams)
            session.flush()
            people = []
            for i in range(count):
                team = teams[i % len(teams)]
                people.append(
                    Person(
                        org_id=org_id,
                        employee_id=f"load-{i:05d}",
                        name=f"Load Person {i:05d}",
                        title="Engineer",
                        team_id=team.id,
                        department_id=team.department_id,
                    )
                )
            session.add_all(people)
            session.flush()
            handles = [f"load-{i:05d}@load.example" for i in range(count)]
            session.add_all(
                Identity(org_id=org_id, person_id=p.id, kind="email", value=h)
                for p, h in zip(people, handles, strict=True)
            )
            for i, person in enumerate(people):
                score = rng.randint(1, 100)
                drivers = [
                    {"person": handles[j], "share": round(rng.uniform(0.05, 0.4), 3)}
                    for j in rng.sample(range(count), 3)
                    if j != i
                ]
                session.add(
                    ScoreSnapshot(
                        run_id=run.id,
                        person_id=person.id,
                        score=score,
                        score_exact=float(score),
                        rank=i + 1,
                        trend=None,
                        explanation={"person": handles[i], "score": score, "drivers": drivers},
                    )
                )
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def large(
    chromium: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str, str]]:
    """A served organisation of 3,000 people and more: (base URL, HR email, password)."""
    settings, accounts = seed_accounts(tmp_path_factory.mktemp("e2e-network-large"), 40)
    _add_people(settings, LARGE)
    app = create_app(settings)
    with live_server(app) as base_url:
        yield (base_url, *sign_in_of(accounts, "hr"))
    app.state.engine.dispose()


def test_a_3000_person_organisation_draws_and_the_page_stays_responsive(
    large: tuple[str, str, str], watched: Any
) -> None:
    base_url, email, password = large
    page = watched.page
    sign_in(page, base_url, email, password)
    _open(page, f"{base_url}/network?scope=organisation")
    assert int(page.get_attribute("#network-map", "data-nodes") or 0) > LARGE
    assert page.locator("[data-map-count]").inner_text().startswith("Showing 3,")
    assert 0 < len(_labelled_boxes(page)) <= LABELS
    name = _hover_first_person(page)
    page.locator("[data-tooltip]").wait_for(state="visible")
    assert name in page.locator("[data-tooltip]").inner_text()
    before = page.get_attribute("#network-map", "data-zoom")
    page.click("[data-map-zoom='in']")
    page.wait_for_function(
        "(before) => document.getElementById('network-map').dataset.zoom !== before", arg=before
    )
    assert 0 < len(_labelled_boxes(page)) <= LABELS
    assert watched.problems == []
