"""Search keys on customers and reversed digits on phone numbers; a trigram index on PostgreSQL

Revision ID: 7c3f1a9e5d20
Revises: 408d8195df94
Create Date: 2026-11-22 10:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

from migrations.backfill import backfill
from models.search import (
    CUSTOMER_KEY_SOURCES,
    EMAIL_KEY_LENGTH,
    NAME_KEY_LENGTH,
    customer_keys,
    reversed_digits,
)

# revision identifiers, used by Alembic.
revision = "7c3f1a9e5d20"
down_revision = "408d8195df94"
branch_labels = None
depends_on = None

NAME_KEYS = ("surname_key", "company_key", "full_name_key", "postcode_key")

# The tables as this revision knows them, not as the models may look later.
customer = sa.table(
    "customer",
    sa.column("id", sa.Integer),
    *(sa.column(name, sa.String) for name in CUSTOMER_KEY_SOURCES),
    *(sa.column(name, sa.String) for name in (*NAME_KEYS, "email_key")),
)
phone_number = sa.table(
    "phone_number",
    sa.column("id", sa.Integer),
    sa.column("digits", sa.String),
    sa.column("digits_reversed", sa.String),
)


def upgrade():
    with op.batch_alter_table("customer", schema=None) as batch_op:
        for name in NAME_KEYS:
            batch_op.add_column(sa.Column(name, sa.String(length=NAME_KEY_LENGTH), nullable=True))
        batch_op.add_column(
            sa.Column("email_key", sa.String(length=EMAIL_KEY_LENGTH), nullable=True)
        )
    with op.batch_alter_table("phone_number", schema=None) as batch_op:
        batch_op.add_column(sa.Column("digits_reversed", sa.String(length=20), nullable=True))

    connection = op.get_bind()
    backfill(connection, customer, CUSTOMER_KEY_SOURCES, lambda row: customer_keys(*row[1:]))
    backfill(
        connection,
        phone_number,
        ("digits",),
        lambda row: {"digits_reversed": reversed_digits(row.digits)},
    )

    with op.batch_alter_table("customer", schema=None) as batch_op:
        for name in (*NAME_KEYS, "email_key"):
            batch_op.create_index(batch_op.f(f"ix_customer_{name}"), [name], unique=False)
    with op.batch_alter_table("phone_number", schema=None) as batch_op:
        batch_op.alter_column("digits_reversed", existing_type=sa.String(length=20), nullable=False)
        batch_op.create_index(
            batch_op.f("ix_phone_number_digits_reversed"), ["digits_reversed"], unique=False
        )
    if connection.dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.create_index(
            "ix_phone_number_digits_trgm",
            "phone_number",
            ["digits"],
            postgresql_using="gin",
            postgresql_ops={"digits": "gin_trgm_ops"},
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_phone_number_digits_trgm", table_name="phone_number")
    with op.batch_alter_table("phone_number", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_phone_number_digits_reversed"))
        batch_op.drop_column("digits_reversed")
    with op.batch_alter_table("customer", schema=None) as batch_op:
        for name in ("email_key", *reversed(NAME_KEYS)):
            batch_op.drop_index(batch_op.f(f"ix_customer_{name}"))
            batch_op.drop_column(name)
