"""Uploaded events are matched to the org chart's people, or HR is told (issue 12).

Events keyed by e-mail addresses (as the HRIS spells them, in another case, or as people
sign in) match their people; identifiers that match nobody are listed on the upload with
their event counts, can be mapped, ignored or added, and never enter a ranking.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import polars as pl
import pytest
import sqlalchemy as sa

from renown.core.roles import Role
from renown.demo.org import generate_org
from renown.store.tables.org import IdentityAlias, Person
from tests.web.conftest import ORG_PEOPLE, Platform

GHOST = "ghost@elsewhere.example"
MYSTERY = "mystery-handle"


@pytest.fixture(scope="module")
def keyed_by_email(platform: Platform) -> pl.DataFrame:
    """A slice of the installation's interactions, people named by e-mail: the HRIS
    address in shouting case for most, the sign-in address for the employee account."""
    org = generate_org(people=ORG_PEOPLE)
    emails = dict(zip(org.people["person_id"], org.people["email"].str.to_uppercase(), strict=True))
    employee = platform.members[Role.EMPLOYEE]
    with platform.sessions() as session:
        emails[_employee_id(session, employee.person_id)] = employee.email.title()
    events = org.events.head(2000).select("actor", "target", "timestamp", "channel", "kind")
    return events.with_columns(pl.col("actor").replace(emails), pl.col("target").replace(emails))


def _employee_id(session: Any, person_id: int | None) -> str:
    return str(session.scalar(sa.select(Person.employee_id).where(Person.id == person_id)))


def _strangers(events: pl.DataFrame, target: str) -> pl.DataFrame:
    """Three events from GHOST and two from MYSTERY, addressed to ``target``."""
    start = events["timestamp"].max()
    actors = [GHOST, GHOST, GHOST, MYSTERY, MYSTERY]
    return pl.DataFrame(
        {
            "actor": actors,
            "target": [target] * len(actors),
            "timestamp": [start - timedelta(hours=i + 1) for i in range(len(actors))],
            "channel": ["email"] * len(actors),
            "kind": ["to"] * len(actors),
        },
        schema=events.schema,
    )


def _csv(events: pl.DataFrame) -> bytes:
    return (
        events.with_columns(pl.col("timestamp").dt.strftime("%Y-%m-%dT%H:%M:%S%.6fZ"))
        .write_csv()
        .encode()
    )


def _upload(platform: Platform, events: pl.DataFrame, name: str) -> dict[str, Any]:
    answer = platform.bearer(Role.HR).post(
        "/api/v1/uploads/events", files={"file": (name, _csv(events), "text/csv")}
    )
    assert answer.status_code == 202, answer.text
    body: dict[str, Any] = answer.json()
    assert body["status"] == "done", body["error"]
    return body


def _score(platform: Platform) -> dict[str, Any]:
    client = platform.bearer(Role.HR)
    started = client.post("/api/v1/runs")
    assert started.status_code == 202, started.text
    job = started.json()
    assert job["status"] == "done", job["error"]
    run: dict[str, Any] = client.get(f"/api/v1/runs/{job['result']['run_id']}").json()
    return run


def _choose(platform: Platform, **body: str) -> Any:
    return platform.bearer(Role.HR).post("/api/v1/identities/choices", json=body)


def test_events_keyed_by_email_match_people_and_strangers_are_listed_then_mapped(
    platform: Platform, keyed_by_email: pl.DataFrame
) -> None:
    target = str(keyed_by_email["target"].drop_nulls()[0])
    upload = _upload(
        platform, pl.concat([keyed_by_email, _strangers(keyed_by_email, target)]), "mail.csv"
    )
    assert upload["params"]["unmatched"] == [[GHOST, 3], [MYSTERY, 2]], (
        "every HRIS and sign-in address matched, whatever its case; only strangers are listed"
    )
    listed = platform.bearer(Role.HR).get(f"/api/v1/uploads/{upload['id']}/unmatched").json()
    assert [(i["identifier"], i["events"], i["status"]) for i in listed] == [
        (GHOST, 3, "unmatched"),
        (MYSTERY, 2, "unmatched"),
    ]

    before = _score(platform)
    assert before["events_unmatched"] == 5, "the strangers' events are left out"
    assert before["people_scored"] == before["people_matched"], "nobody unknown is ranked"
    assert before["events_matched"] == keyed_by_email.height

    mapped = _choose(platform, identifier=GHOST, choice="map", person="P0002")
    assert mapped.status_code == 200, mapped.text
    assert mapped.json()["choice"] == "map"
    ignored = _choose(platform, identifier=MYSTERY, choice="ignore")
    assert ignored.status_code == 200, ignored.text
    listed = platform.bearer(Role.HR).get(f"/api/v1/uploads/{upload['id']}/unmatched").json()
    assert [(i["identifier"], i["status"]) for i in listed] == [
        (GHOST, "mapped"),
        (MYSTERY, "ignored"),
    ]
    assert listed[0]["person_id"] == mapped.json()["person_id"]

    after = _score(platform)
    assert (after["events_mapped"], after["events_ignored"], after["events_unmatched"]) == (
        3,
        2,
        0,
    )
    assert after["people_scored"] == after["people_matched"] <= ORG_PEOPLE

    again = _upload(platform, _strangers(keyed_by_email, target).head(4), "again.csv")
    assert again["params"]["unmatched"] == [], "the choices are remembered for the next upload"


def test_an_unknown_identifier_can_be_added_as_a_new_person(platform: Platform) -> None:
    added = _choose(platform, identifier=" Newcomer@Acme.example ", choice="add", name="Nia New")
    assert added.status_code == 200, added.text
    body = added.json()
    assert (body["choice"], body["person_name"]) == ("add", "Nia New")
    with platform.sessions() as session:
        person = session.get(Person, body["person_id"])
        assert person is not None
        assert (person.employee_id, person.email) == (
            "newcomer@acme.example",
            "newcomer@acme.example",
        )
    again = _choose(platform, identifier="newcomer@acme.example", choice="ignore")
    assert again.status_code == 422, "an identifier the org chart knows is not decided about"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({"identifier": "x-unknown", "choice": "map", "person": "nobody-at-all"}, "no person"),
        ({"identifier": "x-unknown", "choice": "map"}, "name the person"),
        ({"identifier": "P0003", "choice": "ignore"}, "already names"),
    ],
)
def test_refused_choices_are_422_and_keep_nothing(
    platform: Platform, body: dict[str, str], reason: str
) -> None:
    with platform.sessions() as session:
        kept = session.scalar(sa.select(sa.func.count()).select_from(IdentityAlias))
    answer = _choose(platform, **body)
    assert answer.status_code == 422, answer.text
    assert reason in answer.text
    with platform.sessions() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(IdentityAlias)) == kept


def test_an_unknown_choice_is_refused_by_the_schema(platform: Platform) -> None:
    answer = _choose(platform, identifier="x-unknown", choice="merge")
    assert answer.status_code == 422


@pytest.mark.parametrize("role", [Role.EMPLOYEE, Role.MANAGER, Role.RECRUITER])
def test_only_hr_and_admins_decide(platform: Platform, role: Role) -> None:
    client = platform.bearer(role)
    answer = client.post(
        "/api/v1/identities/choices", json={"identifier": "y-unknown", "choice": "ignore"}
    )
    assert answer.status_code == 403
    assert client.get(f"/api/v1/uploads/{platform.job_id}/unmatched").status_code in (403, 404)
    with platform.sessions() as session:
        assert (
            session.scalar(
                sa.select(sa.func.count())
                .select_from(IdentityAlias)
                .where(IdentityAlias.value == "y-unknown")
            )
            == 0
        )


def test_the_upload_page_lists_strangers_and_maps_one_with_csrf(
    platform: Platform, keyed_by_email: pl.DataFrame
) -> None:
    stranger = "page-stranger@elsewhere.example"
    events = _strangers(keyed_by_email, "p0004").with_columns(pl.lit(stranger).alias("actor"))
    upload = _upload(platform, events, "page.csv")
    browser = platform.browser(Role.HR)
    page = browser.get(f"/jobs/{upload['id']}")
    assert page.status_code == 200
    assert stranger in page.text and 'action="/jobs/' in page.text

    form = {"identifier": stranger, "choice": "map", "person": "p0004", "name": ""}
    refused = platform.browser(Role.HR, with_csrf=False).post(
        f"/jobs/{upload['id']}/identities", data=form, follow_redirects=False
    )
    assert refused.status_code == 403, "a form post without its CSRF token is refused"

    wrong = browser.post(
        f"/jobs/{upload['id']}/identities",
        data={**form, "person": "nobody-at-all"},
        follow_redirects=False,
    )
    assert wrong.status_code == 422 and "No person of the organisation" in wrong.text

    done = browser.post(f"/jobs/{upload['id']}/identities", data=form, follow_redirects=False)
    assert done.status_code == 303
    assert done.headers["location"] == f"/jobs/{upload['id']}#unmatched"
    assert "Mapped to" in browser.get(f"/jobs/{upload['id']}").text
