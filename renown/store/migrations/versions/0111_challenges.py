"""crowdsourced challenges: postings, submissions, reviews, results, prizes, ratings, marketplace

Revision ID: 0111
Revises: 0110

- ``challenges``: a sponsor's posting (specification, kind, scorecard or metric, limits and
  phase dates) with the phase the worker last recorded; ``challenge_prizes`` its placement
  and checkpoint prizes.
- ``challenge_reviewers``, ``challenge_registrations``: who reviews, who takes part.
- ``challenge_submissions``: every version of a member's submission (file bytes or a URL,
  automatic scores); ``challenge_answer_keys``: the hidden key of automatically scored ones.
- ``challenge_reviews``, ``challenge_appeals``: scorecards, appeals and responses.
- ``challenge_results``, ``prize_ledger``: final standings and the prizes owed and paid.
- ``skill_ratings``, ``rating_history``: members' ratings and their history.
- ``member_profiles``, ``marketplace_invitations``, ``sponsor_feedback``: the marketplace.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0111"
down_revision: str | None = "0110"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "challenges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("sponsor_account_id", sa.Integer(), nullable=True),
        sa.Column("sponsor_name", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("specification", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("scorecard", sa.JSON(), nullable=False),
        sa.Column("metric", sa.String(length=32), nullable=True),
        sa.Column("public_fraction", sa.Double(), nullable=False),
        sa.Column("daily_scored_limit", sa.Integer(), nullable=False),
        sa.Column("passing_score", sa.Double(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("max_submission_bytes", sa.Integer(), nullable=False),
        sa.Column("file_types", sa.JSON(), nullable=False),
        sa.Column("accepts_urls", sa.Boolean(), nullable=False),
        sa.Column("registration_starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("registration_ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("checkpoint_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submission_ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("review_ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("appeals_ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reviewers_changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("phase", sa.String(length=32), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancel_reason", sa.String(length=500), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisations.id"],
            name=op.f("fk_challenges_org_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sponsor_account_id"],
            ["accounts.id"],
            name=op.f("fk_challenges_sponsor_account_id_accounts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_challenges")),
    )
    op.create_index(op.f("ix_challenges_org_id"), "challenges", ["org_id"], unique=False)
    op.create_index(op.f("ix_challenges_phase"), "challenges", ["phase"], unique=False)
    op.create_index(
        op.f("ix_challenges_sponsor_account_id"), "challenges", ["sponsor_account_id"], unique=False
    )
    op.create_table(
        "marketplace_invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("sponsor_account_id", sa.Integer(), nullable=False),
        sa.Column("member_account_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_account_id"],
            ["accounts.id"],
            name=op.f("fk_marketplace_invitations_member_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisations.id"],
            name=op.f("fk_marketplace_invitations_org_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sponsor_account_id"],
            ["accounts.id"],
            name=op.f("fk_marketplace_invitations_sponsor_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_marketplace_invitations")),
    )
    op.create_index(
        op.f("ix_marketplace_invitations_member_account_id"),
        "marketplace_invitations",
        ["member_account_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_marketplace_invitations_org_id"),
        "marketplace_invitations",
        ["org_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_marketplace_invitations_sponsor_account_id"),
        "marketplace_invitations",
        ["sponsor_account_id"],
        unique=False,
    )
    op.create_table(
        "member_profiles",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("display_name", sa.String(length=100), nullable=False),
        sa.Column("name_key", sa.String(length=100), nullable=False),
        sa.Column("headline", sa.String(length=200), nullable=False),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("availability", sa.String(length=16), nullable=False),
        sa.Column("listed", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_member_profiles_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisations.id"],
            name=op.f("fk_member_profiles_org_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_member_profiles")),
        sa.UniqueConstraint("org_id", "name_key", name=op.f("uq_member_profiles_org_id_name_key")),
    )
    op.create_index(op.f("ix_member_profiles_org_id"), "member_profiles", ["org_id"], unique=False)
    op.create_table(
        "skill_ratings",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("mu", sa.Double(), nullable=False),
        sa.Column("sigma", sa.Double(), nullable=False),
        sa.Column("contests", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_skill_ratings_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisations.id"],
            name=op.f("fk_skill_ratings_org_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_skill_ratings")),
    )
    op.create_index(op.f("ix_skill_ratings_org_id"), "skill_ratings", ["org_id"], unique=False)
    op.create_table(
        "challenge_answer_keys",
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("split_salt", sa.String(length=64), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["challenge_id"],
            ["challenges.id"],
            name=op.f("fk_challenge_answer_keys_challenge_id_challenges"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("challenge_id", name=op.f("pk_challenge_answer_keys")),
    )
    op.create_table(
        "challenge_prizes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("place", sa.Integer(), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["challenge_id"],
            ["challenges.id"],
            name=op.f("fk_challenge_prizes_challenge_id_challenges"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_challenge_prizes")),
        sa.UniqueConstraint(
            "challenge_id",
            "kind",
            "place",
            name=op.f("uq_challenge_prizes_challenge_id_kind_place"),
        ),
    )
    op.create_table(
        "challenge_registrations",
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_challenge_registrations_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["challenge_id"],
            ["challenges.id"],
            name=op.f("fk_challenge_registrations_challenge_id_challenges"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "challenge_id", "account_id", name=op.f("pk_challenge_registrations")
        ),
    )
    op.create_index(
        op.f("ix_challenge_registrations_account_id"),
        "challenge_registrations",
        ["account_id"],
        unique=False,
    )
    op.create_table(
        "challenge_reviewers",
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_challenge_reviewers_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["challenge_id"],
            ["challenges.id"],
            name=op.f("fk_challenge_reviewers_challenge_id_challenges"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("challenge_id", "account_id", name=op.f("pk_challenge_reviewers")),
    )
    op.create_index(
        op.f("ix_challenge_reviewers_account_id"),
        "challenge_reviewers",
        ["account_id"],
        unique=False,
    )
    op.create_table(
        "challenge_submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=True),
        sa.Column("content_type", sa.String(length=100), nullable=True),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.Column("url", sa.String(length=500), nullable=True),
        sa.Column("public_score", sa.Double(), nullable=True),
        sa.Column("private_score", sa.Double(), nullable=True),
        sa.Column("scored", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_challenge_submissions_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["challenge_id"],
            ["challenges.id"],
            name=op.f("fk_challenge_submissions_challenge_id_challenges"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_challenge_submissions")),
        sa.UniqueConstraint(
            "challenge_id",
            "account_id",
            "version",
            name=op.f("uq_challenge_submissions_challenge_id_account_id_version"),
        ),
    )
    op.create_index(
        "ix_challenge_submissions_member",
        "challenge_submissions",
        ["challenge_id", "account_id"],
        unique=False,
    )
    op.create_table(
        "prize_ledger",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("place", sa.Integer(), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("owed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("paid_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("paid_by_account_id", sa.Integer(), nullable=True),
        sa.Column("reference", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_prize_ledger_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["challenge_id"],
            ["challenges.id"],
            name=op.f("fk_prize_ledger_challenge_id_challenges"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisations.id"],
            name=op.f("fk_prize_ledger_org_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["paid_by_account_id"],
            ["accounts.id"],
            name=op.f("fk_prize_ledger_paid_by_account_id_accounts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prize_ledger")),
        sa.UniqueConstraint(
            "challenge_id",
            "kind",
            "place",
            "account_id",
            name=op.f("uq_prize_ledger_challenge_id_kind_place_account_id"),
        ),
    )
    op.create_index(
        op.f("ix_prize_ledger_account_id"), "prize_ledger", ["account_id"], unique=False
    )
    op.create_index(op.f("ix_prize_ledger_org_id"), "prize_ledger", ["org_id"], unique=False)
    op.create_table(
        "rating_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("mu", sa.Double(), nullable=False),
        sa.Column("sigma", sa.Double(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_rating_history_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["challenge_id"],
            ["challenges.id"],
            name=op.f("fk_rating_history_challenge_id_challenges"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rating_history")),
        sa.UniqueConstraint(
            "account_id", "challenge_id", name=op.f("uq_rating_history_account_id_challenge_id")
        ),
    )
    op.create_index(
        op.f("ix_rating_history_account_id"), "rating_history", ["account_id"], unique=False
    )
    op.create_table(
        "sponsor_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("sponsor_account_id", sa.Integer(), nullable=True),
        sa.Column("member_account_id", sa.Integer(), nullable=False),
        sa.Column("stars", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["challenge_id"],
            ["challenges.id"],
            name=op.f("fk_sponsor_feedback_challenge_id_challenges"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_account_id"],
            ["accounts.id"],
            name=op.f("fk_sponsor_feedback_member_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sponsor_account_id"],
            ["accounts.id"],
            name=op.f("fk_sponsor_feedback_sponsor_account_id_accounts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sponsor_feedback")),
        sa.UniqueConstraint(
            "challenge_id",
            "member_account_id",
            name=op.f("uq_sponsor_feedback_challenge_id_member_account_id"),
        ),
    )
    op.create_index(
        op.f("ix_sponsor_feedback_member_account_id"),
        "sponsor_feedback",
        ["member_account_id"],
        unique=False,
    )
    op.create_table(
        "challenge_results",
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=True),
        sa.Column("score", sa.Double(), nullable=True),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("place", sa.Integer(), nullable=True),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_challenge_results_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["challenge_id"],
            ["challenges.id"],
            name=op.f("fk_challenge_results_challenge_id_challenges"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["challenge_submissions.id"],
            name=op.f("fk_challenge_results_submission_id_challenge_submissions"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("challenge_id", "account_id", name=op.f("pk_challenge_results")),
    )
    op.create_index(
        op.f("ix_challenge_results_account_id"), "challenge_results", ["account_id"], unique=False
    )
    op.create_table(
        "challenge_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_account_id", sa.Integer(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("score", sa.Double(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["challenge_id"],
            ["challenges.id"],
            name=op.f("fk_challenge_reviews_challenge_id_challenges"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_account_id"],
            ["accounts.id"],
            name=op.f("fk_challenge_reviews_reviewer_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["challenge_submissions.id"],
            name=op.f("fk_challenge_reviews_submission_id_challenge_submissions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_challenge_reviews")),
        sa.UniqueConstraint(
            "submission_id",
            "reviewer_account_id",
            name=op.f("uq_challenge_reviews_submission_id_reviewer_account_id"),
        ),
    )
    op.create_index(
        op.f("ix_challenge_reviews_challenge_id"),
        "challenge_reviews",
        ["challenge_id"],
        unique=False,
    )
    op.create_table(
        "challenge_appeals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("question", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("response", sa.Text(), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("previous_value", sa.Double(), nullable=True),
        sa.Column("new_value", sa.Double(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["challenge_id"],
            ["challenges.id"],
            name=op.f("fk_challenge_appeals_challenge_id_challenges"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["challenge_reviews.id"],
            name=op.f("fk_challenge_appeals_review_id_challenge_reviews"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_challenge_appeals")),
        sa.UniqueConstraint(
            "review_id", "question", name=op.f("uq_challenge_appeals_review_id_question")
        ),
    )
    op.create_index(
        op.f("ix_challenge_appeals_challenge_id"),
        "challenge_appeals",
        ["challenge_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_challenge_appeals_challenge_id"), table_name="challenge_appeals")
    op.drop_table("challenge_appeals")
    op.drop_index(op.f("ix_challenge_reviews_challenge_id"), table_name="challenge_reviews")
    op.drop_table("challenge_reviews")
    op.drop_index(op.f("ix_challenge_results_account_id"), table_name="challenge_results")
    op.drop_table("challenge_results")
    op.drop_index(op.f("ix_sponsor_feedback_member_account_id"), table_name="sponsor_feedback")
    op.drop_table("sponsor_feedback")
    op.drop_index(op.f("ix_rating_history_account_id"), table_name="rating_history")
    op.drop_table("rating_history")
    op.drop_index(op.f("ix_prize_ledger_org_id"), table_name="prize_ledger")
    op.drop_index(op.f("ix_prize_ledger_account_id"), table_name="prize_ledger")
    op.drop_table("prize_ledger")
    op.drop_index("ix_challenge_submissions_member", table_name="challenge_submissions")
    op.drop_table("challenge_submissions")
    op.drop_index(op.f("ix_challenge_reviewers_account_id"), table_name="challenge_reviewers")
    op.drop_table("challenge_reviewers")
    op.drop_index(
        op.f("ix_challenge_registrations_account_id"), table_name="challenge_registrations"
    )
    op.drop_table("challenge_registrations")
    op.drop_table("challenge_prizes")
    op.drop_table("challenge_answer_keys")
    op.drop_index(op.f("ix_skill_ratings_org_id"), table_name="skill_ratings")
    op.drop_table("skill_ratings")
    op.drop_index(op.f("ix_member_profiles_org_id"), table_name="member_profiles")
    op.drop_table("member_profiles")
    op.drop_index(
        op.f("ix_marketplace_invitations_sponsor_account_id"), table_name="marketplace_invitations"
    )
    op.drop_index(op.f("ix_marketplace_invitations_org_id"), table_name="marketplace_invitations")
    op.drop_index(
        op.f("ix_marketplace_invitations_member_account_id"), table_name="marketplace_invitations"
    )
    op.drop_table("marketplace_invitations")
    op.drop_index(op.f("ix_challenges_sponsor_account_id"), table_name="challenges")
    op.drop_index(op.f("ix_challenges_phase"), table_name="challenges")
    op.drop_index(op.f("ix_challenges_org_id"), table_name="challenges")
    op.drop_table("challenges")
