"""The panel's home page: the counts people check first thing, and what they would rather see
than read: debt by age, works by status, and where new customers came from (seed 003)."""

from datetime import date

from flask import request
from flask_admin import expose

from admin_views.core.base import SecureIndexView
from admin_views.reports.charts import Bar, bar_chart
from extensions import db
from models import ValidationFailed
from models.core.enums import WorkStatus
from models.core.formats import money
from models.money.balances import BUCKETS, ageing_totals, debt_and_overdue
from models.reports.dashboard import (
    Period,
    headline_counts,
    new_customers_by_origin,
    works_by_status,
)

# Calm to alarming: the older the debt, the hotter the bar.
DEBT_COLOURS = dict(
    zip(BUCKETS, ("#4caf7d", "#e8b931", "#f08a3c", "#d9534f", "#8b1e24"), strict=True)
)
DEBT_LABELS = {"current": "Not yet due"} | {
    name: name.replace("-", "–") + " days" for name in BUCKETS[1:]
}
WORK_COLOURS = {
    WorkStatus.open: "#5b8def",
    WorkStatus.in_progress: "#17a2b8",
    WorkStatus.completed: "#28a745",
    WorkStatus.aborted: "#fd7e14",
    WorkStatus.free_of_charge: "#8e6bc9",
    WorkStatus.cancelled: "#adb5bd",
}
SOURCE_COLOUR, NO_SOURCE_COLOUR = "#4a7ab5", "#adb5bd"


def debt_chart(ageing: dict):
    bars = [
        Bar(name, DEBT_LABELS[name], ageing[name], money(ageing[name]), DEBT_COLOURS[name])
        for name in BUCKETS
    ]
    return bar_chart("Debt by age (days past due)", bars)


def works_chart(counts: dict[WorkStatus, int]):
    bars = [
        Bar(status.value, status.label, count, str(count), WORK_COLOURS[status])
        for status, count in counts.items()
    ]
    return bar_chart("Works by status", bars)


def origin_chart(report):
    bars = [
        Bar(
            row.source or "",
            row.source or "No source",
            row.customers,
            f"{row.customers} ({row.share:.0f}%)",
            SOURCE_COLOUR if row.source else NO_SOURCE_COLOUR,
        )
        for row in report.rows
    ]
    return bar_chart("New customers by origin", bars)


def chosen_period(today: date) -> tuple[Period, dict[str, str]]:
    """The period asked for in the query string, or the default one and what was wrong."""
    try:
        return Period.parse(request.args.get("from"), request.args.get("to"), today), {}
    except ValidationFailed as refused:
        return Period.last_twelve_months(today), refused.errors


class DashboardView(SecureIndexView):
    @expose("/")
    def index(self):
        today = date.today()
        period, period_errors = chosen_period(today)
        ageing = ageing_totals(db.session)
        debt, overdue = debt_and_overdue(ageing)
        origins = new_customers_by_origin(db.session, period)
        return self.render(
            "admin/reports/dashboard.html",
            counts=headline_counts(db.session, today),
            debt=debt,
            overdue=overdue,
            debt_chart=debt_chart(ageing),
            works_chart=works_chart(works_by_status(db.session)),
            origins=origins,
            origin_chart=origin_chart(origins),
            period_errors=period_errors,
        )
