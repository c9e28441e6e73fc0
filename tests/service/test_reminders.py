"""Service reminders: the due list leaves dormant customers out; each customer decision does
what the seed says, and a refused batch changes nothing."""

from datetime import date

import pytest
from sqlalchemy import func, select

from extensions import db
from models import (
    AccessMethod,
    DomainError,
    ReminderDecision,
    ReminderStatus,
    ServiceReminder,
    Status,
    ValidationFailed,
    Work,
)
from models.customers.status import set_dormant
from models.service.reminders import add_months, due_reminders, period_end, process_reminders
from tests.factories import make_customer, make_work_address

TODAY = date(2026, 3, 10)


def make_reminder(customer, **fields) -> ServiceReminder:
    reminder = ServiceReminder(
        customer=customer,
        description=fields.pop("description", "Annual boiler service"),
        due_on=fields.pop("due_on", date(2026, 3, 1)),
        **fields,
    )
    db.session.add(reminder)
    db.session.commit()
    return reminder


def works() -> int:
    return db.session.scalar(select(func.count()).select_from(Work))


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 3, 15), 12, date(2027, 3, 15)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
    ],
)
def test_months_are_calendar_months(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("period", "last_day"),
    [
        ("overdue", date(2026, 3, 9)),
        ("month", date(2026, 3, 31)),
        ("30", date(2026, 4, 9)),
        ("90", date(2026, 6, 8)),
    ],
)
def test_each_period_of_the_due_list_ends_where_it_says(period, last_day):
    assert period_end(period, TODAY) == last_day


def test_due_reminders_leave_dormant_customers_and_properties_out(app):
    active = make_customer()
    dormant = make_customer(surname="Sleeper")
    dormant_property = make_work_address(active, address_line_1="1 Empty Street")
    kept = make_reminder(active)
    make_reminder(dormant)
    make_reminder(active, work_address=dormant_property)
    dormant_property.status = Status.dormant
    set_dormant(db.session, dormant)
    db.session.commit()
    assert db.session.scalars(due_reminders(TODAY)).all() == [kept]


def test_authorised_books_a_job_at_the_reminders_property(app):
    customer = make_customer()
    address = make_work_address(customer)
    reminder = make_reminder(customer, work_address=address)
    jobs = process_reminders(
        db.session,
        [reminder],
        ReminderDecision.authorised,
        access_method=AccessMethod.key_safe,
        today=TODAY,
    )
    db.session.commit()
    job = db.session.get(Work, jobs[0].id)
    assert (job.kind, job.status, job.access_method) == ("job", "open", "key_safe")
    assert job.description == "Annual boiler service"
    assert job.customer == customer and job.work_address == address
    assert job.number.startswith("W")
    assert reminder.status == ReminderStatus.booked and reminder.work == job
    assert (reminder.decision, reminder.decided_on) == ("authorised", TODAY)


def test_cancelled_once_moves_the_due_date_on_one_period(app):
    reminder = make_reminder(make_customer(), due_on=date(2026, 1, 31), interval_months=1)
    process_reminders(db.session, [reminder], "cancelled_once", today=TODAY)
    db.session.commit()
    assert reminder.due_on == date(2026, 2, 28)
    assert reminder.status == ReminderStatus.due
    assert (reminder.decision, reminder.decided_on) == ("cancelled_once", TODAY)


def test_cancelled_forever_keeps_the_reminder_as_cancelled(app):
    reminder = make_reminder(make_customer())
    process_reminders(db.session, [reminder], ReminderDecision.cancelled_forever, today=TODAY)
    db.session.commit()
    assert db.session.get(ServiceReminder, reminder.id).status == ReminderStatus.cancelled
    assert reminder.decision == "cancelled_forever"
    assert db.session.scalars(due_reminders(date(2030, 1, 1))).all() == []


def test_postponed_moves_the_reminder_to_the_chosen_date(app):
    reminder = make_reminder(make_customer())
    process_reminders(
        db.session, [reminder], "postponed", postpone_to=date(2026, 6, 1), today=TODAY
    )
    db.session.commit()
    assert (reminder.due_on, reminder.status) == (date(2026, 6, 1), ReminderStatus.postponed)
    assert reminder in db.session.scalars(due_reminders(date(2026, 6, 30))).all()
    assert reminder not in db.session.scalars(due_reminders(date(2026, 5, 31))).all()


def test_unknown_records_the_decision_and_stays_due(app):
    reminder = make_reminder(make_customer())
    process_reminders(db.session, [reminder], ReminderDecision.unknown, today=TODAY)
    db.session.commit()
    assert (reminder.status, reminder.due_on) == (ReminderStatus.due, date(2026, 3, 1))
    assert (reminder.decision, reminder.decided_on) == ("unknown", TODAY)


def test_one_batch_decides_reminders_of_several_customers(app):
    first, second = make_customer(), make_customer(surname="Hopper")
    reminders = [make_reminder(first), make_reminder(second), make_reminder(second)]
    jobs = process_reminders(
        db.session, reminders, "authorised", access_method=AccessMethod.occupier, today=TODAY
    )
    db.session.commit()
    assert [job.customer for job in jobs] == [first, second, second]
    assert len({job.number for job in jobs}) == 3
    assert all(r.status == ReminderStatus.booked for r in reminders)


def assert_unchanged(reminder: ServiceReminder, status=ReminderStatus.due) -> None:
    db.session.rollback()
    fresh = db.session.get(ServiceReminder, reminder.id)
    assert (fresh.status, fresh.due_on, fresh.decision) == (status, date(2026, 3, 1), None)
    assert works() == 0


@pytest.mark.parametrize(
    ("decision", "options", "field", "message"),
    [
        ("authorised", {}, "access_method", "Choose the access method"),
        ("postponed", {}, "postpone_to", "Choose the date to postpone"),
        ("postponed", {"postpone_to": TODAY}, "postpone_to", "after today"),
        ("postponed", {"postpone_to": date(2026, 1, 1)}, "postpone_to", "after today"),
    ],
)
def test_missing_or_wrong_details_are_refused_and_nothing_changes(
    app, decision, options, field, message
):
    reminder = make_reminder(make_customer())
    with pytest.raises(ValidationFailed) as refused:
        process_reminders(db.session, [reminder], decision, today=TODAY, **options)
    assert message in refused.value.errors[field]
    assert_unchanged(reminder)


def test_an_empty_batch_is_refused(app):
    with pytest.raises(ValidationFailed) as refused:
        process_reminders(db.session, [], "unknown", today=TODAY)
    assert refused.value.errors == {"reminders": "Tick at least one reminder."}


def test_a_booked_reminder_is_not_decided_again_and_the_batch_changes_nothing(app):
    customer = make_customer()
    open_one = make_reminder(customer)
    booked = make_reminder(customer, status=ReminderStatus.booked)
    with pytest.raises(DomainError, match="already booked"):
        process_reminders(
            db.session,
            [open_one, booked],
            "authorised",
            access_method=AccessMethod.occupier,
            today=TODAY,
        )
    assert_unchanged(open_one)
    assert_unchanged(booked, ReminderStatus.booked)


def test_a_cancelled_reminder_is_not_decided_again(app):
    reminder = make_reminder(make_customer(), status=ReminderStatus.cancelled)
    with pytest.raises(DomainError, match="already cancelled"):
        process_reminders(db.session, [reminder], "unknown", today=TODAY)


def test_reminders_of_dormant_or_merged_customers_are_refused(app):
    dormant, merged, kept = (make_customer(surname=n) for n in ("Sleeper", "Gone", "Kept"))
    set_dormant(db.session, dormant)
    merged.merged_into_id = kept.id
    db.session.commit()
    for customer, why in ((dormant, "dormant customer"), (merged, "merged customer")):
        reminder = make_reminder(customer)
        with pytest.raises(DomainError, match=why):
            process_reminders(db.session, [reminder], "cancelled_forever", today=TODAY)
        assert_unchanged(reminder)
