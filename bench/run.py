"""The panel's benchmark, measured against stock Flask-Admin in the same run.

    python -m bench.run --database-url URL [--repeat 20] [--output bench/RESULTS.md]
                        [--no-stock] [--quick] [--import-rows 100000] [--only TEXT]

On a database made by `python -m bench.generate`: each page in-process and over HTTP (median
and p95 server time, round trip, SQL statements, size, status), the domain operations (related
records, merge, CSV import, export) in rolled-back transactions, and the same pages on stock
Flask-Admin views (bench/stock.py), each within a time budget. Prints a Markdown report, writes
it to --output, and exits non-zero when any case failed.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, replace
from http.client import HTTPException
from importlib.metadata import version
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from app import create_app

from . import operations
from .cases import Terms, page_cases, pick_terms
from .generate import BENCH_EMAIL, BENCH_PASSWORD, LARGEST_CUSTOMER_ID, MERGE_PAIR
from .measure import (
    CSRF_TOKEN,
    SLOW_WARMUP_SECONDS,
    HttpClient,
    HttpServer,
    Result,
    budgeted,
    in_process,
    instrument,
    interleaved,
    measure_abandonable,
    presence_form,
)
from .report import PageRow, Report, machine, speed_check
from .stock import add_stock_admin


@dataclass(frozen=True)
class Settings:
    repeat: int = 20  # counted runs of each page and of the related-records lookup
    operation_repeat: int = 3  # of merge, import and export, which take up to seconds
    import_rows: int = 100_000
    stock: bool = True
    stock_runs: int = 3  # at most, within stock_budget seconds
    stock_budget: float = 20.0
    only: str | None = None  # measure only the pages whose name holds this, and no operations
    stock_limit: float = 60.0  # a stock page still running after this is abandoned
    http_timeout: float = 60.0

    @property
    def stock_http_max(self) -> float:
        """Stock pages slower than this in-process are not requested again over HTTP."""
        return self.stock_budget / 2


QUICK = {"repeat": 3, "operation_repeat": 1, "import_rows": 1_000, "stock_runs": 1}


def build_app(database_url: str, stock: bool) -> Flask:
    # The benchmark's admin logs in with a password alone: it has no phone for a second factor.
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "REQUIRE_2FA": "none"})
    if stock:
        add_stock_admin(app)
    instrument(app)
    return app


def log_in(app: Flask, email: str, password: str) -> FlaskClient:
    client = app.test_client()
    token = CSRF_TOKEN.search(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token and token.group(1)},
    )
    if response.status_code != 302:
        raise SystemExit(f"Cannot log in as {email}: was the database made by bench.generate?")
    return client


def progress(what: str, name: str, result: Result | None) -> None:
    if result is None:
        return
    if result.ran and not result.failed:
        figure = f"{result.median() * 1000:,.1f} ms" + (f" ({result.note})" if result.note else "")
    elif result.over_limit is not None:
        figure = f"> {result.over_limit:g} s, abandoned"
    else:
        figure = result.error or f"FAILED, status {result.status}"
    print(f"  {what:<10} {name}: {figure}", file=sys.stderr, flush=True)


def run(
    database_url: str,
    settings: Settings | None = None,
    output: Path | None = None,
    email: str = BENCH_EMAIL,
    password: str = BENCH_PASSWORD,
) -> Report:
    """Every case, in this order: ours in-process, the operations, stock in-process, then all
    pages over HTTP (the stock children are forked before the server thread exists)."""
    settings = settings or Settings()
    load_at_start, speed_at_start = os.getloadavg(), speed_check()
    app = build_app(database_url, settings.stock)
    client = log_in(app, email, password)
    terms = pick_terms(app)
    cases = page_cases(app, terms, settings.stock)
    if settings.only:
        cases = [case for case in cases if settings.only.lower() in case.name.lower()]
    rows = [PageRow(case, Result()) for case in cases]
    forms = presence_forms(client, rows)
    runs = [lambda c=row.case: in_process(client, c.ours, forms.get(c.name)) for row in rows]
    for row, result in zip(rows, interleaved(runs, settings.repeat), strict=True):
        row.ours = result
        progress("ours", row.case.name, row.ours)
    ops = [] if settings.only else list(measure_operations(app, email, terms, settings))
    if settings.stock:
        for row in rows:
            if row.case.stock:
                row.stock = measure_abandonable(
                    app,
                    lambda c=row.case: in_process(client, c.stock),
                    settings.stock_runs,
                    settings.stock_budget,
                    settings.stock_limit,
                )
                progress("stock", row.case.name, row.stock)
    over_http(app, client, rows, settings, forms)

    report = Report(
        machine(app, database_url, load_at_start, speed_at_start), rows, ops, notes(settings, terms)
    )
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(report.markdown())
    return report


def measure_operations(
    app: Flask, email: str, terms: Terms, settings: Settings
) -> Iterator[operations.Operation]:
    """Related records, merge, import and export, each reported as it finishes."""
    for measure in (
        lambda: operations.related(app, email, LARGEST_CUSTOMER_ID, settings.repeat),
        lambda: operations.merge(app, email, MERGE_PAIR, settings.operation_repeat),
        lambda: operations.address_import(
            app, email, terms.customer_id, settings.import_rows, settings.operation_repeat
        ),
        lambda: operations.export(app, email, LARGEST_CUSTOMER_ID, settings.operation_repeat),
    ):
        operation = measure()
        progress("operation", operation.name, operation.result)
        yield operation


def presence_forms(client: FlaskClient, rows: list[PageRow]) -> dict[str, dict[str, str]]:
    """The heartbeat cases' forms, from their pages served once to this login."""
    return {
        row.case.name: presence_form(client, row.case.posts_presence_of)
        for row in rows
        if row.case.posts_presence_of
    }


def over_http(
    app: Flask, client: FlaskClient, rows: list[PageRow], settings: Settings, forms: dict
) -> None:
    """Each page again on a real server, with the test client's login cookie."""
    cookie_name = app.config["SESSION_COOKIE_NAME"]
    cookie = f"{cookie_name}={client.get_cookie(cookie_name).value}"
    with HttpServer(app) as server:
        http = HttpClient(server.port, cookie, settings.http_timeout)
        runs = [lambda c=row.case: http.get(c.ours, forms.get(c.name)) for row in rows]
        for row, result in zip(rows, interleaved(runs, settings.repeat), strict=True):
            row.ours_http = result
            progress("ours/http", row.case.name, row.ours_http)
        for row in rows:
            if row.stock is not None:
                _stock_over_http(row, http, settings)
        http.close()


def _stock_over_http(row: PageRow, http: HttpClient, settings: Settings) -> None:
    """The stock page over HTTP, unless in-process showed it too slow to ask again."""
    stock = row.stock
    if stock.over_limit is not None or stock.failed or not stock.ran:
        row.stock_http_note = "not requested: see in-process"
    elif stock.median() > settings.stock_http_max:
        row.stock_http_note = f"not requested: {stock.median():,.0f} s in-process"
    else:
        try:
            row.stock_http = budgeted(
                lambda: http.get(row.case.stock), settings.stock_runs, settings.stock_budget
            )
        except TimeoutError:
            row.stock_http = Result(over_limit=settings.http_timeout)
        except (OSError, HTTPException) as error:
            row.stock_http = Result(error=f"{type(error).__name__}: {error}")
        progress("stock/http", row.case.name, row.stock_http)


def notes(settings: Settings, terms: Terms) -> list[str]:
    flask_admin = version("Flask-Admin")
    return [
        f"Ours: one warm-up request, then {settings.repeat} counted, in rounds of every page "
        "once (a slow spell of a shared machine lands on every page alike); merge, import and "
        "export "
        f"{settings.operation_repeat} counted runs after a warm-up (the import's on "
        f"{operations.WARM_UP_ROWS:,} rows). SQL is the most statements any run sent; KB the "
        "response body (the export: the ZIP).",
        "In-process server time is the time around the test client's request. Over HTTP, "
        "server time is the app's own (a Server-Timing header set by the benchmark's "
        "before/after_request pair); round trip is request sent to last byte read.",
        f"Stock: Flask-Admin {flask_admin} `contrib.sqla.ModelView`s (bench/stock.py) on the "
        "same models and session: default forms (every relationship a dropdown of its whole "
        "table), `column_searchable_list` = surname, first name, company name, postcode, "
        "email and `phones.digits` (a join), login required, nothing else. "
        f"Each stock case: a warm-up, then at most {settings.stock_runs} counted run(s) within "
        f"{settings.stock_budget:g} s; a warm-up over {SLOW_WARMUP_SECONDS:g} s is the only run "
        f"(“1 run”); a page still running after {settings.stock_limit:g} s is abandoned. Stock "
        f"pages slower than {settings.stock_http_max:g} s in-process are not requested over "
        "HTTP.",
        f"Search terms from customer {terms.customer_id}: surname prefix "
        f"“{terms.surname_prefix}”, postcode “{terms.postcode}”, email prefix "
        f"“{terms.email_prefix}”, phone digits “{terms.phone_fragment}”.",
        "The stock record page is Flask-Admin's details view: the customer's own columns, no "
        "tabs, so it is not like for like with ours (tabs, side panel, balance).",
        "Related records: the Related tab has no URL of its own; the figure is what the record "
        "page runs for it (its count and the closest matches, models/customers/related.py).",
        "Merge, import and export call the domain functions (models/customers/merge.py, "
        "models/data/address_import.py, models/data/export.py) in a transaction rolled back "
        "afterwards, so every run and the stock comparison see the same data.",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--repeat", type=int, help="counted runs per page (20; --quick: 3)")
    parser.add_argument("--output", type=Path, default=Path("bench/RESULTS.md"))
    parser.add_argument("--no-stock", action="store_true", help="skip stock Flask-Admin")
    parser.add_argument("--quick", action="store_true", help="few runs, small import (CI)")
    parser.add_argument("--import-rows", type=int, help="rows in the CSV import (100,000)")
    parser.add_argument("--stock-limit", type=float, help="seconds before a stock page is dropped")
    parser.add_argument("--only", help="measure only the pages whose name holds this text")
    args = parser.parse_args(argv)
    settings = Settings(**QUICK) if args.quick else Settings()
    chosen = {
        "repeat": args.repeat,
        "import_rows": args.import_rows,
        "stock_limit": args.stock_limit,
        "only": args.only,
    }
    settings = replace(
        settings,
        stock=not args.no_stock,
        **{name: value for name, value in chosen.items() if value is not None},
    )
    report = run(args.database_url, settings, args.output)
    print(report.markdown())
    if report.failures:
        print("Failed: " + "; ".join(report.failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
