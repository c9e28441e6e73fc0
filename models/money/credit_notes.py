"""Credit notes (seed 004 "Add New Credit Note"): for a customer alone, or against an issued
invoice and prefilled with its lines; each reduces the customer's balance by its total.

The breakdown style decides only how the credit note is presented (on its page and PDF):
one total line, totals per category, every line, or every line grouped by category.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from models.core.formats import money

from ..core.enums import BreakdownStyle, InvoiceStatus, LineCategory
from ..core.errors import DomainError, ValidationFailed
from ..customers.status import refuse_if_merged
from .balances import invoice_outstanding
from .entities import CreditNote, CreditNoteLine, Invoice
from .rules import check_credit_note


def draft_credit_note_for_invoice(invoice: Invoice, credit_date: date | None = None) -> CreditNote:
    """A credit note prefilled with the invoice's lines: crediting it all is one click."""
    if invoice.status != InvoiceStatus.issued:
        raise DomainError(f"{invoice} is {invoice.status}: only an issued invoice can be credited.")
    return CreditNote(
        customer=invoice.customer,
        invoice=invoice,
        description=f"Credit for {invoice.number}",
        credit_date=credit_date or date.today(),
        breakdown=BreakdownStyle.full,
        lines=[
            CreditNoteLine(
                category=line.category,
                description=line.description,
                quantity=line.quantity,
                unit_price=line.unit_price,
                tax_rate=line.tax_rate,
            )
            for line in invoice.lines
        ],
    )


def add_credit_note(session: Session, credit_note: CreditNote) -> CreditNote:
    """Save a credit note after its rules: lines present, the invoice (if any) issued, of the
    same customer, and not credited beyond what it still owes. Nothing is added on refusal."""
    with session.no_autoflush:  # the checks must not flush the credit note half-checked
        _check(session, credit_note)
    session.add(credit_note)
    return credit_note


def _check(session: Session, credit_note: CreditNote) -> None:
    refuse_if_merged(credit_note.customer)
    check_credit_note(credit_note)
    if not credit_note.lines:
        raise ValidationFailed({"lines": "Add at least one line to credit."})
    invoice = credit_note.invoice
    if invoice is None:
        return
    if invoice.status != InvoiceStatus.issued:
        raise ValidationFailed(
            {"invoice": f"{invoice} is {invoice.status}: only issued invoices are credited."}
        )
    owed = invoice_outstanding(session, [invoice.id])[invoice.id]
    if credit_note.total > owed:
        raise ValidationFailed(
            {
                "lines": f"This credits {money(credit_note.total)} but {invoice} only has "
                f"{money(owed)} outstanding. Credit the rest to the customer instead."
            }
        )


@dataclass
class BreakdownRow:
    label: str
    net: Decimal
    tax: Decimal
    gross: Decimal
    lines: list[CreditNoteLine] = field(default_factory=list)


def breakdown(credit_note: CreditNote) -> list[BreakdownRow]:
    """The rows a credit note shows for its breakdown style. Every style sums to the total."""
    lines = credit_note.lines
    style = credit_note.breakdown
    if style == BreakdownStyle.none:
        return [_row(credit_note.description, lines)]
    if style == BreakdownStyle.full:
        return [_row(line.description, [line]) for line in lines]
    groups = [
        (category, [line for line in lines if line.category == category])
        for category in LineCategory
    ]
    groups = [(category, members) for category, members in groups if members]
    if style == BreakdownStyle.by_category:
        return [_row(category.label, members) for category, members in groups]
    return [_row(category.label, members, keep_lines=True) for category, members in groups]


def _row(label: str, lines, keep_lines: bool = False) -> BreakdownRow:
    net = sum((line.net for line in lines), Decimal("0.00"))
    tax = sum((line.tax for line in lines), Decimal("0.00"))
    return BreakdownRow(label, net, tax, net + tax, list(lines) if keep_lines else [])
