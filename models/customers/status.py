"""Dormant and active (seed 004 "Dormant Status", "Deactivate / Reactivate a Customer")."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.audit import acting_user_id, record
from ..core.enums import CommunicationKind, Status
from ..core.errors import DomainError
from ..files.entities import Communication
from .entities import Customer, WorkAddress


def refuse_if_merged(customer: Customer) -> None:
    if customer.merged_into_id:
        raise DomainError("This customer was merged; change the customer it was merged into.")


def set_dormant(
    session: Session,
    customer: Customer,
    reason: str | None = None,
    do_not_work_with_again: bool = False,
) -> Communication | None:
    """Dormant customers get no automated communication; their properties follow them.
    Nothing financial changes: invoices can still be raised for open jobs. A reason becomes a
    pinned important note, flagged "do not work with again" when asked (the deactivate flow)."""
    refuse_if_merged(customer)
    if do_not_work_with_again and not (reason or "").strip():
        raise DomainError("Say why this customer will not be worked with again.")
    _set_status(session, customer, Status.dormant)
    note = None
    if (reason or "").strip():
        note = Communication(
            customer=customer,
            author_id=acting_user_id(session),
            kind=CommunicationKind.note,
            subject="Set dormant",
            body=reason.strip(),
            is_important=True,
            do_not_work_with_again=do_not_work_with_again,
        )
        session.add(note)
    record(
        session,
        "dormant",
        customer,
        {"reason": reason, "do_not_work_with_again": do_not_work_with_again},
    )
    return note


def reactivate(session: Session, customer: Customer, unpin: bool = False) -> int:
    """Active again, with its properties; optionally unpin the notes that warned staff off.
    Returns how many notes were unpinned."""
    refuse_if_merged(customer)
    _set_status(session, customer, Status.active)
    unpinned = 0
    if unpin:
        for note in session.scalars(
            select(Communication).where(
                Communication.customer_id == customer.id,
                Communication.is_important | Communication.do_not_work_with_again,
            )
        ):
            note.is_important = note.do_not_work_with_again = False
            unpinned += 1
    record(session, "reactivate", customer, {"unpinned": unpinned})
    return unpinned


def _set_status(session: Session, customer: Customer, status: Status) -> None:
    customer.status = status
    for address in session.scalars(
        select(WorkAddress).where(
            WorkAddress.customer_id == customer.id, WorkAddress.status != status
        )
    ):
        address.status = status  # through the ORM: each property's change is audited


def do_not_work_with_again(session: Session, customer_id: int) -> Communication | None:
    """The latest note telling staff not to work with this customer again, if any."""
    return session.scalar(
        select(Communication)
        .where(
            Communication.customer_id == customer_id, Communication.do_not_work_with_again.is_(True)
        )
        .order_by(Communication.created_at.desc())
        .limit(1)
    )
