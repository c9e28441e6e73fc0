"""Each invoice and credit note stores its total (`total_cents`) for balances to sum; it must
equal the sum of its lines however they change, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from extensions import db
from models import CreditNote, CreditNoteLine, DomainError, Invoice, InvoiceLine, InvoiceStatus
from models.money.invoicing import issue_invoice
from tests.factories import make_customer, make_invoice


def stored_total(model, document_id: int) -> int:
    """What the database holds, read past the session's copy."""
    db.session.expire_all()
    return db.session.scalar(select(model.total_cents).where(model.id == document_id))


def labour(price: str, quantity: str = "1", tax_rate: str = "20") -> InvoiceLine:
    return InvoiceLine(
        description="Labour",
        quantity=Decimal(quantity),
        unit_price=Decimal(price),
        tax_rate=Decimal(tax_rate),
    )


@pytest.fixture
def customer(app):
    return make_customer()


def test_a_draft_invoice_keeps_its_stored_total_as_lines_are_added_edited_and_removed(customer):
    invoice = make_invoice(customer, "100.00", tax_rate="20")
    assert stored_total(Invoice, invoice.id) == 120_00

    invoice.lines.append(labour("33.33", quantity="1.5"))  # 49.995 → 50.00, tax 10.00
    db.session.commit()
    assert stored_total(Invoice, invoice.id) == 180_00

    invoice.lines[0].unit_price = Decimal("10.00")
    db.session.commit()
    assert stored_total(Invoice, invoice.id) == 72_00

    invoice.lines.remove(invoice.lines[1])
    db.session.commit()
    assert stored_total(Invoice, invoice.id) == 12_00 == invoice.total * 100

    db.session.delete(invoice.lines[0])
    db.session.commit()
    assert stored_total(Invoice, invoice.id) == 0


def test_a_line_made_without_quantity_or_tax_rate_counts_their_defaults(customer):
    invoice = make_invoice(customer, "10.00")
    invoice.lines.append(InvoiceLine(description="Call-out", unit_price=Decimal("50.00")))
    db.session.commit()

    assert stored_total(Invoice, invoice.id) == 10_00 + 60_00  # 1 × 50.00 at 20%


def test_an_issued_invoice_keeps_the_total_it_was_issued_with(customer):
    invoice = make_invoice(customer, "99.99", tax_rate="20")
    issue_invoice(db.session, invoice)
    db.session.commit()

    invoice.lines[0].unit_price = Decimal("1.00")
    with pytest.raises(DomainError, match="cannot change"):
        db.session.commit()
    db.session.rollback()

    assert stored_total(Invoice, invoice.id) == 119_99  # 99.99 + 20.00 tax (19.998)
    assert db.session.get(Invoice, invoice.id).status == InvoiceStatus.issued


def test_a_credit_note_whose_lines_are_replaced_stores_the_new_total(customer):
    credit_note = CreditNote(
        customer=customer,
        number="CN000001",
        description="Goodwill",
        credit_date=date(2026, 2, 1),
        lines=[CreditNoteLine(description="Labour", unit_price=Decimal("10.00"))],
    )
    db.session.add(credit_note)
    db.session.commit()
    assert stored_total(CreditNote, credit_note.id) == 12_00

    credit_note.lines = [
        CreditNoteLine(description="Parts", unit_price=Decimal("5.00"), tax_rate=Decimal("0")),
        CreditNoteLine(description="Labour", unit_price=Decimal("2.50"), quantity=Decimal("2")),
    ]
    db.session.commit()

    assert stored_total(CreditNote, credit_note.id) == 5_00 + 6_00
