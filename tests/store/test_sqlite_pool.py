"""A SQLite file engine never makes a checkout wait for a connection to come back."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

import sqlalchemy as sa

from renown.store.engine import SQLITE_POOL_SIZE, make_engine


def test_a_burst_gets_connections_beyond_the_pool(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'burst.db'}")
    burst = 3 * SQLITE_POOL_SIZE + 10  # past the pool and SQLAlchemy's default overflow of 10
    try:
        with ExitStack() as stack:
            connections = [stack.enter_context(engine.connect()) for _ in range(burst)]
            assert [c.scalar(sa.text("select 1")) for c in connections] == [1] * burst
        # Returned connections beyond the pool's size are closed, not kept.
        assert engine.pool.checkedin() == SQLITE_POOL_SIZE  # type: ignore[attr-defined]
    finally:
        engine.dispose()
