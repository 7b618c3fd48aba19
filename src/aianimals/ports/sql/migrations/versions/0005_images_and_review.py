"""image embeddings, violation review state, owner removal

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 17:50:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "animal_embeddings",
        sa.Column("animal_id", sa.String(length=32), nullable=False),
        sa.Column("model_version", sa.String(length=64), nullable=False),
        sa.Column("dim", sa.Integer(), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.Column("animal_probability", sa.Float(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["animal_id"],
            ["animals.id"],
            name=op.f("fk_animal_embeddings_animal_id_animals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("animal_id", "model_version", name=op.f("pk_animal_embeddings")),
    )
    with op.batch_alter_table("violations") as batch:
        batch.add_column(
            sa.Column("state", sa.String(length=16), nullable=False, server_default="pending")
        )
        batch.create_index(batch.f("ix_violations_state"), ["state"])
    with op.batch_alter_table("animals") as batch:
        batch.add_column(
            sa.Column("removed_by_owner", sa.Boolean(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("animals") as batch:
        batch.drop_column("removed_by_owner")
    with op.batch_alter_table("violations") as batch:
        batch.drop_index(batch.f("ix_violations_state"))
        batch.drop_column("state")
    op.drop_table("animal_embeddings")
