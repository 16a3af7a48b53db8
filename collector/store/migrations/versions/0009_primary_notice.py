"""primary notice: which notices are the organization's own, reached from an article

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 15:00:00.000000

Additive only: every notice stored before this is marked not primary.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("is_primary", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.drop_column("is_primary")
