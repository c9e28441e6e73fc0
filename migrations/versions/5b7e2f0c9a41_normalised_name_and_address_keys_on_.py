"""Normalised name and address keys on customers for related-record matching

Revision ID: 5b7e2f0c9a41
Revises: 2c26c2484f74
Create Date: 2026-11-22 08:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

from models.related import KEY_LENGTH, address_key, name_key

# revision identifiers, used by Alembic.
revision = "5b7e2f0c9a41"
down_revision = "2c26c2484f74"
branch_labels = None
depends_on = None

BATCH_SIZE = 1000

# The table as this revision knows it, not as the models may look later.
customer = sa.table(
    "customer",
    sa.column("id", sa.Integer),
    sa.column("first_name", sa.String),
    sa.column("surname", sa.String),
    sa.column("address_line_1", sa.String),
    sa.column("postcode", sa.String),
    sa.column("name_key", sa.String),
    sa.column("address_key", sa.String),
)


def upgrade():
    with op.batch_alter_table("customer", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name_key", sa.String(length=KEY_LENGTH), nullable=True))
        batch_op.add_column(sa.Column("address_key", sa.String(length=KEY_LENGTH), nullable=True))
        batch_op.create_index(batch_op.f("ix_customer_name_key"), ["name_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_customer_address_key"), ["address_key"], unique=False)

    backfill_keys(op.get_bind())


def backfill_keys(connection):
    """Compute the keys for existing customers, a batch of ids at a time, with the app's rules."""
    read = (
        sa.select(
            customer.c.id,
            customer.c.first_name,
            customer.c.surname,
            customer.c.address_line_1,
            customer.c.postcode,
        )
        .order_by(customer.c.id)
        .limit(BATCH_SIZE)
    )
    write = (
        sa.update(customer)
        .where(customer.c.id == sa.bindparam("customer_id"))
        .values(name_key=sa.bindparam("new_name_key"), address_key=sa.bindparam("new_address_key"))
    )
    last_id = None
    while True:
        query = read if last_id is None else read.where(customer.c.id > last_id)
        rows = connection.execute(query).all()
        if not rows:
            break
        connection.execute(
            write,
            [
                {
                    "customer_id": row.id,
                    "new_name_key": name_key(row.first_name, row.surname),
                    "new_address_key": address_key(row.address_line_1, row.postcode),
                }
                for row in rows
            ],
        )
        last_id = rows[-1].id


def downgrade():
    # On SQLite this rebuilds the customer table; migrations/env.py turns foreign keys off
    # meanwhile, so its children are not cascade-deleted (tests/test_migrations.py checks).
    with op.batch_alter_table("customer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_customer_address_key"))
        batch_op.drop_index(batch_op.f("ix_customer_name_key"))
        batch_op.drop_column("address_key")
        batch_op.drop_column("name_key")
