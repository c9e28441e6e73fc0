"""Related records (seed 001 "Related"): other customers sharing a name, an address or a phone.

Matching runs on normalised keys stored on the customer (`name_key`, `address_key`, made by
`keys`) and on the phone numbers' `digits`, all indexed, so the lookup is a handful of index
probes, not a scan.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, literal, null, select, union
from sqlalchemy.orm import Session, joinedload

from .entities import Contact, Customer, PhoneNumber

SAME_NAME = "Same name"
SAME_ADDRESS = "Same address"
SAME_PHONE = "Same phone"


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
