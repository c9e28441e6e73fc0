"""Customer portal links (seed 004 "Customer Portal Link"): the rules, without Flask.

A link is a random token shown once to the user who created it; only its SHA-256 hash is kept,
so a copy of the database (or a backup) opens nobody's portal. A link opens one customer's
portal, read-only, for what its permissions tick, until it expires or is revoked. Merging or
deleting the customer revokes its links: they must not open the absorbed or deleted record.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from ..core.base import as_utc, utcnow
from ..core.errors import DomainError
from .entities import PortalAccess

if TYPE_CHECKING:
    from ..core.users import User
    from ..customers.entities import Customer

# What a link can show, in the order the pages list it; each maps to `can_see_<name>`.
PERMISSIONS = {
    "statement": "Statement and invoices",
    "works": "Works",
    "documents": "Documents and pictures",
    "assets": "Assets",
}
MAX_LIFETIME = timedelta(days=365)
TOKEN_BYTES = 32
# token_urlsafe(32) is 43 characters of this alphabet; anything else is not one of ours.
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{20,100}")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_portal_link(
    session: Session,
    customer: Customer,
    by_user: User | None,
    permissions: dict[str, bool],
    expires_at: datetime,
) -> tuple[PortalAccess, str]:
    """A new link and its plain token, which the caller shows once and never stores."""
    if _merged(customer):
        raise DomainError(
            "This customer was merged into another one: create the link on that customer."
        )
    expires_at = as_utc(expires_at)
    now = utcnow()
    if expires_at <= now:
        raise DomainError("The expiry date must be in the future.")
    if expires_at > now + MAX_LIFETIME:
        raise DomainError("A portal link can last at most 365 days: choose an earlier expiry.")
    flags = _flags(permissions)
    if not any(flags.values()):
        raise DomainError("Tick at least one thing the customer may see.")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    link = PortalAccess(
        customer=customer,
        created_by=by_user,
        token_hash=token_hash(token),
        expires_at=expires_at,
        created_at=now,
        **flags,
    )
    session.add(link)
    session.flush()
    return link, token


def find_link(session: Session, token: str) -> PortalAccess | None:
    """The usable link this token opens, or None: unknown, expired, revoked or merged alike."""
    if not isinstance(token, str) or not TOKEN_SHAPE.fullmatch(token):
        return None
    digest = token_hash(token)
    link = session.scalar(
        select(PortalAccess)
        .where(PortalAccess.token_hash == digest)
        .options(joinedload(PortalAccess.customer))
    )
    if link is None or not hmac.compare_digest(link.token_hash, digest):
        return None
    return link if is_usable(link) else None


def usable_link(session: Session, link_id: int) -> PortalAccess | None:
    """The link an open portal session stands on, if it still may be used."""
    link = session.scalar(
        select(PortalAccess)
        .where(PortalAccess.id == link_id)
        .options(joinedload(PortalAccess.customer))
    )
    return link if link is not None and is_usable(link) else None


def link_state(link: PortalAccess, now: datetime | None = None) -> str:
    """ "revoked", "merged", "expired" or "active": what the manage page says about a link."""
    if link.revoked_at is not None:
        return "revoked"
    if _merged(link.customer):
        return "merged"
    if as_utc(link.expires_at) <= (now or utcnow()):
        return "expired"
    return "active"


def is_usable(link: PortalAccess, now: datetime | None = None) -> bool:
    return link_state(link, now) == "active"


def permissions_of(link: PortalAccess) -> dict[str, bool]:
    return {name: bool(getattr(link, f"can_see_{name}")) for name in PERMISSIONS}


def set_permissions(link: PortalAccess, **permissions: bool) -> None:
    """Change what the link shows; an open portal session sees the change on its next page."""
    if link.revoked_at is not None:
        raise DomainError("This link was revoked: create a new one instead.")
    wanted = {**permissions_of(link), **permissions}  # names left out keep their value
    flags = _flags(wanted)
    if not any(flags.values()):
        raise DomainError(
            "Tick at least one thing the customer may see, or revoke the link instead."
        )
    for column, value in flags.items():
        setattr(link, column, value)


def revoke(link: PortalAccess) -> bool:
    """The link stops opening the portal, and any session opened with it ends on its next
    page. Returns False if it was revoked already (the first revocation time is kept)."""
    if link.revoked_at is not None:
        return False
    link.revoked_at = utcnow()
    return True


def revoke_all(session: Session, customer: Customer) -> int:
    """Revoke every live link of a customer being merged away or deleted; returns how many."""
    links = session.scalars(
        select(PortalAccess).where(
            PortalAccess.customer_id == customer.id, PortalAccess.revoked_at.is_(None)
        )
    ).all()
    return sum(revoke(link) for link in links)


def touch(link: PortalAccess) -> None:
    """Record that the link was used, for the "last used" column staff see."""
    link.last_used_at = utcnow()


def _flags(permissions: dict[str, bool]) -> dict[str, bool]:
    unknown = set(permissions) - set(PERMISSIONS)
    if unknown:
        raise ValueError(f"Unknown portal permission(s): {', '.join(sorted(unknown))}")
    return {f"can_see_{name}": bool(permissions.get(name, False)) for name in PERMISSIONS}


def _merged(customer: Customer | None) -> bool:
    # merged_into_id is being added with customer merging; until then nobody is merged.
    return getattr(customer, "merged_into_id", None) is not None
