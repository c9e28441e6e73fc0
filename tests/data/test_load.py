"""The load test at a small scale: gunicorn serving a few dozen customers to wrk for a few
seconds, logged in, with every response a 200 and no socket errors.

It runs bench/load.py as the full benchmark does, on SQLite (a file in the test's folder) or on
PostgreSQL when TEST_DATABASE_URL names a server (in a database of its own, dropped after).
"""

from __future__ import annotations

import os
import shutil

import pytest

from bench.load import Options, run
from tests.generated import generated_database

pytestmark = pytest.mark.slow  # a database, a generation or a server of its own

CUSTOMERS = 50


@pytest.fixture
def wrk():
    if shutil.which("wrk") is None:
        reason = "wrk is not installed (apt-get install wrk)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)


def test_the_panel_answers_every_request_under_load(wrk, tmp_path):
    with generated_database(tmp_path, CUSTOMERS) as (url, _counts):
        report = run(
            Options(
                database_url=url,
                duration=5,
                warm_up=1,
                workers=2,
                threads=2,
                connections=8,
            )
        )

    assert report.customers == CUSTOMERS
    assert report.mixed.not_200 == 0, "a page failed or the login was lost (redirect)"
    assert report.mixed.socket_errors == 0
    assert report.mixed.requests > 10
