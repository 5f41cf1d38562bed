"""trust: how outside raters' links were delivered

Revision ID: 0106
Revises: 0104

Outside raters' answers may count toward an anonymity threshold only when renown e-mailed
the link to the rater alone. Links created before this revision were shown to the
requester, so existing outside raters are marked ``requester``.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0106"
down_revision: str | None = "0104"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("feedback_recipients", schema=None) as batch_op:
        batch_op.add_column(sa.Column("delivery", sa.String(length=16), nullable=True))
    op.execute("UPDATE feedback_recipients SET delivery = 'requester' WHERE person_id IS NULL")


def downgrade() -> None:
    with op.batch_alter_table("feedback_recipients", schema=None) as batch_op:
        batch_op.drop_column("delivery")
