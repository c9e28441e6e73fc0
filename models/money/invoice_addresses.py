"""Alternative invoice addresses (seed 004 "Invoices"): bill-to addresses such as an insurer or
a managing agent, shared by every customer billed there. Attaching and detaching changes one
customer's list; deleting removes the address for everyone, so it is refused while an invoice
still in play is addressed to it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.audit import record
from ..core.base import ADDRESS_FIELDS
from ..core.enums import InvoiceStatus
from ..core.errors import DomainError, ValidationFailed
from ..customers.entities import Customer
from ..customers.rules import email_problem
from ..customers.status import refuse_if_merged
from .balances import invoice_outstanding
from .entities import Invoice, InvoiceAddress

FIELDS = ("name", *ADDRESS_FIELDS, "email")


def add_invoice_address(
    session: Session, customer: Customer, **fields: str | None
) -> InvoiceAddress:
    """A new invoice address, attached to this customer."""
    refuse_if_merged(customer)
    values = {name: (fields.get(name) or "").strip() or None for name in FIELDS}
    errors: dict[str, str] = {}
    if not values["name"]:
        errors["name"] = "Enter who the invoices go to."
    if not values["address_line_1"]:
        errors["address_line_1"] = "Address line 1 is required."
    if problem := email_problem(values["email"]):
        errors["email"] = problem
    if errors:
        raise ValidationFailed(errors)
    address = InvoiceAddress(**values)
    session.add(address)
    customer.invoice_addresses.append(address)
    return address


def attach_invoice_address(session: Session, customer: Customer, address: InvoiceAddress) -> None:
    refuse_if_merged(customer)
    if address in customer.invoice_addresses:
        raise DomainError(f"{address} is already one of {customer.display_name}'s addresses.")
    customer.invoice_addresses.append(address)
    # A shared row's links are not columns: the flush audit would not see them.
    record(session, "attach invoice address", customer, summary=f"{customer}: {address}")


def detach_invoice_address(session: Session, customer: Customer, address: InvoiceAddress) -> None:
    """Off this customer's list; other customers and past invoices keep it."""
    if address not in customer.invoice_addresses:
        raise DomainError(f"{address} is not one of {customer.display_name}'s addresses.")
    customer.invoice_addresses.remove(address)
    record(session, "detach invoice address", customer, summary=f"{customer}: {address}")


def delete_invoice_address(session: Session, address: InvoiceAddress) -> None:
    """Delete the address for every customer sharing it, unless an invoice needs it."""
    refuse_deleting_invoice_address(session, address)
    session.delete(address)


def refuse_deleting_invoice_address(session: Session, address: InvoiceAddress) -> None:
    """Refused while a draft, or an issued invoice with something outstanding, is addressed to
    it (that invoice would lose its recipient); refused too for settled invoices, which keep
    the address they were sent to."""
    invoices = session.scalars(
        select(Invoice)
        .where(Invoice.invoice_address_id == address.id)
        .order_by(Invoice.invoice_date, Invoice.id)
    ).all()
    owed = invoice_outstanding(
        session, [i.id for i in invoices if i.status == InvoiceStatus.issued]
    )
    open_ones = [i for i in invoices if i.status == InvoiceStatus.draft or owed.get(i.id, 0) > 0]
    if open_ones:
        raise DomainError(
            f"{address} is the invoice address of open invoices "
            f"{_names(open_ones)}. Choose another address on them, or settle them, first."
        )
    if invoices:
        raise DomainError(
            f"{address} is kept: invoices {_names(invoices)} were sent to it and a sent "
            "invoice never changes. Detach it from the customer instead."
        )


def _names(invoices: list[Invoice]) -> str:
    return ", ".join(str(invoice) for invoice in invoices)
