"""securities code: the listed company's code on notices and incidents from TDnet

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 14:00:00.000000

Additive only: incidents stored before this have no code; a later TDnet notice of the
same incident gives it one.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.add_column(sa.Column("securities_code", sa.String(length=8), nullable=True))
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.add_column(sa.Column("securities_code", sa.String(length=8), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_incident_securities_code"), ["securities_code"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_securities_code"))
        batch_op.drop_column("securities_code")
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.drop_column("securities_code")
