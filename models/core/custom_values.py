"""Custom field values: typed input checked against its definition, stored in the record's
`custom_fields` JSON by key.

Stored shapes: text, number, money, date and choice as text ("12.5", "12.50", "2026-03-14",
"Red"), so both databases extract and index them alike; several choices as a list in the
definition's order; yes/no as true or false. A value left blank is not stored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation

from .custom_fields import CHOICE_SEPARATOR, CustomField, definitions_for
from .enums import CustomFieldTarget, CustomFieldType
from .errors import ValidationFailed
from .formats import day, money

TEXT_LENGTH = 255
LONG_TEXT_LENGTH = 5000
YES = {"yes", "y", "true", "1", "on"}
NO = {"no", "n", "false", "0", "off"}


def clean_custom_values(definitions: Iterable[CustomField], raw: Mapping[str, str | list]) -> dict:
    """The values of these definitions from typed input (by key), cleaned as stored; a value
    of the wrong type, a choice not offered or a missing required value is refused, each
    under its form field's name (cf_<key>), all at once."""
    cleaned, errors = {}, {}
    for definition in definitions:
        try:
            value = clean_value(definition, raw.get(definition.key))
        except ValueError as refused:
            errors[definition.form_name] = f"{definition.label}: {refused}"
            continue
        if value is None:
            if definition.required:
                errors[definition.form_name] = f"{definition.label} is required."
        else:
            cleaned[definition.key] = value
    if errors:
        raise ValidationFailed(errors)
    return cleaned


def set_custom_values(record, definitions: Iterable[CustomField], raw: Mapping) -> None:
    """Replaces the record's values of these definitions; values under other keys (fields
    removed, or not for this customer type) are kept as they were."""
    definitions = list(definitions)
    cleaned = clean_custom_values(definitions, raw)
    shown = {definition.key for definition in definitions}
    kept = {key: value for key, value in (record.custom_fields or {}).items() if key not in shown}
    record.custom_fields = {**kept, **cleaned}  # a new dict: the change is seen and audited


def clean_value(definition: CustomField, value) -> str | bool | list | None:
    """One value as stored, None when blank; ValueError says what is wrong with it."""
    if isinstance(value, list | tuple):
        items = [str(item).strip() for item in value if str(item).strip()]
    else:
        items = None
        value = "" if value is None else str(value).strip()
    if definition.field_type is CustomFieldType.several_choices:
        if items is None:
            items = [item.strip() for item in value.split(CHOICE_SEPARATOR) if item.strip()]
        return _several(definition, items) if items else None
    if items is not None:
        if len(items) > 1:
            raise ValueError("choose one value.")
        value = items[0] if items else ""
    if not value:
        return None
    return CLEANERS[definition.field_type](definition, value)


def _text(limit: int) -> Callable[[CustomField, str], str]:
    def clean(definition: CustomField, value: str) -> str:
        if len(value) > limit:
            raise ValueError(f"at most {limit:,} characters.")
        return value

    return clean


def _number(definition: CustomField, value: str) -> str:
    return str(_decimal(value, "a number, such as 12 or 3.5"))


def _money(definition: CustomField, value: str) -> str:
    amount = _decimal(value.replace(",", ""), "an amount, such as 120.50")
    if amount.as_tuple().exponent < -2:
        raise ValueError("an amount has at most two decimals (pence or cents).")
    return f"{amount:.2f}"


def _decimal(value: str, what: str) -> Decimal:
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ValueError(f"enter {what}.") from None
    if not number.is_finite() or abs(number) >= Decimal("1e12"):
        raise ValueError(f"enter {what}.")
    return number


def _date(definition: CustomField, value: str) -> str:
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise ValueError("enter a date as YYYY-MM-DD, such as 2026-03-14.") from None


def _choice(definition: CustomField, value: str) -> str:
    if value not in definition.choices:
        raise ValueError(f"“{value}” is not one of {_offered(definition)}.")
    return value


def _several(definition: CustomField, items: list[str]) -> list[str]:
    unknown = [item for item in items if item not in definition.choices]
    if unknown:
        raise ValueError(f"“{', '.join(unknown)}” not among {_offered(definition)}.")
    return [choice for choice in definition.choices if choice in items]


def _yes_no(definition: CustomField, value: str) -> bool:
    if value.lower() in YES:
        return True
    if value.lower() in NO:
        return False
    raise ValueError("answer yes or no.")


def _offered(definition: CustomField) -> str:
    return ", ".join(definition.choices)


CLEANERS = {
    CustomFieldType.text: _text(TEXT_LENGTH),
    CustomFieldType.long_text: _text(LONG_TEXT_LENGTH),
    CustomFieldType.number: _number,
    CustomFieldType.money: _money,
    CustomFieldType.date: _date,
    CustomFieldType.choice: _choice,
    CustomFieldType.yes_no: _yes_no,
}


def shown_value(definition: CustomField, value) -> str:
    """A stored value as the record page, the list and the export show it."""
    if value is None or value == "" or value == []:
        return ""
    if definition.field_type is CustomFieldType.yes_no:
        return "Yes" if value is True else "No" if value is False else str(value)
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if definition.field_type is CustomFieldType.money:
        try:
            return money(Decimal(value))
        except InvalidOperation:
            return str(value)
    if definition.field_type is CustomFieldType.date:
        try:
            return day(date.fromisoformat(value))
        except (TypeError, ValueError):
            return str(value)
    return str(value)


def filled_values(definitions: Iterable[CustomField], stored: Mapping | None) -> list[tuple]:
    """(definition, shown value) for each definition the record has a value for."""
    stored = stored or {}
    return [
        (definition, shown_value(definition, stored[definition.key]))
        for definition in definitions
        if shown_value(definition, stored.get(definition.key))
    ]


def filled_custom_fields(session, target: CustomFieldTarget, record, customer) -> list[tuple]:
    """What a record's page lists: its filled fields of those its customer's type takes."""
    definitions = definitions_for(session, target, customer.customer_type_id)
    return filled_values(definitions, record.custom_fields)
