"""Counting the SQL statements a piece of code sends: the tests' check against N+1."""

from contextlib import contextmanager

from sqlalchemy import event

from extensions import db


@contextmanager
def counting_statements():
    """Collects every statement sent to the app's database while the block runs."""
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
