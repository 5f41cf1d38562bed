"""talent: performance ratings, talent profiles, external prominence, demographics, promotion
rounds, candidates, calibration, decisions, appeals, succession plans

Revision ID: 0103
Revises: 0102

Tables of the promotion boards (renown.talent). Demographics get a table of their own,
read only by the fairness audits.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0103"
down_revision: str | None = "0102"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "promotion_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("eligibility", sa.JSON(), nullable=False),
        sa.Column("criteria", sa.JSON(), nullable=False),
        sa.Column("performance_criteria", sa.JSON(), nullable=False),
        sa.Column("potential_criteria", sa.JSON(), nullable=False),
        sa.Column("top_n", sa.Integer(), nullable=False),
        sa.Column("missing_policy", sa.String(length=16), nullable=False),
        sa.Column("transparency", sa.String(length=16), nullable=False),
        sa.Column("external_weighted", sa.Boolean(), nullable=False),
        sa.Column("as_of", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=320), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisations.id"],
            name=op.f("fk_promotion_rounds_org_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_promotion_rounds")),
    )
    with op.batch_alter_table("promotion_rounds", schema=None) as batch_op:
        batch_op.create_index("ix_promotion_rounds_org", ["org_id", "created_at"], unique=False)

    op.create_table(
        "calibration_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("opened_by", sa.String(length=320), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["promotion_rounds.id"],
            name=op.f("fk_calibration_sessions_round_id_promotion_rounds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calibration_sessions")),
    )
    with op.batch_alter_table("calibration_sessions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_calibration_sessions_round_id"), ["round_id"], unique=False
        )

    op.create_table(
        "round_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("signed_by", sa.String(length=320), nullable=False),
        sa.Column("signer_name", sa.String(length=200), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("promoted", sa.JSON(), nullable=False),
        sa.Column("overrides", sa.JSON(), nullable=False),
        sa.Column("inputs", sa.JSON(), nullable=False),
        sa.Column("ranking", sa.JSON(), nullable=False),
        sa.Column("audit_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["promotion_rounds.id"],
            name=op.f("fk_round_decisions_round_id_promotion_rounds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_round_decisions")),
        sa.UniqueConstraint("round_id", name=op.f("uq_round_decisions_round_id")),
    )
    op.create_table(
        "calibration_moves",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("from_performance", sa.Integer(), nullable=False),
        sa.Column("from_potential", sa.Integer(), nullable=False),
        sa.Column("to_performance", sa.Integer(), nullable=False),
        sa.Column("to_potential", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("moved_by", sa.String(length=320), nullable=False),
        sa.Column("moved_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "to_performance BETWEEN 1 AND 3 AND to_potential BETWEEN 1 AND 3",
            name=op.f("ck_calibration_moves_box_range"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_calibration_moves_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["promotion_rounds.id"],
            name=op.f("fk_calibration_moves_round_id_promotion_rounds"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["calibration_sessions.id"],
            name=op.f("fk_calibration_moves_session_id_calibration_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calibration_moves")),
    )
    with op.batch_alter_table("calibration_moves", schema=None) as batch_op:
        batch_op.create_index("ix_calibration_moves_round", ["round_id", "person_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_calibration_moves_session_id"), ["session_id"], unique=False
        )

    op.create_table(
        "demographics",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("sex", sa.String(length=64), nullable=True),
        sa.Column("race_ethnicity", sa.String(length=64), nullable=True),
        sa.Column("age_band", sa.String(length=16), nullable=True),
        sa.Column("disability", sa.String(length=16), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisations.id"],
            name=op.f("fk_demographics_org_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_demographics_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_demographics")),
    )
    with op.batch_alter_table("demographics", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_demographics_org_id"), ["org_id"], unique=False)

    op.create_table(
        "external_prominence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("network", sa.String(length=64), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("observed_on", sa.Date(), nullable=False),
        sa.CheckConstraint(
            "score BETWEEN 1 AND 100", name=op.f("ck_external_prominence_score_range")
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisations.id"],
            name=op.f("fk_external_prominence_org_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_external_prominence_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_external_prominence")),
        sa.UniqueConstraint(
            "person_id",
            "network",
            "observed_on",
            name=op.f("uq_external_prominence_person_id_network_observed_on"),
        ),
    )
    with op.batch_alter_table("external_prominence", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_external_prominence_person_id"), ["person_id"], unique=False
        )

    op.create_table(
        "performance_ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=32), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("rated_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "rating BETWEEN 1 AND 5", name=op.f("ck_performance_ratings_rating_range")
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisations.id"],
            name=op.f("fk_performance_ratings_org_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_performance_ratings_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["rated_by_id"],
            ["people.id"],
            name=op.f("fk_performance_ratings_rated_by_id_people"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_performance_ratings")),
        sa.UniqueConstraint(
            "person_id", "period", name=op.f("uq_performance_ratings_person_id_period")
        ),
    )
    with op.batch_alter_table("performance_ratings", schema=None) as batch_op:
        batch_op.create_index("ix_performance_ratings_org", ["org_id", "period"], unique=False)

    op.create_table(
        "promotion_appeals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_by", sa.String(length=320), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_promotion_appeals_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["promotion_rounds.id"],
            name=op.f("fk_promotion_appeals_round_id_promotion_rounds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_promotion_appeals")),
    )
    with op.batch_alter_table("promotion_appeals", schema=None) as batch_op:
        batch_op.create_index("ix_promotion_appeals_round", ["round_id", "status"], unique=False)

    op.create_table(
        "round_candidates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("included", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("changed_by", sa.String(length=320), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_round_candidates_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["promotion_rounds.id"],
            name=op.f("fk_round_candidates_round_id_promotion_rounds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_round_candidates")),
        sa.UniqueConstraint(
            "round_id", "person_id", name=op.f("uq_round_candidates_round_id_person_id")
        ),
    )
    with op.batch_alter_table("round_candidates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_round_candidates_round_id"), ["round_id"], unique=False
        )

    op.create_table(
        "succession_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("role_name", sa.String(length=200), nullable=False),
        sa.Column("incumbent_id", sa.Integer(), nullable=True),
        sa.Column("criteria", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=320), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["incumbent_id"],
            ["people.id"],
            name=op.f("fk_succession_plans_incumbent_id_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisations.id"],
            name=op.f("fk_succession_plans_org_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_succession_plans")),
        sa.UniqueConstraint(
            "org_id", "role_name", name=op.f("uq_succession_plans_org_id_role_name")
        ),
    )
    op.create_table(
        "talent_profiles",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=64), nullable=True),
        sa.Column("in_role_since", sa.Date(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisations.id"],
            name=op.f("fk_talent_profiles_org_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_talent_profiles_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_talent_profiles")),
    )
    op.create_table(
        "successors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("readiness", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("set_by", sa.String(length=320), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_successors_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["succession_plans.id"],
            name=op.f("fk_successors_plan_id_succession_plans"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_successors")),
        sa.UniqueConstraint("plan_id", "person_id", name=op.f("uq_successors_plan_id_person_id")),
    )
    with op.batch_alter_table("successors", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_successors_plan_id"), ["plan_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("successors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_successors_plan_id"))

    op.drop_table("successors")
    op.drop_table("talent_profiles")
    op.drop_table("succession_plans")
    with op.batch_alter_table("round_candidates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_round_candidates_round_id"))

    op.drop_table("round_candidates")
    with op.batch_alter_table("promotion_appeals", schema=None) as batch_op:
        batch_op.drop_index("ix_promotion_appeals_round")

    op.drop_table("promotion_appeals")
    with op.batch_alter_table("performance_ratings", schema=None) as batch_op:
        batch_op.drop_index("ix_performance_ratings_org")

    op.drop_table("performance_ratings")
    with op.batch_alter_table("external_prominence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_external_prominence_person_id"))

    op.drop_table("external_prominence")
    with op.batch_alter_table("demographics", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_demographics_org_id"))

    op.drop_table("demographics")
    with op.batch_alter_table("calibration_moves", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calibration_moves_session_id"))
        batch_op.drop_index("ix_calibration_moves_round")

    op.drop_table("calibration_moves")
    op.drop_table("round_decisions")
    with op.batch_alter_table("calibration_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calibration_sessions_round_id"))

    op.drop_table("calibration_sessions")
    with op.batch_alter_table("promotion_rounds", schema=None) as batch_op:
        batch_op.drop_index("ix_promotion_rounds_org")

    op.drop_table("promotion_rounds")
