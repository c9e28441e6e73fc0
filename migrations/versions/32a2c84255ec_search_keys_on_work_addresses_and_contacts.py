"""Search keys on work addresses and contacts: the work-address lookup and the customer search by contact name use indexes

Revision ID: 32a2c84255ec
Revises: c4f2a8d6e1b3
Create Date: 2026-11-22 14:00:00.000000

"""

import re
import unicodedata

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "32a2c84255ec"
down_revision = "c4f2a8d6e1b3"
branch_labels = None
depends_on = None

# The key rules this revision applies, copied from models/search.py and models/related.py (and
# the batched backfill from migrations/backfill.py) so that a later change to the app's rules
# cannot change what this migration writes.
_NAME_KEY_LENGTH = 80
_OCCUPIER = "Occupier"  # a work address's occupier surname when nobody is named
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


def _work_address_keys(address_line_1, postcode, occupier_surname):
    """The search key columns for a work address. The placeholder occupier ("Occupier", most
    addresses) gets no key: "occ" would offer every such address, in no useful order."""
    occupier = _name_search_key(occupier_surname)
    return {
        "address_line_1_key": _name_search_key(address_line_1),
        "postcode_key": _name_search_key(postcode),
        "occupier_key": None if occupier == _fold_key(_OCCUPIER) else occupier,
    }


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


# Per table as this revision knows it: the columns the keys come from, the key columns, and
# the function computing them.
NEW_KEYS = {
    "work_address": (
        ("address_line_1", "postcode", "occupier_surname"),
        ("address_line_1_key", "postcode_key", "occupier_key"),
        _work_address_keys,
    ),
    "contact": (("first_name", "surname"), ("surname_key", "full_name_key"), _person_keys),
}


def upgrade():
    connection = op.get_bind()
    for table_name, (sources, keys, compute) in NEW_KEYS.items():
        with op.batch_alter_table(table_name, schema=None) as batch_op:
            for name in keys:
                batch_op.add_column(
                    sa.Column(name, sa.String(length=_NAME_KEY_LENGTH), nullable=True)
                )
        table = sa.table(
            table_name,
            sa.column("id", sa.Integer),
            *(sa.column(name, sa.String) for name in (*sources, *keys)),
        )
        _backfill(connection, table, sources, lambda row, compute=compute: compute(*row[1:]))
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
