"""Rules every money document keeps, whoever saves it."""

from __future__ import annotations

from models.core.formats import money

from ..core.errors import ValidationFailed
from .entities import CreditNote, Invoice, Payment


def check_invoice(invoice: Invoice) -> None:
    errors: dict[str, str] = {}
    if invoice.invoice_date and invoice.due_on and invoice.due_on < invoice.invoice_date:
        errors["due_on"] = "The due date cannot be before the invoice date."
    if any(
        line.work is not None and line.work.customer is not invoice.customer
        for line in invoice.lines
    ):
        errors["lines"] = "Every job on the invoice must belong to the invoiced customer."
    if invoice.contact is not None and invoice.contact.customer is not invoice.customer:
        errors["contact"] = "Choose a contact of the invoiced customer."
    if errors:
        raise ValidationFailed(errors)


def check_credit_note(credit_note: CreditNote) -> None:
    if credit_note.invoice is not None and credit_note.invoice.customer is not credit_note.customer:
        raise ValidationFailed({"invoice": "That invoice belongs to another customer."})


def check_payment(payment: Payment) -> None:
    errors: dict[str, str] = {}
    if any(
        a.invoice is not None and a.invoice.customer is not payment.customer
        for a in payment.allocations
    ):
        errors["allocations"] = "A payment can only pay invoices of the same customer."
    allocated = sum((a.amount or 0 for a in payment.allocations), 0)
    if payment.amount is not None and allocated > payment.amount:
        errors["allocations"] = (
            f"Allocations ({money(allocated)}) exceed the payment ({money(payment.amount)})."
        )
    if errors:
        raise ValidationFailed(errors)
