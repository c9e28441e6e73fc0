"""For migrations that add derived columns: compute them for the rows already there, with the
app's own (pure) key functions, a batch of ids at a time."""

import sqlalchemy as sa

BATCH_SIZE = 1000


def backfill(connection, table, sources, keys) -> None:
    """Set on every row of `table` the columns `keys(row)` returns; `row` holds the id and the
    columns named in `sources`."""
    read = sa.select(table.c.id, *(table.c[name] for name in sources)).order_by(table.c.id)
    new_columns = None
    last_id = 0
    while rows := connection.execute(read.where(table.c.id > last_id).limit(BATCH_SIZE)).all():
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


def _prefixed(values: dict) -> dict:
    return {f"new_{name}": value for name, value in values.items()}
