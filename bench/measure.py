"""Timing one benchmark case: a page in-process (Flask test client) or over HTTP (the same app
on a real threaded server, keep-alive), or a domain operation; with the SQL statements it sent.

Every case starts with a warm-up run that is not counted (templates compile, caches fill). The
app gets a before/after_request pair (`instrument`) that reports the app's own time in a
`Server-Timing` header and its statement count in `X-Bench-SQL`, so the HTTP figures separate
server time from the round trip. Stock Flask-Admin pages can take minutes on a large database:
they run in a forked child that is killed at a hard limit (`measure_abandonable`).
"""

from __future__ import annotations

import http.client
import math
import multiprocessing
import re
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from flask import Flask, g, has_app_context
from sqlalchemy import event
from werkzeug.serving import WSGIRequestHandler, make_server

from extensions import db

SQL_HEADER = "X-Bench-SQL"
SERVER_TIMING = re.compile(r"app;dur=([0-9.]+)")
# The login form's token: benchmarks log in as a browser does.
CSRF_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
SLOW_WARMUP_SECONDS = 5.0  # a warm-up this slow counts as the one run: compiling is noise here


@dataclass
class Sample:
    seconds: float  # server time: around the request in-process, Server-Timing over HTTP
    statements: int
    size: int = 0  # bytes of the response (or of the operation's output)
    status: int = 200
    round_trip: float | None = None  # over HTTP: request sent to last byte read


@dataclass
class Result:
    samples: list[Sample] = field(default_factory=list)
    note: str = ""  # how the figure was taken when it is not the usual runs
    error: str = ""  # why the case failed; empty when it ran
    over_limit: float | None = None  # abandoned at this many seconds without one run

    @property
    def failed(self) -> bool:
        return bool(self.error) or any(s.status != 200 for s in self.samples)

    @property
    def ran(self) -> bool:
        return bool(self.samples)

    def median(self, attribute: str = "seconds") -> float:
        return statistics.median(getattr(s, attribute) for s in self.samples)

    def p95(self, attribute: str = "seconds") -> float:
        values = sorted(getattr(s, attribute) for s in self.samples)
        return values[max(0, math.ceil(0.95 * len(values)) - 1)]  # nearest rank

    @property
    def statements(self) -> int:
        return max(s.statements for s in self.samples)

    @property
    def size(self) -> int:
        return max(s.size for s in self.samples)

    @property
    def status(self) -> int:
        return next((s.status for s in self.samples if s.status != 200), 200)


def instrument(app: Flask) -> None:
    """Server time and statement count in response headers, for this benchmark's app only.
    The timer starts before the app's own before_request functions (which load the user)."""

    def start_timer():
        g.bench_started = time.perf_counter()
        g.bench_statements = 0

    def report(response):
        if "bench_started" in g:
            elapsed_ms = (time.perf_counter() - g.bench_started) * 1000
            response.headers["Server-Timing"] = f"app;dur={elapsed_ms:.3f}"
            response.headers[SQL_HEADER] = str(g.bench_statements)
        return response

    app.before_request_funcs.setdefault(None, []).insert(0, start_timer)
    app.after_request(report)
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", _count_statement)


def _count_statement(*_args) -> None:
    if has_app_context() and "bench_statements" in g:
        g.bench_statements += 1


def timed(operation: Callable[[], int]) -> Sample:
    """Runs `operation` in the pushed app context; it returns the size of what it made."""
    g.bench_statements = 0
    started = time.perf_counter()
    size = operation()
    seconds = time.perf_counter() - started
    return Sample(seconds, g.pop("bench_statements"), size)


# The Who's viewing block's data-… attributes on a served record page.
PRESENCE_FIELD = re.compile(r'data-(tab|signature|csrf)="([^"]*)"')


def presence_form(client, page: str) -> dict[str, str]:
    """What a served page's heartbeat posts: its tab, signature and CSRF token."""
    fields = dict(PRESENCE_FIELD.findall(client.get(page).get_data(as_text=True)))
    return {"tab": fields["tab"], "signature": fields["signature"], "csrf_token": fields["csrf"]}


def in_process(client, path: str, form: dict[str, str] | None = None) -> Sample:
    """A GET of the page, or a POST of `form` to it."""
    started = time.perf_counter()
    response = client.post(path, data=form) if form is not None else client.get(path)
    size = len(response.get_data())  # a streamed body is produced here
    seconds = time.perf_counter() - started
    return Sample(seconds, int(response.headers.get(SQL_HEADER, 0)), size, response.status_code)


def repeated(
    run_once: Callable[[], Sample], repeat: int, warm_up: Callable[[], Sample] | None = None
) -> Result:
    """A warm-up run (`run_once` unless told), then `repeat` counted runs; stops at the first
    failure."""
    try:
        first = (warm_up or run_once)()
        if first.status != 200:
            return Result([first])
        samples = []
        for _ in range(repeat):
            samples.append(run_once())
            if samples[-1].status != 200:
                break
        return Result(samples)
    except Exception as error:  # a broken case is reported in the table, the run goes on
        return Result(error=f"{type(error).__name__}: {error}")


def interleaved(runs: list[Callable[[], Sample]], repeat: int) -> list[Result]:
    """Like `repeated` for each of `runs`, but in rounds: every case once per round. On a
    shared machine whose speed drifts over minutes, a slow spell then lands on every case
    alike rather than on whichever cases were being measured at the time. A case stops at its
    first failure; the others go on."""
    results = [repeated(run_once, 0) for run_once in runs]  # the warm-ups
    for _ in range(repeat):
        for run_once, result in zip(runs, results, strict=True):
            if not result.failed:
                _sample_into(result, run_once)
    return results


def _sample_into(result: Result, run_once: Callable[[], Sample]) -> None:
    try:
        result.samples.append(run_once())
    except Exception as error:  # reported in the table, as `repeated` does
        result.samples.clear()
        result.error = f"{type(error).__name__}: {error}"


def budgeted(
    run_once: Callable[[], Sample], runs: int, budget: float, report=lambda kind, s: None
) -> Result:
    """Warm-up, then up to `runs` runs while they take less than `budget` seconds in all.
    A warm-up slower than SLOW_WARMUP_SECONDS is the only run. `report` sees each sample."""
    warm_up = run_once()
    report("warm-up", warm_up)
    if warm_up.status != 200 or warm_up.seconds >= SLOW_WARMUP_SECONDS:
        return Result([warm_up], note="1 run")
    samples: list[Sample] = []
    started = time.perf_counter()
    while len(samples) < runs and time.perf_counter() - started < budget:
        samples.append(run_once())
        report("run", samples[-1])
        if samples[-1].status != 200:
            break
    return Result(samples)


def measure_abandonable(
    app: Flask, run_once: Callable[[], Sample], runs: int, budget: float, limit: float
) -> Result:
    """`budgeted` in a forked child, killed after `limit` seconds; what finished is kept."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(sender, app, run_once, runs, budget), daemon=True)
    child.start()
    sender.close()
    warm_up, samples, error = None, [], ""
    deadline = time.monotonic() + limit
    finished = False
    while not finished:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not receiver.poll(remaining):
            break
        try:
            kind, payload = receiver.recv()
        except EOFError:
            error = error or f"the child process ended (exit code {child.exitcode})"
            break
        if kind == "warm-up":
            warm_up = payload
        elif kind == "run":
            samples.append(payload)
        elif kind == "error":
            error = payload
        else:
            finished = True
    if child.is_alive():
        child.kill()
    child.join()
    receiver.close()
    if error and not (samples or warm_up):
        return Result(error=error)
    if samples:
        return Result(samples, note="" if finished else f"stopped at {limit:g} s")
    if warm_up is not None:
        return Result([warm_up], note="1 run")
    return Result(over_limit=limit)


def _child(sender, app: Flask, run_once, runs: int, budget: float) -> None:
    with app.app_context():
        db.engine.dispose(close=False)  # the parent's pooled connections stay the parent's
    try:
        budgeted(run_once, runs, budget, lambda kind, sample: sender.send((kind, sample)))
    except Exception as error:
        sender.send(("error", f"{type(error).__name__}: {error}"))
    sender.send(("done", None))
    sender.close()


class QuietRequestHandler(WSGIRequestHandler):
    def log_request(self, *args) -> None:
        pass  # one line per request would bury the progress lines


class HttpServer:
    """The app on werkzeug's threaded server in a background thread, on a free local port."""

    def __init__(self, app: Flask):
        self.server = make_server(
            "127.0.0.1", 0, app, threaded=True, request_handler=QuietRequestHandler
        )
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> HttpServer:
        self.thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.server.shutdown()
        self.thread.join()

    @property
    def port(self) -> int:
        return self.server.server_port


class HttpClient:
    """Keep-alive GETs with the logged-in session cookie; reconnects if the server closed."""

    def __init__(self, port: int, cookie: str, timeout: float):
        self.port, self.cookie, self.timeout = port, cookie, timeout
        self.connection: http.client.HTTPConnection | None = None

    def get(self, path: str, form: dict[str, str] | None = None) -> Sample:
        """A GET, or a POST of `form` (form-encoded) when given."""
        if self.connection is None:
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, self.timeout)
        headers, body, method = {"Cookie": self.cookie}, None, "GET"
        if form is not None:
            method, body = "POST", urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException):
            self.close()  # a timed-out or dropped connection is not reused
            raise
        round_trip = time.perf_counter() - started
        if response.will_close:
            self.close()
        timing = SERVER_TIMING.search(response.headers.get("Server-Timing", ""))
        return Sample(
            seconds=float(timing.group(1)) / 1000 if timing else round_trip,
            statements=int(response.headers.get(SQL_HEADER, 0)),
            size=len(body),
            status=response.status,
            round_trip=round_trip,
        )

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None
