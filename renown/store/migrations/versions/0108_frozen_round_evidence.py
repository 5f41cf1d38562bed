"""frozen round evidence: a candidate's evidence measured once, as of the round's date

Revision ID: 0108
Revises: 0107

- ``round_candidates.evidence`` (JSON) and ``evidence_measured_at``: an open round's figures
  are read from here, so a later scoring run, badge or rating cannot move them. Rounds
  opened before this revision have none and are measured as before (as of their date).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0108"
down_revision: str | None = "0107"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("round_candidates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("evidence", sa.JSON(), nullable=True))
        batch_op.add_column(
            sa.Column("evidence_measured_at", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("round_candidates", schema=None) as batch_op:
        batch_op.drop_column("evidence_measured_at")
        batch_op.drop_column("evidence")
