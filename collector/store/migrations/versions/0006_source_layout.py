"""source layout: a page's detected news list is remembered between polls

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 08:30:00.000000

Additive only: a source stored before this has no layout, so its next poll detects the
list as every poll did before and remembers it from then on.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("source_state", schema=None) as batch_op:
        batch_op.add_column(sa.Column("layout", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("source_state", schema=None) as batch_op:
        batch_op.drop_column("layout")
