"""Automatically scored challenges: the hidden key, the public/private split, the daily limit."""

from __future__ import annotations

import math

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from renown.challenges import participation, posting, queries
from renown.challenges.autoscore import Metric, is_public, read_answer_key, score_predictions
from renown.challenges.job import tick_challenges
from renown.core.errors import InputError, Invalid, NotAllowed, NotFound
from renown.store import transaction
from renown.store.tables.challenges import ChallengeResult, ChallengeSubmission
from tests.challenges.conftest import (
    AFTER,
    BEFORE,
    REGISTRATION,
    REVIEW,
    SUBMISSION,
    Community,
    science_draft,
)

IDS = [f"r{i:03d}" for i in range(200)]
KEY = (
    "id,target\n" + "".join(f"{i},{'yes' if n % 3 else 'no'}\n" for n, i in enumerate(IDS))
).encode()


def _predictions(right: float) -> bytes:
    """Predictions with the first ``right`` share of ids correct, the rest wrong."""
    lines = ["id,prediction"]
    for n, i in enumerate(IDS):
        truth = "yes" if n % 3 else "no"
        lines.append(
            f"{i},{truth if n < right * len(IDS) else ('no' if truth == 'yes' else 'yes')}"
        )
    return ("\n".join(lines) + "\n").encode()


def _science(db: sessionmaker[Session], c: Community) -> int:
    with transaction(db) as session:
        cid = posting.check_post_challenge(session, c.sponsor, science_draft(), BEFORE)
        with pytest.raises(Invalid, match="answer key"):
            posting.check_publish(session, c.sponsor, cid, BEFORE)
        assert (
            posting.check_upload_answer_key(session, c.sponsor, cid, KEY, "key.csv", BEFORE) == 200
        )
        posting.check_publish(session, c.sponsor, cid, BEFORE)
    return cid


def test_the_private_board_decides_and_stays_hidden_until_then(
    db: sessionmaker[Session], community: Community
) -> None:
    c = community
    m0, m1, m2, _ = c.members
    cid = _science(db, c)
    with transaction(db) as session:
        for m in (m0, m1, m2):
            participation.check_register(session, m, cid, REGISTRATION)
        first = participation.check_submit_file(
            session,
            m0,
            cid,
            filename="p.csv",
            data=_predictions(0.9),
            content_type="text/csv",
            now=REGISTRATION,
        )
        assert first.public_score is not None and first.scored_today == 1
        participation.check_submit_file(
            session,
            m1,
            cid,
            filename="p.csv",
            data=_predictions(0.5),
            content_type=None,
            now=REGISTRATION,
        )
        participation.check_submit_file(
            session,
            m2,
            cid,
            filename="p.csv",
            data=_predictions(1.0),
            content_type=None,
            now=SUBMISSION,
        )
    with db() as session:
        public = queries.leaderboard(session, m1, cid, SUBMISSION, private=False)
        assert public[0].member == queries.member_names(session, [m2.account_id])[m2.account_id]
        for early in (m0, m1, c.sponsor):
            with pytest.raises(NotAllowed):
                queries.leaderboard(session, early, cid, SUBMISSION, private=True)
        # The sponsor sees the private board once submissions close; members only at the end.
        assert queries.leaderboard(session, c.sponsor, cid, REVIEW, private=True)
        with pytest.raises(NotAllowed):
            queries.leaderboard(session, m0, cid, REVIEW, private=True)
        # Nobody but its author opens predictions while the challenge runs.
        with pytest.raises(NotFound):
            queries.submission_file(session, m1, first.submission_id, SUBMISSION)
    assert tick_challenges(db, REVIEW).settled == 1
    with db() as session:
        places = {r.account_id: r.place for r in session.scalars(sa.select(ChallengeResult)).all()}
        assert places == {m2.account_id: 1, m0.account_id: None, m1.account_id: None}
        final = queries.leaderboard(session, m1, cid, AFTER, private=True)
        assert [row.account_id for row in final] == [m2.account_id, m0.account_id, m1.account_id]
        assert final[0].score == 1.0


def test_the_daily_limit_and_bad_predictions(
    db: sessionmaker[Session], community: Community
) -> None:
    c = community
    m0 = c.members[0]
    cid = _science(db, c)
    with transaction(db) as session:
        participation.check_register(session, m0, cid, REGISTRATION)
    bad = [
        (b"id,prediction\nr000,yes\n", "have no prediction"),
        (_predictions(1.0) + b"zzz,yes\n", "not in the challenge"),
        (_predictions(1.0).replace(b"r001,", b"r000,"), "appears twice"),
        (b"id,guess\nr000,yes\n", "header must be"),
        (b"", "empty"),
    ]
    for data, message in bad:
        with transaction(db) as session, pytest.raises(InputError, match=message):
            participation.check_submit_file(
                session, m0, cid, filename="p.csv", data=data, content_type=None, now=REGISTRATION
            )
    with transaction(db) as session:
        for _ in range(3):
            participation.check_submit_file(
                session,
                m0,
                cid,
                filename="p.csv",
                data=_predictions(0.7),
                content_type=None,
                now=REGISTRATION,
            )
    with transaction(db) as session, pytest.raises(Invalid, match="all 3 scored submissions"):
        participation.check_submit_file(
            session,
            m0,
            cid,
            filename="p.csv",
            data=_predictions(0.7),
            content_type=None,
            now=REGISTRATION,
        )
    with db() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(ChallengeSubmission)) == 3
    with transaction(db) as session:  # a new UTC day
        participation.check_submit_file(
            session,
            m0,
            cid,
            filename="p.csv",
            data=_predictions(0.7),
            content_type=None,
            now=SUBMISSION,
        )


def test_the_answer_key_is_fixed_once_published(
    db: sessionmaker[Session], community: Community
) -> None:
    cid = _science(db, community)
    with transaction(db) as session, pytest.raises(Invalid, match="not possible now"):
        posting.check_upload_answer_key(session, community.sponsor, cid, KEY, "key.csv", BEFORE)


def test_the_split_is_keyed_and_both_parts_are_scored() -> None:
    key = read_answer_key(KEY, "key.csv", Metric.ACCURACY, salt="s1", public_fraction=0.3)
    other = read_answer_key(KEY, "key.csv", Metric.ACCURACY, salt="s2", public_fraction=0.3)
    assert key.public != other.public  # another salt, another split
    assert 0.15 < len(key.public) / len(IDS) < 0.45
    assert all(is_public(i, "s1", 0.3) for i in key.public)
    scores = score_predictions(_predictions(1.0), "p.csv", key, Metric.ACCURACY)
    assert scores.public == scores.private == 1.0


def test_numeric_metrics_refuse_words_and_infinities() -> None:
    numbers = b"id,target\n" + b"".join(f"r{i},{i / 10}\n".encode() for i in range(60))
    key = read_answer_key(numbers, "key.csv", Metric.RMSE, salt="s", public_fraction=0.5)
    exact = numbers.replace(b"target", b"prediction")
    assert score_predictions(exact, "p.csv", key, Metric.RMSE).private == 0.0
    for broken, field in (
        (exact.replace(b"r3,0.3", b"r3,abc"), "prediction"),
        (exact.replace(b"r3,0.3", b"r3,inf"), "prediction"),
    ):
        with pytest.raises(InputError) as error:
            score_predictions(broken, "p.csv", key, Metric.RMSE)
        assert error.value.field == field and error.value.line == 5
    tiny = b"id,target\na,1\n"
    with pytest.raises(InputError, match="too few"):
        read_answer_key(tiny, "key.csv", Metric.RMSE, salt="s", public_fraction=0.5)


@pytest.mark.parametrize("metric", [Metric.RMSE, Metric.MAE])
def test_predictions_whose_error_overflows_are_refused(metric: Metric) -> None:
    """Each value is finite, but 1e308 squared (or many of them summed) is not: such a file
    was stored with an infinite score, which the API shows as null while it still ranked."""
    numbers = b"id,target\n" + b"".join(f"r{i},{i / 10}\n".encode() for i in range(60))
    key = read_answer_key(numbers, "key.csv", metric, salt="s", public_fraction=0.5)
    huge = b"id,prediction\n" + b"".join(
        f"r{i},{'1e308' if i % 2 else '-1e308'}\n".encode() for i in range(60)
    )
    with pytest.raises(InputError, match="overflows") as error:
        score_predictions(huge, "p.csv", key, metric)
    assert error.value.field == "prediction"
    # One far-off private row: its square overflows (RMSE); its absolute error does not (MAE).
    private = next(f"r{i}" for i in range(60) if f"r{i}" not in key.public)
    exact = numbers.replace(b"target", b"prediction")
    one = b"".join(
        f"{private},1e308\n".encode() if line.startswith(f"{private},".encode()) else line
        for line in exact.splitlines(keepends=True)
    )
    if metric is Metric.RMSE:
        with pytest.raises(InputError, match="overflows"):
            score_predictions(one, "p.csv", key, metric)
    else:
        assert math.isfinite(score_predictions(one, "p.csv", key, metric).private)


def test_an_automatic_challenge_has_no_reviewers(
    db: sessionmaker[Session], community: Community
) -> None:
    with transaction(db) as session:
        cid = posting.check_post_challenge(session, community.sponsor, science_draft(), BEFORE)
    with transaction(db) as session, pytest.raises(Invalid, match="no reviewers"):
        posting.check_add_reviewer(session, community.sponsor, cid, "reviewer@acme.test", BEFORE)
