"""Contracts, service plans assigned to customers, and service reminders."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Column, Date, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.base import Base, Money, TimestampMixin, enum_type
from ..core.enums import ContractStatus, ReminderDecision, ReminderStatus
from ..core.lookups import ServicePlan

if TYPE_CHECKING:
    from ..customers.entities import Customer, WorkAddress
    from ..works.entities import Asset, Work

service_plan_work_address = Table(
    "service_plan_work_address",
    Base.metadata,
    Column(
        "customer_service_plan_id",
        ForeignKey("customer_service_plan.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column(
        "work_address_id",
        ForeignKey("work_address.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)


class Contract(TimestampMixin, Base):
    """A service agreement: recurring work, renewal reminder, contract pricing."""

    __tablename__ = "contract"
    __table_args__ = (
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="dates_in_order"),
        CheckConstraint("value IS NULL OR value >= 0", name="value_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customer.id", ondelete="CASCADE"), index=True
    )
    reference: Mapped[str] = mapped_column(String(40))
    description: Mapped[str | None] = mapped_column(Text)
    status: Mapped[ContractStatus] = mapped_column(
        enum_type(ContractStatus), default=ContractStatus.active
    )
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    renewal_reminder_on: Mapped[date | None] = mapped_column(Date, index=True)
    value: Mapped[Decimal | None] = mapped_column(Money)

    customer: Mapped[Customer] = relationship(back_populates="contracts")

    def __str__(self) -> str:
        return self.reference


class CustomerServicePlan(TimestampMixin, Base):
    """A service plan assigned to a customer until an expiry, covering ticked properties."""

    __tablename__ = "customer_service_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customer.id", ondelete="CASCADE"), index=True
    )
    service_plan_id: Mapped[int] = mapped_column(ForeignKey("service_plan.id"), index=True)
    expires_on: Mapped[date] = mapped_column(Date, index=True)

    customer: Mapped[Customer] = relationship(back_populates="service_plans")
    service_plan: Mapped[ServicePlan] = relationship()
    work_addresses: Mapped[list[WorkAddress]] = relationship(secondary=service_plan_work_address)

    def __str__(self) -> str:
        return f"{self.service_plan} until {self.expires_on:%d %b %Y}"


class ServiceReminder(TimestampMixin, Base):
    """A service falling due at a property; dormant customers are left out of the due list."""

    __tablename__ = "service_reminder"
    __table_args__ = (CheckConstraint("interval_months > 0", name="interval_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customer.id", ondelete="CASCADE"), index=True
    )
    work_address_id: Mapped[int | None] = mapped_column(
        ForeignKey("work_address.id", ondelete="CASCADE"), index=True
    )
    asset_id: Mapped[int | None] = mapped_column(
        ForeignKey("asset.id", ondelete="CASCADE"), index=True
    )
    description: Mapped[str] = mapped_column(String(160))
    due_on: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[ReminderStatus] = mapped_column(
        enum_type(ReminderStatus), default=ReminderStatus.due, index=True
    )
    # "Cancel just this time" moves the due date on by one period.
    interval_months: Mapped[int] = mapped_column(Integer, default=12, server_default="12")
    decision: Mapped[ReminderDecision | None] = mapped_column(enum_type(ReminderDecision))
    decided_on: Mapped[date | None] = mapped_column(Date)
    # The service job booked when the customer authorised it.
    work_id: Mapped[int | None] = mapped_column(
        ForeignKey("work.id", ondelete="SET NULL"), index=True
    )

    customer: Mapped[Customer] = relationship(back_populates="service_reminders")
    work_address: Mapped[WorkAddress | None] = relationship()
    asset: Mapped[Asset | None] = relationship()
    work: Mapped[Work | None] = relationship()

    def __str__(self) -> str:
        return f"{self.description} due {self.due_on:%d %b %Y}"
