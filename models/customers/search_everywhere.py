"""Search from every page (the navbar's box): customers, work addresses, works, invoices,
credit notes and payments, each kind on its own indexed keys, and what matched for each.

Customers and work addresses match exactly as the customer list and the work-address lookup
do (`search`); works, invoices and credit notes by their numbers ("W000222", "inv83", or the
bare "83"), on the numbers' unique indexes; payments by the start of their reference, on a
folded key like the customers'. Each kind is one statement with a LIMIT (the customers' contacts
and phones, for what matched, three more), so a search costs the same however big the book.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, or_, select, union_all
from sqlalchemy.orm import Session, joinedload

from ..core.formats import day, money
from ..money.entities import CreditNote, Invoice, Payment
from ..money.numbering import SERIES
from ..works.entities import Work
from .entities import NAME_ORDER, Contact, Customer, PhoneNumber, WorkAddress
from .keys import CONTACT_KEYS, NAME_KEY_LENGTH, fold_key
from .search import (
    account_number_id,
    contact_key_ranges,
    customer_key_ranges,
    customer_search,
    phone_digits,
    phone_owners,
    phone_starts,
    starts_with,
    work_address_key_ranges,
)

MAX_TERM_LENGTH = 100  # longer is pasted by mistake: no name, number or postcode is this long
MIN_KEY_LENGTH = 2  # one letter would offer a twenty-sixth of the book
NUMBER_DIGITS = 6  # as models.money.numbering.next_number writes them: W000222
_BARE_NUMBER = re.compile(r"^\d{1,10}$")
NUMBERED = (("work", Work), ("invoice", Invoice), ("credit_note", CreditNote))

KINDS = {
    "customer": "Customers",
    "work_address": "Work addresses",
    "work": "Works",
    "invoice": "Invoices",
    "credit_note": "Credit notes",
    "payment": "Payments",
}


@dataclass(frozen=True)
class Found:
    kind: str  # a key of KINDS
    id: int
    title: str
    detail: str
    matched: str  # what matched, in words: "Contact: Zoë Ångström-Berg"
    customer_id: int | None = None


@dataclass
class Results:
    term: str
    problem: str | None = None  # why nothing was searched, for the person who typed it
    groups: dict[str, list[Found]] = field(default_factory=dict)  # kind -> found, KINDS order

    @property
    def first(self) -> Found | None:
        return next((found for group in self.groups.values() for found in group), None)


def cleaned(raw: str | None) -> tuple[str, str | None]:
    """The term as it is searched for (control and unassigned characters dropped, spaces
    collapsed), and why it cannot be searched, if it cannot."""
    raw = raw or ""
    if len(raw) > MAX_TERM_LENGTH * 4:  # not worth normalising: refused whatever it holds
        return "", f"Type at most {MAX_TERM_LENGTH} characters."
    text = unicodedata.normalize("NFKC", raw)
    text = "".join(ch for ch in text if not unicodedata.category(ch).startswith("C"))
    term = " ".join(text.split())
    if len(term) > MAX_TERM_LENGTH:
        return term[:MAX_TERM_LENGTH], f"Type at most {MAX_TERM_LENGTH} characters."
    if len(fold_key(term)) < MIN_KEY_LENGTH and not fold_key(term).isdigit():
        return term, (
            "Type at least two letters or digits: a name, postcode, email, phone, PID "
            "or a job, invoice, credit note or payment number."
        )
    return term, None


def search_everywhere(session: Session, raw: str | None, limit: int = 5) -> Results:
    """Up to `limit` matches of each kind for what was typed, newest or nearest first."""
    term, problem = cleaned(raw)
    results = Results(term, problem)
    if problem:
        return results
    numbered = {
        series: _numbered(session, model, series, term, limit) for series, model in NUMBERED
    }
    if len(fold_key(term)) >= MIN_KEY_LENGTH:  # else a bare digit: job, invoice or credit note 5
        dialect = session.get_bind().dialect.name
        found = {
            "customer": _customers(session, term, dialect, limit),
            "work_address": _work_addresses(session, term, limit),
            **numbered,
            "payment": _payments(session, term, limit),
        }
    else:
        found = numbered
    results.groups = {kind: rows for kind, rows in found.items() if rows}
    return results


def customer_matches(session: Session, term: str) -> ColumnElement[bool]:
    """The customer list's condition "the customer matches what was typed"."""
    tables = (Customer.__table__, Contact.__table__, PhoneNumber.__table__)
    return customer_search(*tables, term, session.get_bind().dialect.name)


def nearest_customer_ids(term: str, dialect: str, limit: int):
    """The ids of up to `limit` customers per way of matching that the list's search knows
    (`search`: each key range, a contact's, a phone's), nearest the term in each key's order.

    The list's condition finds every match and sorts them: a common surname's thousands, more
    as the book grows. Here each way is read along its own index and stops at `limit`, so a
    search as one types costs the same at 100,000 customers and at 1,000,000."""
    customer, contact, phone = Customer.__table__, Contact.__table__, PhoneNumber.__table__
    live = customer.c.merged_into_id.is_(None)
    ways = along_indexes(customer.c.id, customer_key_ranges(customer, term), limit, live)
    ways += along_indexes(contact.c.customer_id, contact_key_ranges(contact, term), limit)
    digits = phone_digits(term)
    if digits:
        ways.append(phone_owners(contact, phone, digits, dialect).limit(limit))
    return union_of(ways)


def along_indexes(found, key_ranges, limit: int, *where) -> list:
    """For each (key, range): up to `limit` of `found` in the range, read in the key's order
    (along its index, stopping at the limit), however many rows the range holds."""
    return [
        select(found).where(condition, *where).order_by(key).limit(limit)
        for key, condition in key_ranges
    ]


def union_of(ways: list):
    """The rows of every way; each a subquery, as SQLite allows no ORDER BY or LIMIT on a
    UNION's own arms."""
    return union_all(*(select(way.subquery()) for way in ways))


def _customers(session: Session, term: str, dialect: str, limit: int) -> list[Found]:
    if not customer_key_ranges(Customer.__table__, term):
        return []
    query = (
        select(Customer)
        .where(
            Customer.id.in_(nearest_customer_ids(term, dialect, limit)),
            Customer.merged_into_id.is_(None),
        )
        .order_by(NAME_ORDER, Customer.id.desc())
        .limit(limit)
    )
    customers = session.scalars(query).all()
    # For what matched: their contacts and every phone of theirs or their contacts', two
    # statements always (not a lazy load per customer, nor eager loads that run only when
    # there is something to load).
    ids = [customer.id for customer in customers]
    contacts = session.scalars(
        select(Contact).where(Contact.customer_id.in_(ids)).order_by(Contact.id)
    ).all()
    contact_ids = [contact.id for contact in contacts]
    phones = session.scalars(
        select(PhoneNumber)
        .where(or_(PhoneNumber.customer_id.in_(ids), PhoneNumber.contact_id.in_(contact_ids)))
        .order_by(PhoneNumber.id)
    ).all()
    found = []
    for customer in customers:
        own = [contact for contact in contacts if contact.customer_id == customer.id]
        numbers = [(phone, None) for phone in phones if phone.customer_id == customer.id] + [
            (phone, contact)
            for contact in own
            for phone in phones
            if phone.contact_id == contact.id
        ]
        found.append(
            Found(
                "customer",
                customer.id,
                customer.display_name or "(no name)",
                _line(customer.account_number, customer.postcode),
                _customer_matched(customer, own, numbers, term, dialect),
                customer.id,
            )
        )
    return found


def _customer_matched(customer: Customer, contacts, numbers, term: str, dialect: str) -> str:
    """What of the customer matched, in the order the list's search tries its keys."""
    key = fold_key(term)[:NAME_KEY_LENGTH]
    if account_number_id(term) == customer.id:
        return f"PID: {customer.account_number}"
    own = (
        ("surname_key", "Surname", customer.surname),
        ("company_key", "Company", customer.company_name),
        ("full_name_key", "Name", f"{customer.first_name or ''} {customer.surname or ''}"),
        ("postcode_key", "Postcode", customer.postcode),
    )
    for column, label, value in own:
        if key and (getattr(customer, column) or "").startswith(key):
            return f"{label}: {' '.join((value or '').split())}"
    if (customer.email_key or "").startswith(term.lower()):
        return f"Email: {customer.email}"
    for contact in contacts:
        if key and any((getattr(contact, column) or "").startswith(key) for column in CONTACT_KEYS):
            return f"Contact: {contact.name}"
    digits = phone_digits(term)
    for phone, contact in numbers if digits else ():
        if _phone_matches(phone.digits, digits, dialect):
            if contact is None:
                return f"Phone: {phone.number}"
            return f"Contact's phone: {phone.number} ({contact.name})"
    return "Customer"


def _phone_matches(number: str, digits: str, dialect: str) -> bool:
    """As `search.phone_match`, for a number already loaded."""
    if any(number.startswith(start) for start in phone_starts(digits)) or number.endswith(digits):
        return True
    return dialect == "postgresql" and digits in number


def _work_addresses(session: Session, term: str, limit: int) -> list[Found]:
    table = WorkAddress.__table__
    nearest = along_indexes(table.c.id, work_address_key_ranges(table, term), limit)
    query = (
        select(WorkAddress)
        .where(WorkAddress.id.in_(union_of(nearest)))
        .order_by(WorkAddress.address_line_1, WorkAddress.id)
        .limit(limit)
        .options(joinedload(WorkAddress.customer))
    )
    key = fold_key(term)[:NAME_KEY_LENGTH]
    found = []
    for address in session.scalars(query):
        if (address.address_line_1_key or "").startswith(key):
            matched = f"Address line 1: {address.address_line_1}"
        elif (address.postcode_key or "").startswith(key):
            matched = f"Postcode: {address.postcode}"
        else:
            matched = f"Occupier: {address.occupier_surname}"
        owner = address.customer.display_name if address.customer else ""
        found.append(
            Found("work_address", address.id, str(address), owner, matched, address.customer_id)
        )
    return found


def number_condition(column, series: str, term: str) -> ColumnElement[bool] | None:
    """The condition on a document's number for what was typed, or None when it names none:
    "INV000083" or "inv 0000" match the numbers starting so (a range on the unique index),
    "inv83" and a bare "83" the one number INV000083."""
    prefix = SERIES[series]
    typed = fold_key(term).upper()
    if _BARE_NUMBER.match(typed):
        return column == prefix + typed.zfill(NUMBER_DIGITS)
    digits = typed.removeprefix(prefix)
    if digits == typed or not _BARE_NUMBER.match(digits):
        return None
    if len(digits) < NUMBER_DIGITS and not digits.startswith("0"):
        return column == prefix + digits.zfill(NUMBER_DIGITS)
    return starts_with(column, prefix + digits)


def _numbered(session: Session, model, series: str, term: str, limit: int) -> list[Found]:
    condition = number_condition(model.number, series, term)
    if condition is None:
        return []
    # Newest first, read backwards along the number's index: no sort, however many match.
    query = (
        select(model)
        .where(condition)
        .order_by(model.number.desc())
        .limit(limit)
        .options(joinedload(model.customer))
    )
    return [_document(series, row) for row in session.scalars(query)]


def _document(series: str, row) -> Found:
    owner = row.customer.display_name if row.customer else ""
    if series == "work":
        detail = [owner, row.kind.label, row.status.label]
        title = f"{row.number} {row.description}"
    elif series == "invoice":
        detail = [owner, day(row.invoice_date), money(row.stored_total), row.status.label]
        title = row.number
    else:
        detail = [owner, day(row.credit_date), money(row.stored_total)]
        title = row.number
    return Found(series, row.id, title, _line(*detail), f"Number: {row.number}", row.customer_id)


def _payments(session: Session, term: str, limit: int) -> list[Found]:
    key = fold_key(term)[:NAME_KEY_LENGTH]
    query = (
        select(Payment)
        .where(starts_with(Payment.reference_key, key))
        .order_by(Payment.reference_key, Payment.id)
        .limit(limit)
        .options(joinedload(Payment.customer), joinedload(Payment.payment_method))
    )
    return [
        Found(
            "payment",
            payment.id,
            str(payment),
            _line(
                payment.customer.display_name if payment.customer else "",
                payment.payment_method.name if payment.payment_method else "",
            ),
            f"Reference: {payment.reference}",
            payment.customer_id,
        )
        for payment in session.scalars(query)
    ]


def _line(*parts: str | None) -> str:
    """A result's second line: its parts that are not blank, apart."""
    return " · ".join(part for part in parts if part)
