"""external prominence: linked public accounts, pulled items and events, scores, cards

Revision ID: 0112
Revises: 0111

- ``external_accounts``: a person's linked public account (several people may claim a
  handle, one may prove it: a partial unique index on proven rows) (network, handle, proof, the
  encrypted OAuth token, where the next pull resumes); ``external_items`` and
  ``external_events``: what was pulled from it (deleted with it).
- ``external_scores``: per network and combined, per day, with the explanation.
- ``external_consents``: whether HR may link a person's accounts from a file.
- ``public_cards``: the opt-in public profile card and what it shows.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0112"
down_revision: str | None = "0111"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "external_consents",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("bulk_linking", sa.Boolean(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisations.id"],
            name=op.f("fk_external_consents_org_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_external_consents_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_external_consents")),
    )
    op.create_table(
        "external_scores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("network", sa.String(length=32), nullable=False),
        sa.Column("observed_on", sa.Date(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("explanation", sa.JSON(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "score BETWEEN 1 AND 100", name=op.f("ck_external_scores_external_score_range")
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisations.id"],
            name=op.f("fk_external_scores_org_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_external_scores_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_external_scores")),
        sa.UniqueConstraint(
            "person_id",
            "network",
            "observed_on",
            name=op.f("uq_external_scores_person_id_network_observed_on"),
        ),
    )
    op.create_index(op.f("ix_external_scores_org_id"), "external_scores", ["org_id"], unique=False)
    op.create_index(
        op.f("ix_external_scores_person_id"), "external_scores", ["person_id"], unique=False
    )
    op.create_table(
        "public_cards",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("show_internal", sa.Boolean(), nullable=False),
        sa.Column("show_external", sa.Boolean(), nullable=False),
        sa.Column("show_networks", sa.Boolean(), nullable=False),
        sa.Column("show_badges", sa.Boolean(), nullable=False),
        sa.Column("show_challenges", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisations.id"],
            name=op.f("fk_public_cards_org_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_public_cards_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_public_cards")),
        sa.UniqueConstraint("slug", name=op.f("uq_public_cards_slug")),
    )
    op.create_table(
        "external_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("network", sa.String(length=32), nullable=False),
        sa.Column("handle", sa.String(length=512), nullable=False),
        sa.Column("external_id", sa.String(length=200), nullable=True),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("url", sa.String(length=1000), nullable=False),
        sa.Column("audience", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("verification_code", sa.String(length=64), nullable=False),
        sa.Column("verified_by", sa.String(length=16), nullable=True),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("linked_by_account_id", sa.Integer(), nullable=True),
        sa.Column("token_ciphertext", sa.Text(), nullable=True),
        sa.Column("pull_state", sa.JSON(), nullable=False),
        sa.Column("last_pulled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resume_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["linked_by_account_id"],
            ["accounts.id"],
            name=op.f("fk_external_accounts_linked_by_account_id_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisations.id"],
            name=op.f("fk_external_accounts_org_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_external_accounts_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_external_accounts")),
        sa.UniqueConstraint(
            "person_id",
            "network",
            "handle",
            name=op.f("uq_external_accounts_person_id_network_handle"),
        ),
    )
    op.create_index(
        op.f("ix_external_accounts_person_id"), "external_accounts", ["person_id"], unique=False
    )
    op.create_index(
        "uq_external_accounts_proven_handle",
        "external_accounts",
        ["org_id", "network", "handle"],
        unique=True,
        sqlite_where=sa.text("status = 'verified'"),
        postgresql_where=sa.text("status = 'verified'"),
    )
    op.create_table(
        "external_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("event_key", sa.String(length=32), nullable=False),
        sa.Column("actor", sa.String(length=600), nullable=True),
        sa.Column("target", sa.String(length=600), nullable=False),
        sa.Column("happened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("weight", sa.Double(), nullable=False),
        sa.Column("item_key", sa.String(length=400), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["external_accounts.id"],
            name=op.f("fk_external_events_account_id_external_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_external_events")),
        sa.UniqueConstraint(
            "account_id", "event_key", name=op.f("uq_external_events_account_id_event_key")
        ),
    )
    op.create_index(
        op.f("ix_external_events_account_id"), "external_events", ["account_id"], unique=False
    )
    op.create_table(
        "external_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=400), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("url", sa.String(length=1000), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("engagement", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["external_accounts.id"],
            name=op.f("fk_external_items_account_id_external_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_external_items")),
        sa.UniqueConstraint("account_id", "key", name=op.f("uq_external_items_account_id_key")),
    )
    op.create_index(
        op.f("ix_external_items_account_id"), "external_items", ["account_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_external_items_account_id"), table_name="external_items")
    op.drop_table("external_items")
    op.drop_index(op.f("ix_external_events_account_id"), table_name="external_events")
    op.drop_table("external_events")
    op.drop_index("uq_external_accounts_proven_handle", table_name="external_accounts")
    op.drop_index(op.f("ix_external_accounts_person_id"), table_name="external_accounts")
    op.drop_table("external_accounts")
    op.drop_table("public_cards")
    op.drop_index(op.f("ix_external_scores_person_id"), table_name="external_scores")
    op.drop_index(op.f("ix_external_scores_org_id"), table_name="external_scores")
    op.drop_table("external_scores")
    op.drop_table("external_consents")
