"""Credit notes (models/money/credit_notes.py): prefilled from an invoice, never more than it still
owes, reducing the balance, and presented in the breakdown style chosen."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from extensions import db
from models import (
    BreakdownStyle,
    CreditNote,
    CreditNoteLine,
    DomainError,
    InvoiceStatus,
    ValidationFailed,
)
from models.money.balances import customer_balance, invoice_outstanding
from models.money.credit_notes import add_credit_note, breakdown, draft_credit_note_for_invoice
from tests.factories import make_customer, make_invoice, make_issued_labour_and_parts_invoice

TODAY = date(2026, 3, 2)


@pytest.fixture
def customer(app):
    return make_customer()


@pytest.fixture
def invoice(customer):
    return make_issued_labour_and_parts_invoice(customer)


def credit_notes() -> int:
    return db.session.scalar(select(func.count()).select_from(CreditNote))


def test_a_credit_note_for_an_invoice_starts_with_its_lines(invoice):
    note = draft_credit_note_for_invoice(invoice, TODAY)

    assert note.invoice is invoice and note.customer is invoice.customer
    assert [(line.description, line.gross) for line in note.lines] == [
        ("Labour", Decimal("120.00")),
        ("Valve", Decimal("60.00")),
    ]
    assert note.total == invoice.total == Decimal("180.00")


def test_crediting_an_invoice_in_full_clears_what_it_owes_and_the_balance(customer, invoice):
    add_credit_note(db.session, draft_credit_note_for_invoice(invoice, TODAY))
    db.session.commit()

    assert invoice_outstanding(db.session, [invoice.id]) == {invoice.id: Decimal("0.00")}
    balance = customer_balance(db.session, customer.id)
    assert (balance.credited, balance.balance) == (Decimal("180.00"), Decimal("0.00"))


def test_an_invoice_cannot_be_credited_beyond_what_it_still_owes(invoice):
    add_credit_note(db.session, draft_credit_note_for_invoice(invoice, TODAY))
    db.session.commit()
    before = credit_notes()

    second = draft_credit_note_for_invoice(invoice, TODAY)
    second.lines = second.lines[:1]
    with pytest.raises(ValidationFailed, match="only has £0.00 outstanding"):
        add_credit_note(db.session, second)
    db.session.rollback()

    assert credit_notes() == before


def test_only_issued_invoices_are_credited(customer):
    draft = make_invoice(customer)
    assert draft.status == InvoiceStatus.draft
    with pytest.raises(DomainError, match="only an issued invoice"):
        draft_credit_note_for_invoice(draft)


def test_a_credit_note_for_the_customer_alone_reduces_the_balance(customer, invoice):
    note = CreditNote(
        customer=customer,
        description="Goodwill",
        credit_date=TODAY,
        lines=[CreditNoteLine(description="Goodwill", unit_price=Decimal("30.00"), tax_rate=0)],
    )
    add_credit_note(db.session, note)
    db.session.commit()

    assert customer_balance(db.session, customer.id).balance == Decimal("150.00")
    assert invoice_outstanding(db.session, [invoice.id]) == {invoice.id: Decimal("180.00")}


def test_a_credit_note_needs_lines(customer):
    note = CreditNote(customer=customer, description="Nothing", credit_date=TODAY)
    with pytest.raises(ValidationFailed, match="at least one line"):
        add_credit_note(db.session, note)


def test_another_customers_invoice_is_refused(invoice):
    babbage = make_customer(surname="Babbage")
    note = draft_credit_note_for_invoice(invoice, TODAY)
    note.customer = babbage
    with pytest.raises(ValidationFailed, match="another customer"):
        add_credit_note(db.session, note)


@pytest.mark.parametrize(
    ("style", "rows"),
    [
        (BreakdownStyle.none, [("Credit for {number}", "180.00", 0)]),
        (BreakdownStyle.by_category, [("Labour", "120.00", 0), ("Parts", "60.00", 0)]),
        (BreakdownStyle.full, [("Labour", "120.00", 0), ("Valve", "60.00", 0)]),
        (BreakdownStyle.full_by_category, [("Labour", "120.00", 1), ("Parts", "60.00", 1)]),
    ],
)
def test_each_breakdown_style_presents_the_same_total(invoice, style, rows):
    note = draft_credit_note_for_invoice(invoice, TODAY)
    note.breakdown = style

    shown = [(row.label, row.gross, len(row.lines)) for row in breakdown(note)]

    expected = [(label.format(number=invoice.number), Decimal(g), n) for label, g, n in rows]
    assert shown == expected
    assert sum(row.gross for row in breakdown(note)) == note.total
