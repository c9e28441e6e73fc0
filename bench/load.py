"""Load test of the panel: gunicorn serving real pages to wrk, logged in, on a real database.

    python -m bench.load --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_gen

Starts the panel under gunicorn (gthread workers) on a free loopback port, logs in as the bench
user the way a browser does (login page, CSRF token, form post), picks the pages staff open all
day from the database itself — customer list pages (first, middle, sorted by name), searches
by surname, postcode, email and phone taken from real rows, customer record pages and the tabs
opened on them — and lets wrk (bench/load.lua) request them for the given time. Prints a
markdown table (requests/s, latency percentiles, errors, machine) and adds it to bench/LOAD.md.
Any response but 200 is an error (a lost login is a redirect to the login page), and any error
makes the exit status 1.
The target at 100,000 customers on PostgreSQL: >= 200 requests/s, p99 <= 250 ms, no errors.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import platform
import random
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote_plus, urlencode

from sqlalchemy import create_engine, func, select

from bench.generate import BENCH_EMAIL, BENCH_PASSWORD
from bench.measure import CSRF_TOKEN
from bench.report import cpu_name, database_version, memory_gigabytes
from models import Customer, PhoneNumber

ROOT = Path(__file__).resolve().parent.parent
LUA_SCRIPT = Path(__file__).with_name("load.lua")
REPORT = Path(__file__).with_name("LOAD.md")
WRK_THREADS = 2
TARGET_RPS = 200
TARGET_P99_MS = 250
SORT_BY_NAME = re.compile(r'href="([^"]*\bsort=\d+[^"]*)"[^>]*title="Sort by Name"')
LIST_PATH = "/admin/customer/"
SAMPLE = 200  # customers whose names, postcodes, emails, phones and records are asked for


class LoadError(RuntimeError):
    """The load test could not run (the panel did not start, the login failed, no wrk …)."""


@dataclass
class Options:
    database_url: str
    duration: int = 60
    warm_up: int = 5  # seconds of load first, not measured: each worker compiles its templates
    workers: int = 2
    threads: int = 4
    connections: int = 16
    email: str = BENCH_EMAIL
    password: str = BENCH_PASSWORD
    per_kind: int = 0  # seconds of wrk on each page kind alone, after the mixed run
    seed: int = 1


@dataclass
class WrkResult:
    """What bench/load.lua printed: one run of wrk."""

    requests: int
    seconds: float
    requests_per_second: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    not_200: int
    redirects: int
    non_2xx_3xx: int
    socket_errors: int
    timeouts: int

    @property
    def errors(self) -> int:
        return self.not_200 + self.socket_errors


@dataclass
class LoadReport:
    options: Options
    mixed: WrkResult
    customers: int
    paths: int
    database: str
    load_average: tuple[float, float]  # the machine's, before and after: others' work shows
    per_kind: dict[str, WrkResult] = field(default_factory=dict)

    @property
    def errors(self) -> int:
        return self.mixed.errors + sum(r.errors for r in self.per_kind.values())

    @property
    def target_met(self) -> bool:
        return (
            self.mixed.requests_per_second >= TARGET_RPS
            and self.mixed.p99_ms <= TARGET_P99_MS
            and self.errors == 0
        )


# -- the panel under gunicorn --------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _sqlalchemy_url(url: str) -> str:
    """`postgresql://…` as psql takes it means psycopg 3 here, the driver the app installs."""
    return re.sub(r"^postgres(ql)?://", "postgresql+psycopg://", url)


@contextlib.contextmanager
def panel(database_url: str, workers: int, threads: int):
    """Run the panel under gunicorn on a free port; yield the port; stop it, also on failure."""
    port = free_port()
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_hex(32),
        "REQUIRE_2FA": "none",  # the benchmark's admin has no phone for a second factor
        "LOGIN_RATE_LIMIT": "1000 per minute",  # wrk's logins all come from one address
    }
    command = [
        sys.executable, "-m", "gunicorn",
        "--worker-class", "gthread",
        "--workers", str(workers),
        "--threads", str(threads),
        "--bind", f"127.0.0.1:{port}",
        "--graceful-timeout", "10",
        "--no-control-socket",  # a throwaway server; two runs at once would share its socket
        "app:create_app()",
    ]  # fmt: skip
    with tempfile.TemporaryFile("w+") as log:
        server = subprocess.Popen(  # noqa: S603 (our own command line)
            command, cwd=ROOT, env=environment, stdout=log, stderr=log
        )
        try:
            _wait_until_up(server, port)
            yield port
        except BaseException:
            log.seek(0)
            sys.stderr.write("gunicorn said:\n" + log.read()[-4000:])
            raise
        finally:
            server.terminate()  # gunicorn's graceful stop: workers finish their requests
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def _wait_until_up(server: subprocess.Popen, port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise LoadError(f"gunicorn exited with status {server.returncode}")
        with contextlib.suppress(OSError):
            if _request(port, "GET", "/login").status == 200:
                return
        time.sleep(0.2)
    raise LoadError(f"the panel did not answer on port {port} within {timeout:.0f} s")


# -- logging in, as a browser does ------------------------------------------------------


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: str


def _request(port: int, method: str, path: str, cookies=None, form=None) -> Reply:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        headers = {"Cookie": _cookie_header(cookies or {})}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return Reply(response.status, response.headers, response.read().decode("utf-8", "replace"))
    finally:
        connection.close()


def _cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def _keep_cookies(cookies: dict[str, str], reply: Reply) -> None:
    for header in reply.headers.get_all("Set-Cookie") or ():
        name, _, value = header.split(";", 1)[0].partition("=")
        cookies[name.strip()] = value.strip()


def log_in(port: int, email: str, password: str) -> tuple[str, str]:
    """Log in through the login form; return the Cookie header and the customer list's HTML."""
    cookies: dict[str, str] = {}
    page = _request(port, "GET", "/login")
    _keep_cookies(cookies, page)
    token = CSRF_TOKEN.search(page.body)
    if token is None:
        raise LoadError("no CSRF token on /login")
    form = {"email": email, "password": password, "csrf_token": token.group(1)}
    reply = _request(port, "POST", "/login", cookies, form)
    _keep_cookies(cookies, reply)
    if reply.status != 302 or "/login" in reply.headers.get("Location", "/login"):
        raise LoadError(f"logging in as {email} failed (status {reply.status})")
    customers = _request(port, "GET", LIST_PATH, cookies)
    if customers.status != 200:
        raise LoadError(f"logged in, but {LIST_PATH} answered {customers.status}")
    return _cookie_header(cookies), customers.body


# -- the pages to ask for -----------------------------------------------------------------


def page_kinds(database_url: str, list_html: str, rng: random.Random) -> dict[str, list[str]]:
    """Realistic request paths by kind, every search term and id taken from a sample of real
    customers (the same sample for the same data and seed)."""
    sort_link = SORT_BY_NAME.search(list_html)
    if sort_link is None:
        raise LoadError("no 'Sort by Name' link on the customer list")
    by_name = sort_link.group(1).replace("&amp;", "&")
    page_size = int(re.search(r"page_size=(\d+)", by_name).group(1))
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            live = Customer.merged_into_id.is_(None)
            ids = connection.scalars(select(Customer.id).where(live).order_by(Customer.id)).all()
            if not ids:
                raise LoadError("the database has no customers: generate some first")
            sample = sorted(rng.sample(ids, min(SAMPLE, len(ids))))
            customers = connection.execute(
                select(Customer.surname, Customer.company_name, Customer.postcode, Customer.email)
                .where(Customer.id.in_(sample))
                .order_by(Customer.id)
            ).all()
            digits = connection.scalars(
                select(PhoneNumber.digits)
                .where(PhoneNumber.customer_id.in_(sample))
                .order_by(PhoneNumber.id)
            ).all()
    finally:
        engine.dispose()
    last_page = (len(ids) - 1) // page_size
    middle = sorted(rng.randint(1, last_page) for _ in range(20)) if last_page else []
    names = [c.surname or c.company_name for c in customers if c.surname or c.company_name]
    emails = [c.email.split("@")[0] for c in customers if c.email and "@" in c.email]
    records = ([1] if ids[0] == 1 else []) + [i for i in sample if i != 1]

    def search(term: str) -> str:
        return f"{LIST_PATH}?search={quote_plus(term)}"

    return {
        "list": [LIST_PATH] + [f"{LIST_PATH}?page={page}" for page in middle],
        "list by name": [by_name] + [f"{by_name}&page={page}" for page in middle],
        "search surname": [search(name[: rng.choice((3, 4))]) for name in names],
        "search postcode": [
            search(_postcode_prefix(c.postcode, rng)) for c in customers if c.postcode
        ],
        "search email": [search(local[: rng.choice((4, 5, 6))]) for local in emails],
        "search phone": [search(number[-6:]) for number in digits if len(number) >= 6],
        "record": [f"/admin/customer/details/?id={i}" for i in records],
        # Opened after the page, each a request of its own (record.js).
        "record tab": [
            f"/admin/customer/{i}/tabs/{rng.choice(OPENED_TABS)}/?id={i}" for i in records
        ],
    }


def _postcode_prefix(postcode: str, rng: random.Random) -> str:
    """What staff type of "SW1A 1AA": the outward code, or that and the sector digit."""
    outward, _, inward = postcode.strip().partition(" ")
    return f"{outward} {inward[0]}" if inward and rng.random() < 0.5 else outward


OPENED_TABS = ("money", "communications", "contacts", "addresses")

# A working day's mix: records opened most (and one tab in two opened), then searches, then
# browsing the list.
MIX = {
    "list": 8,
    "list by name": 7,
    "search surname": 15,
    "search postcode": 10,
    "search email": 7,
    "search phone": 8,
    "record": 30,
    "record tab": 15,
}


def mixed_paths(kinds: dict[str, list[str]], rng: random.Random, total: int = 1000) -> list[str]:
    paths = []
    for kind, share in MIX.items():
        if kinds[kind]:
            paths += [rng.choice(kinds[kind]) for _ in range(total * share // 100)]
    rng.shuffle(paths)
    return paths


# -- wrk -----------------------------------------------------------------------------------


def wrk_command() -> str:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise LoadError("wrk is not installed (apt-get install wrk)")
    return wrk


def run_wrk(port: int, paths: list[str], cookie: str, connections: int, seconds: int):
    with tempfile.NamedTemporaryFile("w", suffix=".paths") as paths_file:
        paths_file.write("\n".join(paths) + "\n")
        paths_file.flush()
        command = [
            wrk_command(),
            f"-t{WRK_THREADS}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout", "10s",  # a slow page is measured, not dropped as a timeout
            "--latency",
            "-s", str(LUA_SCRIPT),
            f"http://127.0.0.1:{port}",
            "--", paths_file.name, cookie, str(WRK_THREADS),
        ]  # fmt: skip
        finished = subprocess.run(  # noqa: S603 (our own command line)
            command, capture_output=True, text=True, check=False
        )
    for line in finished.stdout.splitlines():
        if line.startswith("LOAD_RESULT "):
            return WrkResult(**json.loads(line.removeprefix("LOAD_RESULT ")))
    raise LoadError(f"wrk printed no result:\n{finished.stdout}\n{finished.stderr}")


def run(options: Options) -> LoadReport:
    """Start the panel, log in, pick the pages, run wrk; the panel is stopped whatever happens."""
    wrk_command()
    database_url = _sqlalchemy_url(options.database_url)
    rng = random.Random(options.seed)
    load_before = os.getloadavg()[0]
    with panel(database_url, options.workers, options.threads) as port:
        cookie, list_html = log_in(port, options.email, options.password)
        kinds = page_kinds(database_url, list_html, rng)
        paths = mixed_paths(kinds, rng)
        if options.warm_up:
            run_wrk(port, paths, cookie, options.connections, options.warm_up)
        mixed = run_wrk(port, paths, cookie, options.connections, options.duration)
        per_kind = {}
        if options.per_kind:
            for kind, kind_paths in kinds.items():
                if kind_paths:
                    per_kind[kind] = run_wrk(
                        port, kind_paths, cookie, options.connections, options.per_kind
                    )
    customers, database = _database_facts(database_url)
    load_average = (load_before, os.getloadavg()[0])
    return LoadReport(options, mixed, customers, len(set(paths)), database, load_average, per_kind)


# -- the report ----------------------------------------------------------------------------


def _database_facts(database_url: str) -> tuple[int, str]:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            live = select(func.count()).select_from(Customer)
            customers = connection.scalar(live.where(Customer.merged_into_id.is_(None)))
            database = database_version(connection)
    finally:
        engine.dispose()
    return customers, database


def _machine() -> str:
    return f"{cpu_name()}, {os.cpu_count()} cores, {memory_gigabytes():.0f} GB RAM"


def markdown(report: LoadReport) -> str:
    options, mixed = report.options, report.mixed
    verdict = "met" if report.target_met else "missed"
    rows = [
        ("Requests/s", f"{mixed.requests_per_second:.1f}"),
        ("Latency p50", f"{mixed.p50_ms:.1f} ms"),
        ("Latency p95", f"{mixed.p95_ms:.1f} ms"),
        ("Latency p99", f"{mixed.p99_ms:.1f} ms"),
        ("Latency max", f"{mixed.max_ms:.1f} ms"),
        ("Requests", f"{mixed.requests:,}"),
        ("Errors (not 200, or socket errors)", str(mixed.errors)),
        ("Not 200 (of which redirects)", f"{mixed.not_200} ({mixed.redirects})"),
        ("Non-2xx/3xx", str(mixed.non_2xx_3xx)),
        ("Socket errors (timeouts)", f"{mixed.socket_errors} ({mixed.timeouts})"),
        ("Duration", f"{mixed.seconds:.1f} s"),
        ("gunicorn workers × threads", f"{options.workers} × {options.threads} (gthread)"),
        ("wrk connections", f"{options.connections} ({WRK_THREADS} wrk threads)"),
        ("Database", report.database),
        ("Customers", f"{report.customers:,}"),
        ("Distinct request paths", str(report.paths)),
        ("Machine", _machine()),
        ("Load average (1 min) before → after", "{:.1f} → {:.1f}".format(*report.load_average)),
        ("Python", platform.python_version()),
        (f"Target (≥ {TARGET_RPS} req/s, p99 ≤ {TARGET_P99_MS} ms, 0 errors)", verdict),
    ]
    lines = ["| Measure | Value |", "|---|---|", *(f"| {k} | {v} |" for k, v in rows)]
    if report.per_kind:
        lines += [
            "",
            f"Each page kind alone, {options.per_kind} s each:",
            "",
            "| Page kind | Requests/s | p50 ms | p95 ms | p99 ms | Errors |",
            "|---|---|---|---|---|---|",
        ]
        for kind, result in report.per_kind.items():
            lines.append(
                f"| {kind} | {result.requests_per_second:.1f} | {result.p50_ms:.1f} "
                f"| {result.p95_ms:.1f} | {result.p99_ms:.1f} | {result.errors} |"
            )
    return "\n".join(lines)


def write_report(report: LoadReport, path: Path = REPORT) -> None:
    """Add this run to the log of runs, newest last, under the date and the set-up."""
    options = report.options
    if not path.exists():
        path.write_text("# Load test runs\n\nWritten by `python -m bench.load`; newest last.\n")
    heading = (
        f"## {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — {report.database}, "
        f"{report.customers:,} customers, {options.workers} × {options.threads} threads, "
        f"{options.duration} s"
    )
    with path.open("a") as log:
        log.write(f"\n{heading}\n\n{markdown(report)}\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.load", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--database-url", required=True, help="the database the panel serves")
    parser.add_argument("--duration", type=int, default=60, help="seconds of load")
    parser.add_argument("--warm-up", type=int, default=5, help="seconds of load not measured")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--connections", type=int, default=16, help="wrk's open connections")
    parser.add_argument("--email", default=BENCH_EMAIL, help="the login to use")
    parser.add_argument("--password", default=BENCH_PASSWORD)
    parser.add_argument(
        "--per-kind", type=int, default=0, metavar="SECONDS",
        help="then load each page kind alone for SECONDS, to find the slow ones",
    )  # fmt: skip
    parser.add_argument("--report", type=Path, default=REPORT, help="markdown log to add to")
    parser.add_argument("--no-report", action="store_true", help="print only")
    arguments = vars(parser.parse_args(argv))
    report_path, no_report = arguments.pop("report"), arguments.pop("no_report")
    try:
        report = run(Options(**arguments))
    except LoadError as error:
        print(f"load test failed: {error}", file=sys.stderr)
        return 2
    print(markdown(report))
    if not no_report:
        write_report(report, report_path)
        print(f"\nAdded to {report_path}")
    return 1 if report.errors else 0


if __name__ == "__main__":
    sys.exit(main())
