"""notice text: the text of notices that belong to an incident, kept for the incident
page, where each fact's evidence is marked in it

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 12:00:00.000000

Additive only: notices stored before this have no text, and their incident page lists
each fact's evidence without the text around it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.add_column(sa.Column("text", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.drop_column("text")
