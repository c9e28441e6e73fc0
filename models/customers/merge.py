"""Merging a customer recorded twice into the one to keep (seed 004 "Merge Customer"), and undoing
it for a while.

Everything on the absorbed customer's record moves to the kept customer: every row with a foreign
key to it, found from the schema (merge_rows.py says how each kind moves). Nothing is
deleted. The absorbed customer stays as a tombstone (`merged_into`), so its old links can
redirect and the trail keeps its name; its portal links are revoked. The kept customer's empty
fields are filled from the absorbed one. One audit entry records what moved, row by row, so the
merge can be undone for 30 days while nothing new was attached.

The operations take a Session, never commit (the caller owns the transaction) and raise
DomainError, with a message for a person, when a rule refuses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from ..core.audit import AuditEntry, plain, record
from ..core.base import as_utc, utcnow
from ..core.errors import DomainError
from ..core.users import User
from ..portal.entities import PortalAccess
from .entities import Customer, WorkAddress
from .merge_rows import (
    MOVED,
    count_duplicates,
    count_moves,
    count_still_on,
    customer_foreign_keys,
    fills_from,
    links_between,
    move_rows,
    moved_columns,
    primary_contact_to_clear,
    put_back,
    restore_fills,
    rows_on,
    set_primary,
    shown_fills,
)

__all__ = [
    "UNDO_DAYS",
    "MergePreview",
    "customer_foreign_keys",
    "merge_customers",
    "merge_preview",
    "unmerge",
]

UNDO_DAYS = 30
SERIALIZATION_FAILURES = {"40001", "40P01"}  # serialization failure, deadlock


@dataclass(frozen=True)
class MergePreview:
    """What a merge moves and fills; shown before the user confirms, returned after it ran."""

    keep: Customer
    absorb: Customer
    moves: dict[str, int]  # per kind ("Contacts": 3), only kinds with rows
    # field -> (kept value now, value after the merge); "salesperson", not "salesperson_id"
    fills: dict[str, tuple[Any, Any]]
    duplicates: dict[str, int]  # clashes resolved by rule, e.g. the same phone on both
    portal_links_revoked: int = 0


def merge_preview(session: Session, keep: Customer, absorb: Customer) -> MergePreview:
    """What merging `absorb` into `keep` would do; changes nothing. Refuses as the merge would."""
    _refuse(session, keep, absorb)
    moves = count_moves(session, keep.id, absorb.id)
    return MergePreview(
        keep=keep,
        absorb=absorb,
        moves={MOVED[name].label: count for name, count in moves.items() if count},
        fills=shown_fills(keep, absorb, fills_from(keep, absorb)),
        duplicates=count_duplicates(session, keep.id, absorb.id),
        portal_links_revoked=_live_portal_links(session, absorb.id),
    )


def merge_customers(
    session: Session, keep: Customer, absorb: Customer, by_user: User | None
) -> MergePreview:
    """Move everything of `absorb` to `keep`, fill `keep`'s empty fields, leave a tombstone.

    Refused: a customer into itself; a customer already merged, or into one; a landlord with
    its own tenant (`keep` the landlord of one of `absorb`'s work addresses, or the other way
    round) - after the merge that work address would be its own landlord's, and they are two
    parties anyway. Clashes are settled by rule, never by deleting: a phone number both have
    moves anyway (reported as a duplicate); an invoice address both use stays linked to the
    tombstone; the absorbed primary contact stops being primary when `keep` has one.

    Both customer rows are locked first, in id order, and re-read: of two merges racing over
    the same customers the second waits, then finds one of them merged and is refused.
    """
    _refuse_itself(keep, absorb)
    _lock(session, keep, absorb)
    _refuse(session, keep, absorb)
    duplicates = count_duplicates(session, keep.id, absorb.id)
    fills = fills_from(keep, absorb)
    shown = shown_fills(keep, absorb, fills)
    kept_name, absorbed_name = _name(keep), _name(absorb)

    primary = primary_contact_to_clear(session, keep.id, absorb.id)
    if primary is not None:
        set_primary(session, primary, False)  # before the move: one primary per customer
    moved = {
        name: move_rows(session, name, column, keep.id, absorb.id)
        for name, column in moved_columns().items()
    }
    revoked = _revoke_portal_links(session, absorb.id)
    for field, (_old, new) in fills.items():
        setattr(keep, field, new)
    absorb.merged_into_id = keep.id
    absorb.merged_at = utcnow()
    session.flush()

    counts = {MOVED[name].label: len(ids) for name, ids in moved.items() if ids}
    record(
        session,
        "merge",
        keep,
        {
            "kept_id": keep.id,
            "absorbed_id": absorb.id,
            "absorbed_name": absorb.display_name,
            "counts": counts,
            "duplicates": duplicates,
            "moved": moved,
            "filled": {field: [plain(old), plain(new)] for field, (old, new) in fills.items()},
            "primary_contact_cleared": primary,
            "portal_links_revoked": revoked,
            # What the kept customer had right after the merge: unmerge compares.
            "on_kept": rows_on(session, keep.id),
        },
        by=by_user,
        summary=f"Merged {absorbed_name} into {kept_name}",
    )
    session.flush()
    session.expire_all()  # the moves bypassed the ORM: loaded collections are stale
    return MergePreview(keep, absorb, counts, shown, duplicates, len(revoked))


def unmerge(session: Session, absorbed: Customer, by_user: User | None) -> None:
    """Undo a merge: the moved rows go back, filled fields are emptied again, the tombstone
    becomes a customer again. Portal links stay revoked: a new one is issued if wanted.

    Possible for 30 days, and only while the merged record holds exactly what the merge made
    of it as far as the two customers go: every moved row still on the kept customer, nothing
    added to it since (no row pointing at it with a higher id, no more rows than right after
    the merge), and, once put back, no row tying one customer's records to the other's (a
    payment allocated across, a job at the other's work address). That last check runs after
    the rows went back: its refusal, like any, leaves the caller to roll back.

    A filled field goes back to empty only if it still holds what the merge put there (an
    address as a whole). The kept customer's other changes since the merge stay.
    """
    if absorbed.merged_into_id is None:
        raise DomainError("This customer was not merged into another: there is nothing to undo.")
    keep = session.get(Customer, absorbed.merged_into_id)
    _lock(session, keep, absorbed)
    if absorbed.merged_into_id != keep.id:
        raise DomainError("This customer's merge changed meanwhile: reload and try again.")
    entry = _merge_entry(session, absorbed)
    days = (utcnow() - as_utc(absorbed.merged_at)).days
    if days > UNDO_DAYS:
        raise DomainError(
            f"Merges can be undone for {UNDO_DAYS} days; this one was {days} days ago."
        )
    if keep.merged_into_id is not None:
        raise DomainError(
            f"{_name(keep)} was itself merged into another customer since: undo that merge first."
        )
    changes = entry.changes
    columns = moved_columns()
    _refuse_changed_since(session, keep, changes, columns)

    for name, ids in changes["moved"].items():
        put_back(session, columns[name], keep.id, absorbed.id, ids)
    if changes.get("primary_contact_cleared") is not None:
        set_primary(session, changes["primary_contact_cleared"], True)
    tied = [table.replace("_", " ") + "s" for table in links_between(session, keep.id, absorbed.id)]
    if tied:
        raise DomainError(
            f"Since the merge, records were linked across the two customers ({_listed(tied)}): "
            "the merge can no longer be undone."
        )
    restore_fills(keep, changes["filled"])
    absorbed.merged_into_id = None
    absorbed.merged_at = None
    session.flush()
    record(
        session,
        "unmerge",
        keep,
        {
            "kept_id": keep.id,
            "absorbed_id": absorbed.id,
            "merge_entry_id": entry.id,
            "counts": changes["counts"],
        },
        by=by_user,
        summary=f"Undid the merge of {_name(absorbed)} into {_name(keep)}",
    )
    session.flush()
    session.expire_all()


# --- refusals --------------------------------------------------------------------------------


def _refuse_itself(keep: Customer, absorb: Customer) -> None:
    if keep is absorb or keep.id == absorb.id:
        raise DomainError("A customer cannot be merged into itself.")


def _refuse(session: Session, keep: Customer, absorb: Customer) -> None:
    _refuse_itself(keep, absorb)
    for customer in (absorb, keep):
        if customer.merged_into_id is not None:
            into = session.get(Customer, customer.merged_into_id)
            then = "it cannot be merged again" if customer is absorb else "merge into that one"
            raise DomainError(f"{_name(customer)} was already merged into {_name(into)}: {then}.")
    let = session.scalars(
        select(WorkAddress)
        .where(
            or_(
                (WorkAddress.customer_id == keep.id) & (WorkAddress.landlord_id == absorb.id),
                (WorkAddress.customer_id == absorb.id) & (WorkAddress.landlord_id == keep.id),
            )
        )
        .order_by(WorkAddress.id)
        .limit(1)
    ).first()
    if let is not None:
        landlord, owner = (absorb, keep) if let.landlord_id == absorb.id else (keep, absorb)
        raise DomainError(
            f"{_name(landlord)} is the landlord of {let}, a work address of {_name(owner)}: "
            "a landlord and its tenant are two parties and cannot be merged. If they really are "
            "one, change that work address's landlord first."
        )


def _refuse_changed_since(session: Session, keep: Customer, changes: dict, columns) -> None:
    unknown = set(changes["moved"]) - set(columns)
    if unknown:
        raise DomainError("The database changed since this merge: it can no longer be undone.")
    gone = [
        MOVED[name].label.lower()
        for name, ids in changes["moved"].items()
        if ids and count_still_on(session, columns[name], keep.id, ids) != len(ids)
    ]
    if gone:
        raise DomainError(
            f"Since the merge, some of the records it moved were deleted or moved elsewhere "
            f"({_listed(gone)}): the merge can no longer be undone."
        )
    then = changes["on_kept"]
    added = [
        MOVED[name].label.lower()
        for name, (count, highest) in rows_on(session, keep.id).items()
        if name in then and (count > then[name][0] or (highest or 0) > (then[name][1] or 0))
    ]
    if added:
        raise DomainError(
            f"Records were added to {_name(keep)} since the merge ({_listed(added)}): a merge "
            "can only be undone while nothing new was attached."
        )


def _merge_entry(session: Session, absorbed: Customer) -> AuditEntry:
    entries = session.scalars(
        select(AuditEntry)
        .where(
            AuditEntry.action == "merge",
            AuditEntry.entity == "customer",
            AuditEntry.entity_id == str(absorbed.merged_into_id),
        )
        .order_by(AuditEntry.id.desc())
    )
    for entry in entries:
        if (entry.changes or {}).get("absorbed_id") == absorbed.id and "moved" in entry.changes:
            return entry
    raise DomainError("No record of what this merge moved was kept: it cannot be undone.")


# --- locking, portal links, names --------------------------------------------------------


def _lock(session: Session, *customers: Customer) -> None:
    """SELECT … FOR UPDATE both rows in id order (two merges then never deadlock), re-reading
    them: a merge committed while this one waited is seen. SQLite ignores FOR UPDATE; its
    writers are serialised by the database lock anyway."""
    ids = sorted({customer.id for customer in customers})
    try:
        session.scalars(
            select(Customer)
            .where(Customer.id.in_(ids))
            .order_by(Customer.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).all()
    except DBAPIError as error:
        # Under REPEATABLE READ or SERIALIZABLE, PostgreSQL refuses instead of waiting.
        if getattr(error.orig, "sqlstate", None) in SERIALIZATION_FAILURES:
            raise DomainError(
                "Someone else changed these customers at the same moment: reload and try again."
            ) from error
        raise


def _live_portal_links(session: Session, customer_id: int) -> int:
    return session.scalar(
        select(func.count()).where(
            PortalAccess.customer_id == customer_id, PortalAccess.revoked_at.is_(None)
        )
    )


def _revoke_portal_links(session: Session, customer_id: int) -> list[int]:
    table = PortalAccess.__table__
    rows = session.execute(
        update(table)
        .where(table.c.customer_id == customer_id, table.c.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .returning(table.c.id)
    )
    return sorted(row.id for row in rows)


def _name(customer: Customer) -> str:
    return f"{customer.account_number} {customer.display_name}".strip()


def _listed(items: list[str]) -> str:
    return ", ".join(items)
