"""Storing scoring results: run rows, per-person snapshots, identity matching, idempotency."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from renown.audit import entries, verify
from renown.org.actions import do_create_org, import_org_file
from renown.scoring.pipeline import score_events
from renown.scoring.runs import run_id
from renown.scoring.snapshots import store_scoring_result
from renown.store import transaction
from renown.store.tables import Person, ScoreSnapshot, ScoringRun
from tests.conftest import make_events
from tests.org.orgchart import chart, demo_chart, person_ids, scored_demo


def _count(session: Session, table: type[ScoreSnapshot] | type[ScoringRun]) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(table)) or 0


def test_a_run_is_stored_with_one_snapshot_per_matched_person(db: sessionmaker[Session]) -> None:
    org_data, result = scored_demo()
    with transaction(db) as session:
        org = do_create_org(session, "demo", "Demo").id
        import_org_file(session, org, demo_chart(org_data), "people.csv", actor="test")
        run = store_scoring_result(session, org_id=org, result=result, actor="job:1")
        run_pk = run.id
    with db() as session:
        run = session.get(ScoringRun, run_pk)
        assert run is not None
        assert run.run_key == run_id(result.metadata)
        assert run.people_scored == result.scores.height == run.people_matched
        assert run.input_fingerprint == result.metadata["input_fingerprint"]
        assert run.as_of.isoformat() == result.metadata["as_of"]
        assert set(run.params) == {
            "graph_params",
            "model_params",
            "as_of_rule",
            "trend_days",
            "engine",
            "source",
            "weights_file",
        }
        assert run.params["weights_file"] is None  # the default weights
        assert run.finished_at is not None and run.status == "done"
        ids = person_ids(session, org)
        top = result.scores.row(0, named=True)
        snap = session.scalar(
            sa.select(ScoreSnapshot).where(
                ScoreSnapshot.run_id == run.id, ScoreSnapshot.person_id == ids[top["person"]]
            )
        )
        assert snap is not None
        assert (snap.score, snap.rank) == (top["score"], 1)
        assert snap.score_exact == top["score_exact"]
        assert snap.components["pagerank"] == top["pagerank_points"]
        assert snap.explanation == result.explain(top["person"]).to_dict()
        [entry] = [e for e in entries(session, org_id=org) if e.action == "scoring.run"]
        assert entry.actor == "job:1" and entry.payload["run_key"] == run.run_key
        assert entry.payload["people_matched"] == run.people_matched
        assert verify(session) == []


def test_storing_the_same_run_twice_adds_nothing(db: sessionmaker[Session]) -> None:
    org_data, result = scored_demo()
    with transaction(db) as session:
        org = do_create_org(session, "demo", "Demo").id
        import_org_file(session, org, demo_chart(org_data), "people.csv", actor="test")
        first = store_scoring_result(session, org_id=org, result=result, actor="test").id
    with db() as session:
        snapshots, audit_entries = _count(session, ScoreSnapshot), len(list(entries(session)))
    with transaction(db) as session:
        again = store_scoring_result(session, org_id=org, result=result, actor="test")
        assert again.id == first
    with db() as session:
        assert _count(session, ScoreSnapshot) == snapshots
        assert _count(session, ScoringRun) == 1
        assert len(list(entries(session))) == audit_entries


def test_identities_are_matched_however_they_were_written(db: sessionmaker[Session]) -> None:
    events = make_events(
        [
            ("Ana@Example.com", "@Bo", "email"),
            ("@bo", "ANA@example.com", "chat"),
            ("bo", "stranger@elsewhere.org", "email"),
            ("stranger@elsewhere.org", "Ana@example.com", "email"),
            ("ana.old@example.com", "bo", "email"),
        ]
    )
    result = score_events(events, trend_days=None)
    people = chart(
        "e1,Ana,ana@example.com,ana.old@example.com,",
        "e2,Bo,,,chat:@BO",
        header="employee_id,name,email,aliases,handles",
    )
    with transaction(db) as session:
        org = do_create_org(session, "small", "Small").id
        import_org_file(session, org, people, "people.csv", actor="test")
        run = store_scoring_result(session, org_id=org, result=result, actor="test")
        scored, matched = run.people_scored, run.people_matched
        ids = person_ids(session, org)
        stored = dict(
            session.execute(
                sa.select(ScoreSnapshot.person_id, ScoreSnapshot.rank).where(
                    ScoreSnapshot.run_id == run.id
                )
            ).all()
        )
    # Ana is scored under four spellings and Bo under three; each keeps the best-ranked.
    assert scored == 8 and matched == 2
    assert set(stored) == {ids["e1"], ids["e2"]}
    ana_ranks = [
        row["rank"] for row in result.scores.iter_rows(named=True) if "ana" in row["person"].lower()
    ]
    assert stored[ids["e1"]] == min(ana_ranks)


def test_unknown_people_are_counted_not_stored(db: sessionmaker[Session]) -> None:
    _, result = scored_demo()
    with transaction(db) as session:
        org = do_create_org(session, "empty", "Empty").id
        run = store_scoring_result(session, org_id=org, result=result, actor="test")
        assert (run.people_scored, run.people_matched) == (result.scores.height, 0)
        assert session.scalar(sa.select(sa.func.count()).select_from(Person)) == 0
