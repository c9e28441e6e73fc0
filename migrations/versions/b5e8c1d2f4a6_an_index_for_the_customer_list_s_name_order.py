"""An index for the customer list's name order

Revision ID: b5e8c1d2f4a6
Revises: 9d4e2b7a1c30
Create Date: 2026-11-22 12:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b5e8c1d2f4a6"
down_revision = "9d4e2b7a1c30"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_customer_name_order",
        "customer",
        [sa.text("coalesce(company_key, surname_key)")],
        unique=False,
    )


def downgrade():
    op.drop_index("ix_customer_name_order", table_name="customer")
