"""Writing many rows at once, for imports: ids handed out up front, rows sent in bulk.

The ORM's unit of work costs ~1 ms a row; INSERT … RETURNING in parameter order makes SQLAlchemy
send one statement a row on SQLite, and psycopg spends seconds rewriting the placeholders of
huge multi-row INSERTs. So ids come from the table's sequence (PostgreSQL) or after its last
row (SQLite, whose single writer lock the caller's transaction already holds), and rows go by
COPY on PostgreSQL and by executemany elsewhere. Neither applies the model's Python-side
defaults: the caller gives every value. The caller owns the transaction.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import Table, func, select, text
from sqlalchemy.orm import Session

SQLITE_BULK_CACHE_KIB = 32 * 1024


def allocate_ids(session: Session, table: Table, count: int) -> list[int]:
    """`count` unused primary keys for `table`. On SQLite the transaction must already have
    written (so it holds the database's write lock); see the module's docstring."""
    if count == 0:
        return []
    connection = session.connection()
    key = table.primary_key.columns.values()[0]
    if connection.dialect.name == "postgresql":
        return list(
            session.scalars(
                text(
                    "SELECT nextval(pg_get_serial_sequence(:table, :column)) "
                    "FROM generate_series(1, :count)"
                ),
                {"table": table.name, "column": key.name, "count": count},
            )
        )
    if connection.dialect.name != "sqlite":
        raise NotImplementedError(f"allocate_ids does not know {connection.dialect.name}")
    last = session.scalar(select(func.coalesce(func.max(key), 0)))
    return list(range(last + 1, last + 1 + count))


@contextmanager
def bulk_writes(session: Session) -> Iterator[None]:
    """Around a run of bulk_insert calls. On SQLite the connection's page cache grows for
    them: its default 2 MB is far smaller than the indexes the rows go into, so their pages
    are evicted and read back over and over (a quarter of the inserting time of a 100,000-row
    import). The cache is put back as it was afterwards."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        yield
        return
    previous = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size=-{SQLITE_BULK_CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size={previous}")


def bulk_insert(session: Session, table: Table, rows: list[dict], same: dict | None = None) -> None:
    """Inserts rows that all have the same keys, and the `same` values in each of them (where
    a row has no value of its own), without reading anything back."""
    if not rows:
        return
    same = {key: value for key, value in (same or {}).items() if key not in rows[0]}
    connection = session.connection()
    if connection.dialect.name == "postgresql" and connection.dialect.driver == "psycopg":
        _copy(connection, table, rows, same)
    elif connection.dialect.name == "sqlite":
        _executemany(connection, table, rows, same)
    else:
        connection.execute(table.insert(), [{**same, **row} for row in rows])


def _copy(connection, table: Table, rows: list[dict], same: dict) -> None:
    preparer = connection.dialect.identifier_preparer
    columns = list(rows[0])
    shared = [_plain(value) for value in same.values()]
    statement = (
        f"COPY {preparer.format_table(table)} "
        f"({', '.join(preparer.quote(column) for column in [*columns, *same])}) FROM STDIN"
    )
    cursor = connection.connection.driver_connection.cursor()
    try:
        with cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row([*(_plain(row[column]) for column in columns), *shared])
    finally:
        cursor.close()


def _executemany(connection, table: Table, rows: list[dict], same: dict) -> None:
    """One INSERT, its values converted as SQLAlchemy would (the column types' bind
    processors) and the shared ones once for all rows: SQLAlchemy's own executemany makes
    every parameter of every row anew, ~10 µs a row, a fifth of a large import's time."""
    dialect = connection.dialect
    preparer = dialect.identifier_preparer
    columns = list(rows[0])
    processors = [_bind_processor(table.c[column], dialect) for column in columns]
    converted = [(index, process) for index, process in enumerate(processors) if process]
    shared = []
    for key, value in same.items():
        process = _bind_processor(table.c[key], dialect)
        shared.append(process(value) if process else value)
    parameters = []
    for row in rows:
        values = [row[column] for column in columns]
        for index, process in converted:
            values[index] = process(values[index])
        parameters.append((*values, *shared))
    names = ", ".join(preparer.quote(column) for column in [*columns, *same])
    marks = ", ".join(["?"] * (len(columns) + len(same)))
    # Only the table's own names, quoted, go into the text; the values go as parameters.
    statement = f"INSERT INTO {preparer.format_table(table)} ({names}) VALUES ({marks})"  # noqa: S608
    connection.exec_driver_sql(statement, parameters)


def _bind_processor(column, dialect) -> Callable | None:
    """The column type's conversion of a Python value into what the driver takes, if any."""
    return column.type.dialect_impl(dialect).bind_processor(dialect)


def _plain(value):
    if isinstance(value, dict | list):  # a JSON column's value (custom fields)
        return json.dumps(value)
    return value.value if isinstance(value, enum.Enum) else value
