"""Service reminders falling due (seed 004 "Service reminders"): the list across customers
that the office works through, which leaves dormant customers and properties out, and the
customer's decision on each (book a job, cancel once or for good, postpone, unknown)."""

from __future__ import annotations

from calendar import monthrange
from datetime import date, timedelta

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from ..core.enums import (
    AccessMethod,
    ReminderDecision,
    ReminderStatus,
    Status,
    WorkKind,
    WorkStatus,
)
from ..core.errors import DomainError, ValidationFailed
from ..customers.entities import Customer, WorkAddress
from ..works.entities import Work
from .entities import ServiceReminder

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


def period_end(period: str, today: date) -> date:
    """The last due date a period of the due list covers: "overdue", "month" (this calendar
    month), "all", or a number of days ahead. Overdue reminders belong to every period: they
    stay on the list until the customer's decision is recorded."""
    if period == "overdue":
        return today - timedelta(days=1)
    if period == "month":
        return today.replace(day=monthrange(today.year, today.month)[1])
    if period == "all":
        return date.max
    return today + timedelta(days=int(period))


def add_months(day: date, months: int) -> date:
    """The same day `months` calendar months later, or the month's last day if it is shorter
    (31 Jan + 1 month = 28 or 29 Feb), as a yearly or monthly service falls due."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, monthrange(year, month)[1]))


def _refusal(reminder: ServiceReminder) -> str | None:
    """Why this reminder cannot be decided on now, or None."""
    customer = reminder.customer
    if reminder.status not in OPEN_STATUSES:
        return f"{reminder} is already {reminder.status.value}: it cannot be decided again."
    if customer.merged_into_id:
        return f"{reminder} belongs to a merged customer: decide it on the customer kept."
    if customer.status == Status.dormant:
        return f"{reminder} belongs to a dormant customer, who gets no service reminders."
    if reminder.work_address is not None and reminder.work_address.status == Status.dormant:
        return f"{reminder} is at a dormant property, which gets no service reminders."
    return None


def _check_decision(
    reminders: list[ServiceReminder],
    decision: ReminderDecision,
    access_method: AccessMethod | None,
    postpone_to: date | None,
    today: date,
) -> None:
    errors: dict[str, str] = {}
    if not reminders:
        errors["reminders"] = "Tick at least one reminder."
    if decision == ReminderDecision.authorised and access_method is None:
        errors["access_method"] = "Choose the access method for the new jobs."
    if decision == ReminderDecision.postponed:
        if postpone_to is None:
            errors["postpone_to"] = "Choose the date to postpone the service until."
        elif postpone_to <= today:
            errors["postpone_to"] = "Postpone to a date after today."
    if errors:
        raise ValidationFailed(errors)
    refusals = [reason for reason in map(_refusal, reminders) if reason]
    if refusals:
        raise DomainError(" ".join(refusals))


def process_reminders(
    session: Session,
    reminders: list[ServiceReminder],
    decision: ReminderDecision,
    *,
    access_method: AccessMethod | None = None,
    postpone_to: date | None = None,
    today: date | None = None,
) -> list[Work]:
    """Record the customer's decision on service reminders (seed 004 "Customer decision batch
    process"); returns the jobs booked. Every reminder is checked before any changes, so a
    batch is decided whole or not at all. Cancelled reminders stay, as history."""
    today = today or date.today()
    decision = ReminderDecision(decision)
    _check_decision(reminders, decision, access_method, postpone_to, today)
    jobs: list[Work] = []
    for reminder in reminders:
        reminder.decision, reminder.decided_on = decision, today
        if decision == ReminderDecision.authorised:
            job = Work(
                kind=WorkKind.job,
                status=WorkStatus.open,
                description=reminder.description,
                customer=reminder.customer,
                work_address=reminder.work_address,
                access_method=access_method,
                received_on=today,
            )
            session.add(job)
            reminder.work, reminder.status = job, ReminderStatus.booked
            jobs.append(job)
        elif decision == ReminderDecision.cancelled_once:
            reminder.due_on = add_months(reminder.due_on, reminder.interval_months)
            reminder.status = ReminderStatus.due
        elif decision == ReminderDecision.cancelled_forever:
            reminder.status = ReminderStatus.cancelled
        elif decision == ReminderDecision.postponed:
            reminder.due_on, reminder.status = postpone_to, ReminderStatus.postponed
    session.flush()  # the jobs get their numbers now, for the caller to report
    return jobs
