"""Related records (seed 001 "Related"): other customers sharing a name, an address or a phone.

Matching runs on normalised keys stored on the customer (`name_key`, `address_key`) and on the
phone numbers' `digits`, all indexed, so the lookup is a handful of index probes, not a scan.
The key functions are pure and import no models: `models.customers` uses them, and the
migration that backfilled the keys carries its own copy of them as they were.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Select, func, literal, null, select, union
from sqlalchemy.orm import Session, joinedload

if TYPE_CHECKING:
    from .entities import Customer

KEY_LENGTH = 255
"""Width of the key columns; longer keys are cut (only absurdly long addresses reach it)."""

SAME_NAME = "Same name"
SAME_ADDRESS = "Same address"
SAME_PHONE = "Same phone"

# Written either way on the same street; whole words only, so "Stanley" stays "Stanley".
STREET_WORDS = {
    "rd": "road",
    "st": "street",
    "ave": "avenue",
    "ln": "lane",
    "dr": "drive",
    "ct": "court",
    "pl": "place",
    "sq": "square",
}

_APOSTROPHES = re.compile(r"['\u2019`]")
_NOT_WORD = re.compile(r"[\W_]+")
_NOT_ALNUM = re.compile(r"[^0-9A-Z]")


def _fold(text: str | None) -> str:
    """Lower-case, accents dropped, whitespace collapsed: "  José\tSMITH " -> "jose smith"."""
    plain = text or ""
    if not plain.isascii():  # ASCII has nothing to decompose: most text skips the slow part
        decomposed = unicodedata.normalize("NFKD", plain)
        plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.casefold().split())


def name_key(first_name: str | None, surname: str | None) -> str | None:
    """The key "first|surname" for matching people; None unless both names are given."""
    first, last = _fold(first_name), _fold(surname)
    if not (first and last):
        return None
    return f"{first}|{last}"[:KEY_LENGTH]


def address_line_key(line: str | None) -> str:
    """Address line 1 without punctuation and with street words spelled out in full."""
    words = _NOT_WORD.sub(" ", _APOSTROPHES.sub("", _fold(line))).split()
    return " ".join(STREET_WORDS.get(word, word) for word in words)


def postcode_key(postcode: str | None) -> str:
    """Upper-case letters and digits only: "m1 1aa" -> "M11AA"."""
    return _NOT_ALNUM.sub("", _fold(postcode).upper())


def address_key(line_1: str | None, postcode: str | None) -> str | None:
    """The key "line 1|POSTCODE" for matching addresses; None unless both parts are given."""
    line, code = address_line_key(line_1), postcode_key(postcode)
    if not (line and code):
        return None
    return f"{line}|{code}"[:KEY_LENGTH]


@dataclass(frozen=True)
class RelatedCustomer:
    customer: Customer
    reasons: tuple[str, ...]  # e.g. ("Same name", "Same address", "Same phone 0161 496 0123")


def related_customers(
    session: Session, customer: Customer, limit: int = 50
) -> list[RelatedCustomer]:
    """Other customers sharing the customer's name, address or a phone number, with why.

    Two statements whatever the data: the matches (ranked and cut to `limit` customers in SQL,
    so a switchboard number shared by thousands costs no more), then those customers.
    Customers with more reasons come first, then by company name, else surname.
    """
    from .entities import Customer

    matches = _matches(customer).cte("related_match")
    # Count first, then join: grouping on the customer table would make SQLite walk all of it.
    counts = (
        select(matches.c.customer_id, func.count().label("reasons"))
        .group_by(matches.c.customer_id)
        .subquery("reason_count")
    )
    top = (
        select(counts.c.customer_id)
        .join(Customer, Customer.id == counts.c.customer_id)
        .where(Customer.merged_into_id.is_(None))  # tombstones are not related records
        .order_by(
            counts.c.reasons.desc(),
            func.lower(func.coalesce(Customer.company_name, Customer.surname, "")),
            Customer.id,
        )
        .limit(limit)
    )
    rows = session.execute(
        select(matches.c.customer_id, matches.c.reason, matches.c.number).where(
            matches.c.customer_id.in_(top)
        )
    ).all()
    if not rows:
        return []

    reasons: dict[int, set[tuple[int, str]]] = {}
    for customer_id, reason, number in rows:
        reasons.setdefault(customer_id, set()).add(_reason(reason, number))
    customers = session.scalars(
        select(Customer).where(Customer.id.in_(reasons)).options(joinedload(Customer.customer_type))
    ).all()
    related = [
        RelatedCustomer(other, tuple(text for _, text in sorted(reasons[other.id])))
        for other in customers
    ]
    related.sort(
        key=lambda r: (
            -len(r.reasons),
            (r.customer.company_name or r.customer.surname or "").casefold(),
            r.customer.id,
        )
    )
    return related


def related_ids(customer: Customer) -> Select:
    """The distinct ids of every related customer (for counting them; the list is capped)."""
    from .entities import Customer

    matches = _matches(customer).subquery()
    return (
        select(matches.c.customer_id)
        .join(Customer, Customer.id == matches.c.customer_id)
        .where(Customer.merged_into_id.is_(None))
        .distinct()
    )


_REASON_ORDER = {SAME_NAME: 0, SAME_ADDRESS: 1, SAME_PHONE: 2}


def _reason(reason: str, number: str | None) -> tuple[int, str]:
    """(position, text): name, then address, then phones; the phone as the other one typed it."""
    text = f"{SAME_PHONE} {number}" if reason == SAME_PHONE else reason
    return _REASON_ORDER[reason], text


def _match(customer_id, reason: str, number=None) -> Select:
    return select(
        customer_id.label("customer_id"),
        literal(reason).label("reason"),
        (number if number is not None else null()).label("number"),
    )


def _matches(customer: Customer):
    """(customer_id, reason, number) for every way another customer matches, one row each."""
    from .entities import Contact, Customer, PhoneNumber

    own = customer.id
    branches = []
    if customer.name_key is not None:
        branches.append(
            _match(Customer.id, SAME_NAME).where(
                Customer.name_key == customer.name_key, Customer.id != own
            )
        )
    if customer.address_key is not None:
        branches.append(
            _match(Customer.id, SAME_ADDRESS).where(
                Customer.address_key == customer.address_key, Customer.id != own
            )
        )

    # The customer's own numbers and its contacts' numbers ...
    own_digits = union(
        select(PhoneNumber.digits).where(PhoneNumber.customer_id == own),
        select(PhoneNumber.digits)
        .join(Contact, Contact.id == PhoneNumber.contact_id)
        .where(Contact.customer_id == own),
    ).cte("own_digits")
    # ... against other customers' numbers and their contacts' numbers. One branch, driven by
    # the digits index; the outer join then finds a contact's customer by primary key.
    owner = func.coalesce(PhoneNumber.customer_id, Contact.customer_id)
    branches.append(
        _match(owner, SAME_PHONE, PhoneNumber.number)
        .select_from(PhoneNumber)
        .outerjoin(Contact, Contact.id == PhoneNumber.contact_id)
        .where(
            PhoneNumber.digits.in_(select(own_digits.c.digits)),
            PhoneNumber.digits != "",
            owner != own,
        )
    )
    return union(*branches)
