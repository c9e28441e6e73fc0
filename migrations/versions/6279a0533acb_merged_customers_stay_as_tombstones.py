"""Merged customers stay as tombstones pointing at the customer they were merged into

Revision ID: 6279a0533acb
Revises: 5b7e2f0c9a41
Create Date: 2026-11-22 09:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "6279a0533acb"
down_revision = "5b7e2f0c9a41"
branch_labels = None
depends_on = None


def upgrade():
    # On SQLite this rebuilds the customer table; migrations/env.py turns foreign keys off
    # meanwhile, so its children are not cascade-deleted (tests/test_migrations.py checks).
    with op.batch_alter_table("customer", schema=None) as batch_op:
        batch_op.add_column(sa.Column("merged_into_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("merged_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_customer_merged_into_id"), ["merged_into_id"], unique=False
        )
        # RESTRICT: a customer others were merged into cannot be deleted from under them.
        batch_op.create_foreign_key(
            batch_op.f("fk_customer_merged_into_id_customer"),
            "customer",
            ["merged_into_id"],
            ["id"],
            ondelete="RESTRICT",
        )


def downgrade():
    with op.batch_alter_table("customer", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_customer_merged_into_id_customer"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_customer_merged_into_id"))
        batch_op.drop_column("merged_at")
        batch_op.drop_column("merged_into_id")
