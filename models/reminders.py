"""Service reminders falling due (seed 004 "Service reminders"): the list across customers
that the office works through, which leaves dormant customers and properties out."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, or_, select

from .customers import Customer, WorkAddress
from .enums import ReminderStatus, Status
from .service import ServiceReminder

# Postponed reminders come back on the date they were postponed to (their due date).
OPEN_STATUSES = (ReminderStatus.due, ReminderStatus.postponed)


def due_reminders(until: date, since: date | None = None) -> Select:
    """Open reminders due by `until` (and from `since`), of active customers at active
    properties, soonest first: dormant ones get no automatic reminders."""
    query = (
        select(ServiceReminder)
        .join(Customer, Customer.id == ServiceReminder.customer_id)
        .outerjoin(WorkAddress, WorkAddress.id == ServiceReminder.work_address_id)
        .where(
            ServiceReminder.status.in_(OPEN_STATUSES),
            ServiceReminder.due_on <= until,
            Customer.status == Status.active,
            Customer.merged_into_id.is_(None),
            or_(WorkAddress.id.is_(None), WorkAddress.status == Status.active),
        )
        .order_by(ServiceReminder.due_on, ServiceReminder.id)
    )
    if since is not None:
        query = query.where(ServiceReminder.due_on >= since)
    return query
