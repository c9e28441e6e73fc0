"""Search keys on customers and reversed digits on phone numbers; a trigram index on PostgreSQL

Revision ID: 7c3f1a9e5d20
Revises: 408d8195df94
Create Date: 2026-11-22 10:00:00.000000

"""

import re
import unicodedata

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "7c3f1a9e5d20"
down_revision = "408d8195df94"
branch_labels = None
depends_on = None

NAME_KEYS = ("surname_key", "company_key", "full_name_key", "postcode_key")

# The key rules this revision applies, copied from models/search.py and models/related.py (and
# the batched backfill from migrations/backfill.py) so that a later change to the app's rules
# cannot change what this migration writes.
_NAME_KEY_LENGTH = 80
_EMAIL_KEY_LENGTH = 254
_CUSTOMER_KEY_SOURCES = ("first_name", "surname", "company_name", "postcode", "email")
_BATCH_SIZE = 1000

_NOT_KEY = re.compile(r"[^0-9a-z]")


def _fold(text):
    """Lower-case, accents dropped, whitespace collapsed: "  José\tSMITH " -> "jose smith"."""
    plain = text or ""
    if not plain.isascii():
        decomposed = unicodedata.normalize("NFKD", plain)
        plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.casefold().split())


def _fold_key(text):
    """Lower-case letters and digits only, accents dropped: "O'Brien-Smyth" -> "obriensmyth"."""
    return _NOT_KEY.sub("", _fold(text))


def _name_search_key(text):
    """A key column's value: folded and cut to the column's width, None when nothing is left."""
    return _fold_key(text)[:_NAME_KEY_LENGTH] or None


def _person_keys(first_name, surname):
    """The name key columns of a customer or a contact: surname, and first name with surname."""
    return {
        "surname_key": _name_search_key(surname),
        "full_name_key": _name_search_key(f"{first_name}{surname or ''}") if first_name else None,
    }


def _customer_keys(first_name, surname, company_name, postcode, email):
    """The search key columns for a customer with these fields (None where a field is blank)."""
    names = _person_keys(first_name, surname)
    email_key = (email or "").strip().lower()
    return {
        "surname_key": names["surname_key"],
        "company_key": _name_search_key(company_name),
        "full_name_key": names["full_name_key"],
        "postcode_key": _name_search_key(postcode),
        "email_key": email_key[:_EMAIL_KEY_LENGTH] or None,
    }


def _reversed_digits(digits):
    """The digits back to front: a number's last digits become a prefix an index can find."""
    return (digits or "")[::-1]


def _backfill(connection, table, sources, keys):
    """Set on every row of `table` the columns `keys(row)` returns, a batch of ids at a time;
    `row` holds the id and the columns named in `sources`."""
    read = sa.select(table.c.id, *(table.c[name] for name in sources)).order_by(table.c.id)
    new_columns = None
    last_id = 0
    while rows := connection.execute(read.where(table.c.id > last_id).limit(_BATCH_SIZE)).all():
        values = [{"row_id": row.id, **_prefixed(keys(row))} for row in rows]
        new_columns = new_columns or list(keys(rows[0]))
        # A bind parameter may not share its column's name in an UPDATE … SET.
        write = (
            sa.update(table)
            .where(table.c.id == sa.bindparam("row_id"))
            .values({name: sa.bindparam(f"new_{name}") for name in new_columns})
        )
        connection.execute(write, values)
        last_id = rows[-1].id


def _prefixed(values):
    return {f"new_{name}": value for name, value in values.items()}


# The tables as this revision knows them, not as the models may look later.
customer = sa.table(
    "customer",
    sa.column("id", sa.Integer),
    *(sa.column(name, sa.String) for name in _CUSTOMER_KEY_SOURCES),
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
            batch_op.add_column(sa.Column(name, sa.String(length=_NAME_KEY_LENGTH), nullable=True))
        batch_op.add_column(
            sa.Column("email_key", sa.String(length=_EMAIL_KEY_LENGTH), nullable=True)
        )
    with op.batch_alter_table("phone_number", schema=None) as batch_op:
        batch_op.add_column(sa.Column("digits_reversed", sa.String(length=20), nullable=True))

    connection = op.get_bind()
    _backfill(connection, customer, _CUSTOMER_KEY_SOURCES, lambda row: _customer_keys(*row[1:]))
    _backfill(
        connection,
        phone_number,
        ("digits",),
        lambda row: {"digits_reversed": _reversed_digits(row.digits)},
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
