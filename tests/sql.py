"""Counting the SQL statements a piece of code sends: the tests' check against N+1."""

import re
from contextlib import contextmanager

from sqlalchemy import event

from extensions import db

# Each test runs inside a transaction that every session joins with a SAVEPOINT (conftest):
# those statements are the harness's, not the code's.
HARNESS = re.compile(r"(RELEASE |ROLLBACK TO )?SAVEPOINT ")


@contextmanager
def counting_statements():
    """Collects every statement sent to the app's database while the block runs."""
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        if not HARNESS.match(statement):
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
