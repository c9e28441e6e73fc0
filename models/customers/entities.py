"""The customer aggregate: customer, phone numbers, contacts, branches and work addresses."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    case,
    func,
    text,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from ..core.base import (
    AddressMixin,
    Base,
    CommunicationPreferencesMixin,
    Coordinate,
    Money,
    Timestamp,
    TimestampMixin,
    enum_type,
)
from ..core.enums import PhoneKind, Status, Title, VacantProperty
from ..core.lookups import AdvertisingSource, BuildingType, CustomerType, PriceBook, Sla
from . import phones
from .keys import (
    CONTACT_KEY_SOURCES,
    CUSTOMER_KEY_SOURCES,
    EMAIL_KEY_LENGTH,
    KEY_LENGTH,
    NAME_KEY_LENGTH,
    OCCUPIER,
    WORK_ADDRESS_KEY_SOURCES,
    address_key,
    customer_keys,
    name_key,
    person_keys,
    reversed_digits,
    work_address_keys,
)

if TYPE_CHECKING:
    from ..core.users import User
    from ..files.entities import Attachment, Communication
    from ..money.entities import CreditNote, Invoice, InvoiceAddress, Payment, StoredCard
    from ..service.entities import Contract, CustomerServicePlan, ServiceReminder
    from ..works.entities import Asset, Work

CREDITOR_DAYS = (0, 7, 14, 21, 28, 30, 45, 60, 90)


# The fields the stored keys are computed from.
KEY_SOURCES = tuple(
    dict.fromkeys(("first_name", "surname", "address_line_1", *CUSTOMER_KEY_SOURCES))
)


def person_name(title: str | None, first_name: str | None, surname: str | None) -> str:
    return " ".join(part for part in (title, first_name, surname) if part)


def _sources_once_set(record, names: tuple[str, ...], field: str, value) -> dict:
    """The fields `names` of `record` as they will be once `field` is `value` (a validator
    runs before the new value is stored)."""
    return {name: value if name == field else getattr(record, name) for name in names}


def _set_keys(record, keys: dict[str, str | None]) -> None:
    for column, key in keys.items():
        setattr(record, column, key)


class Customer(TimestampMixin, AddressMixin, CommunicationPreferencesMixin, Base):
    """The account and financial owner of everything on the record."""

    __tablename__ = "customer"
    __table_args__ = (
        CheckConstraint("kilometres IS NULL OR kilometres >= 0", name="kilometres_not_negative"),
        CheckConstraint("creditor_days IS NULL OR creditor_days >= 0", name="creditor_days"),
        Index("ix_customer_name", "surname", "first_name"),
        # The customers the lists show (not merged away): counting the first 10,000, or finding
        # a page's ids, reads this narrow index instead of 10,000 wide rows. It holds
        # merged_into_id so that it covers its own filter: without it SQLite, given statistics,
        # reckons on a row lookup per entry and scans the table instead.
        Index(
            "ix_customer_live",
            "id",
            "merged_into_id",
            sqlite_where=text("merged_into_id IS NULL"),
            postgresql_where=text("merged_into_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_type_id: Mapped[int] = mapped_column(ForeignKey("customer_type.id"), index=True)
    status: Mapped[Status] = mapped_column(enum_type(Status), default=Status.active, index=True)
    title: Mapped[Title | None] = mapped_column(enum_type(Title))
    first_name: Mapped[str | None] = mapped_column(String(80))
    surname: Mapped[str | None] = mapped_column(String(80))
    company_name: Mapped[str | None] = mapped_column(String(160), index=True)
    region: Mapped[str | None] = mapped_column(String(80))
    latitude: Mapped[Decimal | None] = mapped_column(Coordinate)
    longitude: Mapped[Decimal | None] = mapped_column(Coordinate)
    what3words: Mapped[str | None] = mapped_column(String(80))
    kilometres: Mapped[Decimal | None] = mapped_column(Money)
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    alt_email: Mapped[str | None] = mapped_column(String(254))
    statement_email: Mapped[str | None] = mapped_column(String(254))
    invalid_email: Mapped[bool] = mapped_column(Boolean, default=False)
    home_page: Mapped[str | None] = mapped_column(String(254))
    logo: Mapped[str | None] = mapped_column(String(255))  # stored file name under UPLOAD_FOLDER
    business_area: Mapped[str | None] = mapped_column(String(160))
    salesperson_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    representative_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    advertising_source_id: Mapped[int | None] = mapped_column(
        ForeignKey("advertising_source.id"), index=True
    )
    building_type_id: Mapped[int | None] = mapped_column(ForeignKey("building_type.id"), index=True)
    price_book_id: Mapped[int | None] = mapped_column(ForeignKey("price_book.id"), index=True)
    sla_id: Mapped[int | None] = mapped_column(ForeignKey("sla.id"), index=True)
    creditor_days: Mapped[int | None] = mapped_column(Integer, default=30)
    vacant_property: Mapped[VacantProperty] = mapped_column(
        enum_type(VacantProperty), default=VacantProperty.unknown
    )
    after_sales_communication: Mapped[bool] = mapped_column(Boolean, default=True)
    third_party_reference: Mapped[str | None] = mapped_column(String(80))
    technical_reference: Mapped[str | None] = mapped_column(Text)
    # Address format for invoices and statements, with tags such as [customer_name].
    invoice_address_format: Mapped[str | None] = mapped_column(String(500))
    custom_fields: Mapped[dict] = mapped_column(JSON, default=dict)  # models/core/custom_values
    # Normalised copies of name and address for the Related tab; kept by `_refresh_keys`.
    name_key: Mapped[str | None] = mapped_column(String(KEY_LENGTH), index=True)
    address_key: Mapped[str | None] = mapped_column(String(KEY_LENGTH), index=True)
    # Search keys (search.py): prefix matches on these are index ranges.
    surname_key: Mapped[str | None] = mapped_column(String(NAME_KEY_LENGTH), index=True)
    company_key: Mapped[str | None] = mapped_column(String(NAME_KEY_LENGTH), index=True)
    full_name_key: Mapped[str | None] = mapped_column(String(NAME_KEY_LENGTH), index=True)
    postcode_key: Mapped[str | None] = mapped_column(String(NAME_KEY_LENGTH), index=True)
    email_key: Mapped[str | None] = mapped_column(String(EMAIL_KEY_LENGTH), index=True)
    # A merged customer stays as a tombstone pointing at the customer it was merged into
    # (merge.py). RESTRICT: deleting a customer others were merged into must be a
    # decision, not a cascade that erases the tombstones or a SET NULL that revives them.
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("customer.id", ondelete="RESTRICT"), index=True
    )
    merged_at: Mapped[datetime | None] = mapped_column(Timestamp)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}

    customer_type: Mapped[CustomerType] = relationship()
    salesperson: Mapped[User | None] = relationship(foreign_keys=[salesperson_id])
    representative: Mapped[User | None] = relationship(foreign_keys=[representative_id])
    advertising_source: Mapped[AdvertisingSource | None] = relationship()
    building_type: Mapped[BuildingType | None] = relationship()
    price_book: Mapped[PriceBook | None] = relationship()
    sla: Mapped[Sla | None] = relationship()
    merged_into: Mapped[Customer | None] = relationship(
        remote_side=[id], foreign_keys=[merged_into_id]
    )

    phones: Mapped[list[PhoneNumber]] = relationship(
        back_populates="customer", cascade="all, delete-orphan", order_by="PhoneNumber.id"
    )
    contacts: Mapped[list[Contact]] = relationship(
        back_populates="customer", cascade="all, delete-orphan", order_by="Contact.id"
    )
    branches: Mapped[list[Branch]] = relationship(
        back_populates="customer", cascade="all, delete-orphan", order_by="Branch.name"
    )
    work_addresses: Mapped[list[WorkAddress]] = relationship(
        back_populates="customer",
        cascade="all, delete-orphan",
        foreign_keys="WorkAddress.customer_id",
        order_by="WorkAddress.id",
    )
    assets: Mapped[list[Asset]] = relationship(
        back_populates="customer", cascade="all, delete-orphan"
    )
    works: Mapped[list[Work]] = relationship(
        back_populates="customer", cascade="all, delete-orphan"
    )
    invoices: Mapped[list[Invoice]] = relationship(
        back_populates="customer", cascade="all, delete-orphan"
    )
    credit_notes: Mapped[list[CreditNote]] = relationship(
        back_populates="customer", cascade="all, delete-orphan"
    )
    payments: Mapped[list[Payment]] = relationship(
        back_populates="customer", cascade="all, delete-orphan"
    )
    communications: Mapped[list[Communication]] = relationship(
        back_populates="customer", cascade="all, delete-orphan"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="customer", cascade="all, delete-orphan"
    )
    contracts: Mapped[list[Contract]] = relationship(
        back_populates="customer", cascade="all, delete-orphan"
    )
    service_plans: Mapped[list[CustomerServicePlan]] = relationship(
        back_populates="customer", cascade="all, delete-orphan"
    )
    service_reminders: Mapped[list[ServiceReminder]] = relationship(
        back_populates="customer", cascade="all, delete-orphan"
    )
    invoice_addresses: Mapped[list[InvoiceAddress]] = relationship(
        secondary="customer_invoice_address", back_populates="customers"
    )
    stored_cards: Mapped[list[StoredCard]] = relationship(
        back_populates="customer", cascade="all, delete-orphan"
    )

    @validates(*KEY_SOURCES)
    def _refresh_keys(self, field: str, value: str | None) -> str | None:
        """Keep the match and search keys in step with every way a field is set: constructor,
        form, code."""
        source = _sources_once_set(self, KEY_SOURCES, field, value)
        self.name_key = name_key(source["first_name"], source["surname"])
        self.address_key = address_key(source["address_line_1"], source["postcode"])
        _set_keys(self, customer_keys(*(source[n] for n in CUSTOMER_KEY_SOURCES)))
        return value

    @hybrid_property
    def display_name(self) -> str:
        return self.company_name or person_name(self.title, self.first_name, self.surname)

    @display_name.inplace.expression
    @classmethod
    def _display_name_expression(cls):
        return case(
            (cls.company_name.is_not(None), cls.company_name),
            else_=func.coalesce(cls.surname, ""),
        )

    @property
    def account_number(self) -> str:
        """The PID staff quote on the phone."""
        return f"C{self.id:06d}" if self.id else ""

    @property
    def is_company(self) -> bool:
        return bool(self.customer_type and self.customer_type.is_company)

    @property
    def primary_contact(self) -> Contact | None:
        return next((c for c in self.contacts if c.is_primary), None)

    def __str__(self) -> str:
        name = self.display_name or "(no name)"
        return f"{name}, {self.postcode}" if self.postcode else name


# The list's "Name" order (company, else surname; folded): an index, not a sort of every row.
# The list pages through the ids of the customers not merged away in this order, then loads
# the page's rows; the index alone answers that, holding the columns the order is made of (no
# database counts an index as covering otherwise), id and merged_into_id.
NAME_ORDER = func.coalesce(Customer.company_key, Customer.surname_key)
Index(
    "ix_customer_name_order",
    NAME_ORDER,
    Customer.company_key,
    Customer.surname_key,
    Customer.id,
    Customer.merged_into_id,
    sqlite_where=text("merged_into_id IS NULL"),
    postgresql_where=text("merged_into_id IS NULL"),
)


class PhoneNumber(Base):
    """A number as typed, plus its normalised digits for duplicate and related matching."""

    __tablename__ = "phone_number"
    __table_args__ = (
        CheckConstraint(
            "(CASE WHEN customer_id IS NULL THEN 0 ELSE 1 END"
            " + CASE WHEN contact_id IS NULL THEN 0 ELSE 1 END"
            " + CASE WHEN branch_id IS NULL THEN 0 ELSE 1 END"
            " + CASE WHEN work_address_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_owner",
        ),
        # PostgreSQL only: digits anywhere in a number ("…4960…"), via pg_trgm.
        Index(
            "ix_phone_number_digits_trgm",
            "digits",
            postgresql_using="gin",
            postgresql_ops={"digits": "gin_trgm_ops"},
        ).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customer.id", ondelete="CASCADE"), index=True
    )
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact.id", ondelete="CASCADE"), index=True
    )
    branch_id: Mapped[int | None] = mapped_column(
        ForeignKey("branch.id", ondelete="CASCADE"), index=True
    )
    work_address_id: Mapped[int | None] = mapped_column(
        ForeignKey("work_address.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[PhoneKind] = mapped_column(enum_type(PhoneKind), default=PhoneKind.mobile)
    number: Mapped[str] = mapped_column(String(40))
    digits: Mapped[str] = mapped_column(String(20), index=True)
    # The digits back to front: "ends with 900123" becomes a prefix range on an index.
    digits_reversed: Mapped[str] = mapped_column(String(20), index=True)

    customer: Mapped[Customer | None] = relationship(back_populates="phones")
    contact: Mapped[Contact | None] = relationship(back_populates="phones")
    branch: Mapped[Branch | None] = relationship(back_populates="phones")
    work_address: Mapped[WorkAddress | None] = relationship(back_populates="phones")

    @validates("number")
    def _normalise(self, _key: str, number: str) -> str:
        number = (number or "").strip()
        self.digits = phones.normalise(number)
        self.digits_reversed = reversed_digits(self.digits)
        return number

    def __str__(self) -> str:
        return f"{self.kind or ''} {self.number}".strip()


class Contact(CommunicationPreferencesMixin, TimestampMixin, Base):
    __tablename__ = "contact"
    __table_args__ = (
        # At most one primary contact per customer.
        Index(
            "uq_contact_primary_per_customer",
            "customer_id",
            unique=True,
            sqlite_where=text("is_primary"),
            postgresql_where=text("is_primary"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customer.id", ondelete="CASCADE"), index=True
    )
    branch_id: Mapped[int | None] = mapped_column(
        ForeignKey("branch.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[Title | None] = mapped_column(enum_type(Title))
    first_name: Mapped[str | None] = mapped_column(String(80))
    surname: Mapped[str] = mapped_column(String(80), index=True)
    position: Mapped[str | None] = mapped_column(String(80))
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    twitter_url: Mapped[str | None] = mapped_column(String(254))
    facebook_url: Mapped[str | None] = mapped_column(String(254))
    linkedin_url: Mapped[str | None] = mapped_column(String(254))
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)
    # Search keys (search.py): the customer search finds a company by its contacts.
    surname_key: Mapped[str | None] = mapped_column(String(NAME_KEY_LENGTH), index=True)
    full_name_key: Mapped[str | None] = mapped_column(String(NAME_KEY_LENGTH), index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}

    customer: Mapped[Customer] = relationship(back_populates="contacts")
    branch: Mapped[Branch | None] = relationship(back_populates="contacts")
    phones: Mapped[list[PhoneNumber]] = relationship(
        back_populates="contact", cascade="all, delete-orphan", order_by="PhoneNumber.id"
    )

    @validates(*CONTACT_KEY_SOURCES)
    def _refresh_keys(self, field: str, value: str | None) -> str | None:
        """Keep the search keys in step with the names, however they are set."""
        source = _sources_once_set(self, CONTACT_KEY_SOURCES, field, value)
        _set_keys(self, person_keys(*(source[n] for n in CONTACT_KEY_SOURCES)))
        return value

    @property
    def name(self) -> str:
        return person_name(self.title, self.first_name, self.surname)

    def __str__(self) -> str:
        return self.name


class Branch(TimestampMixin, AddressMixin, Base):
    """An office of a company customer; work addresses may be managed by one."""

    __tablename__ = "branch"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customer.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254))

    customer: Mapped[Customer] = relationship(back_populates="branches")
    phones: Mapped[list[PhoneNumber]] = relationship(
        back_populates="branch", cascade="all, delete-orphan", order_by="PhoneNumber.id"
    )
    contacts: Mapped[list[Contact]] = relationship(back_populates="branch")
    work_addresses: Mapped[list[WorkAddress]] = relationship(back_populates="branch")

    def __str__(self) -> str:
        return self.name


class WorkAddress(TimestampMixin, AddressMixin, CommunicationPreferencesMixin, Base):
    """A property where work happens, owned by a customer, possibly let to an occupier."""

    __tablename__ = "work_address"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customer.id", ondelete="CASCADE"), index=True
    )
    landlord_id: Mapped[int | None] = mapped_column(
        ForeignKey("customer.id", ondelete="SET NULL"), index=True
    )
    branch_id: Mapped[int | None] = mapped_column(
        ForeignKey("branch.id", ondelete="SET NULL"), index=True
    )
    building_type_id: Mapped[int | None] = mapped_column(ForeignKey("building_type.id"), index=True)
    status: Mapped[Status] = mapped_column(enum_type(Status), default=Status.active, index=True)
    occupier_title: Mapped[Title | None] = mapped_column(enum_type(Title))
    occupier_first_name: Mapped[str | None] = mapped_column(String(80))
    occupier_surname: Mapped[str] = mapped_column(String(80), default=OCCUPIER)
    email: Mapped[str | None] = mapped_column(String(254))
    latitude: Mapped[Decimal | None] = mapped_column(Coordinate)
    longitude: Mapped[Decimal | None] = mapped_column(Coordinate)
    vacant_property: Mapped[VacantProperty] = mapped_column(
        enum_type(VacantProperty), default=VacantProperty.unknown
    )
    after_sales_communication: Mapped[bool] = mapped_column(Boolean, default=True)
    is_invoice_address: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str | None] = mapped_column(Text)
    custom_fields: Mapped[dict] = mapped_column(JSON, default=dict)  # models/core/custom_values
    # Search keys (search.py) for the work-address lookups of the forms.
    address_line_1_key: Mapped[str | None] = mapped_column(String(NAME_KEY_LENGTH), index=True)
    postcode_key: Mapped[str | None] = mapped_column(String(NAME_KEY_LENGTH), index=True)
    occupier_key: Mapped[str | None] = mapped_column(String(NAME_KEY_LENGTH), index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}

    customer: Mapped[Customer] = relationship(
        back_populates="work_addresses", foreign_keys=[customer_id]
    )
    landlord: Mapped[Customer | None] = relationship(foreign_keys=[landlord_id])
    branch: Mapped[Branch | None] = relationship(back_populates="work_addresses")
    building_type: Mapped[BuildingType | None] = relationship()
    phones: Mapped[list[PhoneNumber]] = relationship(
        back_populates="work_address", cascade="all, delete-orphan", order_by="PhoneNumber.id"
    )

    @validates(*WORK_ADDRESS_KEY_SOURCES)
    def _refresh_keys(self, field: str, value: str | None) -> str | None:
        """Keep the search keys in step, however a field is set; a blank occupier surname is
        the placeholder "Occupier"."""
        if field == "occupier_surname":
            value = (value or "").strip() or OCCUPIER
        source = _sources_once_set(self, WORK_ADDRESS_KEY_SOURCES, field, value)
        _set_keys(self, work_address_keys(*(source[n] for n in WORK_ADDRESS_KEY_SOURCES)))
        return value

    def __str__(self) -> str:
        return ", ".join(part for part in (self.address_line_1, self.postcode) if part)
