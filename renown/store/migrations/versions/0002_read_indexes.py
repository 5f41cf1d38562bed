"""read indexes: leaderboard order within a run, identity lookup by value

Revision ID: 0002
Revises: 0001

The leaderboard orders a run's snapshots by rank and shows the first page: with an index on
``(run_id, rank)`` SQLite walks the first rows in order instead of sorting every snapshot of
the run (with its explanation) per request. Profiles and network maps resolve the raw
identities named in explanations by value, without knowing their kind: the unique
``(org_id, kind, value)`` index cannot serve that, ``(org_id, value)`` can.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("score_snapshots", schema=None) as batch_op:
        batch_op.create_index("ix_score_snapshots_run_rank", ["run_id", "rank"], unique=False)
    with op.batch_alter_table("identities", schema=None) as batch_op:
        batch_op.create_index("ix_identities_org_value", ["org_id", "value"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("identities", schema=None) as batch_op:
        batch_op.drop_index("ix_identities_org_value")
    with op.batch_alter_table("score_snapshots", schema=None) as batch_op:
        batch_op.drop_index("ix_score_snapshots_run_rank")
