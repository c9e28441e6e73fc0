"""Invoices through their life: drafted, issued under a gap-free number, voided or credited,
never edited once issued (models/money/invoicing.py)."""

from __future__ import annotations

import threading
import time
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from extensions import db
from models import (
    DomainError,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    PaymentMethod,
    ValidationFailed,
    WorkStatus,
)
from models.money.credit_notes import add_credit_note, draft_credit_note_for_invoice
from models.money.invoicing import (
    ConsolidatedEntry,
    consolidated_invoice,
    draft_invoice_for_work,
    issue_invoice,
    void_invoice,
)
from models.money.payments import Allocation, record_payment
from tests.factories import make_customer, make_invoice, make_work

TODAY = date(2026, 3, 2)


@pytest.fixture
def customer(app):
    return make_customer(creditor_days=14)


def draft(customer, amount="100.00", **fields) -> Invoice:
    return make_invoice(customer, amount, tax_rate="20", **fields)


def issued(customer, amount="100.00") -> Invoice:
    invoice = draft(customer, amount)
    issue_invoice(db.session, invoice)
    db.session.commit()
    return invoice


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_draft_for_a_work_is_prefilled_with_its_price_and_due_after_creditor_days(customer):
    work = make_work(customer, final_amount=Decimal("250.00"), description="Boiler swap")

    invoice = draft_invoice_for_work(work, InvoiceKind.interim, invoice_date=TODAY)

    assert invoice.status == InvoiceStatus.draft and invoice.number is None
    assert invoice.due_on == date(2026, 3, 16)
    assert [(line.work, line.unit_price) for line in invoice.lines] == [(work, Decimal("250.00"))]
    assert invoice.total == Decimal("300.00")


def test_issuing_numbers_invoices_in_sequence_without_gaps(customer):
    first, second = issued(customer), issued(customer)
    numbers = [int(first.number.removeprefix("INV")), int(second.number.removeprefix("INV"))]
    assert numbers[1] == numbers[0] + 1
    assert first.status == InvoiceStatus.issued and first.issued_at is not None


def test_a_rolled_back_issue_gives_its_number_back(customer):
    invoice = draft(customer)
    issue_invoice(db.session, invoice)
    taken = invoice.number
    db.session.rollback()

    again = db.session.get(Invoice, invoice.id)
    assert again.status == InvoiceStatus.draft and again.number is None
    issue_invoice(db.session, again)
    db.session.commit()
    assert again.number == taken


def test_a_final_invoice_completes_the_works_it_bills_and_an_interim_one_does_not(customer):
    work, other = make_work(customer, final_amount=Decimal("90.00")), make_work(customer)
    final = draft_invoice_for_work(work, InvoiceKind.final, TODAY)
    db.session.add(final)
    interim = draft_invoice_for_work(other, InvoiceKind.interim, TODAY)
    interim.lines.append(InvoiceLine(description="Deposit", unit_price=Decimal("5"), work=other))
    db.session.add(interim)

    issue_invoice(db.session, final)
    issue_invoice(db.session, interim)
    db.session.commit()

    assert work.status == WorkStatus.completed and work.completed_on == TODAY
    assert other.status == WorkStatus.open


def test_an_empty_draft_cannot_be_issued(customer):
    invoice = draft(customer)
    invoice.lines.clear()
    db.session.commit()

    with pytest.raises(ValidationFailed, match="at least one line"):
        issue_invoice(db.session, invoice)


def test_an_issued_invoice_cannot_be_issued_again(customer):
    invoice = issued(customer)
    with pytest.raises(DomainError, match="only a draft"):
        issue_invoice(db.session, invoice)


@pytest.mark.parametrize(
    "edit",
    [
        lambda invoice: setattr(invoice, "description", "Changed"),
        lambda invoice: setattr(invoice, "due_on", date(2027, 1, 1)),
        lambda invoice: setattr(invoice.lines[0], "unit_price", Decimal("1.00")),
        lambda invoice: invoice.lines.append(InvoiceLine(description="More", unit_price=1)),
        lambda invoice: invoice.lines.pop(),
        lambda invoice: setattr(invoice, "status", InvoiceStatus.draft),
        lambda invoice: db.session.delete(invoice),
    ],
    ids=["description", "due date", "line price", "new line", "removed line", "undo", "delete"],
)
def test_an_issued_invoice_cannot_be_changed_by_any_route(customer, edit):
    invoice = issued(customer)
    number, total = invoice.number, invoice.total

    edit(invoice)
    with pytest.raises(DomainError, match="issued"):
        db.session.commit()
    db.session.rollback()

    db.session.expire_all()
    again = db.session.get(Invoice, invoice.id)
    assert (again.number, again.total, again.status) == (number, total, InvoiceStatus.issued)


def test_voiding_keeps_the_number_records_why_and_stops_counting(customer):
    invoice = issued(customer)

    void_invoice(db.session, invoice, "Raised in error", on=TODAY)
    db.session.commit()

    assert invoice.status == InvoiceStatus.void and invoice.number
    assert (invoice.voided_on, invoice.void_reason) == (TODAY, "Raised in error")
    with pytest.raises(DomainError, match="void"):
        invoice.status = InvoiceStatus.issued
        db.session.commit()


def test_void_needs_a_reason(customer):
    invoice = issued(customer)
    with pytest.raises(ValidationFailed, match="Say why"):
        void_invoice(db.session, invoice, "  ")


def test_an_invoice_with_money_against_it_cannot_be_voided(customer):
    paid, credited = issued(customer), issued(customer)
    method = db.session.scalar(select(PaymentMethod).limit(1))
    record_payment(
        db.session,
        customer,
        paid_on=TODAY,
        method=method,
        amount=Decimal("10.00"),
        allocations=[Allocation(paid, Decimal("10.00"))],
    )
    add_credit_note(db.session, draft_credit_note_for_invoice(credited, TODAY))
    db.session.commit()

    with pytest.raises(DomainError, match="allocations"):
        void_invoice(db.session, paid, "Wrong customer")
    with pytest.raises(DomainError, match="credit notes"):
        void_invoice(db.session, credited, "Wrong customer")


def test_a_consolidated_invoice_bills_several_works_under_one_number(customer):
    priced = make_work(customer, final_amount=Decimal("120.00"), description="Service")
    unpriced = make_work(customer, description="Repair", status=WorkStatus.in_progress)

    invoice = consolidated_invoice(
        db.session,
        customer,
        [ConsolidatedEntry(priced), ConsolidatedEntry(unpriced, "80.50")],
        description="March works",
        invoice_date=TODAY,
    )
    db.session.commit()

    assert invoice.number and invoice.is_consolidated
    assert invoice.works == [priced, unpriced]
    assert [line.unit_price for line in invoice.lines] == [Decimal("120.00"), Decimal("80.50")]
    assert invoice.due_on == date(2026, 3, 16)
    assert priced.status == unpriced.status == WorkStatus.completed


@pytest.mark.parametrize("total", ["", "0", "-5", "abc", "1.005"])
def test_a_consolidated_invoice_needs_a_total_above_zero_for_every_unpriced_work(customer, total):
    priced, unpriced = make_work(customer, final_amount=Decimal("50")), make_work(customer)
    before = count(Invoice)

    with pytest.raises(ValidationFailed) as refused:
        consolidated_invoice(
            db.session,
            customer,
            [ConsolidatedEntry(priced), ConsolidatedEntry(unpriced, total)],
            description="March works",
            invoice_date=TODAY,
        )

    assert f"total-{unpriced.id}" in refused.value.errors
    db.session.rollback()
    assert count(Invoice) == before


def test_a_consolidated_invoice_refuses_closed_works_and_other_customers_works(customer):
    closed = make_work(customer, final_amount=Decimal("50"), status=WorkStatus.completed)
    theirs = make_work(make_customer(), final_amount=Decimal("50"))

    for work, reason in ((closed, "only open works"), (theirs, "another customer")):
        with pytest.raises(ValidationFailed, match=reason):
            consolidated_invoice(
                db.session,
                customer,
                [ConsolidatedEntry(work)],
                description="Works",
                invoice_date=TODAY,
            )


def test_a_consolidated_draft_is_saved_unnumbered(customer):
    work = make_work(customer, final_amount=Decimal("50"))
    invoice = consolidated_invoice(
        db.session,
        customer,
        [ConsolidatedEntry(work)],
        description="Works",
        invoice_date=TODAY,
        issue=False,
    )
    db.session.commit()
    assert invoice.status == InvoiceStatus.draft and invoice.number is None
    assert work.status == WorkStatus.open


@pytest.mark.own_app  # each racer commits on a connection of its own
def test_two_people_issuing_at_once_never_share_a_number(app, customer):
    """Each issuer on its own connection: the second waits on the counter row's lock until
    the first commits, then takes the next number."""
    ids = [draft(customer).id, draft(customer).id]
    db.session.rollback()
    engine = db.engine
    first_issued, release_first = threading.Event(), threading.Event()
    numbers: dict[str, str | Exception] = {}

    def issue(name: str, invoice_id: int, hold: threading.Event | None) -> None:
        with Session(engine) as session:
            try:
                invoice = session.get(Invoice, invoice_id)
                issue_invoice(session, invoice)
                session.flush()
                if hold is not None:
                    first_issued.set()
                    hold.wait(10)
                session.commit()
                numbers[name] = invoice.number
            except Exception as error:  # reported by the assertions below
                session.rollback()
                numbers[name] = error

    first = threading.Thread(target=issue, args=("first", ids[0], release_first))
    first.start()
    assert first_issued.wait(10)
    second = threading.Thread(target=issue, args=("second", ids[1], None))
    second.start()
    time.sleep(0.5)
    assert second.is_alive(), "the second issuer should wait for the first one's commit"
    release_first.set()
    first.join(20)
    second.join(20)

    assert all(isinstance(number, str) for number in numbers.values()), numbers
    values = sorted(int(number.removeprefix("INV")) for number in numbers.values())
    assert values[1] == values[0] + 1
