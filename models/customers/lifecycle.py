"""Changing a customer's type and deleting a customer."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from ..core.audit import record
from ..core.enums import InvoiceStatus
from ..core.errors import DomainError, ValidationFailed
from ..core.lookups import CustomerType
from ..files.entities import Attachment
from ..files.uploads import delete_attachment, delete_customer_folder
from ..money.entities import Invoice, Payment
from .entities import Contact, Customer
from .rules import check_customer


def change_customer_type(
    session: Session,
    customer: Customer,
    new_type: CustomerType,
    company_name: str | None = None,
    contact_surname: str | None = None,
) -> None:
    """Only for correcting a mistake, and permanent (seed 004). A company type needs a company
    name and a contact; types without a primary contact lose theirs."""
    old_type = customer.customer_type
    if new_type is None or new_type.id == old_type.id:
        raise ValidationFailed({"customer_type": "Choose a different customer type."})
    errors = {}
    if new_type.is_company:
        if not (company_name or customer.company_name or "").strip():
            errors["company_name"] = f"A {new_type} customer needs a company name."
        if not customer.contacts and not (contact_surname or "").strip():
            errors["contact_surname"] = f"A {new_type} customer needs a contact: give a surname."
    if errors:
        raise ValidationFailed(errors)
    customer.customer_type = new_type
    if (company_name or "").strip():
        customer.company_name = company_name.strip()
    if (contact_surname or "").strip():
        customer.contacts.append(Contact(surname=contact_surname.strip()))
    if not new_type.allows_primary_contact:
        for contact in customer.contacts:
            contact.is_primary = False
    check_customer(customer)
    record(session, "change type", customer, {"from": str(old_type), "to": str(new_type)})


def delete_customer(session: Session, customer: Customer, upload_folder: str | Path) -> None:
    """Removes the customer with every related record and file. Issued invoices and payments
    are accounting records that must stay: such customers are set dormant instead."""
    keeps_history = session.scalar(
        select(
            exists().where(
                Invoice.customer_id == customer.id,
                Invoice.status.in_((InvoiceStatus.issued, InvoiceStatus.void)),
            )
            | exists().where(Payment.customer_id == customer.id)
        )
    )
    if keeps_history:
        raise DomainError(
            "This customer has issued invoices or payments, which must stay on record: "
            "set the customer dormant instead."
        )
    if session.scalar(select(exists().where(Customer.merged_into_id == customer.id))):
        raise DomainError(
            "Other customers were merged into this one and point at it: it cannot be deleted."
        )
    for attachment in session.scalars(
        select(Attachment).where(Attachment.customer_id == customer.id)
    ):
        delete_attachment(session, attachment, upload_folder)  # files go once this commits
    session.delete(customer)  # the trail records it, with every value, as for any delete
    session.flush()
    delete_customer_folder(session, customer, upload_folder)
