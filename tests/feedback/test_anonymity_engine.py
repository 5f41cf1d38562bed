"""The pure anonymity engine: releases, merged groups, competency blocks, comment order."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from renown.core.errors import Invalid
from renown.feedback.anonymity import (
    MERGED_GROUP,
    PendingAnswer,
    Release,
    ReleasedAnswer,
    checked_threshold,
    effective_threshold,
    plan_releases,
    shuffled_comments,
    summarise,
)

WHEN = datetime(2024, 5, 17, 13, 45, tzinfo=UTC)


def _pending(n: int, group: str = "peer", *, start: int = 0, audience: str = "private"):
    return [PendingAnswer(start + i, f"person:{start + i}", group, audience) for i in range(n)]


def test_a_group_is_released_only_with_threshold_distinct_givers() -> None:
    assert plan_releases(_pending(4), 5) == []
    [cut] = plan_releases(_pending(5), 5)
    assert (cut.group, cut.givers, cut.item_ids) == ("peer", 5, (0, 1, 2, 3, 4))


def test_one_giver_answering_many_times_counts_once() -> None:
    same = [PendingAnswer(i, "person:7", "peer", "private") for i in range(9)]
    assert plan_releases(same, 5) == []
    four_people = [PendingAnswer(i, f"person:{i % 4}", "peer", "private") for i in range(12)]
    assert plan_releases(four_people, 5) == []


def test_small_groups_are_pooled_into_others_only_when_the_pool_reaches_the_threshold() -> None:
    assert plan_releases(_pending(2, "other") + _pending(2, "report", start=10), 5) == []
    pending = _pending(5) + _pending(2, "other", start=10) + _pending(3, "report", start=20)
    cuts = {c.group: c for c in plan_releases(pending, 5)}
    assert set(cuts) == {"peer", MERGED_GROUP}
    assert cuts[MERGED_GROUP].givers == 5 and cuts["peer"].givers == 5


def test_outside_raters_are_never_pooled_with_colleagues() -> None:
    """Four outside answers the requester could have written plus one colleague's answer
    must not make a group of five: the colleague's answer would be its only unknown."""
    pending = _pending(4, "client") + _pending(1, "other", start=10)
    assert plan_releases(pending, 5) == []
    pending += _pending(3, "peer", start=20)
    assert plan_releases(pending, 5) == []
    [cut] = plan_releases([*pending, *_pending(1, "client", start=30)], 5)
    assert cut.group == "client" and cut.givers == 5


def test_givers_the_product_cannot_tell_apart_do_not_count() -> None:
    """Answers through links the requester held are published with their group but never
    make it reach the threshold: the requester could have written all of them."""
    held = [
        PendingAnswer(i, f"external:box{i}@example.org", "client", "private", counts=False)
        for i in range(9)
    ]
    assert plan_releases(held, 5) == []
    real = _pending(4, "client", start=20)
    assert plan_releases(held + real, 5) == []
    [cut] = plan_releases([*held, *real, *_pending(1, "client", start=40)], 5)
    assert cut.givers == 5 and len(cut.item_ids) == 14


def test_competency_means_count_only_givers_the_product_can_tell_apart() -> None:
    release = Release(1, "client", 5, "salt", WHEN)
    counted = [ReleasedAnswer(1, i, f"person:{i}", "", {"delivery": 4}) for i in range(4)]
    held = [
        ReleasedAnswer(1, 10 + i, f"external:{i}", "", {"delivery": 5}, counts=False)
        for i in range(3)
    ]
    [aggregate], _ = summarise([release], [*counted, *held], 5, ["delivery"])
    [mean] = aggregate.competencies
    assert mean.mean is None and mean.n is None


def test_audiences_are_released_separately() -> None:
    """Managers see only manager-audience releases: each must stand on its own."""
    pending = _pending(3) + _pending(3, start=10, audience="manager")
    assert plan_releases(pending, 5) == []


def test_a_request_can_demand_more_givers_than_the_organisation() -> None:
    pending = [PendingAnswer(i, f"person:{i}", "peer", "private", threshold=7) for i in range(6)]
    assert plan_releases(pending, 5) == []
    assert len(plan_releases([*pending, PendingAnswer(9, "person:9", "peer", "private")], 5)) == 1


def test_manager_and_self_answers_are_never_planned() -> None:
    with pytest.raises(Invalid):
        plan_releases([PendingAnswer(1, "person:1", "manager", "private")], 5)


@pytest.mark.parametrize("value", [-1, 0, 1, 2])
def test_thresholds_below_three_are_refused(value: int) -> None:
    with pytest.raises(Invalid):
        checked_threshold(value)
    assert effective_threshold(value) == 3
    assert checked_threshold(3) == 3


def _release(release_id: int, givers: int, group: str = "peer") -> Release:
    return Release(release_id, group, givers, f"salt-{release_id}", WHEN)


def test_a_competency_rated_by_too_few_givers_shows_no_mean() -> None:
    answers = [
        ReleasedAnswer(1, i, f"person:{i}", "", {"delivery": 4, **({"craft": 1} if i == 0 else {})})
        for i in range(5)
    ]
    [aggregate], suppressed = summarise([_release(1, 5)], answers, 5, ["delivery", "craft"])
    means = {m.key: m for m in aggregate.competencies}
    assert (means["delivery"].mean, means["delivery"].n) == (4.0, 5)
    assert means["craft"].mean is None and means["craft"].n is None
    assert "fewer than 5" in means["craft"].note
    assert {s.group for s in suppressed} == {"report", "client", "other"}
    assert all(s.note == "fewer than 5 responses" for s in suppressed)


def test_releases_below_a_raised_threshold_are_no_longer_shown() -> None:
    answers = [ReleasedAnswer(1, i, f"person:{i}", "ok") for i in range(5)]
    assert summarise([_release(1, 5)], answers, 7)[0] == []


def test_comment_order_is_keyed_not_chronological_and_stable() -> None:
    answers = [ReleasedAnswer(1, i, f"person:{i}", f"comment {i:02d}") for i in range(40)]
    order = shuffled_comments([_release(1, 40)], answers)
    chronological = [a.text for a in answers]
    assert sorted(order) == sorted(chronological)
    assert order != chronological and order != chronological[::-1]
    assert shuffled_comments([_release(1, 40)], list(reversed(answers))) == order
    other_salt = Release(1, "peer", 40, "another salt", WHEN)
    assert shuffled_comments([other_salt], answers) != order


def test_aggregates_show_only_the_month() -> None:
    answers = [ReleasedAnswer(1, i, f"person:{i}", "fine") for i in range(5)]
    [aggregate], _ = summarise([_release(1, 5)], answers, 5)
    assert aggregate.period == "2024-05"
    assert "13:45" not in repr(aggregate) and "17" not in aggregate.period
