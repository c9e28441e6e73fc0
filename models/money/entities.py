"""Invoices, credit notes, payments and their allocations, alternative invoice addresses, and
the cards customers keep on file."""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from typing import TYPE_CHECKING

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from ..core.base import (
    SECRET,
    AddressMixin,
    Base,
    Money,
    Timestamp,
    TimestampMixin,
    enum_type,
    zero,
)
from ..core.enums import BreakdownStyle, CardBrand, InvoiceKind, InvoiceStatus, LineCategory
from ..core.formats import day, money
from ..core.lookups import PaymentMethod
from ..customers.keys import NAME_KEY_LENGTH, name_search_key

if TYPE_CHECKING:
    from ..customers.entities import Contact, Customer
    from ..works.entities import Work

CENT = Decimal("0.01")

customer_invoice_address = Table(
    "customer_invoice_address",
    Base.metadata,
    Column("customer_id", ForeignKey("customer.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "invoice_address_id",
        ForeignKey("invoice_address.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)


class InvoiceAddress(TimestampMixin, AddressMixin, Base):
    """An alternative bill-to address (an insurer, a managing agent), shareable by customers."""

    __tablename__ = "invoice_address"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160))
    email: Mapped[str | None] = mapped_column(String(254))

    customers: Mapped[list[Customer]] = relationship(
        secondary=customer_invoice_address, back_populates="invoice_addresses"
    )

    def __str__(self) -> str:
        return ", ".join(part for part in (self.name, self.postcode) if part)


class LineMixin:
    """A priced line: quantity × unit price, plus tax at a percentage rate."""

    description: Mapped[str] = mapped_column(String(255))
    category: Mapped[LineCategory] = mapped_column(
        enum_type(LineCategory), default=LineCategory.labour
    )
    quantity: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal("1"))
    unit_price: Mapped[Decimal] = mapped_column(Money)
    tax_rate: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal("20.00"))

    def __str__(self) -> str:
        return self.description

    # Half to even, said out loud: balances.py rounds the same way in SQL.
    @property
    def net(self) -> Decimal:
        return (self.quantity * self.unit_price).quantize(CENT, rounding=ROUND_HALF_EVEN)

    @property
    def tax(self) -> Decimal:
        return (self.net * self.tax_rate / 100).quantize(CENT, rounding=ROUND_HALF_EVEN)

    @property
    def gross(self) -> Decimal:
        return self.net + self.tax


def totals_of(lines) -> dict[str, Decimal]:
    """Net, tax and gross of some lines, each line rounded as it is billed: a whole
    document's, one work's group on a consolidated invoice, or the lines a form will make."""
    net = sum((line.net for line in lines), zero())
    tax = sum((line.tax for line in lines), zero())
    return {"net": net, "tax": tax, "gross": net + tax}


class PricedDocument:
    """An invoice or credit note: its total is the sum of its lines' gross.

    `total_cents` holds the same figure, kept in step at every flush (stored_totals.py),
    so balances and ageing sum one column instead of pricing every line of every invoice.
    """

    total_cents: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")

    @property
    def total(self) -> Decimal:
        return sum((line.gross for line in self.lines), zero())

    @property
    def net(self) -> Decimal:
        return totals_of(self.lines)["net"]

    @property
    def tax(self) -> Decimal:
        return totals_of(self.lines)["tax"]

    @property
    def stored_total(self) -> Decimal:
        """The total as stored: for lists, which then need not load every line."""
        return Decimal(self.total_cents).scaleb(-2)


class Invoice(PricedDocument, TimestampMixin, Base):
    __tablename__ = "invoice"
    __table_args__ = (
        CheckConstraint("due_on >= invoice_date", name="due_after_date"),
        # Issued and void invoices keep the number they were issued under.
        CheckConstraint("status = 'draft' OR number IS NOT NULL", name="issued_has_number"),
        # All that balances and ageing read of each invoice, by customer and across the book:
        # covered, they read no table row.
        Index("ix_invoice_balance", "customer_id", "status", "due_on", "total_cents"),
        Index("ix_invoice_ageing", "status", "due_on", "total_cents"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str | None] = mapped_column(String(20), unique=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customer.id", ondelete="CASCADE"), index=True
    )
    invoice_address_id: Mapped[int | None] = mapped_column(
        ForeignKey("invoice_address.id", ondelete="RESTRICT"), index=True
    )
    description: Mapped[str] = mapped_column(String(255))
    invoice_date: Mapped[date] = mapped_column(Date, index=True)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    kind: Mapped[InvoiceKind] = mapped_column(enum_type(InvoiceKind), default=InvoiceKind.final)
    status: Mapped[InvoiceStatus] = mapped_column(
        enum_type(InvoiceStatus), default=InvoiceStatus.draft, index=True
    )
    notes: Mapped[str | None] = mapped_column(Text)
    # The contact it is for: statements can be grouped by contact (seed 004 "Statements").
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact.id", ondelete="SET NULL"), index=True
    )
    issued_at: Mapped[datetime | None] = mapped_column(Timestamp)
    # A void invoice keeps its number; a statement as of an earlier date still shows it.
    voided_on: Mapped[date | None] = mapped_column(Date)
    void_reason: Mapped[str | None] = mapped_column(String(255))
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}

    customer: Mapped[Customer] = relationship(back_populates="invoices")
    invoice_address: Mapped[InvoiceAddress | None] = relationship()
    contact: Mapped[Contact | None] = relationship()
    lines: Mapped[list[InvoiceLine]] = relationship(
        back_populates="invoice", cascade="all, delete-orphan", order_by="InvoiceLine.id"
    )
    allocations: Mapped[list[PaymentAllocation]] = relationship(back_populates="invoice")
    credit_notes: Mapped[list[CreditNote]] = relationship(back_populates="invoice")

    @property
    def paid(self) -> Decimal:
        """What payments have allocated to it."""
        return sum((allocation.amount for allocation in self.allocations), zero())

    @property
    def credited(self) -> Decimal:
        """What credit notes against it have taken off."""
        return sum((note.total for note in self.credit_notes), zero())

    @property
    def works(self) -> list[Work]:
        """The jobs it bills, in line order; more than one makes it a consolidated invoice."""
        seen: dict[int, Work] = {}
        for line in self.lines:
            if line.work is not None:
                seen.setdefault(line.work.id, line.work)
        return list(seen.values())

    @property
    def is_consolidated(self) -> bool:
        return len(self.works) > 1

    def __str__(self) -> str:
        # A draft has no number yet: people tell drafts apart by their day and amount.
        if self.number:
            return self.number
        return f"Draft invoice of {day(self.invoice_date)}, {money(self.stored_total)}"


class InvoiceLine(LineMixin, Base):
    __tablename__ = "invoice_line"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("unit_price >= 0", name="unit_price_not_negative"),
        CheckConstraint("tax_rate >= 0 AND tax_rate <= 100", name="tax_rate_percent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(
        ForeignKey("invoice.id", ondelete="CASCADE"), index=True
    )
    # The job a line bills; a consolidated invoice has lines for several works.
    work_id: Mapped[int | None] = mapped_column(
        ForeignKey("work.id", ondelete="SET NULL"), index=True
    )

    invoice: Mapped[Invoice] = relationship(back_populates="lines")
    work: Mapped[Work | None] = relationship()


class CreditNote(PricedDocument, TimestampMixin, Base):
    __tablename__ = "credit_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customer.id", ondelete="CASCADE"), index=True
    )
    invoice_id: Mapped[int | None] = mapped_column(
        ForeignKey("invoice.id", ondelete="SET NULL"), index=True
    )
    description: Mapped[str] = mapped_column(String(255))
    credit_date: Mapped[date] = mapped_column(Date, index=True)
    breakdown: Mapped[BreakdownStyle] = mapped_column(
        enum_type(BreakdownStyle), default=BreakdownStyle.none
    )
    notes: Mapped[str | None] = mapped_column(Text)

    customer: Mapped[Customer] = relationship(back_populates="credit_notes")
    invoice: Mapped[Invoice | None] = relationship(back_populates="credit_notes")
    lines: Mapped[list[CreditNoteLine]] = relationship(
        back_populates="credit_note", cascade="all, delete-orphan", order_by="CreditNoteLine.id"
    )

    def __str__(self) -> str:
        return self.number or "New credit note"


class CreditNoteLine(LineMixin, Base):
    __tablename__ = "credit_note_line"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("unit_price >= 0", name="unit_price_not_negative"),
        CheckConstraint("tax_rate >= 0 AND tax_rate <= 100", name="tax_rate_percent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    credit_note_id: Mapped[int] = mapped_column(
        ForeignKey("credit_note.id", ondelete="CASCADE"), index=True
    )

    credit_note: Mapped[CreditNote] = relationship(back_populates="lines")


class Payment(TimestampMixin, Base):
    """Money received. What is not allocated to invoices is the customer's account credit."""

    __tablename__ = "payment"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customer.id", ondelete="CASCADE"), index=True
    )
    paid_on: Mapped[date] = mapped_column(Date, index=True)
    payment_method_id: Mapped[int] = mapped_column(ForeignKey("payment_method.id"), index=True)
    reference: Mapped[str | None] = mapped_column(String(80))
    # The reference as the search matches it ("Chq 123456" -> "chq123456"), a prefix range.
    reference_key: Mapped[str | None] = mapped_column(String(NAME_KEY_LENGTH), index=True)
    nominal_account: Mapped[str | None] = mapped_column(String(40))
    amount: Mapped[Decimal] = mapped_column(Money)
    notes: Mapped[str | None] = mapped_column(Text)

    customer: Mapped[Customer] = relationship(back_populates="payments")
    payment_method: Mapped[PaymentMethod] = relationship()
    allocations: Mapped[list[PaymentAllocation]] = relationship(
        back_populates="payment", cascade="all, delete-orphan"
    )

    @validates("reference")
    def _refresh_reference_key(self, _field: str, reference: str | None) -> str | None:
        self.reference_key = name_search_key(reference)
        return reference

    @property
    def unallocated(self) -> Decimal:
        return self.amount - sum((a.amount for a in self.allocations), zero())

    def __str__(self) -> str:
        return f"{money(self.amount)} paid on {day(self.paid_on)}"


class PaymentAllocation(Base):
    __tablename__ = "payment_allocation"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        UniqueConstraint("payment_id", "invoice_id"),
        # The invoice's allocations, and what balances and ageing sum of them (as of a date,
        # too) read from the index alone. It is also the foreign key's index: beside a narrower
        # one on invoice_id, SQLite would pick that and read every allocation's row.
        Index("ix_payment_allocation_amounts", "invoice_id", "allocated_on", "amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(
        ForeignKey("payment.id", ondelete="CASCADE"), index=True
    )
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoice.id", ondelete="CASCADE"))
    amount: Mapped[Decimal] = mapped_column(Money)
    allocated_on: Mapped[date] = mapped_column(Date)

    payment: Mapped[Payment] = relationship(back_populates="allocations")
    invoice: Mapped[Invoice] = relationship(back_populates="allocations")

    def __str__(self) -> str:
        return f"{money(self.amount)} to {self.invoice}"


class StoredCard(TimestampMixin, Base):
    """A card on file: only what identifies it to people and to the payment processor, never
    its number or security code (cards.py says why, and refuses them)."""

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
            f"{self.brand.label if self.brand else 'Card'} ending {self.last_four}, "
            f"expires {self.expiry_month:02d}/{self.expiry_year}"
        )
