"""notice copies: a MinHash signature and a title key per notice, band keys to find copies

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 22:00:00.000000

Additive only: notices stored before this have no signature and are simply never found
as copies; every new notice gets one.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.add_column(sa.Column("signature", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("title_key", sa.String(length=255), nullable=True))
        batch_op.create_index(batch_op.f("ix_notice_title_key"), ["title_key"], unique=False)
    op.create_table(
        "notice_band",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["notice_id"], ["notice.id"], name=op.f("fk_notice_band_notice_id_notice")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_band")),
    )
    with op.batch_alter_table("notice_band", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notice_band_key"), ["key"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("notice_band", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notice_band_key"))
    op.drop_table("notice_band")
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notice_title_key"))
        batch_op.drop_column("title_key")
        batch_op.drop_column("signature")
