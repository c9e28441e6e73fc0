"""Finding a customer by what staff type: the start of a surname, company, full name, postcode
or email, or part of a phone number.

Every match runs on a normalised key column with a plain B-tree index and is a prefix range
(`key >= 'smi' AND key < 'smj'`), which both SQLite and PostgreSQL answer from the index. The
stock admin search (`CAST(col AS TEXT) ILIKE '%smi%'`) reads every row instead. Phone numbers
match on the start of their digits (as dialled, national or international) or on their last
digits, via a reversed copy of the digits; on PostgreSQL a trigram index (pg_trgm) also finds
digits anywhere in the number.

The key functions are pure: the model keeps the keys in step (`Customer._refresh_keys`), and
the bulk generator in bench/ fills them the same way.
"""

from __future__ import annotations

import re

from sqlalchemy import ColumnElement, and_, false, or_, select, union

from . import phones
from .base import MAX_ROW_ID
from .related import _fold

NAME_KEY_LENGTH = 80
EMAIL_KEY_LENGTH = 254
MIN_PHONE_DIGITS = 4  # fewer digits than this would match half the book

_NOT_KEY = re.compile(r"[^0-9a-z]")
_PHONE_LIKE = re.compile(r"^[\d\s()+\-./]+$")
_ACCOUNT_NUMBER = re.compile(r"^[cC](\d{1,10})$")  # the PID staff quote: "C000123"


def fold_key(text: str | None) -> str:
    """Lower-case letters and digits only, accents dropped: "O'Brien-Smyth" -> "obriensmyth"."""
    return _NOT_KEY.sub("", _fold(text))


def customer_keys(
    first_name: str | None,
    surname: str | None,
    company_name: str | None,
    postcode: str | None,
    email: str | None,
) -> dict[str, str | None]:
    """The search key columns for a customer with these fields (None where a field is blank)."""
    full_name = fold_key(f"{first_name or ''}{surname or ''}") if first_name else ""
    email_key = (email or "").strip().lower()
    return {
        "surname_key": fold_key(surname)[:NAME_KEY_LENGTH] or None,
        "company_key": fold_key(company_name)[:NAME_KEY_LENGTH] or None,
        "full_name_key": full_name[:NAME_KEY_LENGTH] or None,
        "postcode_key": fold_key(postcode)[:NAME_KEY_LENGTH] or None,
        "email_key": email_key[:EMAIL_KEY_LENGTH] or None,
    }


CUSTOMER_KEY_SOURCES = ("first_name", "surname", "company_name", "postcode", "email")
CUSTOMER_KEYS = ("surname_key", "company_key", "full_name_key", "postcode_key", "email_key")


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


def customer_search(customer_table, phone_table, term: str, dialect: str) -> ColumnElement[bool]:
    """The condition "this customer matches what was typed" (the whole term, not word by word,
    so "SW1A 1AA" and "John Smith" match as one).

    The key ranges are one OR on the customer table, which both databases answer by combining
    indexes (PostgreSQL's BitmapOr, SQLite's multi-index OR). Phone numbers live in another
    table; an OR with a subquery would make PostgreSQL scan every customer, so a term with
    digits enough for a phone is a UNION of the two lookups instead.
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
    digits = phone_digits(term)
    if not digits:
        return or_(*conditions)
    by_phone = select(phone_table.c.customer_id).where(phone_match(phone_table, digits, dialect))
    return customer_id.in_(union(select(customer_id).where(or_(*conditions)), by_phone))
