"""email-Eu-core scored on the standalone cluster agrees with the local engine.

The real network (986 people, about 330k timestamped messages) rather than a generator's
idea of one: heavy tails, dense cores and many near ties in the components. Run by ``make
spark-cluster`` (which requires ``RENOWN_DATA_HOME``); skipped elsewhere.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from renown.datasets import load_eu_core
from renown.scoring.pipeline import score_events
from tests.cluster.parity import assert_same_scores

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

pytestmark = pytest.mark.spark


def test_eu_core_agrees_on_the_cluster(
    cluster: SparkSession,
    spark_master: str,
    data_home: Path,
    tmp_path: Path,
) -> None:
    dataset = load_eu_core(temporal=True, data_home=data_home, cache_dir=tmp_path)
    local = score_events(dataset.events, groups=dataset.groups, trend_days=None)
    remote = score_events(
        dataset.events,
        groups=dataset.groups,
        trend_days=None,
        engine="spark",
        spark_master=spark_master,
    )
    assert cluster.sparkContext.master == spark_master
    assert remote.metadata["spark_master"] == spark_master
    assert local.graph.n > 900
    assert_same_scores(local.scores, remote.scores)
