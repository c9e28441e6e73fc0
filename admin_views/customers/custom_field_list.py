"""The customer list's custom fields: a filter per live customer field, and each as a column
the user may add (?show=cf_gate_code,cf_floors). Definitions change while the panel runs, so
the list reads them on each request; the stock filters are built once, the fields' after them
(their positions in the query string stay those of the stock ones)."""

from __future__ import annotations

from flask import g, has_request_context, request, url_for
from flask_admin.contrib.sqla.filters import BaseSQLAFilter
from jinja2 import pass_context

from extensions import db
from models import Customer, CustomField, CustomFieldTarget, CustomFieldType
from models.core.custom_fields import custom_value, definitions_for
from models.core.custom_values import clean_value, shown_value

TEXTS = (CustomFieldType.text, CustomFieldType.long_text)
SHOW_ARGUMENT = "show"


class CustomValueFilter(BaseSQLAFilter):
    """Compares a customer's value for one field, typed as the field says: what would not be
    a value of the field is refused by the list (list_arguments.accepts), never sent on."""

    words = "equals"

    def __init__(self, definition: CustomField):
        options = None
        if definition.field_type in (CustomFieldType.choice, CustomFieldType.several_choices):
            options = [(choice, choice) for choice in definition.choices]
        elif definition.field_type is CustomFieldType.yes_no:
            options = [("yes", "Yes"), ("no", "No")]
        super().__init__(custom_value(Customer, definition.key), definition.label, options)
        self.definition = definition

    def validate(self, value) -> bool:
        try:
            return clean_value(self.definition, value) is not None
        except ValueError:
            return False

    def clean(self, value):
        return clean_value(self.definition, value)

    def apply(self, query, value, alias=None):
        return query.filter(self.compared(query, value))

    def compared(self, query, value):
        if isinstance(value, bool):  # kept as JSON true/false: read back as text or 1/0
            sqlite = query.session.get_bind().dialect.name == "sqlite"
            return self.column == (int(value) if sqlite else str(value).lower())
        return self.column == value

    def operation(self) -> str:
        return self.words


class CustomValueContains(CustomValueFilter):
    words = "contains"

    def clean(self, value):
        return value.strip()

    def compared(self, query, value):
        return self.column.ilike(f"%{value}%")


class CustomValueAfter(CustomValueFilter):
    words = "on or after"

    def compared(self, query, value):
        return self.column >= value  # ISO dates sort as text


class CustomValueBefore(CustomValueFilter):
    words = "on or before"

    def compared(self, query, value):
        return self.column <= value


def filters_for(definition: CustomField) -> list[CustomValueFilter]:
    if definition.field_type in TEXTS:
        return [CustomValueContains(definition), CustomValueFilter(definition)]
    if definition.field_type is CustomFieldType.several_choices:
        return [CustomValueContains(definition)]
    if definition.field_type is CustomFieldType.date:
        return [
            kind(definition) for kind in (CustomValueFilter, CustomValueAfter, CustomValueBefore)
        ]
    return [CustomValueFilter(definition)]


def live_customer_fields() -> list[CustomField]:
    if "customer_fields" not in g:
        g.customer_fields = definitions_for(db.session, CustomFieldTarget.customer, None)
    return g.customer_fields


class CustomFieldListMixin:
    """For the customer list (CustomerView)."""

    _stock_filters = None
    _filters_of: tuple = ()

    def get_filters(self):
        if self._stock_filters is None:
            self._stock_filters = super().get_filters() or []
        fields = live_customer_fields() if has_request_context() else []
        return [*self._stock_filters, *(f for d in fields for f in filters_for(d))]

    def _get_list_extra_args(self):
        shape = tuple(
            (d.id, d.key, d.label, d.field_type, tuple(d.choices)) for d in live_customer_fields()
        )
        if shape != self._filters_of:  # a field was defined, changed or removed
            self._refresh_filters_cache()
            self._filters_of = shape
        return super()._get_list_extra_args()

    def shown_custom_fields(self) -> list[CustomField]:
        chosen = set(request.args.get(SHOW_ARGUMENT, "").split(","))
        return [d for d in live_customer_fields() if d.form_name in chosen]

    def render(self, template, **kwargs):
        if template == self.list_template and "list_columns" in kwargs:
            shown = self.shown_custom_fields()
            added = [(d.form_name, d.label) for d in shown]
            kwargs["list_columns"] = [*kwargs["list_columns"], *added]
            kwargs["custom_columns"] = [
                (d, d in shown, self._toggled_url(d, shown)) for d in live_customer_fields()
            ]
        return super().render(template, **kwargs)

    @staticmethod
    def _toggled_url(definition: CustomField, shown: list[CustomField]) -> str:
        names = [d.form_name for d in shown if d is not definition]
        if definition not in shown:
            names.append(definition.form_name)
        arguments = {**request.args.to_dict(), SHOW_ARGUMENT: ",".join(names)}
        if not names:
            arguments.pop(SHOW_ARGUMENT)
        return url_for(".index_view", **arguments)

    @pass_context
    def get_list_value(self, context, model, name):
        for definition in live_customer_fields():
            if definition.form_name == name:
                return shown_value(definition, (model.custom_fields or {}).get(definition.key))
        return super().get_list_value(context, model, name)
