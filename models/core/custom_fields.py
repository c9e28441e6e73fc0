"""Custom fields (seed 004): fields an admin adds to customers, work addresses or works.

Definitions are data, not migrations: a `CustomField` row names a field, its type and which
records (and customer types) it belongs to; the values live in each record's `custom_fields`
JSON column, by the definition's key (custom_values.py checks and stores them). Removing a
definition hides it and keeps every value; only a purge deletes them.

Each live customer field is indexed (`create_custom_value_index`), so the customer list filters on
it without reading every row: a JSON expression index on PostgreSQL, `json_extract` on SQLite.
"""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ColumnElement,
    ForeignKey,
    Integer,
    String,
    Table,
    func,
    inspect,
    literal_column,
    or_,
    select,
    text,
)
from sqlalchemy.engine import Connection
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import String as StringType

from .base import CUSTOM_INDEX_PREFIX, Base, Timestamp, TimestampMixin, enum_type, utcnow
from .enums import CustomFieldTarget, CustomFieldType
from .errors import DomainError, ValidationFailed
from .lookups import CustomerType

__all__ = [
    "CustomField",
    "CustomFieldTarget",
    "CustomFieldType",
    "custom_value",
    "definitions_for",
]

KEY_PATTERN = re.compile(r"[a-z][a-z0-9_]{0,39}")
KEY_RULE = (
    "The key is 1 to 40 lower-case letters, digits and underscores, starting with a letter "
    "(gate_code)."
)
# The types whose value is one of (or several of) the definition's choices.
CHOICE_TYPES = (CustomFieldType.choice, CustomFieldType.several_choices)
# Several choices are typed (and imported) on one line, separated by commas.
CHOICE_SEPARATOR = ","

custom_field_customer_type = Table(
    "custom_field_customer_type",
    Base.metadata,
    Column(
        "custom_field_id",
        ForeignKey("custom_field.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column(
        "customer_type_id",
        ForeignKey("customer_type.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)


class CustomField(TimestampMixin, Base):
    """A field an admin defined; `removed_at` hides it (and keeps its values)."""

    __tablename__ = "custom_field"

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(80))
    key: Mapped[str] = mapped_column(String(40), unique=True)
    field_type: Mapped[CustomFieldType] = mapped_column(
        enum_type(CustomFieldType), default=CustomFieldType.text
    )
    choices: Mapped[list] = mapped_column(JSON, default=list)
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    help_text: Mapped[str | None] = mapped_column(String(255))
    position: Mapped[int] = mapped_column(Integer, default=0)
    applies_to: Mapped[CustomFieldTarget] = mapped_column(
        enum_type(CustomFieldTarget), default=CustomFieldTarget.customer, index=True
    )
    removed_at: Mapped[datetime | None] = mapped_column(Timestamp)

    # None chosen: the field is on records of every customer type.
    customer_types: Mapped[list[CustomerType]] = relationship(
        secondary=custom_field_customer_type, order_by=CustomerType.name
    )

    @property
    def form_name(self) -> str:
        """The name of its field on a form, and of its refusals: cf_<key>."""
        return f"cf_{self.key}"

    def __str__(self) -> str:
        return self.label


def definitions_for(
    session: Session, applies_to: CustomFieldTarget, customer_type_id: int | None
) -> list[CustomField]:
    """The live fields of a kind of record, in their order. For a customer type, those for
    every type and those for that one; for no type (None), every live field of the kind."""
    query = select(CustomField).where(
        CustomField.applies_to == applies_to, CustomField.removed_at.is_(None)
    )
    if customer_type_id is not None:
        query = query.where(
            or_(
                ~CustomField.customer_types.any(),
                CustomField.customer_types.any(CustomerType.id == customer_type_id),
            )
        )
    return list(session.scalars(query.order_by(CustomField.position, CustomField.label)))


def check_custom_field(session: Session, field: CustomField) -> None:
    """A key others can rely on (filters, imports, the values stored under it), choices for
    the choice types and only for them."""
    errors = {}
    field.key = (field.key or "").strip()
    field.label = (field.label or "").strip()
    if not field.label:
        errors["label"] = "Enter the label people see."
    if not KEY_PATTERN.fullmatch(field.key):
        errors["key"] = KEY_RULE
    elif session.scalar(
        select(CustomField.id).where(CustomField.key == field.key, CustomField.id != field.id)
    ):
        errors["key"] = f"Another custom field has the key “{field.key}”: keys are unique."
    choices = [choice.strip() for choice in field.choices or () if choice and choice.strip()]
    if field.field_type in CHOICE_TYPES:
        if not choices:
            errors["choices"] = "A choice field needs its choices, one per line."
        elif any(CHOICE_SEPARATOR in choice for choice in choices):
            errors["choices"] = "A choice cannot hold a comma: it separates several choices."
        elif len(set(choices)) != len(choices):
            errors["choices"] = "Each choice once."
    elif choices:
        errors["choices"] = "Only choice fields have choices: leave them blank."
    if errors:
        raise ValidationFailed(errors)
    field.choices = choices


def save_custom_field(session: Session, field: CustomField) -> None:
    """Checks a new or edited definition and adds it; a customer field gets the index its
    list filter uses. Its key and its record stay as first saved: values are stored by key."""
    for settled in ("key", "applies_to"):
        before = inspect(field).attrs[settled].history.deleted
        if field.id is not None and before and before[0] != getattr(field, settled):
            words = "key" if settled == "key" else "record it belongs to"
            raise ValidationFailed(
                {settled: f"The {words} cannot change: the values are stored under it."}
            )
    check_custom_field(session, field)
    session.add(field)
    if field.applies_to is CustomFieldTarget.customer:
        create_custom_value_index(session.connection(), field.key)


def remove_custom_field(field: CustomField) -> None:
    """Hidden from forms, the record, the list and the export; every value is kept."""
    field.removed_at = utcnow()


def restore_custom_field(session: Session, field: CustomField) -> None:
    field.removed_at = None
    check_custom_field(session, field)


def purge_custom_field(session: Session, field: CustomField, typed_key: str) -> int:
    """Deletes the field and every value stored under its key; the admin types the key to
    say they mean it. Returns how many records lost a value."""
    if (typed_key or "").strip() != field.key:
        raise ValidationFailed({"confirm": f"Type the key “{field.key}” to purge the field."})
    model = record_model(field.applies_to)
    emptied = 0
    for record in session.scalars(select(model).where(custom_value(model, field.key).is_not(None))):
        record.custom_fields = {k: v for k, v in record.custom_fields.items() if k != field.key}
        emptied += 1
    if field.applies_to is CustomFieldTarget.customer:
        drop_custom_value_index(session.connection(), field.key)
    session.delete(field)
    return emptied


def record_model(target: CustomFieldTarget) -> type:
    """The mapped class whose rows hold this kind of field's values."""
    found = {mapper.local_table.name: mapper.class_ for mapper in Base.registry.mappers}
    return found[target.value]


class CustomValue(ColumnElement):
    """A record's value for one key, as text (several choices: as JSON): `custom_fields ->>
    'key'` on PostgreSQL, `json_extract(custom_fields, '$.key')` on SQLite. The filters and the
    indexes use this one expression, so each database matches one with the other."""

    inherit_cache = True
    type = StringType()
    _traverse_internals = [
        ("column", InternalTraversal.dp_clauseelement),
        ("key", InternalTraversal.dp_string),
    ]

    def __init__(self, column, key: str):
        if not KEY_PATTERN.fullmatch(key):
            raise DomainError(KEY_RULE)  # the key is written into the SQL
        self.column, self.key = column, key


@compiles(CustomValue, "postgresql")
def _postgresql_value(element: CustomValue, compiler, **kw) -> str:
    return f"({compiler.process(element.column, **kw)} ->> '{element.key}')"


@compiles(CustomValue)
def _sqlite_value(element: CustomValue, compiler, **kw) -> str:
    return f"json_extract({compiler.process(element.column, **kw)}, '$.{element.key}')"


def custom_value(model: type, key: str) -> CustomValue:
    return CustomValue(model.__table__.c.custom_fields, key)


def custom_value_index_name(key: str) -> str:
    return f"{CUSTOM_INDEX_PREFIX}{key}"


def create_custom_value_index(connection: Connection, key: str) -> None:
    """The index behind the customer list's filter on this key (made when the field is)."""
    expression = CustomValue(literal_column("custom_fields"), key).compile(
        dialect=connection.dialect
    )
    name = custom_value_index_name(key)
    connection.execute(text(f"CREATE INDEX IF NOT EXISTS {name} ON customer ({expression})"))


def drop_custom_value_index(connection: Connection, key: str) -> None:
    connection.execute(text(f"DROP INDEX IF EXISTS {custom_value_index_name(key)}"))


def ensure_custom_field_indexes(connection: Connection) -> list[str]:
    """An index per live customer field, made where it is missing (after restoring a backup
    into a fresh schema, say). Returns the keys indexed."""
    keys = connection.scalars(
        select(CustomField.key).where(
            CustomField.applies_to == CustomFieldTarget.customer,
            CustomField.removed_at.is_(None),
        )
    ).all()
    for key in keys:
        create_custom_value_index(connection, key)
    return list(keys)


def count_values(session: Session, field: CustomField) -> int:
    """How many records hold a value for the field (what a purge would delete)."""
    model = record_model(field.applies_to)
    return session.scalar(
        select(func.count()).select_from(model).where(custom_value(model, field.key).is_not(None))
    )
