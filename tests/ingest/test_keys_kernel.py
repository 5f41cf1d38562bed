"""The compiled BLAKE2b kernel gives hashlib's keys, and fast ``occurrence`` its old ordinals.

Keys already stored in lakes were made by ``hashlib.blake2b(..., digest_size=16)``; a key
computed differently would make a re-import add every event again. So the kernel is checked
byte for byte against :mod:`hashlib` on every length around the 128-byte block size, on
multi-block rows and on random text (non-ASCII and control characters included).
"""

from __future__ import annotations

import hashlib
import random
from datetime import UTC, datetime, timedelta

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from renown.core.events import event_key
from renown.ingest.readers import _blake2b
from renown.ingest.readers._blake2b import blake2b_hex, content_key_hex
from renown.ingest.readers._keys import content_keys, occurrence, repeated

BOUNDARY_LENGTHS = (0, 1, 63, 64, 111, 112, 127, 128, 129, 255, 256, 257, 383, 384, 385)


def expected(texts: list[str]) -> list[str]:
    return [hashlib.blake2b(t.encode(), digest_size=16).hexdigest() for t in texts]


def kernel(texts: list[str]) -> list[str]:
    """The compiled path whatever the column's length (small columns go to hashlib)."""
    offsets = np.zeros(len(texts) + 1, dtype=np.int64)
    encoded = [t.encode() for t in texts]
    offsets[1:] = np.cumsum([len(b) for b in encoded])
    data = np.frombuffer(b"".join(encoded), dtype=np.uint8)
    out = np.empty(len(texts) * _blake2b.HEX_CHARS, dtype=np.uint8)
    _blake2b._hash_column(offsets, data, out)
    return [out[i * 32 : (i + 1) * 32].tobytes().decode() for i in range(len(texts))]


def test_block_boundaries_and_long_rows() -> None:
    rng = random.Random(7)
    alphabet = "ab\x1f\x00é€😀 \n"
    texts = ["".join(rng.choice(alphabet) for _ in range(n)) for n in BOUNDARY_LENGTHS]
    texts += ["x" * n for n in (1000, 4095, 4096, 4097, 70_000)]
    # lengths in bytes, not characters: pad ASCII so some rows sit exactly on a boundary
    texts += ["é" * 64, "é" * 63 + "x", "😀" * 32, "😀" * 32 + "x"]
    assert kernel(texts) == expected(texts)


@settings(max_examples=60, deadline=None)
@given(texts=st.lists(st.text(max_size=700), min_size=1, max_size=40))
def test_random_text_equals_hashlib(texts: list[str]) -> None:
    assert kernel(texts) == expected(texts)


@pytest.mark.parametrize("rows", [3, _blake2b.SMALL_COLUMN + 5])
def test_column_function_on_both_paths(rows: int) -> None:
    rng = random.Random(rows)
    texts = [
        "".join(rng.choice("pq@.é") for _ in range(rng.randrange(0, 300))) for _ in range(rows)
    ]
    column = pl.Series(texts)
    for sliced in (column, column.slice(2)):  # an Arrow array that starts at an offset
        keys = blake2b_hex(sliced, name="k")
        assert keys.name == "k"
        assert keys.dtype == pl.String
        assert keys.to_list() == expected(sliced.to_list())


def test_nulls_are_refused() -> None:
    with pytest.raises(ValueError, match="null"):
        blake2b_hex(pl.Series([None, "a"], dtype=pl.String))


def slow_occurrence(frame: pl.DataFrame, columns: list[str]) -> list[int]:
    seen: dict[tuple[object, ...], int] = {}
    out = []
    for row in frame.select(columns).iter_rows():
        seen[row] = seen.get(row, 0) + 1
        out.append(seen[row])
    return out


@settings(max_examples=100, deadline=None)
@given(
    rows=st.lists(st.tuples(st.sampled_from([None, "", "a", "b"]), st.integers(0, 2)), max_size=60)
)
def test_occurrence_counts_identical_tuples_in_order(rows: list[tuple[str | None, int]]) -> None:
    frame = pl.DataFrame(
        {"a": [r[0] for r in rows], "n": [r[1] for r in rows]},
        schema={"a": pl.String, "n": pl.Int64},
    )
    assert occurrence(frame, ["a", "n"]).to_list() == slow_occurrence(frame, ["a", "n"])


def test_repeated_marks_values_seen_twice() -> None:
    hashes = np.array([5, 1, 5, 2, 9, 9, 9], dtype=np.uint64)
    assert repeated(hashes).tolist() == [True, False, True, False, True, True, True]
    assert not repeated(np.arange(4, dtype=np.uint64)).any()


def random_events(rows: int, seed: int, years: tuple[int, int] = (1000, 9999)) -> pl.DataFrame:
    rng = random.Random(seed)
    names = [None, "ann@x", "Bé@ü.example", "a\x1fb", "😀", "x" * 300, " "]
    instants = []
    for _ in range(rows):
        moment = datetime(rng.randint(*years), 1, 1, tzinfo=UTC) + timedelta(
            days=rng.randrange(366), seconds=rng.randrange(86_400)
        )
        instants.append(moment.replace(microsecond=rng.choice([0, 0, 1, 999_999, 500_000])))
    instants += [datetime(2024, 2, 29, 23, 59, 59, tzinfo=UTC), datetime(1969, 12, 31, tzinfo=UTC)]
    instants = instants[:rows]
    return pl.DataFrame(
        {
            "actor": [rng.choice(names) for _ in range(rows)],
            "target": [rng.choice(names[1:]) for _ in range(rows)],
            "timestamp": instants,
            "channel": [rng.choice(["email", "chat", ""]) for _ in range(rows)],
            "kind": [rng.choice(["to", "cc"]) for _ in range(rows)],
        },
        schema={
            "actor": pl.String,
            "target": pl.String,
            "timestamp": pl.Datetime("us", "UTC"),
            "channel": pl.String,
            "kind": pl.String,
        },
    )


def python_content_keys(events: pl.DataFrame, label: str) -> list[str]:
    seen: dict[tuple[object, ...], int] = {}
    keys = []
    for row in events.iter_rows():
        seen[row] = seen.get(row, 0) + 1
        keys.append(event_key(label, *row, seen[row]))
    return keys


@pytest.mark.parametrize("seed", [1, 2])
def test_content_keys_in_one_compiled_pass_equal_event_key(seed: int) -> None:
    events = random_events(_blake2b.SMALL_COLUMN + 500, seed)
    events = pl.concat([events, events.head(300)])  # repeats: ordinals 2
    texts = (events["actor"], events["target"], events["channel"], events["kind"])
    ordinal = occurrence(events, list(events.columns))
    fused = content_key_hex("src.csv", texts, events["timestamp"].cast(pl.Int64), ordinal)
    assert fused is not None
    assert fused.to_list() == python_content_keys(events, "src.csv")
    assert content_keys(events, "src.csv").equals(fused)


def test_instants_outside_four_digit_years_are_joined_by_polars() -> None:
    events = random_events(_blake2b.SMALL_COLUMN + 10, 3, years=(1, 999))
    texts = (events["actor"], events["target"], events["channel"], events["kind"])
    ordinal = occurrence(events, list(events.columns))
    assert content_key_hex("s", texts, events["timestamp"].cast(pl.Int64), ordinal) is None
    assert content_keys(events, "s").len() == events.height
