"""Building blocks of the graph builder: id coding, renumbering, radix sort, transpose."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from renown.graph import aggregate
from renown.graph.aggregate import count_events
from renown.graph.csr import CSR, transpose
from renown.graph.encode import CodedEvents, CodeTable, NewPeople, encode_batch
from renown.graph.kernels import balanced_row_blocks, transpose_arrays
from renown.graph.renumber import BUCKETS, hub_order
from renown.graph.weights import NameWeights, event_weights


def _encode(
    table: CodeTable,
    events: CodedEvents,
    actor: NDArray[np.int64],
    target: NDArray[np.int64],
    anonymous: NDArray[np.bool_],
) -> NewPeople:
    # the high half of each key is derived from the low half, so equal ids stay equal
    return encode_batch(
        table,
        events,
        actor_low=actor.astype(np.uint64),
        actor_high=(actor * 7 + 3).astype(np.uint64),
        anonymous=anonymous,
        keep=np.ones(len(actor), dtype=np.bool_),
        target_low=target.astype(np.uint64),
        target_high=(target * 7 + 3).astype(np.uint64),
        weight=np.arange(len(actor), dtype=np.float64),
    )


def test_codes_follow_first_appearance_and_survive_growth() -> None:
    rng = np.random.default_rng(0)
    ids = rng.choice(2**40, size=120_000, replace=False)  # far beyond the initial table
    actor = ids[rng.integers(0, len(ids), 200_000)]
    target = ids[rng.integers(0, len(ids), 200_000)]
    anonymous = rng.random(200_000) < 0.1
    table = CodeTable()
    events = CodedEvents.allocate(10)  # grows as batches arrive
    first = _encode(table, events, actor[:50_000], target[:50_000], anonymous[:50_000])
    second = _encode(table, events, actor[50_000:], target[50_000:], anonymous[50_000:])
    assert table.bits > 16  # the table grew several times
    endpoints = events.endpoints()
    source, dest = endpoints[0::2], endpoints[1::2]
    row_in_batch = events.weight[: events.size].astype(np.int64)  # weights are row numbers
    batch_start = np.where(np.arange(events.size) < _rows_before(row_in_batch), 0, 50_000)
    kept = row_in_batch + batch_start
    assert np.all(actor[kept] != target[kept])  # self-addressed rows are dropped
    assert np.array_equal(source < 0, anonymous[kept])
    # one code per distinct id and one id per code
    ids_of_code: dict[int, int] = {}
    for code, person in zip(
        np.concatenate([source[source >= 0], dest]),
        np.concatenate([actor[kept][source >= 0], target[kept]]),
        strict=True,
    ):
        assert ids_of_code.setdefault(int(code), int(person)) == person
    assert sorted(ids_of_code) == list(range(table.size))
    # codes are handed out in order of first appearance, actor before target
    order: list[int] = []
    seen: set[int] = set()
    for row in kept:
        for person, is_actor in ((actor[row], True), (target[row], False)):
            if is_actor and anonymous[row]:
                continue
            if person not in seen:
                seen.add(int(person))
                order.append(int(person))
    assert [ids_of_code[c] for c in range(table.size)] == order
    first_rows = np.concatenate([first.first_row, second.first_row + 50_000])
    first_columns = np.concatenate([first.first_column, second.first_column])
    located = np.where(first_columns == 0, actor[first_rows], target[first_rows])
    assert located.tolist() == order


def _rows_before(weights: NDArray[np.int64]) -> int:
    """Number of events coming from the first batch (weights restart at 0 in the second)."""
    restart = np.flatnonzero(np.diff(weights) < 0)
    return int(restart[0]) + 1 if len(restart) else len(weights)


@settings(max_examples=60, deadline=None)
@given(
    received=st.lists(st.integers(0, 2 * BUCKETS), min_size=0, max_size=60),
    data=st.data(),
)
def test_hub_order_sorts_by_received_then_sent(received: list[int], data: st.DataObject) -> None:
    sent = data.draw(st.lists(st.integers(0, 50), min_size=len(received), max_size=len(received)))
    old_of_new, new_of_old = hub_order(np.array(received, np.int64), np.array(sent, np.int64))
    top = BUCKETS - 1
    key = [(-min(received[i], top), -min(sent[i], top), i) for i in range(len(received))]
    assert old_of_new.tolist() == sorted(range(len(received)), key=lambda i: key[i])
    assert np.array_equal(new_of_old[old_of_new], np.arange(len(received)))


def test_hub_order_rejects_mismatched_lengths() -> None:
    with pytest.raises(ValueError, match="one entry per node"):
        hub_order(np.zeros(3, np.int64), np.zeros(2, np.int64))


def _coded(endpoints: list[int], weight: list[float]) -> CodedEvents:
    events = CodedEvents.allocate(len(weight))
    events.pairs.view(np.int32)[:] = endpoints
    events.weight[:] = weight
    events.size = len(weight)
    return events


def test_count_events_counts_pairs_and_sums_anonymous_weight() -> None:
    events = _coded([0, 1, -1, 2, 2, 0, -1, 2, 1, 0], [1.0, 2.0, 3.0, 4.0, 5.0])
    received, sent, anonymous = count_events(events.endpoints(), events.weight, 3)
    assert received.tolist() == [2, 1, 0]
    assert sent.tolist() == [1, 1, 1]
    assert anonymous.tolist() == [0.0, 0.0, 6.0]


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(1, 30),
    data=st.data(),
    bucket_events=st.integers(1, 40),
    wide_keys=st.booleans(),
    scaling=st.sampled_from(["log", "cap", "none"]),
)
def test_pair_csr_sums_every_pair_in_arrival_order(
    n: int, data: st.DataObject, bucket_events: int, wide_keys: bool, scaling: str
) -> None:
    size = data.draw(st.integers(0, 200))
    actor = data.draw(st.lists(st.integers(-1, n - 1), min_size=size, max_size=size))
    target = data.draw(st.lists(st.integers(0, n - 1), min_size=size, max_size=size))
    weight = data.draw(st.lists(st.floats(0.0, 10.0), min_size=size, max_size=size))
    new_of_old = np.array(data.draw(st.permutations(range(n))), dtype=np.int32)
    endpoints = [code for pair in zip(actor, target, strict=True) for code in pair]
    events = _coded(endpoints, weight)
    _, sent, _ = count_events(events.endpoints(), events.weight, n)
    with pytest.MonkeyPatch.context() as patch:
        if wide_keys:  # the 64-bit key path, otherwise only taken beyond 16M people
            patch.setattr(aggregate, "_SMALL_KEY_TARGET_BITS", 0)
        indptr, indices, scaled, volume = aggregate.pair_csr(
            events, new_of_old, sent, scaling=scaling, cap=2.5, bucket_events=bucket_events
        )
    assert events.size == 0  # the coded events were handed over
    want: dict[tuple[int, int], float] = {}
    for a, t, w in zip(actor, target, weight, strict=True):
        if a >= 0:
            pair = (int(new_of_old[a]), int(new_of_old[t]))
            want[pair] = want[pair] + w if pair in want else w
    rows = np.repeat(np.arange(n), np.diff(indptr))
    got = dict(zip(zip(rows.tolist(), indices.tolist(), strict=True), volume.tolist(), strict=True))
    assert list(got) == sorted(want)  # rows in order, targets ascending, no repeats
    assert got == want  # bit for bit: the same additions in the same order
    expected = {"log": np.log1p(volume), "cap": np.minimum(volume, 2.5), "none": volume}
    assert scaled == pytest.approx(expected[scaling], rel=1e-15)  # numba's log1p may round apart


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 40), density=st.floats(0.0, 0.5), seed=st.integers(0, 2**16))
def test_transpose_matches_scipy(n: int, density: float, seed: int) -> None:
    matrix = sp.random(n, n, density=density, format="csr", random_state=seed)
    matrix.sort_indices()
    csr = CSR(
        indptr=matrix.indptr.astype(np.int64),
        indices=matrix.indices.astype(np.int32),
        weights=matrix.data.copy(),
        volume=matrix.data * 2,
    )
    got = transpose(csr, n)
    want = matrix.T.tocsr()
    want.sort_indices()
    assert np.array_equal(got.indptr, want.indptr)
    assert np.array_equal(got.indices, want.indices)
    assert np.array_equal(got.weights, want.data)
    assert np.array_equal(got.volume, want.data * 2)
    again = transpose_arrays(got.indptr, got.indices, got.weights, got.volume, n)
    assert np.array_equal(again[0], csr.indptr) and np.array_equal(again[1], csr.indices)


@settings(max_examples=60, deadline=None)
@given(lengths=st.lists(st.integers(0, 50), max_size=80), blocks=st.integers(1, 20))
def test_balanced_row_blocks_cover_rows_in_order(lengths: list[int], blocks: int) -> None:
    indptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    bounds = balanced_row_blocks(indptr, blocks)
    assert len(bounds) == blocks + 1
    assert bounds[0] == 0 and bounds[-1] == len(lengths)
    assert np.all(np.diff(bounds) >= 0)
    work = indptr[bounds] + bounds
    total = indptr[-1] + len(lengths)
    # each block but the last stops at the first row that reaches its share of the work
    for block in range(1, blocks):
        assert work[block] >= total * block // blocks or bounds[block] == len(lengths)


def test_event_weights_look_up_configured_names_and_default_the_rest() -> None:
    seed = 12345
    channels = NameWeights.from_mapping({"email": 1.0, "chat": 0.7, "review": 1.5}, seed)
    kinds = NameWeights.from_mapping({"cc": 0.5, "downvote": 0.0}, seed)
    channel = pl.Series(["chat", "review", "unheard-of", None, "email", "chat"], dtype=pl.String)
    kind = pl.Series(["cc", "to", "cc", "downvote", None, "to"], dtype=pl.String)
    weight = np.array([2.0, 1.0, 4.0, 3.0, 1.0, np.inf])
    decay = np.array([0.5, 0.25, 1.0, 1.0, 0.125, 1.0])
    got = event_weights(
        weight,
        decay,
        channel_hash=channel.hash(seed).to_numpy(),
        kind_hash=kind.hash(seed).to_numpy(),
        channels=channels,
        kinds=kinds,
    )
    # unknown and null names weigh 1; the product keeps the order weight*channel*kind*decay
    want = [2.0 * 0.7 * 0.5 * 0.5, 1.5 * 0.25, 4.0 * 0.5, 0.0, 0.125, np.inf]
    assert got.tolist() == want
