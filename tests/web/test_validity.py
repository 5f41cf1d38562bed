"""Validity through the real app: labels uploaded by HR, the report (warning first), fitting
weights, and the weights the next scoring run uses and records.

The installation's acme organisation gets its generated events in its lake and one scoring
run through the API, so validations re-score exactly what a real run scored. Labels are
made from the generated people: their level (the hidden truth the demo's activity follows),
random numbers (nothing to find), or one informational component (weights can be fitted).
Jobs run immediately in tests, so a 202 already carries the finished job.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest
import sqlalchemy as sa

from renown.core.roles import Role
from renown.demo.org import generate_org
from renown.ingest.lake import EventLake
from renown.scoring.pipeline import score_events
from renown.store.tables.audit import AuditEntry
from renown.store.tables.jobs import Job
from renown.store.tables.scores import ScoringRun
from tests.web.conftest import ORG_PEOPLE, Platform, csrf_of

WARNING = "the prominence score does not rank people better than"


@pytest.fixture(scope="module")
def org() -> Any:
    return generate_org(people=ORG_PEOPLE)


@pytest.fixture(scope="module")
def scored(platform: Platform, org: Any) -> Platform:
    """acme's lake holds the generated events, and a run scored them through the API."""
    EventLake(platform.settings.org_lake_dir("acme")).append(org.events)
    answer = platform.bearer(Role.HR).post("/api/v1/runs", json={})
    assert answer.status_code == 202, answer.text
    assert answer.json()["status"] == "done", answer.json()
    return platform


def _csv(rows: dict[str, float], id_column: str = "person", label_column: str = "label") -> bytes:
    lines = [f"{id_column},{label_column}"] + [f"{k},{v}" for k, v in rows.items()]
    return ("\n".join(lines) + "\n").encode()


def level_labels(org: Any) -> dict[str, float]:
    return {
        str(p): float(level)
        for p, level in zip(org.people["person_id"], org.people["level"], strict=True)
    }


def random_labels(org: Any) -> dict[str, float]:
    rng = np.random.default_rng(12)
    return {str(p): float(rng.integers(1, 5)) for p in org.people["person_id"]}


def component_labels(org: Any, component: str) -> dict[str, float]:
    """Each person's raw value of ``component`` (by e-mail, upper case: matching ignores case)."""
    result = score_events(org.events, trend_days=None)
    raw = dict(
        zip([str(p) for p in result.model.people_], result.model.raw_[component], strict=True)
    )
    return {
        str(email).upper(): round(float(raw.get(str(p), 0.0)), 6)
        for p, email in zip(org.people["person_id"], org.people["email"], strict=True)
    }


def validate(platform: Platform, data: bytes, **form: str) -> dict[str, Any]:
    answer = platform.bearer(Role.HR).post(
        "/api/v1/validity/reports", files={"file": ("labels.csv", data, "text/csv")}, data=form
    )
    assert answer.status_code == 202, answer.text
    job: dict[str, Any] = answer.json()
    assert job["status"] == "done", job
    assert "labels" not in job["params"]
    report: dict[str, Any] = (
        platform.bearer(Role.HR).get(f"/api/v1/validity/reports/{job['id']}").json()
    )
    return report


def test_labels_driven_by_the_hidden_level_validate(scored: Platform, org: Any) -> None:
    body = validate(scored, _csv(level_labels(org)))
    report = body["report"]
    assert report["people"] > ORG_PEOPLE // 2
    kinds = {row["kind"] for row in report["rows"]}
    assert kinds == {"score", "component", "baseline"}
    score = next(row for row in report["rows"] if row["kind"] == "score")
    assert score["metrics"]["spearman"]["value"] > 0
    assert {d["baseline"] for d in report["score_minus_baseline"]} >= {"in_degree"}
    assert body["unmatched_count"] == 0
    page = scored.browser(Role.HR).get(f"/validity/reports/{body['id']}")
    assert page.status_code == 200
    assert "The score minus each baseline" in page.text
    assert 'data-vega-spec="validity-spec"' in page.text
    assert "not a measure of performance" in page.text or "not performance" in page.text
    assert ('role="alert"' in page.text) == (body["warning"] is not None)


def test_random_labels_show_the_plain_warning_and_tuning_refuses(
    scored: Platform, org: Any
) -> None:
    body = validate(scored, _csv(random_labels(org)))
    assert body["warning"] is not None
    assert WARNING in body["warning"]
    assert "Do not use it for decisions about people" in body["warning"]
    page = scored.browser(Role.HR)
    html = page.get(f"/validity/reports/{body['id']}").text
    assert WARNING in html
    tuned = page.post(
        f"/validity/reports/{body['id']}/tune",
        data={"csrf_token": csrf_of(html)},
        follow_redirects=False,
    )
    assert tuned.status_code == 303, tuned.text
    html = page.get(f"/validity/reports/{body['id']}").text
    assert "Not recommended" in html
    assert "Use these weights for scoring runs" not in html


def test_some_unmatched_labels_are_listed(scored: Platform, org: Any) -> None:
    rows = level_labels(org) | {"nobody-1": 2.0, "ghost@example.org": 3.0}
    body = validate(
        scored, _csv(rows, "employee", "rating"), id_column="employee", label_column="rating"
    )
    assert body["unmatched_count"] == 2
    assert set(body["unmatched"]) == {"nobody-1", "ghost@example.org"}
    html = scored.browser(Role.HR).get(f"/validity/reports/{body['id']}").text
    assert "nobody-1" in html and "ghost@example.org" in html


def _jobs(platform: Platform) -> int:
    with platform.sessions() as session:
        return int(session.scalar(sa.select(sa.func.count()).select_from(Job)) or 0)


def test_labels_matching_nobody_are_refused_with_a_clear_error(scored: Platform) -> None:
    before = _jobs(scored)
    data = _csv({"x1": 1.0, "x2": 2.0})
    answer = scored.bearer(Role.HR).post(
        "/api/v1/validity/reports", files={"file": ("labels.csv", data, "text/csv")}
    )
    assert answer.status_code == 400, answer.text
    assert "no labelled id matches a person of the organisation" in answer.text
    page = scored.browser(Role.HR)
    html = page.get("/validity").text
    refused = page.post(
        "/validity",
        files={"file": ("labels.csv", data, "text/csv")},
        data={"csrf_token": csrf_of(html), "id_column": "person", "label_column": "label"},
    )
    assert refused.status_code == 400
    assert "no labelled id matches a person of the organisation" in refused.text
    assert _jobs(scored) == before


def test_a_missing_column_names_file_line_and_field(scored: Platform) -> None:
    answer = scored.bearer(Role.HR).post(
        "/api/v1/validity/reports",
        files={"file": ("labels.csv", b"who,label\np0001,1\n", "text/csv")},
    )
    assert answer.status_code == 400
    detail = answer.json()["detail"]
    assert detail["source"] == "labels.csv" and detail["line"] == 1 and detail["field"] == "person"


def test_the_form_needs_its_csrf_token(scored: Platform, org: Any) -> None:
    client = scored.browser(Role.HR, with_csrf=False)
    answer = client.post(
        "/validity", files={"file": ("labels.csv", _csv(level_labels(org)), "text/csv")}
    )
    assert answer.status_code == 403


@pytest.mark.parametrize("role", [Role.EMPLOYEE, Role.MANAGER, Role.RECRUITER])
def test_only_hr_and_admins_reach_validity(scored: Platform, role: Role) -> None:
    assert scored.browser(role).get("/validity").status_code == 403
    assert scored.bearer(role).get("/api/v1/validity/weights").status_code == 403
    home = scored.browser(role).get("/").text
    assert 'href="/validity"' not in home


@pytest.mark.parametrize("role", [Role.HR, Role.ADMIN])
def test_people_admins_see_the_page_and_its_link(scored: Platform, role: Role) -> None:
    page = scored.browser(role).get("/validity")
    assert page.status_code == 200
    assert 'href="/validity"' in page.text
    assert "What labels are evidence of" in page.text


def _latest_run(platform: Platform) -> ScoringRun:
    with platform.sessions() as session:
        run = session.scalar(
            sa.select(ScoringRun)
            .where(ScoringRun.org_id == platform.acme_id)
            .order_by(ScoringRun.id.desc())
            .limit(1)
        )
        assert run is not None
        return run


def test_fitted_weights_are_used_and_recorded_by_the_next_run(scored: Platform, org: Any) -> None:
    body = validate(scored, _csv(component_labels(org, "pagerank")))
    hr = scored.bearer(Role.HR)
    started = hr.post(f"/api/v1/validity/reports/{body['id']}/tune")
    assert started.status_code == 202, started.text
    tuning = hr.get(f"/api/v1/validity/tunings/{started.json()['id']}").json()
    tune = tuning["tune"]
    assert tune["recommended"], tune
    assert tune["gain"]["low"] > 0
    page = scored.browser(Role.HR)
    html = page.get(f"/validity/reports/{body['id']}").text
    assert "Use these weights for scoring runs" in html
    used = page.post(
        f"/validity/tunings/{tuning['id']}/use",
        data={"csrf_token": csrf_of(html)},
        follow_redirects=False,
    )
    assert used.status_code == 303, used.text
    weights = hr.get("/api/v1/validity/weights").json()
    assert weights["default"] is False
    assert weights["provenance"]["source"] == "tuned"
    assert weights["weights"] == pytest.approx(tune["weights"])
    run_job = hr.post("/api/v1/runs", json={}).json()
    assert run_job["status"] == "done", run_job
    run = hr.get(f"/api/v1/runs/{run_job['result']['run_id']}").json()
    assert run["params"]["model_params"]["weights"] == pytest.approx(tune["weights"])
    recorded = run["params"]["weights_file"]
    assert recorded["provenance"]["source"] == "tuned"
    assert recorded["provenance"]["tuning_job"] == tuning["id"]
    reverted = hr.delete("/api/v1/validity/weights").json()
    assert reverted["default"] is True
    with scored.sessions() as session:
        actions = set(session.scalars(sa.select(AuditEntry.action)))
    assert {"scoring.weights.set", "scoring.weights.revert"} <= actions


def test_a_weights_file_can_be_uploaded_and_reverted_on_the_page(scored: Platform) -> None:
    page = scored.browser(Role.ADMIN)
    html = page.get("/validity").text
    toml = b'[weights]\nendorsement = 0.5\nreach = 0.5\n\n[provenance]\nlabels = "levels.csv"\n'
    answer = page.post(
        "/validity/weights",
        files={"file": ("WEIGHTS.toml", toml, "application/toml")},
        data={"csrf_token": csrf_of(html)},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    html = page.get(answer.headers["location"]).text
    assert "Chosen weights" in html and "WEIGHTS.toml" in html
    reverted = page.post(
        "/validity/weights/revert", data={"csrf_token": csrf_of(html)}, follow_redirects=False
    )
    assert reverted.status_code == 303
    assert "The default weights" in page.get("/validity").text


def test_a_broken_weights_file_is_refused_naming_the_field(scored: Platform) -> None:
    page = scored.browser(Role.HR)
    html = page.get("/validity").text
    answer = page.post(
        "/validity/weights",
        files={"file": ("WEIGHTS.toml", b"[weights]\nfame = 1.0\n", "application/toml")},
        data={"csrf_token": csrf_of(html)},
    )
    assert answer.status_code == 400
    assert "weights.fame" in answer.text
    assert re.search(r"unknown component", answer.text)
    assert scored.bearer(Role.HR).get("/api/v1/validity/weights").json()["default"] is True


def test_one_person_labelled_twice_differently_is_refused(scored: Platform, org: Any) -> None:
    person, email = org.people.row(0)[0], org.people.row(0)[2]
    data = _csv({person: 1.0, email: 2.0})
    answer = scored.bearer(Role.HR).post(
        "/api/v1/validity/reports", files={"file": ("labels.csv", data, "text/csv")}
    )
    assert answer.status_code == 400
    assert "are one person with different labels" in answer.text


def test_the_job_page_of_a_validation_links_to_its_report(scored: Platform, org: Any) -> None:
    body = validate(scored, _csv(level_labels(org)))
    html = scored.browser(Role.HR).get(f"/jobs/{body['id']}").text
    assert f'href="/validity/reports/{body["id"]}"' in html
    assert 'href="/validity">Validity</a>' in html
