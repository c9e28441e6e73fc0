"""Likely duplicates of a customer being typed in (seed 004: no one should be added twice).

The same normalised keys as Related (`keys`, `related`): the same first and last name, the
same address line 1 and postcode, the same phone digits in any format, plus the same email.
Each is an equality probe on an indexed key, so the lookup costs a handful of index reads
whatever the size of the book.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import func, literal, null, select, union_all
from sqlalchemy.orm import Session, joinedload

from ..core.errors import ValidationFailed
from . import phones
from .entities import Contact, Customer, PhoneNumber
from .keys import address_key, customer_keys, name_key, name_search_key
from .related import SAME_ADDRESS, SAME_NAME, SAME_PHONE, RelatedCustomer

SAME_EMAIL = "Same email"
SAME_COMPANY = "Same company name"
SHOWN = 10
_ORDER = (SAME_NAME, SAME_COMPANY, SAME_ADDRESS, SAME_EMAIL, SAME_PHONE)


@dataclass(frozen=True)
class Typed:
    """What the form holds so far; blank parts match nothing."""

    first_name: str | None = None
    surname: str | None = None
    company_name: str | None = None
    email: str | None = None
    phones: tuple[str, ...] = field(default_factory=tuple)
    postcode: str | None = None
    address_line_1: str | None = None


def likely_duplicates(
    session: Session, typed: Typed, excluding: int | None = None, limit: int = SHOWN
) -> list[RelatedCustomer]:
    """Customers (not merged away) that match what was typed, with why: most reasons first."""
    branches = list(_branches(typed))
    if not branches:
        return []
    matches = union_all(*branches).subquery("duplicate_match")
    rows = session.execute(select(matches.c.customer_id, matches.c.reason, matches.c.number)).all()
    reasons: dict[int, dict[str, None]] = {}
    for customer_id, reason, number in rows:
        if customer_id != excluding:
            text = f"{reason} {number}" if number else reason
            reasons.setdefault(customer_id, {})[text] = None
    if not reasons:
        return []
    customers = session.scalars(
        select(Customer)
        .where(Customer.id.in_(reasons), Customer.merged_into_id.is_(None))
        .options(joinedload(Customer.customer_type))
    ).all()
    found = [RelatedCustomer(c, tuple(sorted(reasons[c.id], key=_position))) for c in customers]
    found.sort(key=lambda r: (-len(r.reasons), r.customer.id))
    return found[:limit]


def _position(reason: str) -> int:
    return next(i for i, start in enumerate(_ORDER) if reason.startswith(start))


def _match(reason: str, customer_id=Customer.id, number=None):
    return select(
        customer_id.label("customer_id"),
        literal(reason).label("reason"),
        (number if number is not None else null()).label("number"),
    )


def _branches(typed: Typed) -> Iterable:
    names = name_key(typed.first_name, typed.surname)
    if names:
        yield _match(SAME_NAME).where(Customer.name_key == names)
    company = name_search_key(typed.company_name)
    if company:
        yield _match(SAME_COMPANY).where(Customer.company_key == company)
    address = address_key(typed.address_line_1, typed.postcode)
    if address:
        yield _match(SAME_ADDRESS).where(Customer.address_key == address)
    email = customer_keys(None, None, None, None, typed.email)["email_key"]
    if email:
        yield _match(SAME_EMAIL).where(Customer.email_key == email)
    digits = {phones.normalise(number) for number in typed.phones if number and number.strip()}
    digits.discard("")
    if digits:
        # A customer's own numbers and its contacts' numbers, found through the digits index.
        owner = func.coalesce(PhoneNumber.customer_id, Contact.customer_id)
        yield (
            _match(SAME_PHONE, owner, PhoneNumber.number)
            .select_from(PhoneNumber)
            .outerjoin(Contact, Contact.id == PhoneNumber.contact_id)
            .where(PhoneNumber.digits.in_(sorted(digits)), owner.is_not(None))
        )


def customers_at(
    session: Session, keys: Iterable[str], excluding: int
) -> dict[str, list[Customer]]:
    """The customers (other than `excluding`, not merged away) at each address key ("line
    1|POSTCODE"), a chunk of keys per indexed lookup: for a file of addresses."""
    found: dict[str, list[Customer]] = {}
    wanted = sorted(set(keys))
    for start in range(0, len(wanted), 500):
        for customer in session.scalars(
            select(Customer)
            .where(
                Customer.address_key.in_(wanted[start : start + 500]),
                Customer.id != excluding,
                Customer.merged_into_id.is_(None),
            )
            .order_by(Customer.id)
        ):
            found.setdefault(customer.address_key, []).append(customer)
    return found


class LikelyDuplicates(ValidationFailed):
    """Saving would add someone the book already holds, and the user has not said it is
    someone else: they are asked first (seed 004)."""

    def __init__(self, matches: list[RelatedCustomer]):
        self.matches = matches
        names = ", ".join(f"{m.customer.account_number} {m.customer.display_name}" for m in matches)
        super().__init__(
            {"duplicates_confirmed": f"This looks like a customer you already have: {names}."}
        )


def refuse_unconfirmed(
    session: Session, typed: Typed, confirmed: set[int], excluding: int | None = None
) -> list[RelatedCustomer]:
    """The likely duplicates, when the user confirmed every one of them (a confirmation names
    the customers it was given for, so one made for others does not count); else refused."""
    matches = likely_duplicates(session, typed, excluding)
    if not {m.customer.id for m in matches} <= confirmed:
        raise LikelyDuplicates(matches)
    return matches


def confirmed_ids(posted: str | None) -> set[int]:
    """The ids a "Create anyway" carried ("59,60"); anything else in it counts for nothing."""
    return {int(part) for part in (posted or "").split(",") if part.strip().isdigit()}
