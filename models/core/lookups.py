"""Admin-editable lookup lists, seeded with sensible defaults."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, Money


class Lookup:
    """A named entry in a pick list."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def __str__(self) -> str:
        return self.name


class CustomerType(Lookup, Base):
    __tablename__ = "customer_type"
    # Company types name a company and need a contact; private types allow a primary contact.
    is_company: Mapped[bool] = mapped_column(Boolean, default=False)
    allows_primary_contact: Mapped[bool] = mapped_column(Boolean, default=True)
    work_address_label: Mapped[str | None] = mapped_column(String(40))


class AdvertisingSource(Lookup, Base):
    """Origin / lead source: feeds the origin report."""

    __tablename__ = "advertising_source"


class BuildingType(Lookup, Base):
    __tablename__ = "building_type"


class PriceBook(Lookup, Base):
    __tablename__ = "price_book"
    description: Mapped[str | None] = mapped_column(Text)


class AssetGroup(Lookup, Base):
    __tablename__ = "asset_group"


class FuelType(Lookup, Base):
    __tablename__ = "fuel_type"


class Make(Lookup, Base):
    __tablename__ = "make"
    models: Mapped[list[Model]] = relationship(back_populates="make")


class Model(Base):
    """An appliance model, of one make."""

    __tablename__ = "model"
    __table_args__ = (UniqueConstraint("make_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    make_id: Mapped[int] = mapped_column(ForeignKey("make.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    make: Mapped[Make] = relationship(back_populates="models")

    def __str__(self) -> str:
        return self.name


class Location(Lookup, Base):
    """Where an appliance sits in a property (kitchen, loft …)."""

    __tablename__ = "location"


class Product(Lookup, Base):
    __tablename__ = "product"
    unit_price: Mapped[Decimal | None] = mapped_column(Money)


class ResultCode(Lookup, Base):
    __tablename__ = "result_code"
    code: Mapped[str | None] = mapped_column(String(20))


class PaymentMethod(Lookup, Base):
    __tablename__ = "payment_method"


class Sla(Lookup, Base):
    """A service level agreement: targets jobs for the customer are measured against."""

    __tablename__ = "sla"
    response_hours: Mapped[int | None] = mapped_column(Integer)
    resolution_hours: Mapped[int | None] = mapped_column(Integer)


class ServicePlan(Lookup, Base):
    __tablename__ = "service_plan"
    description: Mapped[str | None] = mapped_column(Text)
    price: Mapped[Decimal | None] = mapped_column(Money)
    visits_per_year: Mapped[int | None] = mapped_column(Integer)
