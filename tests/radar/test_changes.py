"""The change detector: what counts as an edit, and that order and unknowns do not matter."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from renown.radar.changes import (
    ChangeKind,
    detect_changes,
    is_connections_jump,
    summary_similarity,
)
from renown.radar.snapshots import ProfileSnapshot

T0 = datetime(2024, 1, 1, tzinfo=UTC)


def _at(days: float) -> datetime:
    return T0 + timedelta(days=days)


def _kinds(snapshots: list[ProfileSnapshot]) -> list[ChangeKind]:
    return [c.kind for c in detect_changes(snapshots)]


def test_every_kind_with_plain_words() -> None:
    before = ProfileSnapshot(
        "a",
        T0,
        headline="Analyst at Initech",
        title="Analyst",
        company="Initech",
        location="Berlin",
        skills=("SQL", "Excel"),
        summary="I analyse data for the sales team and build reports.",
        photo="p1",
        connections=300,
        open_to_work=False,
    )
    after = ProfileSnapshot(
        "a",
        _at(20),
        headline="Senior analyst | Rust | Go",
        title="Senior analyst",
        company="Globex",
        location="Paris",
        skills=("sql", "Rust", "Go", "Kafka"),
        summary="Building streaming platforms in Rust; hiring soon.",
        photo="p2",
        connections=420,
        open_to_work=True,
    )
    changes = {c.kind: c for c in detect_changes([after, before])}
    assert set(changes) == set(ChangeKind) - {ChangeKind.OPEN_TO_WORK_OFF}
    assert changes[ChangeKind.TITLE_CHANGED].detail == "Title: Analyst → Senior analyst"
    assert changes[ChangeKind.COMPANY_CHANGED].detail == "Company: Initech → Globex"
    added = changes[ChangeKind.SKILLS_ADDED]
    assert added.detail == "Added 3 skills: Rust, Go, Kafka"
    assert added.items == ("Rust", "Go", "Kafka")
    assert changes[ChangeKind.SKILLS_REMOVED].detail == "Removed 1 skill: Excel"
    assert changes[ChangeKind.CONNECTIONS_JUMP].detail == "Connections: 300 → 420 (+120 in 20 days)"
    assert all(c.at == _at(20) for c in changes.values())


def test_sorted_by_time_subject_kind() -> None:
    snaps = [
        ProfileSnapshot("b", T0, title="x"),
        ProfileSnapshot("b", _at(5), title="y", company="c"),
        ProfileSnapshot("a", T0, title="x", company="d"),
        ProfileSnapshot("a", _at(5), title="y", company="e"),
    ]
    keys = [(c.at, c.subject, str(c.kind)) for c in detect_changes(snaps)]
    assert keys == sorted(keys)
    assert len(keys) == 3  # b's company was unknown before


def test_unknown_is_not_a_change_and_last_known_value_carries() -> None:
    snaps = [
        ProfileSnapshot("a", T0, title="Analyst", skills=("SQL",)),
        ProfileSnapshot("a", _at(30), title=None, skills=None, company="Globex"),
        ProfileSnapshot("a", _at(60), title="Analyst", skills=("SQL",)),
        ProfileSnapshot("a", _at(90), title="Manager", skills=("SQL", "Go")),
    ]
    changes = detect_changes(snaps)
    assert [(c.kind, c.at) for c in changes] == [
        (ChangeKind.SKILLS_ADDED, _at(90)),
        (ChangeKind.TITLE_CHANGED, _at(90)),
    ]


def test_whitespace_and_case_are_not_edits() -> None:
    assert not _kinds(
        [
            ProfileSnapshot("a", T0, headline="Data  person", skills=("Machine learning",)),
            ProfileSnapshot("a", _at(1), headline=" data person", skills=("machine  LEARNING",)),
        ]
    )


def test_summary_rule() -> None:
    text = "I build data platforms for retail companies and lead a team of six engineers."
    typo = text.replace("engineers.", "engineers!")
    assert summary_similarity(text, typo) == 1.0
    light = text.replace("six", "seven")
    rewritten = "Looking for my next challenge in machine learning research."
    assert not _kinds(
        [ProfileSnapshot("a", T0, summary=text), ProfileSnapshot("a", _at(1), summary=typo)]
    )
    assert summary_similarity(text, light) < 1.0
    assert _kinds(
        [ProfileSnapshot("a", T0, summary=text), ProfileSnapshot("a", _at(1), summary=rewritten)]
    ) == [ChangeKind.SUMMARY_REWRITTEN]


def test_connection_jump_rule() -> None:
    assert is_connections_jump(100, 150, 10)
    assert not is_connections_jump(100, 149, 10)
    assert not is_connections_jump(1000, 1150, 30)  # below 20% of a large network
    assert is_connections_jump(1000, 1200, 30)
    assert not is_connections_jump(100, 200, 365)  # slow growth over a year
    assert not is_connections_jump(500, 100, 5)  # a fall is never a jump


def test_open_to_work_on_and_off() -> None:
    snaps = [
        ProfileSnapshot("a", T0, open_to_work=False),
        ProfileSnapshot("a", _at(10), open_to_work=True),
        ProfileSnapshot("a", _at(20)),
        ProfileSnapshot("a", _at(30), open_to_work=False),
    ]
    assert _kinds(snaps) == [ChangeKind.OPEN_TO_WORK_ON, ChangeKind.OPEN_TO_WORK_OFF]


def test_same_instant_ties_do_not_depend_on_input_order() -> None:
    a = ProfileSnapshot("a", T0, title="One")
    b = ProfileSnapshot("a", T0, title="Two")
    c = ProfileSnapshot("a", _at(1), title="Three")
    assert detect_changes([a, b, c]) == detect_changes([c, b, a])


# --------------------------------------------------------------------------- properties

values = st.sampled_from(["Analyst", "analyst ", "Manager", "Lead"]) | st.none()
profile_snapshots = st.builds(
    ProfileSnapshot,
    subject=st.sampled_from(["a", "b"]),
    captured_at=st.integers(0, 400).map(_at),
    headline=values,
    title=values,
    company=st.sampled_from(["Acme", "Globex"]) | st.none(),
    skills=st.none() | st.lists(st.sampled_from(["SQL", "sql", "Go", "Rust"])).map(tuple),
    summary=st.sampled_from(["short text", "a long and entirely different text"]) | st.none(),
    connections=st.none() | st.integers(0, 2000),
    open_to_work=st.none() | st.booleans(),
    source=st.text(max_size=3),
)


@given(st.lists(profile_snapshots, max_size=12), st.randoms())
def test_order_of_input_does_not_matter(snaps: list[ProfileSnapshot], rng: random.Random) -> None:
    shuffled = list(snaps)
    rng.shuffle(shuffled)
    assert detect_changes(shuffled) == detect_changes(snaps)


@given(profile_snapshots, st.integers(1, 5))
def test_identical_snapshots_change_nothing(s: ProfileSnapshot, copies: int) -> None:
    same = [replace(s, captured_at=s.captured_at + timedelta(days=i)) for i in range(copies)]
    assert detect_changes(same) == []


@given(st.lists(profile_snapshots, max_size=12))
def test_changes_are_dated_at_a_snapshot_of_their_subject(snaps: list[ProfileSnapshot]) -> None:
    seen = {(s.subject, s.captured_at) for s in snaps}
    for change in detect_changes(snaps):
        assert (change.subject, change.at) in seen
        assert change.detail
