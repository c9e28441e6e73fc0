"""Declarative base, shared column types and mixins. Pure SQLAlchemy: no Flask here."""

from __future__ import annotations

import enum
import functools
import sqlite3
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import DDL, Boolean, DateTime, MetaData, Numeric, String, event, text
from sqlalchemy import Enum as SAEnum
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Stable constraint names, so Alembic migrations are the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# Marks a column that holds a secret or security state (a password or token hash, a failed-login
# count, a lock time, a processor's reference): no view, filter, export or audit entry shows or
# matches on it. `mapped_column(String(255), info=SECRET)`.
SECRET = {"secret": True}


def is_secret(column) -> bool:
    return bool(getattr(column, "info", {}).get("secret"))


@functools.cache
def secret_names() -> frozenset[str]:
    """The names of the columns marked secret in any table, for what keeps only names (the
    audit trail's changes, a JSON cell); read once every model is defined."""
    return frozenset(
        column.name
        for table in Base.metadata.tables.values()
        for column in table.columns
        if is_secret(column)
    )


# Trigram indexes (contains-matches on PostgreSQL) need pg_trgm; a migration adds it too.
event.listen(
    Base.metadata,
    "before_create",
    DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql"),
)


def sparse_foreign_key_indexes(metadata: MetaData) -> None:
    """Every index on a nullable foreign key leaves out the NULLs (`WHERE col IS NOT NULL`).

    Most such keys are empty (a phone belongs to a customer, so its branch_id is NULL). After
    ANALYZE, SQLite counts the NULLs as one value shared by every row, judges the index useless
    and scans the table for `branch_id = 7`; a partial index holds only real keys, so its
    statistics are right. `col = x` and `col IN (…)` imply NOT NULL, so both databases use it.
    """
    for table in metadata.tables.values():
        for index in table.indexes:
            columns = list(index.columns)
            if (
                len(columns) == 1
                and columns[0].nullable
                and columns[0].foreign_keys
                and not index.unique
            ):
                present = text(f"{columns[0].name} IS NOT NULL")
                index.dialect_kwargs.update(sqlite_where=present, postgresql_where=present)


# Indexes the app makes at run time, one per customer custom field (models/core/custom_fields.py).
CUSTOM_INDEX_PREFIX = "ix_customer_cf_"


def for_database(dialect: str):
    """Alembic's include_object for autogenerate: leaves out what the models declare for
    another database only (`Index(...).ddl_if(dialect="postgresql")`), and the custom fields'
    indexes, which are data's, not the schema's."""

    def include(schema_object, name, type_, _reflected, _compare_to) -> bool:
        if type_ == "index" and (name or "").startswith(CUSTOM_INDEX_PREFIX):
            return False
        only_on = getattr(schema_object, "_ddl_if", None)  # SQLAlchemy keeps it here
        return only_on is None or only_on.dialect in (None, dialect)

    return include


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """SQLite hands timestamps back naive; they are UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


# Every primary key is an INTEGER: a larger id is nobody's (and PostgreSQL errors on it).
MAX_ROW_ID = 2**31 - 1


def is_row_id(value) -> bool:
    """A typed or posted id that could be a row's: decimal digits (not "²", which int()
    refuses), within an INTEGER key."""
    text = str(value)
    return text.isdecimal() and 0 < int(text) <= MAX_ROW_ID


Money = Numeric(12, 2)
"""Every amount of money: exact decimals, never float."""

Timestamp = DateTime(timezone=True)

Coordinate = Numeric(9, 6)
"""Latitude or longitude in degrees: about 10 cm of precision."""


def enum_type(enum_class: type[enum.Enum]) -> SAEnum:
    """A portable enum column: a VARCHAR with a CHECK constraint on both databases.

    Member names equal their values (Flask-Admin coerces members by name).
    """
    return SAEnum(
        enum_class,
        name=enum_class.__name__.lower(),
        native_enum=False,
        create_constraint=True,
        length=max(len(m.value) for m in enum_class),
        validate_strings=True,
    )


def zero() -> Decimal:
    return Decimal("0.00")


def counted(number: int, one: str, many: str) -> str:
    """3 -> "3 work addresses", 1 -> "1 work address", as a person says a count."""
    return f"{number:,} {one if number == 1 else many}"


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, onupdate=utcnow)


ADDRESS_FIELDS = (
    "address_line_1",
    "address_line_2",
    "address_line_3",
    "town",
    "county",
    "postcode",
    "country",
)


class AddressMixin:
    """A postal address as the scheduling engines need it: line 1 and postcode matter most."""

    address_line_1: Mapped[str] = mapped_column(String(120))
    address_line_2: Mapped[str | None] = mapped_column(String(120))
    address_line_3: Mapped[str | None] = mapped_column(String(120))
    town: Mapped[str | None] = mapped_column(String(80))
    county: Mapped[str | None] = mapped_column(String(80))
    postcode: Mapped[str | None] = mapped_column(String(16), index=True)
    country: Mapped[str | None] = mapped_column(String(60))

    def address_lines(self) -> list[str]:
        """The non-blank parts of the address, in order."""
        parts = (
            self.address_line_1,
            self.address_line_2,
            self.address_line_3,
            self.town,
            self.county,
            self.postcode,
            self.country,
        )
        return [part for part in parts if part and part.strip()]


class CommunicationPreferencesMixin:
    """Which automated communications a person agreed to; manual ones are always possible."""

    comm_email: Mapped[bool] = mapped_column(Boolean, default=True)
    comm_sms: Mapped[bool] = mapped_column(Boolean, default=False)
    comm_letter: Mapped[bool] = mapped_column(Boolean, default=True)
    comm_phone: Mapped[bool] = mapped_column(Boolean, default=True)

    @property
    def agreed_channels(self) -> list[str]:
        """The channels automated communications may use."""
        channels = (
            ("email", self.comm_email),
            ("SMS", self.comm_sms),
            ("letter", self.comm_letter),
            ("phone", self.comm_phone),
        )
        return [name for name, agreed in channels if agreed]


# Up to this much of an SQLite file is read through a memory map rather than a read() call per
# page: the record page and a search touch hundreds of pages scattered over the file, and this
# took a third off their time at 100,000 customers (bench/). The map is the OS page cache,
# shared by every connection and process; it costs address space, not memory.
SQLITE_MMAP_BYTES = 1 << 30


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """SQLite ignores foreign keys unless asked, per connection; in WAL mode readers carry on
    while a long write (an import, a merge) runs, instead of timing out."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
        cursor.close()
