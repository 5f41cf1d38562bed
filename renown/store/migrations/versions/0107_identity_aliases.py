"""identity aliases: uploaders' choices about unknown identifiers; a run's event matching

Revision ID: 0107
Revises: 0106

- ``identity_aliases``: an identifier of uploaded events that the org chart did not know,
  mapped by HR to a person (or ignored, ``person_id`` empty), kept so the next upload
  matches alike.
- ``scoring_runs.events_*``: how many events a run scored as matched or mapped, and how
  many it left out as ignored or unmatched. Runs before this revision scored every event
  and say 0 for each.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0107"
down_revision: str | None = "0106"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RUN_COUNTS = ("events_matched", "events_mapped", "events_ignored", "events_unmatched")


def upgrade() -> None:
    op.create_table(
        "identity_aliases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.String(length=320), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("chosen_by", sa.String(length=320), nullable=False),
        sa.Column("chosen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisations.id"],
            name=op.f("fk_identity_aliases_org_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_identity_aliases_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_aliases")),
        sa.UniqueConstraint("org_id", "value", name=op.f("uq_identity_aliases_org_id_value")),
    )
    with op.batch_alter_table("identity_aliases", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_identity_aliases_person_id"), ["person_id"], unique=False
        )
    with op.batch_alter_table("scoring_runs", schema=None) as batch_op:
        for name in RUN_COUNTS:
            batch_op.add_column(
                sa.Column(name, sa.BigInteger(), server_default="0", nullable=False)
            )


def downgrade() -> None:
    with op.batch_alter_table("scoring_runs", schema=None) as batch_op:
        for name in reversed(RUN_COUNTS):
            batch_op.drop_column(name)
    with op.batch_alter_table("identity_aliases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_identity_aliases_person_id"))
    op.drop_table("identity_aliases")
