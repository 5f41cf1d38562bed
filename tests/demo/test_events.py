"""The event frame: canonical, deterministic, and shaped like real communication."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import numpy as np
import polars as pl

from renown.core.events import event_key
from renown.demo import SyntheticOrg, generate_org
from renown.demo.catalog import DEPARTMENTS
from renown.graph import build_graph
from renown.ingest.schema import EVENT_SCHEMA, conform

ENGINEERING = [d.name for d in DEPARTMENTS if d.engineering]


def with_departments(org: SyntheticOrg) -> pl.DataFrame:
    """Events between known people, with both ends' department, team and manager."""

    def side(role: str) -> pl.DataFrame:
        return org.people.select(
            pl.col("person_id").alias(role),
            pl.col("department").alias(f"{role}_department"),
            pl.col("team").alias(f"{role}_team"),
            pl.col("manager_id").alias(f"{role}_manager"),
        )

    known = org.events.filter(pl.col("actor").is_not_null())
    return known.join(side("actor"), on="actor").join(side("target"), on="target")


def test_same_seed_gives_identical_frames_and_another_seed_does_not() -> None:
    first = generate_org(people=300, months=2, seed=5)
    again = generate_org(people=300, months=2, seed=5)
    other = generate_org(people=300, months=2, seed=6)
    assert first.people.equals(again.people)
    assert first.events.equals(again.events)
    assert first.bridges == again.bridges
    assert not first.people.equals(other.people)
    assert not first.events.equals(other.events)


def test_events_conform_to_the_canonical_schema(default_org: SyntheticOrg) -> None:
    events = default_org.events
    assert events.schema == pl.Schema(EVENT_SCHEMA)
    assert conform(events).equals(events)
    assert 300_000 <= events.height <= 600_000
    assert events["event_key"].n_unique() == events.height
    assert events["target"].null_count() == 0
    assert events["weight"].eq(1.0).all()
    assert events["source"].eq("demo").all()
    assert events["timestamp"].is_sorted()


def test_event_keys_are_demo_seed_and_row_number(small_org: SyntheticOrg) -> None:
    keys = small_org.events["event_key"]
    last = keys.len() - 1
    assert keys[0] == event_key("demo", small_org.seed, 0)
    assert keys[last] == event_key("demo", small_org.seed, last)


def test_everyone_involved_is_a_person_and_nobody_addresses_themselves(
    default_org: SyntheticOrg,
) -> None:
    events = default_org.events
    ids = set(default_org.people["person_id"])
    assert set(events["target"].unique()) <= ids
    assert set(events["actor"].drop_nulls().unique()) <= ids
    assert events.filter(pl.col("actor") == pl.col("target")).height == 0


def test_every_channel_and_kind_occurs(default_org: SyntheticOrg) -> None:
    kinds = {(c, k) for c, k in default_org.events.select("channel", "kind").unique().iter_rows()}
    assert kinds == {
        ("email", "to"),
        ("email", "cc"),
        ("email", "reply"),
        ("chat", "message"),
        ("chat", "mention"),
        ("chat", "reaction"),
        ("review", "review"),
        ("review", "comment"),
        ("social", "mention"),
        ("social", "upvote"),
        ("kudos", "kudos"),
    }
    anonymous = default_org.events.filter(pl.col("actor").is_null())
    assert 0.02 * default_org.events.height < anonymous.height < 0.1 * default_org.events.height
    assert anonymous.select("channel", "kind").unique().rows() == [("social", "upvote")]


def test_events_fall_on_weekdays_in_office_hours(default_org: SyntheticOrg) -> None:
    stamps = default_org.events["timestamp"]
    assert stamps.min() >= default_org.start
    assert stamps.max() < default_org.end
    assert stamps.dt.weekday().le(5).mean() > 0.99
    assert stamps.dt.hour().is_between(8, 18).mean() > 0.85
    # Hours vary: the sampler must not pile events up on one instant.
    assert stamps.dt.hour().value_counts()["count"].max() < 0.2 * stamps.len()


def test_window_follows_any_end_and_time_zone() -> None:
    end = datetime(2025, 3, 15, 12, 30, tzinfo=timezone(timedelta(hours=2)))
    org = generate_org(people=60, months=1, seed=2, end=end)
    assert org.end == end
    assert org.start == datetime(2025, 2, 15, 10, 30, tzinfo=UTC)
    stamps = org.events["timestamp"]
    assert stamps.min() >= org.start
    assert stamps.max() < org.end


def test_a_few_people_produce_a_large_share_of_events(default_org: SyntheticOrg) -> None:
    sent = (
        default_org.events.filter(pl.col("actor").is_not_null())
        .group_by("actor")
        .len()["len"]
        .sort(descending=True)
        .to_numpy()
    )
    top_share = sent[: len(sent) // 100].sum() / sent.sum()
    assert top_share > 0.06  # six times the share of an even spread
    assert sent[0] > 10 * np.median(sent)


def test_most_interactions_stay_inside_team_then_department(default_org: SyntheticOrg) -> None:
    events = with_departments(default_org)
    same_department = (events["actor_department"] == events["target_department"]).mean()
    same_team = (events["actor_team"] == events["target_team"]).mean()
    sizes = default_org.people.group_by("department").len()["len"].to_numpy()
    random_same_department = float(((sizes / sizes.sum()) ** 2).sum())
    assert same_department > max(0.6, 3 * random_same_department)
    assert same_team > 0.4
    assert same_department - same_team > 0.1


def test_bridges_reach_more_departments_than_the_median_person(
    default_org: SyntheticOrg,
) -> None:
    events = with_departments(default_org).with_columns(
        abroad=pl.col("actor_department") != pl.col("target_department")
    )
    per_actor = events.group_by("actor").agg(
        pl.col("target").filter(pl.col("abroad")).n_unique().alias("partners"),
        pl.col("abroad").mean().alias("share"),
    )
    partners = dict(per_actor.select("actor", "partners").iter_rows())
    share = dict(per_actor.select("actor", "share").iter_rows())
    everyone = default_org.people["person_id"]
    median_partners = float(np.median([partners.get(p, 0) for p in everyone]))
    median_share = float(np.median([share.get(p, 0.0) for p in everyone]))
    bridge_partners = [partners.get(b, 0) for b in default_org.bridges]
    assert min(bridge_partners) > 3 * median_partners
    assert float(np.median(bridge_partners)) > 6 * median_partners
    # Not merely busier: most of what a bridge does crosses a department boundary.
    assert min(share.get(b, 0.0) for b in default_org.bridges) > 2 * median_share


def test_managers_and_reports_interact(default_org: SyntheticOrg) -> None:
    events = with_departments(default_org)
    with_manager = events.filter(
        (pl.col("actor_manager") == pl.col("target"))
        | (pl.col("target_manager") == pl.col("actor"))
    )
    assert with_manager.height > 0.1 * events.height
    addressed = set(with_manager["actor"]) | set(with_manager["target"])
    managers = default_org.managers
    assert len(managers & addressed) > 0.95 * len(managers)


def test_executives_receive_broad_attention(default_org: SyntheticOrg) -> None:
    reach = (
        default_org.events.filter(pl.col("actor").is_not_null())
        .group_by("target")
        .agg(pl.col("actor").n_unique().alias("reach"))
        .join(default_org.people, left_on="target", right_on="person_id")
    )
    ceo_reach = reach.filter(pl.col("manager_id").is_null())["reach"][0]
    assert ceo_reach == reach["reach"].max()
    assert ceo_reach > 0.2 * default_org.people.height
    heads = reach.filter(pl.col("title").str.starts_with("VP, "))["reach"]
    assert heads.median() > 3 * reach["reach"].median()


def test_replies_answer_received_mail(default_org: SyntheticOrg) -> None:
    mail = default_org.events.filter(pl.col("channel") == "email")
    sent = mail.filter(pl.col("kind") == "to").select(
        pl.col("actor").alias("target"), pl.col("target").alias("actor"), first_sent="timestamp"
    )
    earliest = sent.group_by("actor", "target").agg(pl.col("first_sent").min())
    replies = mail.filter(pl.col("kind") == "reply")
    assert replies.height > 0.2 * mail.filter(pl.col("kind") == "to").height
    answered = replies.join(earliest, on=["actor", "target"], how="left")
    assert (
        answered.filter(pl.col("first_sent") < pl.col("timestamp")).height > 0.99 * replies.height
    )


def test_code_review_happens_mostly_in_engineering(default_org: SyntheticOrg) -> None:
    reviews = with_departments(default_org).filter(pl.col("channel") == "review")
    inside = reviews.filter(
        pl.col("actor_department").is_in(ENGINEERING)
        & pl.col("target_department").is_in(ENGINEERING)
    )
    assert reviews.height > 10_000
    assert inside.height > 0.85 * reviews.height


def test_nobody_acts_or_is_addressed_outside_their_employment(
    default_org: SyntheticOrg,
) -> None:
    people = default_org.people.select(
        "person_id",
        hired=pl.col("hired_on").cast(pl.Datetime("us", "UTC")),
        left=pl.col("left_on").cast(pl.Datetime("us", "UTC")),
    )
    events = default_org.events
    for role in ("actor", "target"):
        involved = events.join(people, left_on=role, right_on="person_id")
        outside = involved.filter(
            (pl.col("timestamp") < pl.col("hired"))
            | (pl.col("left").is_not_null() & (pl.col("timestamp") >= pl.col("left")))
        )
        assert outside.height == 0, role
    joiners = people.filter(pl.col("hired") > default_org.start)
    assert events.filter(pl.col("actor").is_in(joiners["person_id"])).height > 0


def test_volume_per_person_month_does_not_depend_on_the_window() -> None:
    short = generate_org(people=200, months=1, seed=1)
    long = generate_org(people=200, months=6, seed=1)
    per_month = [org.events.height / (200 * months) for org, months in ((short, 1), (long, 6))]
    assert all(15 <= rate <= 40 for rate in per_month)
    assert 0.7 < per_month[0] / per_month[1] < 1.3


def test_the_graph_builder_accepts_the_frame(small_org: SyntheticOrg) -> None:
    graph = build_graph(small_org.events, as_of=small_org.end, groups=small_org.groups)
    assert len(graph.people) == small_org.people.height
    assert graph.out.weights.min() > 0
    assert graph.anonymous.sum() > 0
    assert graph.groups is not None
    assert (graph.groups >= 0).all()
