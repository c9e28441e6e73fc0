"""Normalised name and address keys on customers for related-record matching

Revision ID: 5b7e2f0c9a41
Revises: 2c26c2484f74
Create Date: 2026-11-22 08:00:00.000000

"""

import re
import unicodedata

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5b7e2f0c9a41"
down_revision = "2c26c2484f74"
branch_labels = None
depends_on = None

BATCH_SIZE = 1000

# The key rules this revision applies, copied from models/related.py so that a later change
# to the app's rules cannot change what this migration writes.
_KEY_LENGTH = 255

_STREET_WORDS = {
    "rd": "road",
    "st": "street",
    "ave": "avenue",
    "ln": "lane",
    "dr": "drive",
    "ct": "court",
    "pl": "place",
    "sq": "square",
}

_APOSTROPHES = re.compile(r"['\u2019`]")
_NOT_WORD = re.compile(r"[\W_]+")
_NOT_ALNUM = re.compile(r"[^0-9A-Z]")


def _fold(text):
    """Lower-case, accents dropped, whitespace collapsed: "  José\tSMITH " -> "jose smith"."""
    plain = text or ""
    if not plain.isascii():
        decomposed = unicodedata.normalize("NFKD", plain)
        plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.casefold().split())


def _name_key(first_name, surname):
    """The key "first|surname"; None unless both names are given."""
    first, last = _fold(first_name), _fold(surname)
    if not (first and last):
        return None
    return f"{first}|{last}"[:_KEY_LENGTH]


def _address_line_key(line):
    """Address line 1 without punctuation and with street words spelled out in full."""
    words = _NOT_WORD.sub(" ", _APOSTROPHES.sub("", _fold(line))).split()
    return " ".join(_STREET_WORDS.get(word, word) for word in words)


def _postcode_key(postcode):
    """Upper-case letters and digits only: "m1 1aa" -> "M11AA"."""
    return _NOT_ALNUM.sub("", _fold(postcode).upper())


def _address_key(line_1, postcode):
    """The key "line 1|POSTCODE"; None unless both parts are given."""
    line, code = _address_line_key(line_1), _postcode_key(postcode)
    if not (line and code):
        return None
    return f"{line}|{code}"[:_KEY_LENGTH]


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
        batch_op.add_column(sa.Column("name_key", sa.String(length=_KEY_LENGTH), nullable=True))
        batch_op.add_column(sa.Column("address_key", sa.String(length=_KEY_LENGTH), nullable=True))
        batch_op.create_index(batch_op.f("ix_customer_name_key"), ["name_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_customer_address_key"), ["address_key"], unique=False)

    backfill_keys(op.get_bind())


def backfill_keys(connection):
    """Compute the keys for existing customers, a batch of ids at a time, with the rules above."""
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
                    "new_name_key": _name_key(row.first_name, row.surname),
                    "new_address_key": _address_key(row.address_line_1, row.postcode),
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
