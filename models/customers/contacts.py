"""Operations on a customer's contacts, branches and logo, as the record page offers them."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.audit import record
from ..core.errors import DomainError
from ..files.entities import Attachment
from ..files.uploads import MEGABYTE, UploadRefused, store_upload
from .entities import Branch, Contact, Customer


def set_primary_contact(session: Session, contact: Contact) -> None:
    """All documentation for a private customer is addressed to its primary contact (seed 004);
    company types have none. Setting one clears the previous one."""
    if not contact.customer.customer_type.allows_primary_contact:
        raise DomainError(
            f"{contact.customer.customer_type} customers have no primary contact: "
            "only private customer types do."
        )
    previous = session.scalars(
        select(Contact).where(
            Contact.customer_id == contact.customer_id,
            Contact.is_primary.is_(True),
            Contact.id != contact.id,
        )
    )
    for other in previous:  # through the ORM, so the audit trail sees it
        other.is_primary = False
    session.flush()  # cleared before the one-primary-per-customer index sees the new one
    contact.is_primary = True


def delete_contact(session: Session, contact: Contact) -> None:
    """Deleted contacts cannot be restored (seed 004); their phone numbers go with them."""
    session.delete(contact)


def delete_branch(session: Session, branch: Branch) -> None:
    """The branch's work addresses and contacts stay with the customer, without a branch."""
    for address in branch.work_addresses:
        address.branch = None
    for contact in branch.contacts:
        contact.branch = None
    session.delete(branch)


def merge_branches(session: Session, keep: Branch, absorb: Branch) -> dict[str, int]:
    """Two offices recorded twice become one (seed 004 "Merging Branches"): the absorbed
    branch's work addresses, contacts and phone numbers move to the kept one."""
    if keep.id == absorb.id:
        raise DomainError("Choose another branch to merge with.")
    if keep.customer_id != absorb.customer_id:
        raise DomainError("Branches must belong to the same customer to be merged.")
    moved = {"work addresses": 0, "contacts": 0, "phone numbers": 0}
    for address in list(absorb.work_addresses):
        address.branch = keep
        moved["work addresses"] += 1
    for contact in list(absorb.contacts):
        contact.branch = keep
        moved["contacts"] += 1
    for phone in list(absorb.phones):
        phone.branch = keep
        moved["phone numbers"] += 1
    session.flush()  # the moves first, so deleting the branch takes nothing with it
    record(session, "merge branch", keep, {"absorbed": absorb.name, **moved})
    session.delete(absorb)
    return moved


def set_logo(
    session: Session,
    customer: Customer,
    stream: BinaryIO,
    filename: str,
    folder: str | Path,
    uploaded_by=None,
    max_bytes: int = 20 * MEGABYTE,
) -> Attachment:
    """A company's logo (seed 003 "Image"): stored and checked like any picture, kept with the
    customer's pictures, and shown on the record."""
    logo = store_upload(
        session,
        customer,
        stream,
        filename,
        "Logo",
        folder,
        uploaded_by=uploaded_by,
        max_bytes=max_bytes,
    )
    if not logo.is_picture:
        raise UploadRefused("A logo must be a picture: JPEG, PNG, WEBP or GIF.")
    customer.logo = logo.stored_name
    return logo
