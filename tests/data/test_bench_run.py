"""The benchmark keeps working: bench.generate at small scale, then bench.run's quick mode, with
the stock Flask-Admin comparison, in-process and over HTTP. Its figures mean little here; that
every case runs, succeeds and is reported, and that our pages stay within their statement
bounds, does.

On PostgreSQL (TEST_DATABASE_URL) the benchmark gets a database of its own, dropped at the end
(tests/generated.py).
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from bench.measure import Sample, interleaved
from bench.run import QUICK, Settings, run
from tests.generated import generated_database

pytestmark = pytest.mark.slow  # a generated database and a run of the benchmark

# Most statements one request may send, by the start of the case's name: the same whatever
# the data, so a new N+1 shows here.
STATEMENT_BOUNDS = {
    "Customer list": 10,
    "Search everywhere": 12,  # six kinds, the customers' contacts and phones (what matched)
    "Search": 10,
    "Record page": 25,  # the page with its first tab, or one tab opened
    "Customer edit form": 15,
    "Work create form": 5,
    "Customer AJAX lookup": 3,
    "Statement PDF": 10,
    "Related records": 3,
}


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    """A freshly generated benchmark database: 50 customers plus the benchmark's own."""
    with generated_database(tmp_path_factory.mktemp("bench"), customers=50) as (url, _counts):
        yield url


@pytest.fixture(scope="module")
def output(tmp_path_factory):
    return tmp_path_factory.mktemp("results") / "RESULTS.md"


@pytest.fixture(scope="module")
def report(database, output):
    settings = replace(Settings(**QUICK), repeat=1, import_rows=500)
    return run(database, settings, output)


def test_every_case_runs_and_succeeds(report):
    assert report.failures == []
    for row in report.pages:
        assert row.ours.ran and row.ours.status == 200, row.case.name
        assert row.ours_http.ran and row.ours_http.status == 200, row.case.name
        if row.case.stock:
            assert row.stock.ran and row.stock.status == 200, row.case.name
            assert row.stock_http.ran and row.stock_http.status == 200, row.case.name
    assert all(op.result.ran for op in report.operations)


def test_the_report_file_shows_every_case_beside_stock(report, output):
    written = output.read_text()
    assert written == report.markdown()
    for name in [row.case.name for row in report.pages] + [op.name for op in report.operations]:
        assert f"| {name} |" in written
    compared = [row for row in report.pages if row.case.stock]
    assert len(compared) >= 9
    assert written.count("×") >= 2 * len(compared)  # a ratio per compared page, per table
    assert "Database URL" in written and "CPU" in written


def test_our_pages_stay_within_their_statement_bounds(report):
    measured = {row.case.name: row.ours.statements for row in report.pages}
    measured.update({op.name: op.result.statements for op in report.operations})
    for name, statements in measured.items():
        bound = next((b for start, b in STATEMENT_BOUNDS.items() if name.startswith(start)), None)
        if bound is not None:
            assert statements <= bound, f"{name}: {statements} statements"


def test_pages_are_measured_in_rounds_and_a_failing_page_stops_alone():
    calls = []

    def page(name: str, status: int = 200):
        def run_once() -> Sample:
            calls.append(name)
            return Sample(0.01, 1, status=status if len(calls) > 3 else 200)

        return run_once

    list_page, broken, record = interleaved([page("list"), page("broken", 500), page("record")], 3)
    # the warm-ups, then rounds of every page once; the broken one stops at its first failure
    assert calls == [
        "list",
        "broken",
        "record",
        "list",
        "broken",
        "record",
        "list",
        "record",
        "list",
        "record",
    ]
    assert len(list_page.samples) == len(record.samples) == 3
    assert broken.failed and broken.status == 500
