"""animal thumbnails

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 14:50:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("animals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("thumbnail_url", sa.String(length=1024), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("animals", schema=None) as batch_op:
        batch_op.drop_column("thumbnail_url")
