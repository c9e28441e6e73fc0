"""Search keys on work addresses and contacts: the work-address lookup and the customer search by contact name use indexes

Revision ID: 32a2c84255ec
Revises: c4f2a8d6e1b3
Create Date: 2026-11-22 14:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

from migrations.backfill import backfill
from models.search import NAME_KEY_LENGTH, person_keys, work_address_keys

# revision identifiers, used by Alembic.
revision = "32a2c84255ec"
down_revision = "c4f2a8d6e1b3"
branch_labels = None
depends_on = None

# Per table as this revision knows it: the columns the keys come from, the key columns, and
# the app's function computing them.
NEW_KEYS = {
    "work_address": (
        ("address_line_1", "postcode", "occupier_surname"),
        ("address_line_1_key", "postcode_key", "occupier_key"),
        work_address_keys,
    ),
    "contact": (("first_name", "surname"), ("surname_key", "full_name_key"), person_keys),
}


def upgrade():
    connection = op.get_bind()
    for table_name, (sources, keys, compute) in NEW_KEYS.items():
        with op.batch_alter_table(table_name, schema=None) as batch_op:
            for name in keys:
                batch_op.add_column(
                    sa.Column(name, sa.String(length=NAME_KEY_LENGTH), nullable=True)
                )
        table = sa.table(
            table_name,
            sa.column("id", sa.Integer),
            *(sa.column(name, sa.String) for name in (*sources, *keys)),
        )
        backfill(connection, table, sources, lambda row, compute=compute: compute(*row[1:]))
        with op.batch_alter_table(table_name, schema=None) as batch_op:
            for name in keys:
                batch_op.create_index(batch_op.f(f"ix_{table_name}_{name}"), [name], unique=False)


def downgrade():
    # On SQLite this rebuilds both tables; migrations/env.py turns foreign keys off meanwhile.
    for table_name, (_, keys, _) in NEW_KEYS.items():
        with op.batch_alter_table(table_name, schema=None) as batch_op:
            for name in reversed(keys):
                batch_op.drop_index(batch_op.f(f"ix_{table_name}_{name}"))
                batch_op.drop_column(name)
