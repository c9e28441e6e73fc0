"""Stored cards: only what identifies a card to people and to the payment processor.

A full card number (PAN) or a security code (CVC) must never be stored: holding either brings
the whole system into PCI DSS scope, and a leak of this database would be a leak of usable
cards. The processor keeps the card; we keep its reference and what a person needs to tell
cards apart (holder, brand, last four digits, expiry). `card_rules.check_card` refuses input
that looks like more than that.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .core.base import SECRET, Base, TimestampMixin, enum_type
from .core.enums import CardBrand

if TYPE_CHECKING:
    from .customers.entities import Customer


class StoredCard(TimestampMixin, Base):
    __tablename__ = "stored_card"
    __table_args__ = (
        CheckConstraint("length(last_four) = 4", name="last_four_is_four"),
        CheckConstraint("expiry_month BETWEEN 1 AND 12", name="expiry_month_range"),
        CheckConstraint("expiry_year BETWEEN 2000 AND 2199", name="expiry_year_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customer.id", ondelete="CASCADE"), index=True
    )
    cardholder_name: Mapped[str] = mapped_column(String(120))
    brand: Mapped[CardBrand] = mapped_column(enum_type(CardBrand), default=CardBrand.other)
    last_four: Mapped[str] = mapped_column(String(4))
    expiry_month: Mapped[int] = mapped_column(Integer)
    expiry_year: Mapped[int] = mapped_column(Integer)
    # The processor's token for the card (e.g. a Stripe payment method id).
    processor_reference: Mapped[str | None] = mapped_column(String(120), info=SECRET)
    billing_address: Mapped[str | None] = mapped_column(Text)

    customer: Mapped[Customer] = relationship(back_populates="stored_cards")

    def __str__(self) -> str:
        return (
            f"{self.brand.title() if self.brand else 'Card'} ending {self.last_four}, "
            f"expires {self.expiry_month:02d}/{self.expiry_year}"
        )
