"""Covering indexes for ageing across the book: the dashboard reads no invoice or allocation row

Revision ID: d7a3e5f9b2c1
Revises: 32a2c84255ec
Create Date: 2026-11-22 17:10:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "d7a3e5f9b2c1"
down_revision = "32a2c84255ec"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_invoice_ageing", "invoice", ["status", "due_on", "total_cents"])
    op.create_index(
        "ix_payment_allocation_amounts",
        "payment_allocation",
        ["invoice_id", "allocated_on", "amount"],
    )
    # The new index leads with invoice_id: it serves the foreign key, and the planner no longer
    # prefers a narrower index that leaves it reading every allocation's row.
    op.drop_index("ix_payment_allocation_invoice_id", table_name="payment_allocation")


def downgrade():
    op.create_index(
        "ix_payment_allocation_invoice_id", "payment_allocation", ["invoice_id"], unique=False
    )
    op.drop_index("ix_payment_allocation_amounts", table_name="payment_allocation")
    op.drop_index("ix_invoice_ageing", table_name="invoice")
