"""Finding a customer by what staff type: the start of a surname, company, full name, postcode
or email, the start of one of its contacts' names, or part of its or its contacts' phone
numbers; and finding a work address by the start of its line 1, postcode or occupier's surname.

Every match runs on a normalised key column with a plain B-tree index and is a prefix range
(`key >= 'smi' AND key < 'smj'`), which both SQLite and PostgreSQL answer from the index. The
stock admin search (`CAST(col AS TEXT) ILIKE '%smi%'`) reads every row instead. Phone numbers
match on the start of their digits (as dialled, national or international) or on their last
digits, via a reversed copy of the digits; on PostgreSQL a trigram index (pg_trgm) also finds
digits anywhere in the number.

The keys themselves, and the functions that make them, are in `keys`.
"""

from __future__ import annotations

import re

from sqlalchemy import Column, ColumnElement, Select, and_, false, func, or_, select, union_all

from ..core.base import MAX_ROW_ID
from . import phones
from .keys import CONTACT_KEYS, NAME_KEY_LENGTH, WORK_ADDRESS_KEYS, fold_key, reversed_digits

MIN_PHONE_DIGITS = 4  # fewer digits than this would match half the book
CUSTOMER_NAME_KEYS = ("surname_key", "company_key", "full_name_key", "postcode_key")

_PHONE_LIKE = re.compile(r"^[\d\s()+\-./]+$")
_ACCOUNT_NUMBER = re.compile(r"^[cC](\d{1,10})$")  # the PID staff quote: "C000123"


def account_number_id(term: str) -> int | None:
    """The customer id a PID names ("C000123", "c123"), else None."""
    account = _ACCOUNT_NUMBER.match(term)
    if account and int(account.group(1)) <= MAX_ROW_ID:
        return int(account.group(1))
    return None


def starts_with(column, prefix: str) -> ColumnElement[bool]:
    """`column` starts with `prefix`, as an index range (keys are plain ASCII)."""
    if not prefix:
        return false()
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return and_(column >= prefix, column < upper)


def phone_digits(term: str) -> str | None:
    """The digits of a term that looks like (part of) a phone number, else None."""
    if not _PHONE_LIKE.match(term):
        return None
    digits = "".join(ch for ch in term if ch.isdigit())
    return digits if len(digits) >= MIN_PHONE_DIGITS else None


def phone_starts(digits: str) -> list[str]:
    """The starts a number may have for a fragment: as typed, and national "07700…" as
    international "447700…" (or "0044…" without its "00")."""
    starts = [digits]
    if digits.startswith("0") and not digits.startswith("00"):
        starts.append(phones.country_code() + digits[1:])
    elif digits.startswith("00"):
        starts.append(digits[2:])
    return starts


def phone_match(phone_table, digits: str, dialect: str) -> ColumnElement[bool]:
    """Numbers whose digits start with the fragment (`phone_starts`) or end with it; on
    PostgreSQL also contain it."""
    conditions = [starts_with(phone_table.c.digits, start) for start in phone_starts(digits)]
    conditions.append(starts_with(phone_table.c.digits_reversed, reversed_digits(digits)))
    if dialect == "postgresql":
        conditions.append(phone_table.c.digits.contains(digits, autoescape=True))
    return or_(*conditions)


def customer_search(
    customer_table, contact_table, phone_table, term: str, dialect: str
) -> ColumnElement[bool]:
    """The condition "this customer matches what was typed" (the whole term, not word by word,
    so "SW1A 1AA" and "John Smith" match as one).

    The key ranges are one OR on the customer table, which both databases answer by combining
    indexes (PostgreSQL's BitmapOr, SQLite's multi-index OR). Contacts and phone numbers live
    in other tables; an OR with a subquery would make PostgreSQL scan every customer, so the
    term is a UNION of the lookups instead, each answered from its own table's indexes.
    """
    customer_id = customer_table.c.id
    conditions = [condition for _key, condition in customer_key_ranges(customer_table, term)]
    if not conditions:
        return false()
    elsewhere = []
    by_contact = [condition for _key, condition in contact_key_ranges(contact_table, term)]
    if by_contact:
        elsewhere.append(select(contact_table.c.customer_id).where(or_(*by_contact)))
    digits = phone_digits(term)
    if digits:
        elsewhere.append(phone_owners(contact_table, phone_table, digits, dialect))
    if not elsewhere:
        return or_(*conditions)
    # UNION ALL: IN ignores duplicates anyway, so no sort to remove them first.
    return customer_id.in_(union_all(select(customer_id).where(or_(*conditions)), *elsewhere))


def customer_key_ranges(customer_table, term: str) -> list[tuple[Column, ColumnElement[bool]]]:
    """The customer's own ways to match what was typed: each indexed key column with its
    range (the PID, an equality on the id)."""
    term = (term or "").strip()
    key = fold_key(term)[:NAME_KEY_LENGTH]
    columns = [customer_table.c[name] for name in CUSTOMER_NAME_KEYS] if key else []
    ranges = [(column, starts_with(column, key)) for column in columns]
    if term:
        email = customer_table.c.email_key
        ranges.append((email, starts_with(email, term.lower())))
    account = account_number_id(term)
    if account is not None:
        ranges.append((customer_table.c.id, customer_table.c.id == account))
    return ranges


def contact_key_ranges(contact_table, term: str) -> list[tuple[Column, ColumnElement[bool]]]:
    """A contact's ways to match what was typed (and so find its customer)."""
    key = fold_key((term or "").strip())[:NAME_KEY_LENGTH]
    columns = [contact_table.c[name] for name in CONTACT_KEYS] if key else []
    return [(column, starts_with(column, key)) for column in columns]


def phone_owners(contact_table, phone_table, digits: str, dialect: str) -> Select:
    """The customers owning the numbers that match, themselves or through a contact (whose
    number names the contact only: the outer join finds its customer by primary key)."""
    owner = func.coalesce(phone_table.c.customer_id, contact_table.c.customer_id)
    contact = contact_table.c.id == phone_table.c.contact_id
    return (
        select(owner)
        .select_from(phone_table.outerjoin(contact_table, contact))
        .where(phone_match(phone_table, digits, dialect))
    )


def work_address_search(work_address_table, term: str) -> ColumnElement[bool]:
    """The condition "this work address's line 1, postcode or occupier surname starts with
    what was typed": one OR of key ranges, answered by combining indexes as for customers."""
    return or_(
        *(condition for _key, condition in work_address_key_ranges(work_address_table, term))
    )


def work_address_key_ranges(
    work_address_table, term: str
) -> list[tuple[Column, ColumnElement[bool]]]:
    """A work address's ways to match what was typed: each key column with its range."""
    key = fold_key(term)[:NAME_KEY_LENGTH]
    columns = [work_address_table.c[name] for name in WORK_ADDRESS_KEYS]
    return [(column, starts_with(column, key)) for column in columns]
