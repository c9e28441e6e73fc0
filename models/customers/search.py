"""Finding a customer by what staff type: the start of a surname, company, full name, postcode
or email, the start of one of its contacts' names, or part of its or its contacts' phone
numbers; and finding a work address by the start of its line 1, postcode or occupier's surname.

Every match runs on a normalised key column with a plain B-tree index and is a prefix range
(`key >= 'smi' AND key < 'smj'`), which both SQLite and PostgreSQL answer from the index. The
stock admin search (`CAST(col AS TEXT) ILIKE '%smi%'`) reads every row instead. Phone numbers
match on the start of their digits (as dialled, national or international) or on their last
digits, via a reversed copy of the digits; on PostgreSQL a trigram index (pg_trgm) also finds
digits anywhere in the number.

The key functions are pure: the models keep the keys in step (`Customer._refresh_keys` and
the like on Contact and WorkAddress) and the bulk generator in bench/ fills them the same way.
The migrations that added the keys carry their own copies of these functions, so a change
here changes no migration: a new rule for existing rows needs a migration of its own.
"""

from __future__ import annotations

import re

from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select, union_all

from ..core.base import MAX_ROW_ID
from . import phones
from .related import _fold

NAME_KEY_LENGTH = 80
EMAIL_KEY_LENGTH = 254
MIN_PHONE_DIGITS = 4  # fewer digits than this would match half the book
OCCUPIER = "Occupier"  # a work address's occupier surname when nobody is named

_NOT_KEY = re.compile(r"[^0-9a-z]")
_PHONE_LIKE = re.compile(r"^[\d\s()+\-./]+$")
_ACCOUNT_NUMBER = re.compile(r"^[cC](\d{1,10})$")  # the PID staff quote: "C000123"


def fold_key(text: str | None) -> str:
    """Lower-case letters and digits only, accents dropped: "O'Brien-Smyth" -> "obriensmyth"."""
    return _NOT_KEY.sub("", _fold(text))


def name_search_key(text: str | None) -> str | None:
    """A key column's value: folded and cut to the column's width, None when nothing is left."""
    return fold_key(text)[:NAME_KEY_LENGTH] or None


def person_keys(first_name: str | None, surname: str | None) -> dict[str, str | None]:
    """The name key columns of a customer or a contact: surname, and first name with surname."""
    return {
        "surname_key": name_search_key(surname),
        "full_name_key": name_search_key(f"{first_name}{surname or ''}") if first_name else None,
    }


def customer_keys(
    first_name: str | None,
    surname: str | None,
    company_name: str | None,
    postcode: str | None,
    email: str | None,
) -> dict[str, str | None]:
    """The search key columns for a customer with these fields (None where a field is blank)."""
    names = person_keys(first_name, surname)
    email_key = (email or "").strip().lower()
    return {
        "surname_key": names["surname_key"],
        "company_key": name_search_key(company_name),
        "full_name_key": names["full_name_key"],
        "postcode_key": name_search_key(postcode),
        "email_key": email_key[:EMAIL_KEY_LENGTH] or None,
    }


def work_address_keys(
    address_line_1: str | None, postcode: str | None, occupier_surname: str | None
) -> dict[str, str | None]:
    """The search key columns for a work address. The placeholder occupier ("Occupier", most
    addresses) gets no key: "occ" would offer every such address, in no useful order."""
    occupier = name_search_key(occupier_surname)
    return {
        "address_line_1_key": name_search_key(address_line_1),
        "postcode_key": name_search_key(postcode),
        "occupier_key": None if occupier == fold_key(OCCUPIER) else occupier,
    }


CUSTOMER_KEY_SOURCES = ("first_name", "surname", "company_name", "postcode", "email")
CUSTOMER_KEYS = ("surname_key", "company_key", "full_name_key", "postcode_key", "email_key")
CONTACT_KEY_SOURCES = ("first_name", "surname")
CONTACT_KEYS = ("surname_key", "full_name_key")
WORK_ADDRESS_KEY_SOURCES = ("address_line_1", "postcode", "occupier_surname")
WORK_ADDRESS_KEYS = ("address_line_1_key", "postcode_key", "occupier_key")


def reversed_digits(digits: str | None) -> str:
    """The digits back to front: a number's last digits become a prefix an index can find."""
    return (digits or "")[::-1]


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


def phone_match(phone_table, digits: str, dialect: str) -> ColumnElement[bool]:
    """Numbers whose digits start with the fragment (as typed, or national "07700…" as
    international "447700…") or end with it; on PostgreSQL also contain it."""
    starts = [digits]
    if digits.startswith("0") and not digits.startswith("00"):
        starts.append(phones.country_code() + digits[1:])
    elif digits.startswith("00"):
        starts.append(digits[2:])
    conditions = [starts_with(phone_table.c.digits, start) for start in starts]
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
    term = (term or "").strip()
    customer_id = customer_table.c.id
    key = fold_key(term)[:NAME_KEY_LENGTH]
    conditions = [
        starts_with(customer_table.c[column], key)
        for column in ("surname_key", "company_key", "full_name_key", "postcode_key")
        if key
    ]
    if term:
        conditions.append(starts_with(customer_table.c.email_key, term.lower()))
    account = _ACCOUNT_NUMBER.match(term)
    if account and int(account.group(1)) <= MAX_ROW_ID:
        conditions.append(customer_id == int(account.group(1)))
    if not conditions:
        return false()
    elsewhere = []
    if key:
        by_contact = or_(*(starts_with(contact_table.c[column], key) for column in CONTACT_KEYS))
        elsewhere.append(select(contact_table.c.customer_id).where(by_contact))
    digits = phone_digits(term)
    if digits:
        elsewhere.append(phone_owners(contact_table, phone_table, digits, dialect))
    if not elsewhere:
        return or_(*conditions)
    # UNION ALL: IN ignores duplicates anyway, so no sort to remove them first.
    return customer_id.in_(union_all(select(customer_id).where(or_(*conditions)), *elsewhere))


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
    key = fold_key(term)[:NAME_KEY_LENGTH]
    return or_(*(starts_with(work_address_table.c[column], key) for column in WORK_ADDRESS_KEYS))
