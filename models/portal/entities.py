"""Customer portal links: a token shown once, stored only as a hash."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.base import SECRET, Base, Timestamp, utcnow
from ..core.formats import day

if TYPE_CHECKING:
    from ..core.users import User
    from ..customers.entities import Customer


class PortalAccess(Base):
    __tablename__ = "portal_access"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customer.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(128), unique=True, info=SECRET)
    can_see_statement: Mapped[bool] = mapped_column(Boolean, default=True)
    can_see_works: Mapped[bool] = mapped_column(Boolean, default=True)
    can_see_documents: Mapped[bool] = mapped_column(Boolean, default=False)
    can_see_assets: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(Timestamp)
    revoked_at: Mapped[datetime | None] = mapped_column(Timestamp)
    last_used_at: Mapped[datetime | None] = mapped_column(Timestamp)

    customer: Mapped[Customer] = relationship()
    created_by: Mapped[User | None] = relationship()

    def __str__(self) -> str:
        return f"Portal link made {day(self.created_at)}" if self.created_at else "Portal link"
