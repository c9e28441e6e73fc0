"""Invoices and credit notes store their total, so balances sum one column, from an index

Revision ID: c4f2a8d6e1b3
Revises: b5e8c1d2f4a6
Create Date: 2026-11-22 16:30:00.000000

"""

from collections import defaultdict
from decimal import ROUND_HALF_EVEN, Decimal

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c4f2a8d6e1b3"
down_revision = "b5e8c1d2f4a6"
branch_labels = None
depends_on = None

BATCH_SIZE = 1000
# Each document table with its lines' table and the lines' column naming the document.
DOCUMENTS = (
    ("invoice", "invoice_line", "invoice_id"),
    ("credit_note", "credit_note_line", "credit_note_id"),
)

# A line's pricing as this revision applies it, copied from models/money.py (LineMixin) so that
# a later change to the model's rounding cannot change the totals this migration writes.
_CENT = Decimal("0.01")


def _gross(quantity, unit_price, tax_rate):
    """quantity × unit price, plus tax at a percentage rate; each rounded half to even."""
    net = (quantity * unit_price).quantize(_CENT, rounding=ROUND_HALF_EVEN)
    tax = (net * tax_rate / 100).quantize(_CENT, rounding=ROUND_HALF_EVEN)
    return net + tax


def upgrade():
    for document, _, _ in DOCUMENTS:
        with op.batch_alter_table(document, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("total_cents", sa.BigInteger(), server_default="0", nullable=False)
            )
    connection = op.get_bind()
    for names in DOCUMENTS:
        backfill(connection, *names)
    op.create_index(
        "ix_invoice_balance", "invoice", ["customer_id", "status", "due_on", "total_cents"]
    )


def backfill(connection, document: str, line: str, parent: str) -> None:
    """Each document's total from its lines, a batch of documents at a time, each line priced
    by `_gross`."""
    documents = sa.table(document, sa.column("id", sa.Integer), sa.column("total_cents"))
    lines = sa.table(
        line,
        sa.column(parent),
        sa.column("quantity"),
        sa.column("unit_price"),
        sa.column("tax_rate"),
    )
    read_ids = sa.select(documents.c.id).order_by(documents.c.id).limit(BATCH_SIZE)
    write = (
        sa.update(documents)
        .where(documents.c.id == sa.bindparam("row_id"))
        .values(total_cents=sa.bindparam("cents"))
    )
    last_id = 0
    while ids := connection.scalars(read_ids.where(documents.c.id > last_id)).all():
        cents: dict[int, int] = defaultdict(int)
        for parent_id, *figures in connection.execute(
            sa.select(
                lines.c[parent], lines.c.quantity, lines.c.unit_price, lines.c.tax_rate
            ).where(lines.c[parent].in_(ids))
        ):
            quantity, unit_price, tax_rate = (Decimal(str(value)) for value in figures)
            cents[parent_id] += int(_gross(quantity, unit_price, tax_rate) * 100)
        totals = [{"row_id": id_, "cents": cents[id_]} for id_ in ids if cents[id_]]
        if totals:
            connection.execute(write, totals)
        last_id = ids[-1]


def downgrade():
    op.drop_index("ix_invoice_balance", table_name="invoice")
    for document, _, _ in DOCUMENTS:
        with op.batch_alter_table(document, schema=None) as batch_op:
            batch_op.drop_column("total_cents")
