"""The people frame: a plausible organisation with a real management tree."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import pytest

from renown.demo import SyntheticOrg, generate_org
from renown.demo.catalog import EXECUTIVE_DEPARTMENT

PEOPLE_SCHEMA = {
    "person_id": pl.String(),
    "name": pl.String(),
    "email": pl.String(),
    "title": pl.String(),
    "level": pl.Int8(),
    "team": pl.String(),
    "department": pl.String(),
    "manager_id": pl.String(),
    "hired_on": pl.Date(),
    "left_on": pl.Date(),
}


def chain_to_top(people: pl.DataFrame) -> dict[str, list[str]]:
    """Each person's chain of managers up to the root; fails on a cycle or a missing manager."""
    manager_of = dict(people.select("person_id", "manager_id").iter_rows())
    chains: dict[str, list[str]] = {}
    for person, boss in manager_of.items():
        chain: list[str] = []
        current = boss
        while current is not None:
            assert current in manager_of, f"{person} reports to unknown {current}"
            assert current not in chain and current != person, f"cycle through {person}"
            chain.append(current)
            current = manager_of[current]
        chains[person] = chain
    return chains


def regular_teams(people: pl.DataFrame) -> pl.DataFrame:
    """Teams led by a team manager (not a leadership group, not the executive office)."""
    return people.filter(
        (pl.col("department") != EXECUTIVE_DEPARTMENT)
        & ~pl.col("team").str.ends_with(" Leadership")
    )


def test_people_frame_has_the_documented_columns(default_org: SyntheticOrg) -> None:
    people = default_org.people
    assert people.schema == pl.Schema(PEOPLE_SCHEMA)
    assert people.height == 3000
    assert people["person_id"].to_list() == [f"p{i:04d}" for i in range(1, 3001)]
    assert people["email"].n_unique() == people.height
    assert people["email"].str.contains(r"^[a-z]+\.[a-z]+[0-9]*@").all()
    assert people["name"].str.contains(r"^[A-Z][a-z]+ [A-Z][a-z]+$").all()
    assert set(people["level"].to_list()) == {1, 2, 3, 4, 5, 6}
    assert people.select(pl.exclude("manager_id", "left_on").null_count()).sum_horizontal()[0] == 0


@pytest.mark.parametrize("size", [30, 257, 3000])
def test_hierarchy_is_one_tree_rooted_at_the_ceo(size: int, default_org: SyntheticOrg) -> None:
    people = default_org.people if size == 3000 else generate_org(people=size, seed=size).people
    roots = people.filter(pl.col("manager_id").is_null())
    assert roots.height == 1
    ceo = roots.row(0, named=True)
    assert ceo["title"] == "Chief Executive Officer"
    assert ceo["level"] == 6
    chains = chain_to_top(people)
    assert all(chain[-1] == ceo["person_id"] for chain in chains.values() if chain)
    # Every department head reports straight to the CEO.
    heads = people.filter(pl.col("title").str.starts_with("VP, "))
    assert heads.height == people["department"].n_unique() - 1
    assert (heads["manager_id"] == ceo["person_id"]).all()


def test_people_report_inside_their_department_up_to_its_head(
    default_org: SyntheticOrg,
) -> None:
    people = default_org.people
    with_manager = people.join(
        people.select(
            pl.col("person_id").alias("manager_id"),
            pl.col("department").alias("manager_department"),
            pl.col("level").alias("manager_level"),
        ),
        on="manager_id",
    )
    below_heads = with_manager.filter(~pl.col("title").str.starts_with("VP, "))
    assert (below_heads["department"] == below_heads["manager_department"]).all()
    assert (below_heads["manager_level"] > below_heads["level"]).all()


def test_teams_have_four_to_twelve_people_and_one_manager(default_org: SyntheticOrg) -> None:
    teams = regular_teams(default_org.people)
    sizes = teams.group_by("team").agg(
        pl.len().alias("size"),
        (pl.col("level") == 4).sum().alias("managers"),
        pl.col("department").n_unique().alias("departments"),
    )
    assert sizes["size"].min() >= 4
    assert sizes["size"].max() <= 12
    assert sizes["size"].n_unique() > 3  # not all teams alike
    assert (sizes["managers"] == 1).all()
    assert (sizes["departments"] == 1).all()
    # Members report to their team's manager.
    leads = teams.filter(pl.col("level") == 4).select("team", lead="person_id")
    members = teams.filter(pl.col("level") < 4).join(leads, on="team")
    assert (members["manager_id"] == members["lead"]).all()


def test_departments_are_several_and_uneven(default_org: SyntheticOrg) -> None:
    sizes = (
        default_org.people.filter(pl.col("department") != EXECUTIVE_DEPARTMENT)
        .group_by("department")
        .len()["len"]
        .to_list()
    )
    assert 8 <= len(sizes) + 1 <= 12
    assert max(sizes) >= 2.5 * min(sizes)


def test_groups_map_every_person_to_their_department(default_org: SyntheticOrg) -> None:
    groups = default_org.groups
    people = default_org.people
    assert len(groups) == people.height
    assert groups == dict(zip(people["person_id"], people["department"], strict=True))


def test_some_people_join_and_some_leave_during_the_window(default_org: SyntheticOrg) -> None:
    people = default_org.people
    start = default_org.start.date()
    joiners = people.filter(pl.col("hired_on") > start)
    leavers = people.filter(pl.col("left_on").is_not_null())
    assert 10 <= joiners.height <= 150
    assert 10 <= leavers.height <= 150
    assert (leavers["left_on"] > start).all()
    assert (leavers["left_on"] < default_org.end.date()).all()
    assert set(joiners["person_id"]).isdisjoint(default_org.managers)


def test_bridges_are_settled_individual_contributors(default_org: SyntheticOrg) -> None:
    bridges = default_org.people.filter(pl.col("person_id").is_in(default_org.bridges))
    assert bridges.height == len(default_org.bridges) >= 10
    assert bridges["level"].is_between(2, 3).all()
    assert set(default_org.bridges).isdisjoint(default_org.managers)
    assert bridges["left_on"].is_null().all()


def test_invalid_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="at least 30"):
        generate_org(people=29)
    with pytest.raises(ValueError, match="months"):
        generate_org(people=50, months=0)
    with pytest.raises(ValueError, match="aware"):
        generate_org(people=50, end=datetime(2026, 1, 1))
    assert generate_org(people=30, months=1, end=datetime(2026, 1, 1, tzinfo=UTC)).events.height
