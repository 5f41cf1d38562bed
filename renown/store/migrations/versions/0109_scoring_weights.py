"""scoring weights: component weights an organisation chose for its scoring runs

Revision ID: 0109
Revises: 0108

- ``scoring_weights``: at most one row per organisation (no row: the default weights), with
  the provenance of the weights (tuned on which labels with what held-out gain, or an
  uploaded WEIGHTS.toml); who set them is in the audit log.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0109"
down_revision: str | None = "0108"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "scoring_weights",
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("weights", sa.JSON(), nullable=False),
        sa.Column("provenance", sa.JSON(), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisations.id"],
            name=op.f("fk_scoring_weights_org_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("org_id", name=op.f("pk_scoring_weights")),
    )


def downgrade() -> None:
    op.drop_table("scoring_weights")
