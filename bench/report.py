"""The benchmark's report: the machine it ran on and the tables, in Markdown."""

from __future__ import annotations

import os
import platform
import statistics
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version

from flask import Flask
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from extensions import db
from models import Base

from .cases import PageCase, Target
from .measure import Result
from .operations import Operation

COUNTED_TABLES = (
    "customer",
    "contact",
    "phone_number",
    "work_address",
    "work",
    "invoice",
    "payment",
    "communication",
)
NOT_RUN = "—"


@dataclass
class PageRow:
    case: PageCase
    ours: Result
    stock: Result | None = None  # None: no stock counterpart, or --no-stock
    ours_http: Result | None = None
    stock_http: Result | None = None
    stock_http_note: str = ""  # why the stock page was not requested over HTTP


@dataclass
class Report:
    machine: list[tuple[str, str]]
    pages: list[PageRow]
    operations: list[Operation]
    notes: list[str] = field(default_factory=list)

    @property
    def failures(self) -> list[str]:
        failed = [row.case.name for row in self.pages if _any_failed(row)]
        return failed + [op.name for op in self.operations if op.result.failed]

    def markdown(self) -> str:
        lines = ["# Benchmark results", "", "## Machine", "", "| | |", "|---|---|"]
        lines += [f"| {name} | {value} |" for name, value in self.machine]
        lines += ["", "## In-process (Flask test client; operations called directly)", ""]
        lines += in_process_table(self.pages, self.operations)
        lines += ["", "## Over HTTP (werkzeug threaded server, keep-alive connection)", ""]
        lines += http_table(self.pages)
        lines += ["", "## Notes", "", *(f"- {note}" for note in self.notes)]
        if self.failures:
            lines += ["", "**Failed:** " + "; ".join(self.failures)]
        return "\n".join(lines) + "\n"


def _any_failed(row: PageRow) -> bool:
    results = (row.ours, row.stock, row.ours_http, row.stock_http)
    return any(result is not None and result.failed for result in results)


def load_text(start: tuple[float, ...], end: tuple[float, ...]) -> str:
    """The 1, 5 and 15 minute load averages: other work on the machine inflates the times."""
    text = (
        " / ".join(f"{load:.2f}" for load in start)
        + " at the start, "
        + " / ".join(f"{load:.2f}" for load in end)
        + " at the end"
    )
    if max(start[0], end[0]) > (os.cpu_count() or 1):
        text += " (**busy**: more work than cores, so the times are inflated)"
    return text


def speed_check() -> float:
    """Milliseconds a fixed piece of pure Python takes (median of 9 runs). On a shared virtual
    machine the CPU's speed drifts, by 2x within a minute on the one these figures come from,
    and every page's time drifts with it: this says how fast the machine was."""

    def once() -> float:
        started = time.perf_counter()
        sum(number * number for number in range(200_000))
        return (time.perf_counter() - started) * 1000

    return statistics.median(once() for _ in range(9))


def machine(
    app: Flask, database_url: str, load_at_start: tuple[float, ...], speed_at_start: float
) -> list[tuple[str, str]]:
    with app.app_context():
        database = database_version(db.session.connection())
        counts = ", ".join(
            f"{name.replace('_', ' ')} {_count(Base.metadata.tables[name]):,}"
            for name in COUNTED_TABLES
        )
    url = make_url(database_url).set(username=None, password=None)
    return [
        ("Date", datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")),
        ("CPU", cpu_name()),
        ("Cores", str(os.cpu_count())),
        ("RAM", f"{memory_gigabytes():.1f} GB"),
        ("OS", f"{_os_name()} (kernel {platform.release()})"),
        ("Python", platform.python_version()),
        (
            "Packages",
            ", ".join(f"{p} {version(p)}" for p in ("Flask", "Flask-Admin", "SQLAlchemy")),
        ),
        (
            "Load average (1 / 5 / 15 min)",
            load_text(load_at_start, os.getloadavg()),
        ),
        (
            "Speed check: a fixed Python loop (`report.speed_check`)",
            f"{speed_at_start:.1f} ms at the start, {speed_check():.1f} ms at the end",
        ),
        ("Database", database),
        ("Database URL", url.render_as_string(hide_password=False)),
        ("Rows", counts),
    ]


def cpu_name() -> str:
    return _first_field("/proc/cpuinfo", "model name") or platform.processor() or "unknown CPU"


def memory_gigabytes() -> float:
    kilobytes = int((_first_field("/proc/meminfo", "MemTotal").split() or ["0"])[0])
    return kilobytes / 1024 / 1024


def database_version(connection) -> str:
    """ "PostgreSQL 15.20" or "SQLite 3.40.1": the server the figures come from."""
    if connection.dialect.name == "postgresql":
        return "PostgreSQL " + connection.scalar(text("SHOW server_version")).split()[0]
    return "SQLite " + connection.scalar(text("SELECT sqlite_version()"))


def _count(table) -> int:
    return db.session.scalar(select(func.count()).select_from(table))


def _first_field(path: str, name: str) -> str:
    try:
        with open(path) as lines:
            for line in lines:
                key, _, value = line.partition(":")
                if key.strip() == name:
                    return value.strip()
    except OSError:
        pass
    return ""


def _os_name() -> str:
    try:
        return platform.freedesktop_os_release()["PRETTY_NAME"]
    except OSError:
        return platform.system()


def ms(seconds: float) -> str:
    value = seconds * 1000
    return f"{value:.1f}" if value < 100 else f"{value:,.0f}"


def timing(result: Result | None, attribute: str = "seconds") -> str:
    """ "12.3 / 15.0", or why there is no figure."""
    if result is None:
        return NOT_RUN
    if result.error:
        return f"**FAILED**: {result.error}"
    if result.over_limit is not None:
        return f"> {result.over_limit:,.0f} s (abandoned)"
    if result.failed:
        return f"**FAILED**: status {result.status}"
    figure = f"{ms(result.median(attribute))} / {ms(result.p95(attribute))}"
    return f"{figure} ({result.note})" if result.note else figure


def statements(result: Result | None) -> str:
    return str(result.statements) if result is not None and result.ran else NOT_RUN


def kilobytes(result: Result | None) -> str:
    if result is None or not result.ran or not result.size:
        return NOT_RUN
    size = result.size / 1024
    return f"{size:,.1f}" if size >= 1 else f"{size:.2f}"


def ratio(stock: Result | None, ours: Result | None) -> str:
    if stock is None or ours is None or not ours.ran or ours.failed:
        return NOT_RUN
    if stock.over_limit is not None:
        return "> " + times(stock.over_limit / ours.median())
    if not stock.ran or stock.failed:
        return NOT_RUN
    return times(stock.median() / ours.median())


def times(value: float) -> str:
    """12.3×, 0.04×, 1,217×: two significant figures at least."""
    if value >= 100:
        return f"{value:,.0f}×"
    return f"{value:.1f}×" if value >= 1 else f"{value:.2f}×"


def rate(result: Result, rows: int) -> float:
    return rows / result.median() if rows else 0.0


def met(target: Target | None, result: Result | None, rows: int = 0) -> bool | None:
    """Whether the median (and p95, size, rate) met the target; None: nothing to judge."""
    if target is None or not target.describe() or result is None:
        return None
    if not result.ran or result.failed:
        return None
    median, p95 = result.median() * 1000, result.p95() * 1000
    return target.met(median, p95, result.size / 1024, rate(result, rows))


def verdict(target: Target | None, result: Result | None, rows: int = 0) -> str:
    description = target.describe() if target is not None else ""
    outcome = met(target, result, rows)
    if outcome is None:
        return description or NOT_RUN
    rate_text = f" ({rate(result, rows):,.0f} rows/s)" if rows else ""
    return f"{description}: {'met' if outcome else '**missed**'}{rate_text}"


def targets_met(outcomes: list[bool | None]) -> str:
    return f"Targets: {outcomes.count(True)} met, {outcomes.count(False)} missed."


def in_process_table(pages: list[PageRow], operations: list[Operation]) -> list[str]:
    lines = [
        "| Case | Ours median / p95 ms | Ours SQL | Ours KB | Target | "
        "Stock median / p95 ms | Stock SQL | Stock KB | Stock/ours |",
        "|---|--:|--:|--:|---|--:|--:|--:|--:|",
    ]
    outcomes = []
    for row in pages:
        outcomes.append(met(row.case.target, row.ours))
        lines.append(
            f"| {row.case.name} | {timing(row.ours)} | {statements(row.ours)} | "
            f"{kilobytes(row.ours)} | {verdict(row.case.target, row.ours)} | "
            f"{_stock_cell(row.case, row.stock)} | "
            f"{statements(row.stock)} | {kilobytes(row.stock)} | {ratio(row.stock, row.ours)} |"
        )
    for op in operations:
        outcomes.append(met(op.target, op.result, op.rows))
        lines.append(
            f"| {op.name} | {timing(op.result)} | {statements(op.result)} | "
            f"{kilobytes(op.result)} | {verdict(op.target, op.result, op.rows)} | "
            f"{NOT_RUN} | {NOT_RUN} | {NOT_RUN} | {NOT_RUN} |"
        )
    return [*lines, "", targets_met(outcomes)]


def _stock_cell(case: PageCase, stock: Result | None) -> str:
    if case.stock is None:
        return f"*{case.stock_note}*"
    return timing(stock)


def http_table(pages: list[PageRow]) -> list[str]:
    lines = [
        "| Case | Ours server median / p95 ms | Ours round trip median / p95 ms | Ours SQL | "
        "Ours KB | Target | Stock server median / p95 ms | Stock round trip median / p95 ms "
        "| Stock/ours |",
        "|---|--:|--:|--:|--:|---|--:|--:|--:|",
    ]
    outcomes = []
    for row in pages:
        if row.stock_http_note:
            stock, stock_round_trip = f"*{row.stock_http_note}*", NOT_RUN
        elif row.case.stock is None:
            stock, stock_round_trip = f"*{row.case.stock_note}*", NOT_RUN
        else:
            stock = timing(row.stock_http)
            stock_round_trip = timing(row.stock_http, "round_trip")
        outcomes.append(met(row.case.target, row.ours_http))
        lines.append(
            f"| {row.case.name} | {timing(row.ours_http)} | "
            f"{timing(row.ours_http, 'round_trip')} | {statements(row.ours_http)} | "
            f"{kilobytes(row.ours_http)} | {verdict(row.case.target, row.ours_http)} | "
            f"{stock} | {stock_round_trip} | {ratio(row.stock_http, row.ours_http)} |"
        )
    return [*lines, "", targets_met(outcomes)]
