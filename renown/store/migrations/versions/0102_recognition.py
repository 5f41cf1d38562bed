"""recognition: kudos, reactions, comments, budgets, badge awards, ring reviews, deliveries

Revision ID: 0102
Revises: 0101

Tables of the recognition domain (renown.recognition): public kudos with their reactions
and comments, per-organisation kudos limits, stored badge awards (unique per person, badge
and item, so evaluating twice adds nothing), HR's reviews of suspected kudos rings, and the
outbox/log of e-mail and Slack notifications.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0102"
down_revision: str | None = "0101"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "kudos_budgets",
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("monthly_allowance", sa.Integer(), nullable=False),
        sa.Column("pair_cap", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisations.id"],
            name=op.f("fk_kudos_budgets_org_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("org_id", name=op.f("pk_kudos_budgets")),
    )
    op.create_table(
        "kudos_ring_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("ring_key", sa.String(length=64), nullable=False),
        sa.Column("members", sa.JSON(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("detected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=320), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisations.id"],
            name=op.f("fk_kudos_ring_reviews_org_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kudos_ring_reviews")),
        sa.UniqueConstraint(
            "org_id", "ring_key", name=op.f("uq_kudos_ring_reviews_org_id_ring_key")
        ),
    )
    op.create_table(
        "notification_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("dedupe_key", sa.String(length=200), nullable=False),
        sa.Column("recipient", sa.String(length=320), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisations.id"],
            name=op.f("fk_notification_deliveries_org_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_deliveries")),
        sa.UniqueConstraint(
            "channel", "dedupe_key", name=op.f("uq_notification_deliveries_channel_dedupe_key")
        ),
    )
    with op.batch_alter_table("notification_deliveries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_notification_deliveries_status", ["status", "created_at"], unique=False
        )

    op.create_table(
        "badge_awards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("badge", sa.String(length=64), nullable=False),
        sa.Column("item", sa.String(length=200), nullable=False),
        sa.Column("awarded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("rule_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisations.id"],
            name=op.f("fk_badge_awards_org_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_badge_awards_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_badge_awards")),
        sa.UniqueConstraint(
            "org_id",
            "person_id",
            "badge",
            "item",
            name=op.f("uq_badge_awards_org_id_person_id_badge_item"),
        ),
    )
    with op.batch_alter_table("badge_awards", schema=None) as batch_op:
        batch_op.create_index(
            "ix_badge_awards_person_awarded", ["person_id", "awarded_at"], unique=False
        )

    op.create_table(
        "kudos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("giver_id", sa.Integer(), nullable=False),
        sa.Column("receiver_id", sa.Integer(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("competency", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("discounted", sa.Boolean(), nullable=False),
        sa.Column("discount_reason", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["giver_id"], ["people.id"], name=op.f("fk_kudos_giver_id_people"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisations.id"],
            name=op.f("fk_kudos_org_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["receiver_id"],
            ["people.id"],
            name=op.f("fk_kudos_receiver_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kudos")),
    )
    with op.batch_alter_table("kudos", schema=None) as batch_op:
        batch_op.create_index("ix_kudos_giver_created", ["giver_id", "created_at"], unique=False)
        batch_op.create_index("ix_kudos_org_created", ["org_id", "created_at"], unique=False)
        batch_op.create_index(
            "ix_kudos_receiver_created", ["receiver_id", "created_at"], unique=False
        )

    op.create_table(
        "kudos_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kudos_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["people.id"],
            name=op.f("fk_kudos_comments_author_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["kudos_id"],
            ["kudos.id"],
            name=op.f("fk_kudos_comments_kudos_id_kudos"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kudos_comments")),
    )
    with op.batch_alter_table("kudos_comments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_kudos_comments_kudos_created", ["kudos_id", "created_at"], unique=False
        )

    op.create_table(
        "kudos_reactions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kudos_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["kudos_id"],
            ["kudos.id"],
            name=op.f("fk_kudos_reactions_kudos_id_kudos"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_kudos_reactions_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kudos_reactions")),
        sa.UniqueConstraint(
            "kudos_id", "person_id", "kind", name=op.f("uq_kudos_reactions_kudos_id_person_id_kind")
        ),
    )


def downgrade() -> None:
    op.drop_table("kudos_reactions")
    with op.batch_alter_table("kudos_comments", schema=None) as batch_op:
        batch_op.drop_index("ix_kudos_comments_kudos_created")

    op.drop_table("kudos_comments")
    with op.batch_alter_table("kudos", schema=None) as batch_op:
        batch_op.drop_index("ix_kudos_receiver_created")
        batch_op.drop_index("ix_kudos_org_created")
        batch_op.drop_index("ix_kudos_giver_created")

    op.drop_table("kudos")
    with op.batch_alter_table("badge_awards", schema=None) as batch_op:
        batch_op.drop_index("ix_badge_awards_person_awarded")

    op.drop_table("badge_awards")
    with op.batch_alter_table("notification_deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_notification_deliveries_status")

    op.drop_table("notification_deliveries")
    op.drop_table("kudos_ring_reviews")
    op.drop_table("kudos_budgets")
