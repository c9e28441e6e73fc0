"""Adding and saving customers, contacts and work addresses as typed on their forms: every rule
of seeds 003 and 004 checked first, likely duplicates confirmed, one transaction (the
caller's)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..core.audit import record
from .duplicates import RelatedCustomer, Typed, refuse_unconfirmed
from .entities import Branch, Contact, Customer, WorkAddress
from .rules import (
    apply_customer_defaults,
    check_branch,
    check_contact,
    check_customer,
    check_version,
    check_work_address,
)

CREATED_ANYWAY = "create anyway"


def typed_customer(customer: Customer) -> Typed:
    """What a customer being added would be matched on: its own and its contacts' details."""
    contacts = customer.contacts
    numbers = [p.number for p in customer.phones]
    numbers += [p.number for contact in contacts for p in contact.phones]
    first = contacts[0] if customer.is_company and contacts else customer
    return Typed(
        first_name=first.first_name,
        surname=first.surname,
        company_name=customer.company_name,
        email=customer.email or (first.email if first is not customer else None),
        phones=tuple(numbers),
        postcode=customer.postcode,
        address_line_1=customer.address_line_1,
    )


def add_customer(
    session: Session, customer: Customer, confirmed: set[int]
) -> list[RelatedCustomer]:
    """Adds the customer, unless a rule refuses it or it looks like a customer the book already
    holds and the user did not confirm each of those: adding one twice splits its history
    and its debt. The confirmation is kept in the audit trail."""
    with session.no_autoflush:
        apply_customer_defaults(customer)
        check_customer(customer)
        for contact in customer.contacts:
            check_contact(contact)
        matches = refuse_unconfirmed(session, typed_customer(customer), confirmed)
    session.add(customer)
    session.flush()
    if matches:
        _record_confirmation(session, customer, matches)
    return matches


def save_customer(session: Session, customer: Customer, seen_version: int | None) -> None:
    with session.no_autoflush:
        check_version(customer, seen_version, "customer")
        apply_customer_defaults(customer)
        check_customer(customer)


def save_contact(session: Session, contact: Contact, seen_version: int | None) -> None:
    """Adds or saves a contact of its customer (a new one has no version yet)."""
    with session.no_autoflush:
        check_version(contact, seen_version, "contact")
        check_contact(contact)
    session.add(contact)


def save_branch(session: Session, branch: Branch) -> None:
    """Adds or saves an office of its customer."""
    with session.no_autoflush:
        check_branch(branch)
    session.add(branch)


def add_work_address(
    session: Session, address: WorkAddress, confirmed: set[int]
) -> list[RelatedCustomer]:
    """Adds a property; one at the address of a customer other than its owner is confirmed
    first (it is often that customer's own property, or a landlord's)."""
    with session.no_autoflush:
        check_work_address(address)
        typed = Typed(address_line_1=address.address_line_1, postcode=address.postcode)
        matches = refuse_unconfirmed(session, typed, confirmed, excluding=address.customer.id)
    session.add(address)
    session.flush()
    if matches:
        _record_confirmation(session, address, matches)
    return matches


def save_work_address(session: Session, address: WorkAddress, seen_version: int | None) -> None:
    with session.no_autoflush:
        check_version(address, seen_version, "work address")
        check_work_address(address)


def _record_confirmation(session: Session, obj, matches: list[RelatedCustomer]) -> None:
    record(
        session,
        CREATED_ANYWAY,
        obj,
        {"duplicates": [f"{m.customer.account_number} ({', '.join(m.reasons)})" for m in matches]},
    )
