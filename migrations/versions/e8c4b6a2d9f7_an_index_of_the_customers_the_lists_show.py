"""An index of the customers the lists show (not merged away), for their capped count

Revision ID: e8c4b6a2d9f7
Revises: d7a3e5f9b2c1
Create Date: 2026-11-22 17:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e8c4b6a2d9f7"
down_revision = "d7a3e5f9b2c1"
branch_labels = None
depends_on = None

LIVE = sa.text("merged_into_id IS NULL")


def upgrade():
    op.create_index(
        "ix_customer_live", "customer", ["id"], sqlite_where=LIVE, postgresql_where=LIVE
    )


def downgrade():
    op.drop_index("ix_customer_live", table_name="customer")
