import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from renown.prominence.normalise import midrank_percentile


def test_known_values_with_ties() -> None:
    values = np.array([0.0, 0.0, 1.0, 3.0, 3.0])
    # below + half of the other ties, over n - 1
    assert midrank_percentile(values).tolist() == [0.125, 0.125, 0.5, 0.875, 0.875]


def test_single_and_empty() -> None:
    assert midrank_percentile(np.array([4.0])).tolist() == [0.5]
    assert midrank_percentile(np.array([])).tolist() == []


def test_nan_counts_as_lowest() -> None:
    assert midrank_percentile(np.array([np.nan, 1.0, 2.0])).tolist() == [0.0, 0.5, 1.0]


@given(
    st.lists(st.floats(0, 100, allow_nan=False), min_size=2, max_size=40),
    st.integers(0, 39),
    st.floats(0.0, 50.0, allow_nan=False),
)
def test_raising_a_value_never_lowers_its_percentile(
    values: list[float], k: int, bump: float
) -> None:
    x = np.array(values)
    i = k % len(x)
    before = midrank_percentile(x)[i]
    x[i] += bump
    assert midrank_percentile(x)[i] >= before


@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=50))
def test_percentiles_are_bounded_and_order_preserving(values: list[float]) -> None:
    x = np.array(values)
    u = midrank_percentile(x)
    assert ((u >= 0) & (u <= 1)).all()
    order = np.argsort(x, kind="stable")
    assert (np.diff(u[order]) >= 0).all()
