"""What was said to or about a customer, the files kept on the record, and the email sent out."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.base import Base, Timestamp, enum_type, utcnow
from ..core.enums import CommunicationKind, OutboxStatus

if TYPE_CHECKING:
    from ..core.users import User
    from ..customers.entities import Customer, WorkAddress
    from ..works.entities import Work


class Communication(Base):
    """A note, email, call, SMS or comment. Important ones are pinned to the top in red."""

    __tablename__ = "communication"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customer.id", ondelete="CASCADE"), index=True
    )
    work_address_id: Mapped[int | None] = mapped_column(
        ForeignKey("work_address.id", ondelete="CASCADE"), index=True
    )
    # A note on a job (the job page's Notes and comments); it stays on the record if the
    # job is deleted.
    work_id: Mapped[int | None] = mapped_column(
        ForeignKey("work.id", ondelete="SET NULL"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[CommunicationKind] = mapped_column(
        enum_type(CommunicationKind), default=CommunicationKind.note
    )
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, index=True)
    subject: Mapped[str | None] = mapped_column(String(160))
    body: Mapped[str] = mapped_column(Text)
    is_important: Mapped[bool] = mapped_column(Boolean, default=False)
    do_not_work_with_again: Mapped[bool] = mapped_column(Boolean, default=False)
    # A scheduled activity (follow-up call, visit) falls due on this date.
    scheduled_for: Mapped[date | None] = mapped_column(Date, index=True)

    customer: Mapped[Customer] = relationship(back_populates="communications")
    work_address: Mapped[WorkAddress | None] = relationship()
    work: Mapped[Work | None] = relationship()
    author: Mapped[User | None] = relationship()

    def __str__(self) -> str:
        return self.subject or (self.body[:60] if self.body else str(self.kind))


class Attachment(Base):
    """A document or picture on the record. Files live under UPLOAD_FOLDER by generated name."""

    __tablename__ = "attachment"
    __table_args__ = (CheckConstraint("size_bytes >= 0", name="size_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customer.id", ondelete="CASCADE"), index=True
    )
    work_address_id: Mapped[int | None] = mapped_column(
        ForeignKey("work_address.id", ondelete="SET NULL"), index=True
    )
    work_id: Mapped[int | None] = mapped_column(
        ForeignKey("work.id", ondelete="SET NULL"), index=True
    )
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    thumbnail_name: Mapped[str | None] = mapped_column(String(80))
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(String(255))
    is_picture: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    uploaded_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)

    customer: Mapped[Customer] = relationship(back_populates="attachments")
    work_address: Mapped[WorkAddress | None] = relationship()
    work: Mapped[Work | None] = relationship()
    uploaded_by: Mapped[User | None] = relationship()

    def __str__(self) -> str:
        return self.original_name


class OutboxMessage(Base):
    """Outgoing email. Every message is kept here: sent, failed, or queued when no SMTP server
    is configured, so a statement is never lost because mail was not set up."""

    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customer.id", ondelete="SET NULL"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, index=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    attachment_name: Mapped[str | None] = mapped_column(String(255))
    attachment: Mapped[bytes | None] = mapped_column(LargeBinary)
    status: Mapped[OutboxStatus] = mapped_column(
        enum_type(OutboxStatus), default=OutboxStatus.queued, index=True
    )
    sent_at: Mapped[datetime | None] = mapped_column(Timestamp)
    error: Mapped[str | None] = mapped_column(Text)

    customer: Mapped[Customer | None] = relationship()
    created_by: Mapped[User | None] = relationship()
    # Files after the first (a statement's invoice PDFs); read only when the message is sent.
    more_attachments: Mapped[list[OutboxAttachment]] = relationship(
        order_by="OutboxAttachment.position",
        cascade="all, delete-orphan",
        lazy="select",
    )

    def __str__(self) -> str:
        return f"{self.subject} to {self.recipient}"

    def attach(self, name: str, content: bytes) -> None:
        """The first file goes in the message's own columns, the others after it, in order."""
        if self.attachment is None:
            self.attachment_name, self.attachment = name, content
        else:
            position = len(self.more_attachments) + 1
            self.more_attachments.append(
                OutboxAttachment(position=position, name=name, content=content)
            )

    @property
    def attachments(self) -> list[tuple[str, bytes]]:
        """Every file the email carries, by name, the first one first."""
        first = (
            []
            if self.attachment is None
            else [(self.attachment_name or "attachment", self.attachment)]
        )
        return first + [(extra.name, extra.content) for extra in self.more_attachments]


class OutboxAttachment(Base):
    """A further file of an outgoing email: the invoice PDFs sent with a statement."""

    __tablename__ = "outbox_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("outbox_message.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)  # read when sent
