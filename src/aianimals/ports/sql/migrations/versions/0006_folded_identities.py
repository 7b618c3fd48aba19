"""case-folded handles and e-mail addresses, unique; the e-mail outbox

Adds `users.handle_name_folded` and `users.email_address_folded` (NFKC, case-folded, NFKC
again, stripped: `aianimals.users.identities.fold_identifier`), each with a unique index,
and the `email_outbox` table.

The folded values of the stored accounts are computed here in Python, oldest account first
(`created_at`, then `id`). Accounts that were distinct but fold to one value (`dog_leigh`
and `DOG_LEIGH`) do not stop the upgrade: the oldest keeps the folded value; each younger
one keeps its own handle or address but gets NULL in the folded column, which the unique
index allows. Every such group is logged in one warning, with the accounts' ids and values,
kept first. The oldest is the likelier original (the newer, an impersonation); nobody is
locked out, since a login tries the exact spelling first and the folded value after; new
sign-ups can take none of the group's values. Operators then rename or deactivate the
younger accounts (docs/operations.md, "Case-duplicate accounts"). A folded value too long
for its column (only strings full of compatibility characters) is left NULL and reported
the same way.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 10:00:00.000000
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Iterable, Sequence

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

logger = logging.getLogger("aianimals.migrations")

HANDLE_FOLDED_LENGTH = 192
EMAIL_FOLDED_LENGTH = 762
FIELDS = (("handle_name", HANDLE_FOLDED_LENGTH), ("email_address", EMAIL_FOLDED_LENGTH))
CHUNK = 1000

_USERS = sa.table(
    "users",
    sa.column("id", sa.String),
    sa.column("handle_name", sa.String),
    sa.column("email_address", sa.String),
    sa.column("created_at", sa.DateTime),
    sa.column("handle_name_folded", sa.String),
    sa.column("email_address_folded", sa.String),
)


def fold(value: str) -> str:
    """`aianimals.users.identities.fold_identifier` as of this revision (a test checks that
    they agree); kept here so that this migration does the same whatever the code becomes."""
    folded = unicodedata.normalize("NFKC", value).casefold()
    return unicodedata.normalize("NFKC", folded).strip()


def plan(rows: Iterable[Sequence[str]]) -> tuple[list[dict[str, str | None]], list[str]]:
    """The folded values of `(id, handle_name, email_address)` rows, oldest first, and the
    report: one line per collision group, and per value too long once folded."""
    keepers: dict[str, dict[str, str]] = {name: {} for name, _ in FIELDS}
    groups: dict[tuple[str, str], list[str]] = {}
    too_long: list[str] = []
    updates: list[dict[str, str | None]] = []
    for user_id, *values in rows:
        update: dict[str, str | None] = {"_id": user_id}
        for (name, width), value in zip(FIELDS, values, strict=True):
            account = f"{user_id} {value!r}"
            folded, stored = fold(value), None
            if len(folded) > width:
                too_long.append(f"{name} of {account}: too long once folded")
            elif folded in keepers[name]:
                groups.setdefault((name, folded), []).append(account)
            else:
                keepers[name][folded] = account
                stored = folded
            update[f"{name}_folded"] = stored
        updates.append(update)
    lines = [
        f"{name} {folded!r}: kept by {keepers[name][folded]}; left unfolded: {', '.join(group)}"
        for (name, folded), group in groups.items()
    ]
    return updates, lines + too_long


def _backfill() -> None:
    connection = op.get_bind()
    query = sa.select(_USERS.c.id, _USERS.c.handle_name, _USERS.c.email_address).order_by(
        _USERS.c.created_at, _USERS.c.id
    )
    updates, report = plan(connection.execute(query).all())
    statement = (
        sa.update(_USERS)
        .where(_USERS.c.id == sa.bindparam("_id"))
        .values(
            handle_name_folded=sa.bindparam("handle_name_folded"),
            email_address_folded=sa.bindparam("email_address_folded"),
        )
    )
    for start in range(0, len(updates), CHUNK):
        connection.execute(statement, updates[start : start + CHUNK])
    if not report:
        logger.info("folded %d accounts' handles and e-mail addresses: no collisions", len(updates))
        return
    unfolded = sum(None in (u["handle_name_folded"], u["email_address_folded"]) for u in updates)
    logger.warning(
        "folded %d accounts' handles and e-mail addresses; %d accounts collide with an older "
        "one once case and width are ignored, and keep a NULL folded value. They still log in "
        "with their exact spelling; rename or deactivate them (docs/operations.md, "
        "'Case-duplicate accounts'):\n%s",
        len(updates),
        unfolded,
        "\n".join(report),
    )


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("handle_name_folded", sa.String(length=HANDLE_FOLDED_LENGTH), nullable=True)
        )
        batch.add_column(
            sa.Column("email_address_folded", sa.String(length=EMAIL_FOLDED_LENGTH), nullable=True)
        )
    _backfill()
    with op.batch_alter_table("users") as batch:
        batch.create_index(
            batch.f("ix_users_handle_name_folded"), ["handle_name_folded"], unique=True
        )
        batch.create_index(
            batch.f("ix_users_email_address_folded"), ["email_address_folded"], unique=True
        )
    op.create_table(
        "email_outbox",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("to_address", sa.String(length=254), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_outbox")),
    )
    with op.batch_alter_table("email_outbox") as batch:
        batch.create_index(batch.f("ix_email_outbox_kind"), ["kind"])
        batch.create_index(batch.f("ix_email_outbox_created_at"), ["created_at"])


def downgrade() -> None:
    op.drop_table("email_outbox")
    with op.batch_alter_table("users") as batch:
        batch.drop_index(batch.f("ix_users_email_address_folded"))
        batch.drop_index(batch.f("ix_users_handle_name_folded"))
        batch.drop_column("email_address_folded")
        batch.drop_column("handle_name_folded")
