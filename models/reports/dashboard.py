"""The dashboard's figures: headline counts, works per status and the origin report (seed 003:
which lead sources brought the new customers). Each is one statement whatever the data size."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..core.enums import ONGOING_WORK, InvoiceStatus, Status, WorkStatus
from ..core.errors import ValidationFailed
from ..core.lookups import AdvertisingSource
from ..customers.entities import Customer
from ..files.entities import Communication
from ..money.entities import Invoice
from ..service.reminders import due_reminders
from ..works.entities import Work


@dataclass(frozen=True)
class Period:
    """From one date to another, both days included."""

    start: date
    end: date

    @classmethod
    def last_twelve_months(cls, today: date) -> Period:
        try:
            year_ago = today.replace(year=today.year - 1)
        except ValueError:  # 29 February
            year_ago = today.replace(year=today.year - 1, day=28)
        return cls(year_ago + timedelta(days=1), today)

    @classmethod
    def parse(cls, start_text: str | None, end_text: str | None, today: date) -> Period:
        """The period a user typed (YYYY-MM-DD); a blank end falls back to the default
        period's. Raises ValidationFailed keyed `from` / `to`."""
        default = cls.last_twelve_months(today)
        errors = {}
        start = _date_or_error(start_text, default.start, "from", "start", errors)
        end = _date_or_error(end_text, default.end, "to", "end", errors)
        if not errors and end < start:
            errors["to"] = f"The end date {end} is before the start date {start}."
        if errors:
            raise ValidationFailed(errors)
        return cls(start, end)


def _date_or_error(text: str | None, default: date, field: str, name: str, errors: dict) -> date:
    text = (text or "").strip()
    if not text:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors[field] = f"The {name} date “{text}” is not a date: use a date like 2025-01-31."
        return default


def headline_counts(session: Session, today: date) -> dict[str, int]:
    """One round trip for all the counts on the dashboard's cards, including the service
    reminders to deal with this month: due by its end, overdue ones included, as the
    reminders-due list shows them (dormant customers and properties left out)."""
    month_start = today.replace(day=1)
    month_end = (month_start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    reminders = due_reminders(until=month_end).order_by(None).subquery()
    row = session.execute(
        select(
            _count(
                Customer, Customer.status == Status.active, Customer.merged_into_id.is_(None)
            ).label("customers"),
            _count(Work, Work.status.in_(ONGOING_WORK)).label("ongoing_works"),
            _count(Invoice, Invoice.status == InvoiceStatus.issued).label("invoices"),
            _count(Communication, Communication.scheduled_for.is_not(None)).label("scheduled"),
            _count(reminders).label("reminders_due"),
        )
    ).one()
    return row._asdict()


def _count(table, *criteria):
    return select(func.count()).select_from(table).where(*criteria).scalar_subquery()


def works_by_status(session: Session) -> dict[WorkStatus, int]:
    """How many works have each status, every status present (zero if none)."""
    counts = dict(session.execute(select(Work.status, func.count()).group_by(Work.status)).all())
    return {status: counts.get(status, 0) for status in WorkStatus}


@dataclass(frozen=True)
class OriginRow:
    source: str | None  # None: customers with no advertising source
    customers: int
    share: float  # percent of the period's new customers


@dataclass(frozen=True)
class OriginReport:
    period: Period
    rows: list[OriginRow]  # sources that brought customers, most first; "no source" last
    total: int


def new_customers_by_origin(session: Session, period: Period) -> OriginReport:
    """Customers created in the period (UTC days) per advertising source. Merged tombstones are
    left out: the customer they were merged into was counted when it was created."""
    start = datetime.combine(period.start, time.min, tzinfo=UTC)
    end = datetime.combine(period.end, time.max, tzinfo=UTC)
    counted = func.count(Customer.id)
    rows = session.execute(
        select(AdvertisingSource.name, counted)
        .select_from(Customer)
        .outerjoin(AdvertisingSource, AdvertisingSource.id == Customer.advertising_source_id)
        .where(
            Customer.created_at >= start,
            Customer.created_at <= end,
            Customer.merged_into_id.is_(None),
        )
        .group_by(AdvertisingSource.id, AdvertisingSource.name)
        .order_by(counted.desc(), AdvertisingSource.name)
    ).all()
    named = [(name, count) for name, count in rows if name is not None]
    unsourced = sum(count for name, count in rows if name is None)
    total = sum(count for _name, count in rows)
    return OriginReport(
        period=period,
        rows=[_origin_row(name, count, total) for name, count in [*named, (None, unsourced)]],
        total=total,
    )


def _origin_row(source: str | None, customers: int, total: int) -> OriginRow:
    return OriginRow(source, customers, 100 * customers / total if total else 0.0)
