"""notice text key: a page re-read because its bytes changed is stored only when it says more

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 06:00:00.000000

Additive only: a notice stored before this has no key, so the next version of its page is
stored once more and keyed from then on.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.add_column(sa.Column("text_key", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.drop_column("text_key")
