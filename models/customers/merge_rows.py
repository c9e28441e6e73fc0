"""What a customer merge moves and fills (merge.py): the rows pointing at the absorbed
customer, found from the foreign keys to `customer.id`, and the kept customer's empty fields.

Every foreign key to a customer is in exactly one of two lists here: MOVED (the rows follow the
kept customer) or NOT_MOVED (with the reason).
tests/customers/test_merge.py fails when a new foreign key to customers is in neither,
so nobody can add one and forget what a merge does with it.

Rows move with set-based UPDATE … RETURNING statements, a bounded number whatever the size of
the record; each moved row is identified by its primary key without the moved column, so the
merge's audit entry can put exactly those rows back.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from itertools import combinations
from typing import Any

from sqlalchemy import (
    Column,
    ForeignKey,
    Numeric,
    Select,
    Table,
    and_,
    func,
    literal,
    null,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from ..core.base import ADDRESS_FIELDS, Base
from ..money.entities import customer_invoice_address
from .entities import Contact, Customer, PhoneNumber

CHUNK = 500  # ids per IN list: well under SQLite's limit on bound parameters


@dataclass(frozen=True)
class Kind:
    label: str  # what the merge preview calls these rows
    one: str  # one such row, as a count says it: "1 work address", "3 work addresses"
    owner: bool = True  # the column says whose record the row is on (a landlord link does not)


MOVED: dict[str, Kind] = {
    "contact.customer_id": Kind("Contacts", "contact"),
    "phone_number.customer_id": Kind("Phone numbers", "phone number"),
    "branch.customer_id": Kind("Branches", "branch"),
    "work_address.customer_id": Kind("Work addresses", "work address"),
    "work_address.landlord_id": Kind(
        "Work addresses it is the landlord of", "work address it is the landlord of", owner=False
    ),
    "asset.customer_id": Kind("Assets", "asset"),
    "work.customer_id": Kind("Works", "work"),
    "invoice.customer_id": Kind("Invoices", "invoice"),
    "credit_note.customer_id": Kind("Credit notes", "credit note"),
    "payment.customer_id": Kind("Payments", "payment"),
    "communication.customer_id": Kind("Communications", "communication"),
    "attachment.customer_id": Kind("Files", "file"),
    "contract.customer_id": Kind("Contracts", "contract"),
    "customer_service_plan.customer_id": Kind("Service plans", "service plan"),
    "service_reminder.customer_id": Kind("Reminders", "reminder"),
    "customer_invoice_address.customer_id": Kind("Invoice addresses", "invoice address"),
    "stored_card.customer_id": Kind("Stored cards", "stored card"),
    "outbox_message.customer_id": Kind("Sent and queued email", "sent or queued email"),
    # Tombstones of earlier merges follow, so a redirect is always one hop.
    "customer.merged_into_id": Kind(
        "Customers merged into it earlier", "customer merged into it earlier", owner=False
    ),
}

NOT_MOVED: dict[str, str] = {
    "portal_access.customer_id": (
        "revoked instead: a link given to the absorbed customer must never open the kept "
        "customer's record"
    ),
}

PHONE_DUPLICATES = "Phone numbers already on the kept customer"
ADDRESS_DUPLICATES = "Invoice addresses already on the kept customer"
PRIMARY_DUPLICATE = "Primary contact (the kept customer's stays primary)"


def customer_foreign_keys() -> list[ForeignKey]:
    """Every foreign key in the schema that references `customer.id`."""
    customer_id = Customer.__table__.c.id
    return [
        fk
        for table in Base.metadata.sorted_tables
        for fk in sorted(table.foreign_keys, key=lambda fk: fk.parent.name)
        if fk.references(Customer.__table__) and fk.column is customer_id
    ]


def fk_name(fk: ForeignKey) -> str:
    return f"{fk.parent.table.name}.{fk.parent.name}"


def moved_columns() -> dict[str, Column]:
    """name -> column for every foreign key a merge moves; refuses a key nobody classified."""
    columns = {fk_name(fk): fk.parent for fk in customer_foreign_keys()}
    unknown = set(columns) - set(MOVED) - set(NOT_MOVED)
    if unknown:
        raise LookupError(
            f"models/customers/merge_rows.py does not say how to merge {sorted(unknown)}"
        )
    return {name: column for name, column in columns.items() if name in MOVED}


def identity_of(column: Column) -> list[Column]:
    """The primary key of the column's table without the column itself: what names a row."""
    identity = [pk for pk in column.table.primary_key.columns if pk is not column]
    if not identity:
        raise LookupError(f"{column.table.name} rows cannot be told apart once moved")
    return identity


def _to_move(name: str, column: Column, keep_id: int, absorb_id: int) -> ColumnElement[bool]:
    """Which of the absorbed customer's rows move: all, except links the kept one already has."""
    criteria = column == absorb_id
    if name == "customer_invoice_address.customer_id":
        links = customer_invoice_address.c
        already = select(links.invoice_address_id).where(links.customer_id == keep_id)
        criteria = and_(criteria, links.invoice_address_id.not_in(already))
    return criteria


def count_moves(session: Session, keep_id: int, absorb_id: int) -> dict[str, int]:
    """How many rows each foreign key would move, in one statement."""
    columns = moved_columns()
    counts = [
        select(func.count())
        .select_from(column.table)
        .where(_to_move(name, column, keep_id, absorb_id))
        .scalar_subquery()
        for name, column in columns.items()
    ]
    return dict(zip(columns, session.execute(select(*counts)).one(), strict=True))


def count_duplicates(session: Session, keep_id: int, absorb_id: int) -> dict[str, int]:
    """Clashes with what the kept customer already has; every one of them is kept as data."""
    kept_digits = select(PhoneNumber.digits).where(
        PhoneNumber.customer_id == keep_id, PhoneNumber.digits != ""
    )
    phones = (
        select(func.count())
        .where(PhoneNumber.customer_id == absorb_id, PhoneNumber.digits.in_(kept_digits))
        .scalar_subquery()
    )
    links = customer_invoice_address.c
    addresses = (
        select(func.count())
        .select_from(customer_invoice_address)
        .where(
            links.customer_id == absorb_id,
            links.invoice_address_id.in_(
                select(links.invoice_address_id).where(links.customer_id == keep_id)
            ),
        )
        .scalar_subquery()
    )
    found = session.execute(select(phones, addresses)).one()
    duplicates = {PHONE_DUPLICATES: found[0], ADDRESS_DUPLICATES: found[1]}
    if primary_contact_to_clear(session, keep_id, absorb_id) is not None:
        duplicates[PRIMARY_DUPLICATE] = 1
    return {label: count for label, count in duplicates.items() if count}


def primary_contact_to_clear(session: Session, keep_id: int, absorb_id: int) -> int | None:
    """The absorbed customer's primary contact, if the kept customer has one already (one per
    customer) or its type has none: it moves as an ordinary contact."""
    primaries = dict(
        session.execute(
            select(Contact.customer_id, Contact.id).where(
                Contact.customer_id.in_((keep_id, absorb_id)), Contact.is_primary.is_(True)
            )
        ).all()
    )
    if absorb_id not in primaries:
        return None
    keep = session.get(Customer, keep_id)
    if keep_id in primaries or not keep.customer_type.allows_primary_contact:
        return primaries[absorb_id]
    return None


def set_primary(session: Session, contact_id: int, primary: bool) -> None:
    table = Contact.__table__
    session.execute(
        update(table).where(table.c.id == contact_id).values(_bumped(table, is_primary=primary))
    )


def move_rows(session: Session, name: str, column: Column, keep_id: int, absorb_id: int) -> list:
    """Point the absorbed customer's rows at the kept one; returns the moved rows' identities."""
    table = column.table
    identity = identity_of(column)
    rows = session.execute(
        update(table)
        .where(_to_move(name, column, keep_id, absorb_id))
        .values(_bumped(table, **{column.name: keep_id}))
        .returning(*identity)
    ).all()
    return sorted(row[0] if len(identity) == 1 else list(row) for row in rows)


def put_back(session: Session, column: Column, keep_id: int, absorb_id: int, ids: list) -> int:
    """Point the rows named by `ids` (as move_rows returned them) back at the absorbed customer."""
    table = column.table
    moved = 0
    for matches in _matching(column, ids):
        result = session.execute(
            update(table)
            .where(column == keep_id, matches)
            .values(_bumped(table, **{column.name: absorb_id}))
        )
        moved += result.rowcount
    return moved


def count_still_on(session: Session, column: Column, customer_id: int, ids: list) -> int:
    """How many of the rows named by `ids` still point at the customer."""
    return sum(
        session.scalar(
            select(func.count()).select_from(column.table).where(column == customer_id, matches)
        )
        for matches in _matching(column, ids)
    )


def rows_on(session: Session, customer_id: int) -> dict[str, list[Any]]:
    """For each moved foreign key, [count, highest row id] of the rows pointing at the customer,
    in one statement: a row created later has a higher id, so the pair shows what was added.
    (A table whose rows have no single id, such as the invoice address links, has None.)"""
    columns = moved_columns()
    figures = []
    for column in columns.values():
        identity = identity_of(column)
        highest = func.max(identity[0]) if len(identity) == 1 else null()
        figures += [
            select(func.count()).select_from(column.table).where(column == customer_id),
            select(highest).select_from(column.table).where(column == customer_id),
        ]
    row = session.execute(select(*(figure.scalar_subquery() for figure in figures))).one()
    return {name: [row[2 * i], row[2 * i + 1]] for i, name in enumerate(columns)}


def links_between(session: Session, keep_id: int, absorb_id: int) -> list[str]:
    """Tables with a row tying a row of one customer to a row of the other (a payment of one
    allocated to an invoice of the other, a job of one at the other's work address …).

    Found from the metadata: a row's sides are the row itself, if its table is on a customer's
    record, and every row it references on such a table; all sides must have one customer
    (a side left empty, such as a job at no work address, does not count).
    """
    owners = {
        column.table.name: column
        for name, column in moved_columns().items()
        if MOVED[name].owner and len(identity_of(column)) == 1
    }
    tables = []
    for table in Base.metadata.sorted_tables:
        owner_columns, query = _sides(table, owners)
        if len(owner_columns) < 2:
            continue
        pairs = combinations(owner_columns, 2)
        mixed = query.where(
            *(or_(owner.is_(None), owner.in_((keep_id, absorb_id))) for owner in owner_columns),
            or_(*(one != other for one, other in pairs)),  # NULL sides compare as unknown
        )
        if session.scalar(mixed.limit(1)) is not None:
            tables.append(table.name)
    return tables


def _sides(table: Table, owners: dict[str, Column]) -> tuple[list[Column], Select]:
    """The owner column of each side of the table's rows, and a query joining the sides."""
    query = select(literal(1)).select_from(table)
    owner_columns = [owners[table.name]] if table.name in owners else []
    for fk in sorted(table.foreign_keys, key=lambda fk: fk.parent.name):
        target = fk.column.table
        if target.name not in owners or target is table:
            continue
        side = target.alias(f"side_{fk.parent.name}")
        query = query.outerjoin(side, fk.parent == side.c[fk.column.name])
        owner_columns.append(side.c[owners[target.name].name])
    return owner_columns, query


# --- the kept customer's empty fields --------------------------------------------------------

ADDRESS = (
    *ADDRESS_FIELDS,
    "region",
    "latitude",
    "longitude",
    "what3words",
    "kilometres",
)
# Fields filled from the absorbed customer, a group at a time, when the group's first field is
# empty on the kept one. An address comes whole or not at all: never one's street with the
# other's postcode. An email brings its "invalid" flag with it.
FILL_GROUPS: tuple[tuple[str, ...], ...] = (
    ADDRESS,
    ("email", "invalid_email"),
    ("alt_email",),
    ("statement_email",),
    ("home_page",),
    ("logo",),
    ("company_name",),
    ("business_area",),
    ("third_party_reference",),
    ("technical_reference",),
    ("invoice_address_format",),
    ("advertising_source_id",),
    ("building_type_id",),
    ("price_book_id",),
    ("sla_id",),
    ("salesperson_id",),
    ("representative_id",),
)
CUSTOM_FIELDS = "custom_fields"  # filled key by key


def fills_from(keep: Customer, absorb: Customer) -> dict[str, tuple[Any, Any]]:
    """column -> (kept value, new value) for every column of `keep` the merge fills."""
    fills: dict[str, tuple[Any, Any]] = {}
    for group in FILL_GROUPS:
        if _blank(getattr(keep, group[0])) and not _blank(getattr(absorb, group[0])):
            for field in group:
                old, new = getattr(keep, field), getattr(absorb, field)
                if old != new:
                    fills[field] = (old, new)
    kept_custom = dict(keep.custom_fields or {})
    custom = dict(kept_custom)
    for key, value in (absorb.custom_fields or {}).items():
        if _blank(custom.get(key)) and not _blank(value):
            custom[key] = value
    if custom != kept_custom:
        fills[CUSTOM_FIELDS] = (kept_custom, custom)
    return fills


def shown_fills(keep: Customer, absorb: Customer, fills: dict) -> dict[str, tuple[Any, Any]]:
    """The fills as a person reads them: the salesperson, not the salesperson's id."""
    shown = {}
    for field, values in fills.items():
        if field.endswith("_id"):
            relation = field.removesuffix("_id")
            values = (getattr(keep, relation), getattr(absorb, relation))
        shown[field.removesuffix("_id")] = values
    return shown


def restore_fills(keep: Customer, filled: dict[str, list]) -> None:
    """Put back what the merge filled (`filled` as its audit entry keeps it), a group at a time,
    and only where the kept customer still holds what the merge put there."""
    for group in (*FILL_GROUPS, (CUSTOM_FIELDS,)):
        fields = [field for field in group if field in filled]
        untouched = all(getattr(keep, f) == _value(f, filled[f][1]) for f in fields)
        if fields and untouched:
            for field in fields:
                setattr(keep, field, _value(field, filled[field][0]))


def _value(field: str, stored: Any) -> Any:
    """A column value back from its JSON rendering in the audit entry."""
    if stored is not None and isinstance(Customer.__table__.c[field].type, Numeric):
        return Decimal(stored)
    return stored


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _matching(column: Column, ids: list) -> Iterator[ColumnElement[bool]]:
    identity = identity_of(column)
    key = identity[0] if len(identity) == 1 else tuple_(*identity)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        yield key.in_(chunk if len(identity) == 1 else [tuple(row) for row in chunk])


def _bumped(table: Table, **values: Any) -> dict[str, Any]:
    """The new values, plus a version bump where the table has one: an edit form opened before
    the move then refuses to save over it instead of silently undoing it."""
    if "version" in table.c:
        values["version"] = table.c.version + 1
    return values
