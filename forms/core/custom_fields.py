"""Custom fields on a form: a field named cf_<key> per definition, of the WTForms type its
type asks for, read back as the typed input `models.core.custom_values` checks and stores.

    form_class = with_custom_fields(CustomerForm, definitions_for(session, target, type_id))
    form = form_class(request.form)
    if request.method == "GET":
        fill_custom_fields(form, customer.custom_fields)
    ...
    set_custom_values(customer, definitions, custom_values(form, definitions))
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal

from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Optional

from models import CustomField, CustomFieldType

# What a typed field says when the input is not of its type.
NOT_OF_TYPE = {
    CustomFieldType.number: "Enter a number, such as 12 or 3.5.",
    CustomFieldType.money: "Enter an amount, such as 120.50.",
    CustomFieldType.date: "Enter a date as YYYY-MM-DD, such as 2026-03-14.",
}


class StoredApart:
    """A custom field's value goes to the record's custom_fields (set_custom_values), never
    to an attribute of its own; and input not of the field's type gets the panel's words."""

    not_of_type = "This value is not of the field's type."

    def populate_obj(self, obj, name) -> None:
        pass

    def process_formdata(self, valuelist) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(self.not_of_type) from None


def _field_class(base: type, field_type: CustomFieldType) -> type:
    message = NOT_OF_TYPE.get(field_type, StoredApart.not_of_type)
    return type(f"Custom{base.__name__}", (StoredApart, base), {"not_of_type": message})


FIELD_CLASSES = {
    CustomFieldType.text: _field_class(StringField, CustomFieldType.text),
    CustomFieldType.long_text: _field_class(TextAreaField, CustomFieldType.long_text),
    CustomFieldType.number: _field_class(DecimalField, CustomFieldType.number),
    CustomFieldType.money: _field_class(DecimalField, CustomFieldType.money),
    CustomFieldType.date: _field_class(DateField, CustomFieldType.date),
    CustomFieldType.choice: _field_class(SelectField, CustomFieldType.choice),
    CustomFieldType.several_choices: _field_class(
        SelectMultipleField, CustomFieldType.several_choices
    ),
    CustomFieldType.yes_no: _field_class(BooleanField, CustomFieldType.yes_no),
}


def _unbound_field(definition: CustomField):
    kind = definition.field_type
    required = definition.required and kind is not CustomFieldType.yes_no  # unticked is "no"
    validators = [InputRequired(f"{definition.label} is required.") if required else Optional()]
    options = {"label": definition.label, "description": definition.help_text or ""}
    if kind is CustomFieldType.choice:
        options["choices"] = [("", "—"), *((choice, choice) for choice in definition.choices)]
    elif kind is CustomFieldType.several_choices:
        options["choices"] = [(choice, choice) for choice in definition.choices]
    elif kind is CustomFieldType.money:
        options["places"] = 2
    elif kind is CustomFieldType.number:
        options["places"] = None
    return FIELD_CLASSES[kind](validators=validators, **options)


def with_custom_fields(form_class: type, definitions: Iterable[CustomField]) -> type:
    """A subclass of the form with a field per definition (cf_<key>), after its own fields."""
    definitions = tuple(definitions)
    fields = {definition.form_name: _unbound_field(definition) for definition in definitions}
    return type(
        form_class.__name__,
        (form_class,),
        {**fields, "custom_field_definitions": definitions},
    )


def custom_fields_of(form) -> list:
    """The form's custom fields, in the definitions' order (to render their section)."""
    definitions = getattr(form, "custom_field_definitions", ())
    return [form[d.form_name] for d in definitions if d.form_name in form]


def fill_custom_fields(form, stored: Mapping | None) -> None:
    """Shows a record's stored values in the form's custom fields (for a GET)."""
    stored = stored or {}
    for definition in getattr(form, "custom_field_definitions", ()):
        if definition.form_name in form and definition.key in stored:
            form[definition.form_name].data = _as_data(definition, stored[definition.key])


def custom_values(form, definitions: Iterable[CustomField]) -> dict[str, str | list]:
    """The form's custom-field input by key, as typed input for clean_custom_values."""
    return {
        definition.key: _as_input(form[definition.form_name].data)
        for definition in definitions
        if definition.form_name in form
    }


def _as_data(definition: CustomField, value):
    kind = definition.field_type
    try:
        if kind in (CustomFieldType.number, CustomFieldType.money):
            return Decimal(str(value))
        if kind is CustomFieldType.date:
            return date.fromisoformat(str(value))
    except (ArithmeticError, ValueError):
        return None  # a value stored before the field changed type: shown blank
    if kind is CustomFieldType.yes_no:
        return value is True
    if kind is CustomFieldType.several_choices:
        return list(value) if isinstance(value, list) else [str(value)]
    return str(value)


def _as_input(data) -> str | list:
    if data is None:
        return ""
    if isinstance(data, bool):
        return "yes" if data else "no"
    if isinstance(data, Decimal):
        return format(data, "f")
    if isinstance(data, date):
        return data.isoformat()
    if isinstance(data, list):
        return [str(item) for item in data]
    return str(data)
