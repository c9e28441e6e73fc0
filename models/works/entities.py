"""Works: estimates, jobs and opportunities for a customer, optionally at a work address, with
their inventory; and the assets (appliances) at a customer's property or its work addresses."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    Time,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.base import Base, Money, TimestampMixin, enum_type
from ..core.enums import AccessMethod, WorkKind, WorkStatus
from ..core.lookups import (
    AssetGroup,
    FuelType,
    Location,
    Make,
    Model,
    PaymentMethod,
    Product,
    ResultCode,
)

if TYPE_CHECKING:
    from ..customers.entities import Customer, WorkAddress


class Work(TimestampMixin, Base):
    __tablename__ = "work"
    __table_args__ = (
        CheckConstraint(
            "units_sold IS NULL OR units_total IS NULL OR units_sold <= units_total",
            name="units_sold_within_total",
        ),
        CheckConstraint("sale_amount IS NULL OR sale_amount >= 0", name="sale_amount"),
        CheckConstraint("contract_amount IS NULL OR contract_amount >= 0", name="contract_amount"),
        CheckConstraint("commission_paid IS NULL OR commission_paid >= 0", name="commission_paid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[WorkKind] = mapped_column(enum_type(WorkKind), default=WorkKind.job, index=True)
    status: Mapped[WorkStatus] = mapped_column(
        enum_type(WorkStatus), default=WorkStatus.open, index=True
    )
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customer.id", ondelete="CASCADE"), index=True
    )
    work_address_id: Mapped[int | None] = mapped_column(
        ForeignKey("work_address.id", ondelete="SET NULL"), index=True
    )
    description: Mapped[str] = mapped_column(String(255))
    # Sales fields (seed 001): what was sold and the money around it.
    product_id: Mapped[int | None] = mapped_column(ForeignKey("product.id"), index=True)
    result_code_id: Mapped[int | None] = mapped_column(ForeignKey("result_code.id"), index=True)
    units_total: Mapped[int | None] = mapped_column(Integer)
    units_sold: Mapped[int | None] = mapped_column(Integer)
    sale_amount: Mapped[Decimal | None] = mapped_column(Money)
    contract_amount: Mapped[Decimal | None] = mapped_column(Money)
    payment_method_id: Mapped[int | None] = mapped_column(
        ForeignKey("payment_method.id"), index=True
    )
    commission_total: Mapped[Decimal | None] = mapped_column(Money)
    commission_paid: Mapped[Decimal | None] = mapped_column(Money)
    account_notes: Mapped[str | None] = mapped_column(Text)
    # Moving/service fields (seed 002).
    requested_services: Mapped[str | None] = mapped_column(Text)
    pickup_address: Mapped[str | None] = mapped_column(Text)
    delivery_address: Mapped[str | None] = mapped_column(Text)
    estimated_amount: Mapped[Decimal | None] = mapped_column(Money)
    final_amount: Mapped[Decimal | None] = mapped_column(Money)
    # Dates of the job's life.
    received_on: Mapped[date | None] = mapped_column(Date)
    appointment_on: Mapped[date | None] = mapped_column(Date, index=True)
    appointment_time: Mapped[time | None] = mapped_column(Time)
    sold_on: Mapped[date | None] = mapped_column(Date)
    rto_on: Mapped[date | None] = mapped_column(Date)  # "ready to order"
    ordered_on: Mapped[date | None] = mapped_column(Date)
    scheduled_on: Mapped[date | None] = mapped_column(Date)
    completed_on: Mapped[date | None] = mapped_column(Date)
    access_method: Mapped[AccessMethod | None] = mapped_column(enum_type(AccessMethod))
    custom_fields: Mapped[dict] = mapped_column(JSON, default=dict)  # models/core/custom_values
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}

    customer: Mapped[Customer] = relationship(back_populates="works")
    work_address: Mapped[WorkAddress | None] = relationship()
    product: Mapped[Product | None] = relationship()
    result_code: Mapped[ResultCode | None] = relationship()
    payment_method: Mapped[PaymentMethod | None] = relationship()
    inventory_items: Mapped[list[InventoryItem]] = relationship(
        back_populates="work", cascade="all, delete-orphan", order_by="InventoryItem.id"
    )

    def __str__(self) -> str:
        return f"{self.number} {self.description}"


class InventoryItem(Base):
    """An item to be moved or fitted on a job."""

    __tablename__ = "inventory_item"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    work_id: Mapped[int] = mapped_column(ForeignKey("work.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    room: Mapped[str | None] = mapped_column(String(60))
    volume_m3: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))

    work: Mapped[Work] = relationship(back_populates="inventory_items")

    def __str__(self) -> str:
        return f"{self.quantity} × {self.name}"


class Asset(TimestampMixin, Base):
    """An appliance at a customer's property or one of its work addresses."""

    __tablename__ = "asset"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customer.id", ondelete="CASCADE"), index=True
    )
    work_address_id: Mapped[int | None] = mapped_column(
        ForeignKey("work_address.id", ondelete="CASCADE"), index=True
    )
    asset_group_id: Mapped[int] = mapped_column(ForeignKey("asset_group.id"), index=True)
    make_id: Mapped[int | None] = mapped_column(ForeignKey("make.id"), index=True)
    model_id: Mapped[int | None] = mapped_column(ForeignKey("model.id"), index=True)
    fuel_type_id: Mapped[int | None] = mapped_column(ForeignKey("fuel_type.id"), index=True)
    location_id: Mapped[int | None] = mapped_column(ForeignKey("location.id"), index=True)
    # How staff identify the appliance on site ("Boiler, kitchen"); editable at any time.
    technical_reference: Mapped[str] = mapped_column(String(120))
    serial_number: Mapped[str | None] = mapped_column(String(80), index=True)
    installed_on: Mapped[date | None] = mapped_column(Date)
    last_serviced_on: Mapped[date | None] = mapped_column(Date)
    next_service_due_on: Mapped[date | None] = mapped_column(Date, index=True)
    notes: Mapped[str | None] = mapped_column(Text)

    customer: Mapped[Customer] = relationship(back_populates="assets")
    work_address: Mapped[WorkAddress | None] = relationship()
    asset_group: Mapped[AssetGroup] = relationship()
    make: Mapped[Make | None] = relationship()
    model: Mapped[Model | None] = relationship()
    fuel_type: Mapped[FuelType | None] = relationship()
    location: Mapped[Location | None] = relationship()

    def __str__(self) -> str:
        return self.technical_reference
