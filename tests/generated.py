"""A database filled by bench.generate, for the tests of the benchmarks and the load test."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from bench.generate import generate


@contextmanager
def generated_database(folder: Path, customers: int, seed: int = 1) -> Iterator[tuple[str, dict]]:
    """(URL, what `generate` returned): a file in `folder` on SQLite or, when TEST_DATABASE_URL
    names a PostgreSQL server, a database of its own there, dropped afterwards."""
    server = os.environ.get("TEST_DATABASE_URL", "")
    if not server.startswith("postgresql"):
        url = f"sqlite:///{folder / 'generated.db'}"
        yield url, generate(url, customers, seed=seed)
        return
    database = make_url(server).set(database=f"cr_generated_{secrets.token_hex(4)}")
    url = database.render_as_string(hide_password=False)
    try:
        yield url, generate(url, customers, seed=seed)
    finally:
        engine = create_engine(database.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.exec_driver_sql(
                f'DROP DATABASE IF EXISTS "{database.database}" WITH (FORCE)'
            )
        engine.dispose()
