"""erasure: personal values of audit entries kept apart; erased feedback givers keep a key

Revision ID: 0105
Revises: 0104

Erasing a person must leave the audit chain verifiable: personal values of new entries
are stored in ``audit_personal_values`` (the payload keeps a keyed digest), and their rows
go with the person or account they name. Anonymous answers of an erased giver stay counted
once in their releases through ``feedback_items.giver_pseudonym``.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0105"
down_revision: str | None = "0104"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_personal_values",
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_audit_personal_values_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisations.id"],
            name=op.f("fk_audit_personal_values_org_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_audit_personal_values_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("digest", name=op.f("pk_audit_personal_values")),
    )
    with op.batch_alter_table("audit_personal_values", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_audit_personal_values_account_id"), ["account_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_audit_personal_values_person_id"), ["person_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_audit_personal_values_seq"), ["seq"], unique=False)
    with op.batch_alter_table("feedback_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("giver_pseudonym", sa.String(length=340), nullable=True))


def downgrade() -> None:
    # Not in batch mode: on SQLite that rebuilds the table, and dropping the old copy with
    # foreign keys enforced would cascade to every rating. SQLite (3.35+) drops a column
    # in place, as PostgreSQL does.
    op.drop_column("feedback_items", "giver_pseudonym")
    with op.batch_alter_table("audit_personal_values", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_personal_values_seq"))
        batch_op.drop_index(batch_op.f("ix_audit_personal_values_person_id"))
        batch_op.drop_index(batch_op.f("ix_audit_personal_values_account_id"))
    op.drop_table("audit_personal_values")
