"""mixed-breed cat and dog (雑種 / ミックス) in a store imported before they existed

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 13:00:00.000000

A fresh store gets these rows from the dataset's animal_subcategory.json; a store imported
earlier gets them here, when its cat and dog categories exist and neither the id nor a name
is taken.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

MIXED = (
    (38, 1, "mixed_cat", "雑種・ミックス（ネコ）"),
    (39, 2, "mixed_dog", "雑種・ミックス（イヌ）"),
)


def upgrade() -> None:
    connection = op.get_bind()
    now = datetime.now(UTC).replace(tzinfo=None)
    for breed_id, category_id, name_en, name_ja in MIXED:
        names = {"id": breed_id, "name_en": name_en, "name_ja": name_ja}
        has_category = connection.execute(
            sa.text("SELECT 1 FROM animal_categories WHERE id = :id"), {"id": category_id}
        ).first()
        taken = connection.execute(
            sa.text(
                "SELECT 1 FROM animal_subcategories"
                " WHERE id = :id OR name_en = :name_en OR name_ja = :name_ja"
            ),
            names,
        ).first()
        if has_category is None or taken is not None:
            continue
        connection.execute(
            sa.text(
                "INSERT INTO animal_subcategories"
                " (id, category_id, name_en, name_ja, created_at, updated_at)"
                " VALUES (:id, :category_id, :name_en, :name_ja, :now, :now)"
            ),
            {**names, "category_id": category_id, "now": now},
        )


def downgrade() -> None:
    connection = op.get_bind()
    for breed_id, _, name_en, _ in MIXED:
        connection.execute(
            sa.text(
                "DELETE FROM animal_subcategories WHERE id = :id AND name_en = :name_en"
                " AND NOT EXISTS (SELECT 1 FROM animals WHERE subcategory_id = :id)"
            ),
            {"id": breed_id, "name_en": name_en},
        )
