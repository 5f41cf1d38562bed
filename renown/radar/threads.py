"""One thread per fit: the radar's models are many small fits, not one large one.

The job-change model runs hundreds of small optimisations (inner cross-validation, bags,
cross-fitting). With BLAS and OpenMP free to start a thread per core, each tiny matrix
product and each tree pays thread start-up and, on a busy machine, spins against the other
processes: measured tens of times slower than one thread. Parallelism belongs one level up,
across folds (:func:`renown.radar.evaluation.cross_validated`'s ``n_jobs``).
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any


def one_thread() -> AbstractContextManager[Any]:
    """Limit BLAS and OpenMP to one thread inside the ``with`` block."""
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    limits: AbstractContextManager[Any] = threadpool_limits(limits=1)
    return limits
