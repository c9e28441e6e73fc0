"""Finding what an import's rows refer to, with one query per kind for the whole file:
landlords, the customer's branches and the work addresses it already has.

Landlords are matched, in this order, by account number ("C000123") or plain customer id, else
by name: a company's exact name or a person's "First Surname" (a leading title is ignored),
compared without case. A name that fits more than one customer is refused: the row must then
give the account number.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ..core.enums import Title
from ..customers.entities import Branch, Customer, WorkAddress
from ..customers.keys import address_line_key, name_key, postcode_key

LOOKUP_CHUNK = 10_000  # keys per landlord query: far inside every database's parameter limit
ACCOUNT_NUMBER = re.compile(r"C?0*(\d{1,9})", re.IGNORECASE)
TITLES = {title.value.casefold() for title in Title}


def casefold_name(text: str | None) -> str:
    return " ".join((text or "").casefold().split())


def landlord_key(value: str) -> tuple[str, str | int]:
    account = ACCOUNT_NUMBER.fullmatch(value.replace(" ", ""))
    if account:
        return ("id", int(account[1]))
    return ("name", casefold_name(value))


def person_key(name: str) -> str | None:
    words = name.split()
    if words and words[0].rstrip(".").casefold() in TITLES:
        words = words[1:]
    if len(words) < 2:
        return None
    return name_key(" ".join(words[:-1]), words[-1])


def find_landlords(session: Session, customer: Customer, values: Iterable[str]) -> dict:
    """Each landlord value of the file resolved to (customer id, None) or (None, problem), with
    one query for the file (one per LOOKUP_CHUNK distinct values on absurd files)."""
    originals = {}
    for value in values:
        if value:
            originals.setdefault(landlord_key(value), value)
    keys = list(originals)
    by_id: dict[int, int] = {}
    by_name: dict[str, set[int]] = {}
    for start in range(0, len(keys), LOOKUP_CHUNK):
        chunk = keys[start : start + LOOKUP_CHUNK]
        ids = [key for kind, key in chunk if kind == "id"]
        names = [key for kind, key in chunk if kind == "name"]
        people = {person_key(name) for name in names} - {None}
        conditions = []
        if ids:
            conditions.append(Customer.id.in_(ids))
        if names:
            conditions.append(func.lower(Customer.company_name).in_(names))
        if people:
            conditions.append(Customer.name_key.in_(people))
        query = select(Customer.id, Customer.company_name, Customer.name_key).where(
            or_(*conditions)
        )
        if hasattr(Customer, "merged_into_id"):  # a merged customer is no landlord any more
            query = query.where(Customer.merged_into_id.is_(None))
        for found_id, company_name, found_name_key in session.execute(query):
            by_id[found_id] = found_id
            for name in (casefold_name(company_name), found_name_key):
                if name:
                    by_name.setdefault(name, set()).add(found_id)
    resolved = {}
    for key, original in originals.items():
        kind, value = key
        if kind == "id":
            matches = {by_id[value]} if value in by_id else set()
        else:
            matches = by_name.get(value, set()) | by_name.get(person_key(value) or "", set())
        if len(matches) == 1:
            resolved[key] = (matches.pop(), None)
        elif matches:
            numbers = ", ".join(f"C{found:06d}" for found in sorted(matches)[:5])
            resolved[key] = (
                None,
                f"Landlord “{original}” matches {len(matches)} customers ({numbers}): "
                "give the account number instead.",
            )
        else:
            resolved[key] = (
                None,
                f"Unknown landlord “{original}”: give the landlord's account number "
                "(C000123) or its exact name as on its record.",
            )
    return resolved


def branches_by_name(session: Session, customer: Customer) -> dict[str, list[tuple[int, str]]]:
    branches: dict[str, list[tuple[int, str]]] = {}
    for branch_id, name in session.execute(
        select(Branch.id, Branch.name).where(Branch.customer_id == customer.id)
    ):
        branches.setdefault(casefold_name(name), []).append((branch_id, name))
    return branches


def find_branch(value: str, branches, customer: Customer) -> tuple[int | None, str | None]:
    matches = branches.get(casefold_name(value), [])
    if len(matches) == 1:
        return matches[0][0], None
    if matches:
        return None, f"{len(matches)} branches of this customer are called “{value}”."
    names = sorted(name for found in branches.values() for _id, name in found)
    known = f" (its branches: {', '.join(names[:8])})" if names else " (it has no branches)"
    return None, f"Unknown branch “{value}”: not a branch of {customer.display_name}{known}."


def existing_address_keys(session: Session, customer: Customer) -> set[tuple[str, str]]:
    """This customer's work addresses as (line 1, postcode) keys: a second import of the same
    file is refused instead of doubling every property."""
    rows = session.execute(
        select(WorkAddress.address_line_1, WorkAddress.postcode).where(
            WorkAddress.customer_id == customer.id
        )
    )
    return {(address_line_key(line_1), postcode_key(postcode)) for line_1, postcode in rows}
