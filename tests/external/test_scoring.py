"""Scoring external prominence: per network against its own population, then combined,
stored per day with explanations, read by the promotion boards' criterion."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from renown.core.events import event_key
from renown.external.combine import to_score
from renown.external.linking import check_unlink
from renown.external.scoring import COMBINED, score_external
from renown.store import transaction
from renown.store.tables.external import (
    ExternalAccount,
    ExternalEvent,
    ExternalItem,
    ExternalScore,
)
from renown.talent.criteria_builtin import measure_prominence_external
from tests.external.conftest import NOW, ExternalOrg


def _account(session: Session, org: ExternalOrg, name: str, network: str, handle: str) -> int:
    account = ExternalAccount(
        org_id=org.id,
        person_id=org.ids[name],
        network=network,
        handle=handle,
        status="verified",
        verification_code="renown-0000000000",
        verified_by="bio",
        verified_at=NOW,
        pull_state={},
    )
    session.add(account)
    session.flush()
    return account.id


def _engagement(
    session: Session, account_id: int, network: str, handle: str, fans: int, *, anonymous: int = 0
) -> None:
    target = f"{network}:{handle}"
    for n in range(fans):
        session.add(
            ExternalEvent(
                account_id=account_id,
                event_key=event_key("social", network, target, f"fan{n}"),
                actor=f"{network}:fan{n}-{handle}",
                target=target,
                happened_at=NOW - timedelta(days=n % 30),
                kind="reply",
                weight=1.0,
            )
        )
    if anonymous:
        session.add(
            ExternalEvent(
                account_id=account_id,
                event_key=event_key("social", network, target, "stars"),
                actor=None,
                target=target,
                happened_at=NOW - timedelta(days=3),
                kind="favorite",
                weight=float(anonymous),
                item_key="repo:1",
            )
        )
        session.add(
            ExternalItem(
                account_id=account_id,
                key="repo:1",
                kind="repository",
                title=f"{handle}/tool",
                url=f"https://example.org/{handle}/tool",
                created_at=NOW - timedelta(days=100),
                engagement={"stars": anonymous},
            )
        )


def _seed(db: sessionmaker[Session], org: ExternalOrg) -> dict[str, int]:
    """A big network (github, thousands of fans) and a small one (rss, a handful)."""
    with transaction(db) as session:
        ids = {}
        for name, fans in (("ada", 400), ("bob", 200), ("cyd", 50)):
            ids[f"{name}-gh"] = _account(session, org, name, "github", name)
            _engagement(session, ids[f"{name}-gh"], "github", name, fans, anonymous=fans)
        for name, fans in (("dee", 6), ("eve", 3), ("ada", 1)):
            ids[f"{name}-rss"] = _account(session, org, name, "rss", f"https://{name}.example/feed")
            _engagement(session, ids[f"{name}-rss"], "rss", f"https://{name}.example/feed", fans)
        ids["fay-gh"] = _account(session, org, "fay", "github", "fay")  # nothing pulled yet
        return ids


def _scores(session: Session, org: ExternalOrg) -> dict[tuple[str, str], int]:
    names = {pid: name for name, pid in org.ids.items()}
    return {
        (names[r.person_id], r.network): r.score
        for r in session.scalars(sa.select(ExternalScore).where(ExternalScore.org_id == org.id))
    }


def test_each_network_ranks_people_among_those_who_linked_it(
    db: sessionmaker[Session], org: ExternalOrg
) -> None:
    _seed(db, org)
    with transaction(db) as session:
        score_external(session, org.id, now=NOW)
    with db() as session:
        scores = _scores(session, org)
    # the top of three blogs with a handful of readers stands where the top of a large
    # GitHub crowd does: at the mid-rank of the top of its population (4 and 3 people)
    assert scores["ada", "github"] == to_score(1 - 1 / 8) == 88
    assert scores["dee", "rss"] == to_score(1 - 1 / 6) == 84
    assert scores["ada", "github"] > scores["bob", "github"] > scores["cyd", "github"]
    assert scores["dee", "rss"] > scores["eve", "rss"] > scores["ada", "rss"]
    # no points for nothing: an account nothing was pulled from stands at 1
    assert scores["fay", "github"] == 1
    # combined: ada (top of github, bottom of rss) is not pulled down by her small blog
    assert scores["ada", COMBINED] >= scores["ada", "github"]
    assert scores["dee", COMBINED] == scores["dee", "rss"]
    assert scores["fay", COMBINED] == 1


def test_explanations_say_which_posts_audiences_and_network_drove_the_score(
    db: sessionmaker[Session], org: ExternalOrg
) -> None:
    _seed(db, org)
    with transaction(db) as session:
        score_external(session, org.id, now=NOW)
    with db() as session:
        rows = {
            r.network: r
            for r in session.scalars(
                sa.select(ExternalScore).where(ExternalScore.person_id == org.ids["ada"])
            )
        }
    github = rows["github"].explanation
    assert github["rank"] == 1 and github["population"] == 4
    assert github["top_items"][0]["title"] == "ada/tool"
    assert github["top_items"][0]["engagement"] == {"stars": 400}
    assert 0.3 < github["anonymous_share"] < 0.7
    assert github["audiences"] and github["audiences"][0]["account"].startswith("fan")
    assert {c["name"] for c in github["components"]}
    assert github["sentence"].startswith("GitHub ")
    shares = rows[COMBINED].explanation["shares"]
    assert [s["network"] for s in shares] == ["github", "rss"]
    assert "GitHub drove it most" in rows[COMBINED].explanation["sentence"]


def test_scoring_twice_a_day_keeps_one_row_per_network_and_day(
    db: sessionmaker[Session], org: ExternalOrg
) -> None:
    _seed(db, org)
    for _ in range(2):
        with transaction(db) as session:
            score_external(session, org.id, now=NOW)
    with transaction(db) as session:
        score_external(session, org.id, now=NOW + timedelta(days=1))
    with db() as session:
        count = session.scalar(
            sa.select(sa.func.count(ExternalScore.id)).where(
                ExternalScore.person_id == org.ids["ada"]
            )
        )
    assert count == 2 * 3  # github, rss, combined on two days


def test_the_boards_criterion_reads_the_combined_score_as_of_the_round(
    db: sessionmaker[Session], org: ExternalOrg
) -> None:
    _seed(db, org)
    with transaction(db) as session:
        score_external(session, org.id, now=NOW)
    with db() as session:
        combined = _scores(session, org)["ada", COMBINED]
        now = measure_prominence_external(session, org.id, [org.ids["ada"]], NOW)
        before = measure_prominence_external(
            session, org.id, [org.ids["ada"]], NOW - timedelta(days=1)
        )
    assert now[org.ids["ada"]].points == combined
    assert "combined" in now[org.ids["ada"]].shown
    assert before[org.ids["ada"]].points is None  # frozen rounds see only earlier evidence


def test_unlinking_deletes_the_pulled_data_and_that_networks_scores(
    db: sessionmaker[Session], org: ExternalOrg
) -> None:
    ids = _seed(db, org)
    with transaction(db) as session:
        score_external(session, org.id, now=NOW)
    with transaction(db) as session:
        check_unlink(session, org.principal("ada"), ids["ada-gh"], now=NOW)
    with db() as session:
        assert session.get(ExternalAccount, ids["ada-gh"]) is None
        left = session.scalar(
            sa.select(sa.func.count(ExternalEvent.id)).where(
                ExternalEvent.account_id == ids["ada-gh"]
            )
        )
        assert left == 0
        scores = _scores(session, org)
    assert ("ada", "github") not in scores
    # the others were ranked again without her: bob now tops github
    assert scores["bob", "github"] > scores["cyd", "github"]
    assert scores["ada", COMBINED] == scores["ada", "rss"]
