"""Payments, their allocation to invoices, and account credit (seed 004 "Cash allocations",
"Account Credit").

A payment is money received, by one method. Allocations set parts of it against the customer's
issued invoices; what is not allocated is the customer's account credit, which can be
allocated later. Two rules keep the books straight whoever calls: an allocation never exceeds
what the invoice still owes, and a payment's allocations never exceed the payment.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core.formats import money

from ..core.enums import InvoiceStatus
from ..core.errors import DomainError, ValidationFailed
from ..core.lookups import PaymentMethod
from ..customers.entities import Customer
from ..customers.status import refuse_if_merged
from .balances import invoice_outstanding
from .entities import Invoice, Payment, PaymentAllocation

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Allocation:
    invoice: Invoice
    amount: Decimal


def record_payment(
    session: Session,
    customer: Customer,
    *,
    paid_on: date,
    method: PaymentMethod,
    amount: Decimal,
    reference: str | None = None,
    nominal_account: str | None = None,
    notes: str | None = None,
    allocations: Sequence[Allocation] = (),
) -> Payment:
    """Record money received and allocate it at once; the rest is account credit."""
    refuse_if_merged(customer)
    errors = {}
    if amount is None or amount <= 0:
        errors["amount"] = "The amount must be more than zero."
    elif amount != amount.quantize(CENT):
        errors["amount"] = "An amount has at most two decimal places."
    if paid_on is None:
        errors["paid_on"] = "Enter the payment date."
    if method is None:
        errors["payment_method"] = "Choose how it was paid."
    if errors:
        raise ValidationFailed(errors)
    payment = Payment(
        customer=customer,
        paid_on=paid_on,
        payment_method=method,
        amount=amount,
        reference=(reference or "").strip() or None,
        nominal_account=(nominal_account or "").strip() or None,
        notes=notes,
    )
    session.add(payment)
    allocate(session, payment, allocations, on=paid_on)
    return payment


def allocate(
    session: Session,
    payment: Payment,
    allocations: Sequence[Allocation],
    on: date | None = None,
) -> list[PaymentAllocation]:
    """Set parts of a payment's unallocated amount against invoices, all or nothing.

    The invoices are locked (FOR UPDATE on PostgreSQL) before their outstanding amounts are
    read, so two people allocating to one invoice at once cannot both take its last pound.
    """
    if not allocations:
        return []
    on = on or date.today()
    errors: dict[str, str] = {}
    ids = sorted({a.invoice.id for a in allocations if a.invoice.id is not None})
    if ids:
        session.execute(select(Invoice.id).where(Invoice.id.in_(ids)).with_for_update()).all()
    session.flush()
    owed = invoice_outstanding(session, ids)
    taking: dict[int, Decimal] = {}
    for allocation in allocations:
        invoice, amount = allocation.invoice, allocation.amount
        key = f"allocation-{invoice.id}"
        if invoice.customer_id != payment.customer_id:
            errors[key] = f"{invoice} belongs to another customer."
        elif invoice.status != InvoiceStatus.issued:
            errors[key] = f"{invoice} is {invoice.status}: only issued invoices can be paid."
        elif amount is None or amount <= 0:
            errors[key] = f"Allocate more than zero to {invoice}, or leave it out."
        elif amount != amount.quantize(CENT):
            errors[key] = "An amount has at most two decimal places."
        else:
            taking[invoice.id] = taking.get(invoice.id, Decimal("0")) + amount
            if taking[invoice.id] > owed.get(invoice.id, Decimal("0")):
                errors[key] = (
                    f"{invoice} only has {money(owed.get(invoice.id, Decimal('0')))} outstanding."
                )
    total = sum(taking.values(), Decimal("0"))
    available = unallocated(payment)
    if total > available:
        errors["allocations"] = (
            f"Allocations ({money(total)}) exceed what is left of the payment ({money(available)})."
        )
    if errors:
        raise ValidationFailed(errors)
    made = []
    with session.no_autoflush:  # nothing half-built is flushed by a lazy load
        for allocation in allocations:
            existing = next(
                (a for a in payment.allocations if a.invoice is allocation.invoice), None
            )
            if existing is not None:  # one row per payment and invoice: top it up
                existing.amount += allocation.amount
                made.append(existing)
                continue
            row = PaymentAllocation(
                payment=payment,
                invoice=allocation.invoice,
                amount=allocation.amount,
                allocated_on=on,
            )
            session.add(row)
            made.append(row)
    session.flush()
    return made


def unallocated(payment: Payment) -> Decimal:
    return payment.amount - sum((a.amount for a in payment.allocations), Decimal("0"))


def allocate_account_credit(
    session: Session, customer: Customer, invoice: Invoice, amount: Decimal, on: date | None = None
) -> list[PaymentAllocation]:
    """Use the customer's account credit on an invoice: taken from the oldest payments with
    money left first, so what remains is the most recent credit."""
    refuse_if_merged(customer)
    if invoice.customer_id != customer.id:
        raise ValidationFailed({"invoice": f"{invoice} belongs to another customer."})
    if amount is None or amount <= 0:
        raise ValidationFailed({"amount": "The amount must be more than zero."})
    payments = session.scalars(
        select(Payment)
        .where(Payment.customer_id == customer.id)
        .order_by(Payment.paid_on, Payment.id)
        .with_for_update()
    ).all()
    credit = sum((unallocated(p) for p in payments), Decimal("0"))
    if amount > credit:
        raise ValidationFailed(
            {"amount": f"The account credit is only {money(credit)}; allocate at most that."}
        )
    made: list[PaymentAllocation] = []
    left = amount
    for payment in payments:
        share = min(left, unallocated(payment))
        if share > 0:
            made += allocate(session, payment, [Allocation(invoice, share)], on=on)
            left -= share
        if left == 0:
            break
    return made


def remove_allocation(session: Session, allocation: PaymentAllocation) -> None:
    """Take an allocation off its invoice: the money goes back to account credit."""
    if allocation.invoice.status != InvoiceStatus.issued:
        raise DomainError(f"{allocation.invoice} is {allocation.invoice.status}.")
    session.delete(allocation)
