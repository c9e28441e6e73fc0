"""A search key on payment references: search from every page finds a payment by its reference

The navbar search matches the start of a payment's reference ("chq 1234" finds "Chq 123456")
as it matches customers: a prefix range on a folded key with a B-tree index. Existing payments
get their key here. Works, invoices and credit notes are found by their numbers, whose unique
constraints are already indexes.

Revision ID: e2b7c9d4a6f1
Revises: c1182b8c839d
Create Date: 2026-12-03 17:30:00.000000

"""

import re
import unicodedata

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e2b7c9d4a6f1"
down_revision = "c1182b8c839d"
branch_labels = None
depends_on = None

# The key rule this revision applies, copied from models/customers/keys.py so that a later
# change to the app's rules cannot change what this migration writes.
_NAME_KEY_LENGTH = 80
_BATCH_SIZE = 1000

_NOT_KEY = re.compile(r"[^0-9a-z]")


def _fold(text):
    """Lower-case, accents dropped, whitespace collapsed: "  José\tSMITH " -> "jose smith"."""
    plain = text or ""
    if not plain.isascii():
        decomposed = unicodedata.normalize("NFKD", plain)
        plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.casefold().split())


def _name_search_key(text):
    """Lower-case letters and digits only, cut to the column's width; None when none is left."""
    return _NOT_KEY.sub("", _fold(text))[:_NAME_KEY_LENGTH] or None


# The table as this revision knows it, not as the models may look later.
payment = sa.table(
    "payment",
    sa.column("id", sa.Integer),
    sa.column("reference", sa.String),
    sa.column("reference_key", sa.String),
)


def _backfill(connection):
    """Each payment with a reference gets its key, a batch of ids at a time."""
    read = (
        sa.select(payment.c.id, payment.c.reference)
        .where(payment.c.reference.is_not(None))
        .order_by(payment.c.id)
        .limit(_BATCH_SIZE)
    )
    # A bind parameter may not share its column's name in an UPDATE … SET.
    write = (
        sa.update(payment)
        .where(payment.c.id == sa.bindparam("row_id"))
        .values(reference_key=sa.bindparam("new_key"))
    )
    last_id = 0
    while rows := connection.execute(read.where(payment.c.id > last_id)).all():
        values = [{"row_id": row.id, "new_key": _name_search_key(row.reference)} for row in rows]
        connection.execute(write, values)
        last_id = rows[-1].id


def upgrade():
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("reference_key", sa.String(length=_NAME_KEY_LENGTH), nullable=True)
        )
    _backfill(op.get_bind())
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_payment_reference_key"), ["reference_key"], unique=False
        )


def downgrade():
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payment_reference_key"))
        batch_op.drop_column("reference_key")
