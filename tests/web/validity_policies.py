"""The validity routes for the role matrix: their policies, and fillers that make a finished
validation or weight fitting in the member's organisation (or the other one).

A filler writes the job row as the worker would have left it, with a small report built
by :func:`renown.validation.validate.build_report` on made-up rankings: the matrix tests
who may reach a report, not how one is computed (``test_validity.py`` does that).
"""

from __future__ import annotations

from typing import Any

from renown.store.tables.jobs import Job
from renown.validation.jobs import TUNING, VALIDATION
from renown.validation.labels import Labels
from renown.validation.report import finite
from renown.validation.validate import Ranking, build_report

PEOPLE_ADMIN = "roles:admin,hr"

VALIDITY_POLICIES: dict[tuple[str, str], str] = {
    ("POST", "/api/v1/validity/reports"): PEOPLE_ADMIN,
    ("GET", "/api/v1/validity/reports"): PEOPLE_ADMIN,
    ("GET", "/api/v1/validity/reports/{report_id}"): PEOPLE_ADMIN,
    ("POST", "/api/v1/validity/reports/{report_id}/tune"): PEOPLE_ADMIN,
    ("GET", "/api/v1/validity/tunings/{tuning_id}"): PEOPLE_ADMIN,
    ("POST", "/api/v1/validity/tunings/{tuning_id}/use"): PEOPLE_ADMIN,
    ("GET", "/api/v1/validity/weights"): PEOPLE_ADMIN,
    ("POST", "/api/v1/validity/weights"): PEOPLE_ADMIN,
    ("DELETE", "/api/v1/validity/weights"): PEOPLE_ADMIN,
    ("GET", "/validity"): PEOPLE_ADMIN,
    ("POST", "/validity"): PEOPLE_ADMIN,
    ("GET", "/validity/reports/{report_id}"): PEOPLE_ADMIN,
    ("POST", "/validity/reports/{report_id}/tune"): PEOPLE_ADMIN,
    ("POST", "/validity/tunings/{tuning_id}/use"): PEOPLE_ADMIN,
    ("POST", "/validity/weights"): PEOPLE_ADMIN,
    ("POST", "/validity/weights/revert"): PEOPLE_ADMIN,
}


def sample_report() -> dict[str, Any]:
    """A small, well-formed report (a score and one baseline against ten labels)."""
    people = [f"p{i}" for i in range(10)]
    labels = Labels("labels.csv", {p: float(i % 3) for i, p in enumerate(people)})
    rankings = [
        Ranking("score", "score", {p: float(i) for i, p in enumerate(people)}),
        Ranking("in_degree", "baseline", {p: float(i % 4) for i, p in enumerate(people)}),
    ]
    report: dict[str, Any] = finite(build_report(rankings, labels, people=people).to_dict())
    return report


def _org(platform: Any, member: Any, org: str) -> int:
    if org == "own":
        return int(member.org_id)
    return int(platform.other_id if member.org_id == platform.acme_id else platform.acme_id)


def _add(platform: Any, job: Job) -> int:
    with platform.sessions() as session, session.begin():
        session.add(job)
        session.flush()
        return int(job.id)


def report_filler(platform: Any, member: Any, org: str) -> int:
    """A finished validation of the owner organisation's run."""
    org_id = _org(platform, member, org)
    run_id = platform.run_id if org_id == platform.acme_id else platform.other_run_id
    params = {
        "run_id": run_id,
        "labels_name": "labels.csv",
        "labelled_people": 2,
        "unmatched_count": 0,
        "unmatched": [],
        "labels": {"person:1": 1.0, "person:2": 0.0},
    }
    return _add(
        platform,
        Job(
            org_id=org_id,
            kind=VALIDATION,
            status="done",
            progress=1.0,
            stage="done",
            params=params,
            result={"run_id": run_id, "report": sample_report()},
        ),
    )


def tuning_filler(platform: Any, member: Any, org: str) -> int:
    """A finished, recommended weight fitting in the owner organisation."""
    org_id = _org(platform, member, org)
    outcome = {
        "labels": "labels.csv",
        "people": 40,
        "folds": 5,
        "repeats": 5,
        "seed": 0,
        "metric": "spearman",
        "weights": {"endorsement": 0.6, "reach": 0.4},
        "default_weights": {"endorsement": 0.7, "reach": 0.15, "engagement": 0.15},
        "default_heldout": 0.2,
        "tuned_heldout": 0.4,
        "gain": {"value": 0.2, "low": 0.1, "high": 0.3},
        "recommended": True,
        "date": "2026-01-01",
    }
    return _add(
        platform,
        Job(
            org_id=org_id,
            kind=TUNING,
            status="done",
            progress=1.0,
            stage="done",
            params={"report_id": 0, "run_id": 0, "labels_name": "labels.csv", "labels": {}},
            result={"run_id": 0, "tune": outcome},
        ),
    )


VALIDITY_FILLERS = {"report_id": report_filler, "tuning_id": tuning_filler}
