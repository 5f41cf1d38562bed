"""Small-cell and complementary suppression, checked by an attacker who does not use the
module's own linear programming: every table consistent with what is published is
enumerated, and every suppressed count must still have at least two possible values."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import numpy as np
import pytest

from renown.fairness.disclosure import Publication, Table, protect

CATEGORIES = ("A", "B", "C")


def atoms() -> list[tuple[str, bool]]:
    """(category, selected) for every combination a reader cannot rule out."""
    return list(itertools.product(CATEGORIES, (False, True)))


def one_table(people: dict[str, tuple[int, int]]) -> tuple[np.ndarray, Table, list[np.ndarray]]:
    """``{category: (selected, n)}`` -> counts per atom, the table and its totals."""
    space = atoms()
    counts = np.array(
        [people[c][1] - people[c][0] if not s else people[c][0] for c, s in space], dtype=np.int64
    )
    selected = np.array([s for _, s in space])
    everyone = np.ones(len(space), dtype=bool)
    categories = {c: np.array([a == c for a, _ in space]) for c in CATEGORIES if people[c][1]}
    table = Table(
        key="t",
        population=everyone,
        favourable=selected,
        categories=categories,
        unknown=np.zeros(len(space), dtype=bool),
        reference=max(categories, key=lambda c: people[c][0] / people[c][1]),
    )
    return counts, table, [everyone, selected]


def compositions(total: int, parts: int) -> Iterator[tuple[int, ...]]:
    """Every way to put ``total`` people into ``parts`` atoms."""
    if parts == 1:
        yield (total,)
        return
    for first in range(total + 1):
        for rest in compositions(total - first, parts - 1):
            yield (first, *rest)


def possible_counts(
    counts: np.ndarray, table: Table, published: Publication
) -> dict[str, set[int]]:
    """Each suppressed category's possible sizes, given what a reader sees: the pool, how
    many were selected, each published category's size and selected count, the merged row
    of suppressed ones (named, so each has somebody), nobody in an unlisted category."""
    space = atoms()

    def seen(vector: np.ndarray) -> tuple[object, ...]:
        def size(cats: set[str], chosen: bool | None = None) -> int:
            return int(
                sum(
                    v
                    for v, (c, s) in zip(vector, space, strict=True)
                    if c in cats and (chosen is None or s == chosen)
                )
            )

        shown = {c: (size({c}), size({c}, True)) for c in table.categories}
        shown = {c: v for c, v in shown.items() if c not in published.suppressed}
        merged = (size(set(published.suppressed)), size(set(published.suppressed), True))
        unlisted = size(set(CATEGORIES) - set(table.categories))
        return int(vector.sum()), size(set(CATEGORIES), True), shown, merged, unlisted

    truth = seen(counts)
    possible: dict[str, set[int]] = {c: set() for c in published.suppressed}
    for vector in compositions(int(counts.sum()), len(space)):
        candidate = np.array(vector)
        if seen(candidate) != truth:
            continue
        sizes = {c: int(candidate[[a == c for a, _ in space]].sum()) for c in possible}
        if published.named and any(v == 0 for v in sizes.values()):
            continue  # a named category has somebody
        for category, value in sizes.items():
            possible[category].add(value)
    return possible


@pytest.mark.parametrize(
    "people",
    [
        {"A": (1, 1), "B": (2, 6), "C": (3, 7)},  # one person, promoted, next to two others
        {"A": (0, 2), "B": (1, 3), "C": (4, 9)},  # two small ones: enough together
        {"A": (0, 1), "B": (5, 5), "C": (2, 8)},
    ],
)
def test_no_suppressed_count_can_be_worked_out(people: dict[str, tuple[int, int]]) -> None:
    counts, table, totals = one_table(people)
    [published] = protect(counts, [table], totals, min_cell=5)
    small = {c for c, (_, n) in people.items() if 0 < n < 5}
    assert small <= published.suppressed  # no category of fewer than 5 is shown
    assert len(published.suppressed) >= 2  # alone, the pool minus the others would show it
    for category, values in possible_counts(counts, table, published).items():
        assert len(values) >= 2, (category, values)


def test_the_reference_is_held_back_last() -> None:
    # A (1) must be merged with one more: B (6, selected 0 of 6) rather than C, the
    # reference (3 of 7), whose rate every published ratio is measured against.
    counts, table, totals = one_table({"A": (1, 1), "B": (0, 6), "C": (3, 7)})
    [published] = protect(counts, [table], totals, min_cell=5)
    assert published.suppressed == {"A", "B"} and published.named


def test_a_table_without_small_categories_is_published_whole() -> None:
    counts, table, totals = one_table({"A": (1, 5), "B": (2, 6), "C": (3, 7)})
    [published] = protect(counts, [table], totals, min_cell=5)
    assert published == Publication(frozenset(), unknown_withheld=False, named=True)


def test_a_cell_size_below_two_is_refused() -> None:
    counts, table, totals = one_table({"A": (1, 5), "B": (2, 6), "C": (3, 7)})
    with pytest.raises(ValueError, match="at least 2"):
        protect(counts, [table], totals, min_cell=1)
