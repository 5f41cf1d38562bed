"""recruiter radar: profile snapshots, predictions, outreach, consent

Revision ID: 0110
Revises: 0109

- ``radar_settings``: the organisation's radar policy (whether members are told they are
  on the radar); no row means the defaults.
- ``radar_subjects``: whose profiles the radar follows (a person of the organisation, or
  an external handle); everything below goes with the subject.
- ``radar_snapshots``: imported profile snapshots, unique per organisation by their key
  (a re-import adds nothing).
- ``radar_predictions``: the latest scoring job's probabilities with their interval and
  reasons.
- ``radar_outreach``: outreach steps to prospects (watchlist, contacted, responded, hired)
  with notes.
- ``radar_opt_outs``: members who are never scored or listed.
- ``radar_erasures``: digests of external prospects' handles erased on request, so a later
  import does not bring them back.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0110"
down_revision: str | None = "0109"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _org(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["org_id"],
        ["organisations.id"],
        name=op.f(f"fk_{table}_org_id_organisations"),
        ondelete="CASCADE",
    )


def _subject(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["subject_id"],
        ["radar_subjects.id"],
        name=op.f(f"fk_{table}_subject_id_radar_subjects"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "radar_settings",
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("members_see_radar", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        _org("radar_settings"),
        sa.PrimaryKeyConstraint("org_id", name=op.f("pk_radar_settings")),
    )
    op.create_table(
        "radar_opt_outs",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        _org("radar_opt_outs"),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_radar_opt_outs_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_radar_opt_outs")),
    )
    op.create_table(
        "radar_subjects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=320), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _org("radar_subjects"),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_radar_subjects_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_radar_subjects")),
        sa.UniqueConstraint("org_id", "key", name=op.f("uq_radar_subjects_org_id_key")),
    )
    with op.batch_alter_table("radar_subjects", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_radar_subjects_person_id"), ["person_id"])
    op.create_table(
        "radar_outreach",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_radar_outreach_account_id_accounts"),
            ondelete="SET NULL",
        ),
        _org("radar_outreach"),
        _subject("radar_outreach"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_radar_outreach")),
    )
    with op.batch_alter_table("radar_outreach", schema=None) as batch_op:
        batch_op.create_index("ix_radar_outreach_subject", ["subject_id", "at"])
    op.create_table(
        "radar_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("captured_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("snapshot_key", sa.String(length=64), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        _org("radar_snapshots"),
        _subject("radar_snapshots"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_radar_snapshots")),
        sa.UniqueConstraint(
            "org_id", "snapshot_key", name=op.f("uq_radar_snapshots_org_id_snapshot_key")
        ),
    )
    with op.batch_alter_table("radar_snapshots", schema=None) as batch_op:
        batch_op.create_index("ix_radar_snapshots_subject", ["subject_id", "captured_at"])
    op.create_table(
        "radar_predictions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.DateTime(timezone=True), nullable=False),
        sa.Column("probability", sa.Double(), nullable=False),
        sa.Column("low", sa.Double(), nullable=False),
        sa.Column("high", sa.Double(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["jobs.id"],
            name=op.f("fk_radar_predictions_job_id_jobs"),
            ondelete="CASCADE",
        ),
        _org("radar_predictions"),
        _subject("radar_predictions"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_radar_predictions")),
        sa.UniqueConstraint(
            "subject_id", "job_id", name=op.f("uq_radar_predictions_subject_id_job_id")
        ),
    )
    with op.batch_alter_table("radar_predictions", schema=None) as batch_op:
        batch_op.create_index("ix_radar_predictions_org", ["org_id", "job_id"])
    op.create_table(
        "radar_erasures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("key_digest", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        _org("radar_erasures"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_radar_erasures")),
        sa.UniqueConstraint(
            "org_id", "key_digest", name=op.f("uq_radar_erasures_org_id_key_digest")
        ),
    )


def downgrade() -> None:
    op.drop_table("radar_erasures")
    for table, index in (
        ("radar_predictions", "ix_radar_predictions_org"),
        ("radar_snapshots", "ix_radar_snapshots_subject"),
        ("radar_outreach", "ix_radar_outreach_subject"),
        ("radar_subjects", "ix_radar_subjects_person_id"),
    ):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(index)
        op.drop_table(table)
    op.drop_table("radar_opt_outs")
    op.drop_table("radar_settings")
