"""Writing many rows at once, for imports: ids handed out up front, rows sent in bulk.

The ORM's unit of work costs ~1 ms a row; INSERT … RETURNING in parameter order makes SQLAlchemy
send one statement a row on SQLite, and psycopg spends seconds rewriting the placeholders of
huge multi-row INSERTs. So ids come from the table's sequence (PostgreSQL) or after its last
row (SQLite, whose single writer lock the caller's transaction already holds), and rows go by
COPY on PostgreSQL and by executemany elsewhere. The caller owns the transaction.
"""

from __future__ import annotations

import enum

from sqlalchemy import Table, func, select, text
from sqlalchemy.orm import Session


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


def bulk_insert(session: Session, table: Table, rows: list[dict]) -> None:
    """Inserts rows that all have the same keys, without reading anything back."""
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name == "postgresql" and connection.dialect.driver == "psycopg":
        _copy(connection, table, rows)
    else:
        connection.execute(table.insert(), rows)


def _copy(connection, table: Table, rows: list[dict]) -> None:
    preparer = connection.dialect.identifier_preparer
    columns = list(rows[0])
    statement = (
        f"COPY {preparer.format_table(table)} "
        f"({', '.join(preparer.quote(column) for column in columns)}) FROM STDIN"
    )
    cursor = connection.connection.driver_connection.cursor()
    try:
        with cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row([_plain(row[column]) for column in columns])
    finally:
        cursor.close()


def _plain(value):
    return value.value if isinstance(value, enum.Enum) else value
