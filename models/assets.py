"""Assets (appliances) at a customer's property or one of its work addresses."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .core.base import Base, TimestampMixin
from .core.lookups import AssetGroup, FuelType, Location, Make, Model

if TYPE_CHECKING:
    from .customers.entities import Customer, WorkAddress


class Asset(TimestampMixin, Base):
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
