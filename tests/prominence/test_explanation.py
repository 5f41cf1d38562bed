"""The typed explanation: what a snapshot stores, reads back, and shows others."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import TypeAdapter

from renown.core import wording
from renown.core.explanation import Explanation, RedactedExplanation, read_explanation
from renown.graph import build_graph
from renown.prominence.explain import explain
from renown.prominence.model import ProminenceModel
from tests.conftest import AS_OF, make_events
from tests.helpers import random_events

STORED: dict[str, Any] = {
    "person": "ana@example.com",
    "score": 87,
    "score_exact": 86.6123,
    "rank": 2,
    "population": 40,
    "trend": -1.25,
    "components": [
        {
            "name": "pagerank",
            "label": "Influence",
            "raw": 0.0412,
            "percentile": 0.975,
            "weight": 0.5,
            "points": 48.2625,
            "delta": -0.5,
        },
        {
            "name": "out_strength",
            "label": "Activity",
            "raw": 12.5,
            "percentile": 0.6,
            "weight": 0.0,
            "points": 0.0,
            "delta": None,
        },
    ],
    "drivers": [{"person": "bo@example.com", "share": 0.4}, {"person": "cy", "share": 0.02}],
    "groups_reached": [{"group": "Sales", "strength": 1.5}],
    "ring": ["ana@example.com", "bo@example.com"],
    "summary": "stored words",
}
"""A snapshot row as scoring runs have always written it."""


def _fitted(seed: int = 3) -> ProminenceModel:
    events = random_events(30, 400, seed=seed)
    return ProminenceModel().fit(build_graph(events, as_of=AS_OF))


def test_a_stored_row_reads_back_with_every_number() -> None:
    explanation = Explanation.from_dict(STORED)
    assert explanation.score == 87 and explanation.rank == 2 and explanation.population == 40
    assert explanation.previous_score == pytest.approx(86.6123 + 1.25)
    assert [p.name for p in explanation.parts] == ["pagerank", "out_strength"]
    assert explanation.parts[0].delta == -0.5 and explanation.parts[1].delta is None
    assert [(d.person, d.share) for d in explanation.drivers] == [
        ("bo@example.com", 0.4),
        ("cy", 0.02),
    ]
    assert explanation.ring == ("ana@example.com", "bo@example.com")
    written = explanation.to_dict()
    assert {k: v for k, v in written.items() if k != "summary"} == {
        k: v for k, v in STORED.items() if k != "summary"
    }


def test_what_a_run_stores_reads_back_to_the_same_json() -> None:
    model = _fitted()
    for person in model.to_frame()["person"].head(5).to_list():
        stored = explain(model, str(person)).to_dict()
        assert Explanation.from_dict(stored).to_dict() == stored


def test_sparse_and_empty_rows_read_with_neutral_defaults() -> None:
    sparse = Explanation.from_dict({"score": 70, "rank": 3, "drivers": [{"share": 0.5}]})
    assert (sparse.score, sparse.rank, sparse.population, sparse.trend) == (70, 3, 0, None)
    assert sparse.parts == () and sparse.drivers == () and sparse.ring is None
    assert read_explanation({}) is None and read_explanation(None) is None
    assert read_explanation(STORED) == Explanation.from_dict(STORED)


def test_the_redacted_form_drops_other_identities_and_keeps_the_json_shape() -> None:
    shown = json.loads(json.dumps(Explanation.from_dict(STORED).redacted().to_dict()))
    before = {k: v for k, v in STORED.items() if k not in {"drivers", "ring", "summary"}}
    assert shown == {**before, "driver_shares": [0.4, 0.02], "in_detected_ring": True}
    assert "bo@example.com" not in str(shown)


def test_the_api_serialises_the_redacted_form_as_its_json() -> None:
    adapter = TypeAdapter(RedactedExplanation)
    redacted = Explanation.from_dict(STORED).redacted()
    assert adapter.dump_python(redacted, mode="json") == json.loads(json.dumps(redacted.to_dict()))
    schema = adapter.json_schema()
    assert schema["properties"]["driver_shares"]["description"].startswith("Shares")
    part = schema["$defs"]["ComponentPart"]["properties"]
    assert all(field.get("description") for field in part.values())


def test_the_summary_words_a_standing_as_the_pages_do() -> None:
    words = Explanation.from_dict(STORED).summary()
    assert "Strongest: influence (in the top 3%, 48.3 points)" in words
    assert "bo@example.com (40%)" in words and "(-1.2 since the previous window)" in words


@pytest.mark.parametrize(
    ("percentile", "words"),
    [(0.995, "in the top 1%"), (0.97, "in the top 3%"), (0.45, "around the middle"),
     (0.2, "in the bottom 20%")],
)  # fmt: skip
def test_one_wording_of_a_standing(percentile: float, words: str) -> None:
    assert wording.standing(percentile) == words


def test_drivers_are_the_senders_whose_ties_carry_the_endorsement() -> None:
    # hub writes to the boss and to four others who are themselves sought out; loner writes
    # only to the boss: the hub's attention is worth more, as endorsement says
    rows: list[tuple[str | None, str, str]] = [("hub", "boss", "email"), ("loner", "boss", "email")]
    for k in range(4):
        rows += [("hub", f"peer{k}", "email"), (f"fan{k}", f"peer{k}", "email")]
    model = ProminenceModel().fit(build_graph(make_events(rows), as_of=AS_OF))
    drivers = explain(model, "boss").drivers
    assert [d.person for d in drivers] == ["hub", "loner"]
    assert drivers[0].share > drivers[1].share
    assert sum(d.share for d in drivers) == pytest.approx(1.0)
