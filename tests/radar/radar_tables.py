"""Generated tables for the job-change model's tests (never real data)."""

from __future__ import annotations

import numpy as np
import polars as pl


def job_table(n: int = 400, seed: int = 0) -> tuple[pl.DataFrame, np.ndarray]:
    """Mixed columns with missing values, a rare level, a constant column and an
    interaction; the label follows a known logistic model."""
    rng = np.random.default_rng(seed)
    tenure = rng.gamma(2.0, 2.0, n)
    salary = rng.normal(50.0, 10.0, n)
    overtime = rng.choice(["Yes", "No"], n, p=[0.3, 0.7])
    city = rng.choice(["north", "south", "east", "west", "tiny"], n, p=[0.3, 0.3, 0.2, 0.19, 0.01])
    level = rng.integers(1, 5, n)
    logit = (
        -1.0
        - 0.25 * tenure
        - 0.04 * (salary - 50.0)
        + 1.2 * (overtime == "Yes")
        + 0.5 * (city == "east")
        + 0.6 * ((overtime == "Yes") & (tenure < 2.0))
    )
    y = (rng.random(n) < 1.0 / (1.0 + np.exp(-logit))).astype(np.int64)
    salary_text = [None if rng.random() < 0.1 else f"{v:.1f}" for v in salary]
    frame = pl.DataFrame(
        {
            "tenure": [f"{v:.2f}" for v in tenure],
            "salary": salary_text,
            "overtime": overtime.tolist(),
            "city": [None if rng.random() < 0.05 else c for c in city.tolist()],
            "level": [str(v) for v in level],
            "constant": ["1"] * n,
        },
        schema={
            name: pl.String
            for name in ("tenure", "salary", "overtime", "city", "level", "constant")
        },
    )
    return frame, y


def write_csv(frame: pl.DataFrame, y: np.ndarray | None, path, *, label: str = "moved") -> None:
    """``frame`` (with an ``id`` column and optionally the label) as a CSV file."""
    out = frame.with_columns(pl.Series("id", [f"p{i}" for i in range(frame.height)]))
    if y is not None:
        out = out.with_columns(pl.Series(label, ["yes" if v else "no" for v in y]))
    out.write_csv(path)
