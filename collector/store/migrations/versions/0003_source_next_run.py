"""source_state.next_run_at: the daemon's planned next poll of each source

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 10:00:00.000000

Additive only (one nullable column): a store written by `owabi fetch` keeps every row,
and its sources are simply due on the daemon's first start.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("source_state", schema=None) as batch_op:
        batch_op.add_column(sa.Column("next_run_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("source_state", schema=None) as batch_op:
        batch_op.drop_column("next_run_at")
