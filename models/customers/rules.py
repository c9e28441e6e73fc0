"""The rules a customer record must keep before it is saved (seeds 003 and 004)."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email

from ..core.errors import ConcurrentEditError, ValidationFailed
from .entities import Branch, Contact, Customer, WorkAddress

OTHER_CUSTOMERS_ADDRESS = "That work address belongs to another customer."


def _blank(value: str | None) -> bool:
    return not (value and value.strip())


def email_problem(value: str | None) -> str | None:
    """Why an optional email address is not acceptable, or None."""
    if _blank(value):
        return None
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError as error:
        return f"Not a valid email address: {error}"
    return None


def email_errors(record, *fields: str) -> dict[str, str]:
    """Messages for those of the record's email fields that are filled in but not valid."""
    problems = {field: email_problem(getattr(record, field)) for field in fields}
    return {field: problem for field, problem in problems.items() if problem}


def apply_customer_defaults(customer: Customer) -> None:
    """The salesperson is also the representative unless someone else was named (seed 003)."""
    # Forms set the ids, code often the related users: either way round.
    if customer.representative_id is None and customer.salesperson_id is not None:
        customer.representative_id = customer.salesperson_id
    elif customer.representative is None and customer.salesperson is not None:
        customer.representative = customer.salesperson


def check_customer(customer: Customer) -> None:
    """Refuse a customer the scheduling and billing could not work with."""
    errors: dict[str, str] = {}
    if customer.customer_type is None:
        errors["customer_type"] = "Choose a customer type."
    if customer.is_company:
        if _blank(customer.company_name):
            errors["company_name"] = "Company name is required for a company customer."
        if not customer.contacts:
            errors["contacts"] = "A company customer needs at least one contact."
    elif _blank(customer.surname) and _blank(customer.company_name):
        errors["surname"] = "Surname is required."
    if _blank(customer.address_line_1):
        errors["address_line_1"] = "Address line 1 is required."
    if _blank(customer.postcode):
        errors["postcode"] = "Postcode is required."
    errors.update(email_errors(customer, "email", "alt_email", "statement_email"))
    if not _has_phone(customer):
        errors["phones"] = (
            "Add at least one phone number, on the customer or on a contact."
            if customer.is_company
            else "Add at least one phone number."
        )
    if errors:
        raise ValidationFailed(errors)


def _has_phone(customer: Customer) -> bool:
    if any(not _blank(p.number) for p in customer.phones):
        return True
    # A company is usually reached through its contacts (seed 003).
    return customer.is_company and any(
        not _blank(p.number) for contact in customer.contacts for p in contact.phones
    )


def check_contact(contact: Contact) -> None:
    errors: dict[str, str] = {}
    if _blank(contact.surname):
        errors["surname"] = "Surname is required."
    errors.update(email_errors(contact, "email"))
    if contact.is_primary and contact.customer is not None:
        if not contact.customer.customer_type.allows_primary_contact:
            errors["is_primary"] = "Only private customer types have a primary contact."
        elif any(c.is_primary for c in contact.customer.contacts if c is not contact):
            errors["is_primary"] = "This customer already has a primary contact."
    if errors:
        raise ValidationFailed(errors)


def check_branch(branch: Branch) -> None:
    errors: dict[str, str] = {}
    if _blank(branch.name):
        errors["name"] = "Name the branch."
    if _blank(branch.address_line_1):
        errors["address_line_1"] = "Address line 1 is required."
    errors.update(email_errors(branch, "email"))
    if errors:
        raise ValidationFailed(errors)


def check_work_address(address: WorkAddress) -> None:
    errors: dict[str, str] = {}
    if _blank(address.address_line_1):
        errors["address_line_1"] = "Address line 1 is required."
    errors.update(email_errors(address, "email"))
    if address.landlord is not None and address.landlord is address.customer:
        errors["landlord"] = "A customer cannot be the landlord of its own work address."
    if errors:
        raise ValidationFailed(errors)


def check_version(record, seen_version: int | None, noun: str) -> None:
    """Refuse to overwrite changes saved by someone else since this user opened the record."""
    if seen_version is not None and record.version != seen_version:
        raise ConcurrentEditError(
            f"This {noun} was changed by someone else after you opened it. "
            "Reload it to see their changes, then make yours again."
        )
