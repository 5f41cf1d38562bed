"""Challenge skill ratings on the Codeforces standings (make validate, with RENOWN_DATA_HOME).

Fitted on the first 90 % of the 937 contests and run online (predict, then update) through
the last 10 %, the Weng-Lin model must order held-out pairs of returning members better than
multiplayer Elo (its K tuned on the same validation split) and than contests-played, by the
margins measured when the parameters were chosen (docs/challenges-ratings.md). Same code
path as ``renown challenges ratings report``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from renown.challenges.ratings.evaluation import Report, evaluate
from renown.challenges.ratings.standings import read_standings

pytestmark = pytest.mark.realdata

STANDINGS = Path("codeforces-elo-mmr") / "standings.tsv.gz"
MARGIN_OVER_ELO = 0.008
"""Measured margin 0.0133 (0.7830 vs 0.7697) on 1,821,556 held-out pairs; asserted with room
for a change of sampling seed (the standard error of one accuracy is about 0.0003)."""
MARGIN_OVER_PLAYED = 0.1
"""Measured margin 0.1713 (0.7830 vs 0.6117)."""


@pytest.fixture(scope="module")
def report(data_home: Path) -> Report:
    path = data_home / STANDINGS
    if not path.is_file():
        pytest.fail(f"{path} is missing from RENOWN_DATA_HOME={data_home}")
    standings = read_standings(path)
    assert (standings.rows, standings.contests, standings.players) == (2_060_428, 937, 201_963)
    return evaluate(standings)


def test_model_beats_elo_and_contests_played(
    report: Report, capsys: pytest.CaptureFixture[str]
) -> None:
    with capsys.disabled():
        print(f"\n{report.table()}")
    model, elo, played = (report.result(n) for n in ("weng-lin", "elo", "contests played"))
    assert report.test_contests == 94 and model.pairs == elo.pairs == played.pairs > 1_000_000
    assert model.accuracy > elo.accuracy + MARGIN_OVER_ELO, report.table()
    assert model.accuracy > played.accuracy + MARGIN_OVER_PLAYED, report.table()
