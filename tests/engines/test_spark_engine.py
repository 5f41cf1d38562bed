"""The Spark engine against the local engine, on the same events.

Both engines must agree on the graph (people, pairs, weights), on the ring report, on
every component (PageRank within its tolerance, the rest to rtol 1e-6) and on the final
scores (within 0.01 points). One local SparkSession serves the whole module. PySpark is
part of the test set-up (the ``spark`` extra): a missing PySpark fails here, never skips.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl
import pytest

from renown.core.errors import InputError
from renown.graph.build import build_graph
from renown.graph.csr import FloatArray, InteractionGraph
from renown.prominence.components import COMPONENTS, DEFAULT_WEIGHTS
from renown.prominence.engines.spark import local_spark, spark_measures
from renown.prominence.explain import explain
from renown.prominence.measures.pagerank import pagerank
from renown.prominence.model import ProminenceModel
from renown.prominence.rings import RingReport
from tests.engines.inputs import (
    AS_OF,
    RANDOM_RING,
    SLICE_RING,
    random_events,
    read_files,
    slice_events,
    slice_groups,
    write_lake,
)

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

pytestmark = pytest.mark.spark

PAGERANK_TOL = float((pagerank.__kwdefaults__ or {})["tol"])
EXACT_RTOL = 1e-6
SCORE_POINTS = 0.01

ModelFactory = Callable[[], ProminenceModel]
SparkResult = tuple[InteractionGraph, dict[str, FloatArray], RingReport]


@pytest.fixture(scope="module")
def spark() -> SparkSession:
    return local_spark()


def full_model() -> ProminenceModel:
    """Every registered component (the default ones weighted), breadth over communities."""
    return ProminenceModel(
        informational=tuple(name for name in COMPONENTS if name not in DEFAULT_WEIGHTS),
        community_breadth=True,
    )


def one_pass_model() -> ProminenceModel:
    """Components without iterations, for the cheaper option tests."""
    return ProminenceModel(
        weights={"reach": 0.3, "in_strength": 0.2, "amplification": 0.2, "breadth": 0.3},
        informational=("out_strength", "responsiveness", "brokerage"),
        detect_rings=False,
    )


def assert_same_graph(local: InteractionGraph, remote: InteractionGraph) -> None:
    assert remote.people.tolist() == local.people.tolist()
    np.testing.assert_array_equal(remote.out.indptr, local.out.indptr)
    np.testing.assert_array_equal(remote.out.indices, local.out.indices)
    np.testing.assert_allclose(remote.out.volume, local.out.volume, rtol=1e-12)
    np.testing.assert_allclose(remote.out.weights, local.out.weights, rtol=1e-12)
    np.testing.assert_allclose(remote.anonymous, local.anonymous, rtol=1e-12)
    assert remote.n_events == local.n_events
    assert remote.params == local.params
    assert remote.group_names == local.group_names
    if local.groups is None:
        assert remote.groups is None
    else:
        assert remote.groups is not None
        np.testing.assert_array_equal(remote.groups, local.groups)


def assert_same_rings(local: RingReport, remote: RingReport) -> None:
    assert (remote.heavy_pairs, remote.reciprocated_pairs) == (
        local.heavy_pairs,
        local.reciprocated_pairs,
    )
    assert [r.members for r in remote.rings] == [r.members for r in local.rings]
    for mine, theirs in zip(remote.rings, local.rings, strict=True):
        for name, value in vars(theirs).items():
            if isinstance(value, float):
                assert getattr(mine, name) == pytest.approx(value, rel=1e-9), name


def assert_engines_agree(
    local_graph: InteractionGraph, result: SparkResult, make_model: ModelFactory
) -> tuple[ProminenceModel, ProminenceModel]:
    """Fit both engines' models and check graph, rings, components and scores agree."""
    local = make_model().fit(local_graph)
    graph, raw, report = result
    remote = make_model().fit_measured(graph, raw, report)
    assert_same_graph(local.graph_, graph)
    assert_same_rings(local.ring_report_, report)
    assert set(raw) >= set(local.components_)
    for name in local.components_:
        if name == "pagerank":
            np.testing.assert_allclose(raw[name], local.raw_[name], rtol=0, atol=PAGERANK_TOL)
        else:
            np.testing.assert_allclose(
                raw[name], local.raw_[name], rtol=EXACT_RTOL, atol=1e-12, err_msg=name
            )
    assert float(np.max(np.abs(remote.scores_ - local.scores_))) < SCORE_POINTS
    return local, remote


def test_random_graph_with_a_ring_agrees(spark: SparkSession) -> None:
    events = random_events()
    options: dict[str, Any] = {"as_of": AS_OF, "half_life_days": 60.0, "window_days": 150.0}
    result = spark_measures(events, model=full_model(), spark=spark, **options)
    local, remote = assert_engines_agree(build_graph(events, **options), result, full_model)
    # Meaningful only if the detector fired: the planted ring, found by both engines.
    assert [set(r.members) for r in local.ring_report_.rings] == [set(RANDOM_RING)]
    assert local.graph_.groups is None  # breadth ran on detected communities
    top = str(remote.to_frame()["person"][0])
    explained = explain(remote, top)
    assert explained.score_exact == pytest.approx(1 + sum(p.points for p in explained.parts))


def test_organisation_slice_from_an_event_lake_agrees(spark: SparkSession, tmp_path: Path) -> None:
    files = write_lake(slice_events(), tmp_path / "lake")
    assert len(files) >= 8
    options: dict[str, Any] = {
        "as_of": AS_OF,
        "half_life_days": 90.0,
        "window_days": 200.0,
        "groups": slice_groups(),
    }
    result = spark_measures(tmp_path / "lake", model=ProminenceModel(), spark=spark, **options)
    local_graph = build_graph(read_files(sorted(files)), **options)
    assert local_graph.n >= 290  # a few people only appear before the window
    local, remote = assert_engines_agree(local_graph, result, ProminenceModel)
    assert [set(r.members) for r in local.ring_report_.rings] == [set(SLICE_RING)]
    assert remote.to_frame().filter(pl.col("ring_flag"))["person"].sort().to_list() == sorted(
        SLICE_RING
    )


def test_graph_options_and_file_lists_agree(spark: SparkSession, tmp_path: Path) -> None:
    events = random_events(seed=3)
    files = list(reversed(write_lake(events, tmp_path / "lake")))
    groups = {f"r{i:03d}": f"g{i % 4}" for i in range(0, 150, 2)}
    options: dict[str, Any] = {
        "as_of": AS_OF,
        "half_life_days": 30.0,
        "window_days": 120.0,
        "groups": groups,
        "channel_weights": {"chat": 0.2, "wiki": 3.0},
        "kind_weights": {"cc": 0.1, "reply": 2.0},
        "pair_scaling": "cap",
        "pair_cap": 1.5,
    }
    result = spark_measures(files, model=one_pass_model(), spark=spark, **options)
    local_graph = build_graph(read_files(files), **options)
    assert_engines_agree(local_graph, result, one_pass_model)
    assert result[0].out.weights.max() == pytest.approx(1.5)


def test_score_events_runs_on_spark(spark: SparkSession) -> None:
    from renown.scoring.pipeline import score_events

    events = random_events(seed=11)
    on_spark = score_events(events, model=one_pass_model(), engine="spark", trend_days=20.0)
    on_laptop = score_events(events, model=one_pass_model(), engine="local", trend_days=20.0)
    assert on_spark.metadata["engine"] == "spark"
    assert on_spark.metadata["spark_master"] == "local[2]"  # the default, recorded
    assert "spark_master" not in on_laptop.metadata
    both = on_laptop.scores.join(on_spark.scores, on="person", suffix="_spark")
    assert both.height == on_laptop.scores.height == on_spark.scores.height
    gap = (both["score_exact"] - both["score_exact_spark"]).abs().max()
    assert isinstance(gap, float)
    assert gap < SCORE_POINTS
    person = str(on_spark.scores["person"][0])
    assert on_spark.explain(person).person == person


def test_empty_window_gives_an_empty_graph(spark: SparkSession) -> None:
    events = random_events().filter(pl.col("timestamp") > AS_OF)
    graph, raw, report = spark_measures(
        events, as_of=AS_OF, half_life_days=90.0, model=ProminenceModel(), spark=spark
    )
    assert graph.n == build_graph(events, as_of=AS_OF).n == 0
    assert report == RingReport((), 0, 0)
    assert all(len(values) == 0 for values in raw.values())
    assert set(raw) == set(ProminenceModel().components)


def test_bad_input_is_reported(spark: SparkSession, tmp_path: Path) -> None:
    events = random_events()
    model = ProminenceModel()
    with pytest.raises(ValueError, match="timezone-aware"):
        spark_measures(
            events, as_of=AS_OF.replace(tzinfo=None), half_life_days=90.0, model=model, spark=spark
        )
    with pytest.raises(ValueError, match="pair scaling"):
        spark_measures(
            events,
            as_of=AS_OF,
            half_life_days=90.0,
            model=model,
            pair_scaling="sqrt",  # type: ignore[arg-type]
            spark=spark,
        )
    with pytest.raises(ValueError, match="unknown components"):
        spark_measures(
            events,
            as_of=AS_OF,
            half_life_days=90.0,
            model=ProminenceModel(weights={"fame": 1.0}),
            spark=spark,
        )
    with pytest.raises(InputError, match="field 'kind'"):
        spark_measures(
            events.drop("kind"), as_of=AS_OF, half_life_days=90.0, model=model, spark=spark
        )
    missing = tmp_path / "no-lake"
    with pytest.raises(InputError, match="no such event lake") as error:
        spark_measures(missing, as_of=AS_OF, half_life_days=90.0, model=model, spark=spark)
    assert error.value.source == str(missing)
    with pytest.raises(InputError, match="no such event file"):
        spark_measures(
            [missing / "part-0.parquet"], as_of=AS_OF, half_life_days=90.0, model=model, spark=spark
        )


def test_local_session_is_reused(spark: SparkSession) -> None:
    assert local_spark() is spark
    assert spark.conf.get("spark.sql.session.timeZone") == "UTC"
    assert spark.conf.get("spark.sql.shuffle.partitions") == "4"
