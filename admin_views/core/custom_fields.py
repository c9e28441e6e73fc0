"""Custom fields: the admins' page that defines them (/admin/customfield/), and what puts
them on a model view's form (`CustomFieldsOnForm`, the Work form's first user)."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_admin.contrib.sqla.validators import Unique
from flask_admin.form import rules
from markupsafe import Markup
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired

from admin_views.core.base import SecureModelView, form_page, operation
from admin_views.core.lookups import by_name
from admin_views.core.menu import register_model_view
from extensions import db
from forms.core.base import PanelForm
from forms.core.custom_fields import (
    custom_fields_of,
    custom_values,
    fill_custom_fields,
    with_custom_fields,
)
from models import Customer, CustomField, CustomFieldTarget, CustomFieldType, Role
from models.core.base import is_row_id
from models.core.custom_fields import (
    count_values,
    definitions_for,
    purge_custom_field,
    remove_custom_field,
    restore_custom_field,
    save_custom_field,
)
from models.core.custom_values import set_custom_values

TYPE_LABELS = {
    CustomFieldType.text: "Text",
    CustomFieldType.long_text: "Long text",
    CustomFieldType.number: "Number",
    CustomFieldType.money: "Money",
    CustomFieldType.date: "Date",
    CustomFieldType.choice: "Choice",
    CustomFieldType.several_choices: "Several choices",
    CustomFieldType.yes_no: "Yes/no",
}
TARGET_LABELS = {
    CustomFieldTarget.customer: "Customer",
    CustomFieldTarget.work_address: "Work address",
    CustomFieldTarget.work: "Work (estimate, job, opportunity)",
}


class ChoicesField(TextAreaField):
    """The choices of a choice field, one per line."""

    def _value(self) -> str:
        return "\n".join(self.data or ())

    def process_formdata(self, valuelist) -> None:
        if valuelist:
            self.data = [line.strip() for line in valuelist[0].splitlines() if line.strip()]


class PurgeForm(PanelForm):
    confirm = StringField(
        "Type the field's key to confirm",
        validators=[DataRequired("Type the field's key to confirm.")],
        render_kw={"autocomplete": "off"},
    )


def _purge_link(view, context, model, name) -> Markup:
    url = url_for(".purge_view", id=model.id)
    return Markup('<a href="{}">Purge…</a>').format(url)


@register_model_view(CustomField, category="Admin", name="Custom fields", weight=15)
class CustomFieldView(SecureModelView):
    """Fields admins add to customers, work addresses and works. Removing one hides it and
    keeps its values; restore brings it back; purge deletes it and its values for good."""

    role = Role.admin
    noun = "custom field"
    allow_delete = False  # "Remove" hides, "Purge" deletes: never a bare delete
    column_list = (
        "label",
        "key",
        "field_type",
        "applies_to",
        "customer_types",
        "required",
        "position",
        "removed_at",
        "purge",
    )
    column_labels = {
        "field_type": "Type",
        "applies_to": "Belongs to",
        "customer_types": "Customer types",
        "position": "Order",
        "removed_at": "Removed",
        "help_text": "Help text",
        "purge": "",
    }
    column_formatters = {
        "field_type": lambda v, c, m, n: TYPE_LABELS[m.field_type],
        "applies_to": lambda v, c, m, n: TARGET_LABELS[m.applies_to],
        "customer_types": lambda v, c, m, n: ", ".join(map(str, m.customer_types)) or "All",
        "purge": _purge_link,
    }
    column_formatters_detail = column_formatters
    column_details_list = (*column_list[:-1], "choices", "help_text", "created_at")
    column_sortable_list = ("label", "key", "applies_to", "position", "removed_at")
    column_default_sort = [("applies_to", False), ("position", False), ("label", False)]
    column_searchable_list = ("label", "key")
    column_filters = ("applies_to", "field_type", "removed_at")
    form_columns = (
        "label",
        "key",
        "field_type",
        "choices",
        "required",
        "help_text",
        "position",
        "applies_to",
        "customer_types",
    )
    form_overrides = {"choices": ChoicesField}
    form_args = {
        "label": {"validators": [DataRequired("Enter the label people see.")]},
        "key": {
            "validators": [DataRequired("Enter the key.")],
            "description": "Lower-case letters, digits and _; the column name in exports and "
            "imports. It cannot change once the field is saved.",
        },
        "choices": {"description": "For choice fields: one choice per line."},
        "position": {"label": "Order", "description": "Lower numbers come first."},
        "applies_to": {"label": "Belongs to"},
        "customer_types": {"description": "None chosen: customers of every type."},
    }
    form_choices = {
        "field_type": [(kind.value, TYPE_LABELS[kind]) for kind in CustomFieldType],
        "applies_to": [(target.value, TARGET_LABELS[target]) for target in CustomFieldTarget],
    }
    form_widget_args = {"choices": {"rows": 4}}
    form_ajax_refs = {"customer_types": by_name()}

    def scaffold_form(self):
        form_class = super().scaffold_form()
        # The key's uniqueness is said by save_custom_field, in words, not "Already exists."
        validators = form_class.key.kwargs["validators"]
        validators[:] = [v for v in validators if not isinstance(v, Unique)]
        return form_class

    def check(self, model, is_created):
        save_custom_field(db.session, model)

    @action("remove", "Remove", "Hide the selected fields? Their values are kept.")
    def action_remove(self, ids) -> None:
        chosen = self.scoped(ids).all()
        with operation() as outcome:
            for field in chosen:
                remove_custom_field(field)
        if outcome.done:
            flash(f"{len(chosen)} fields removed: hidden, their values kept.", "success")

    @action("restore", "Restore", "Show the selected fields again?")
    def action_restore(self, ids) -> None:
        chosen = self.scoped(ids).all()
        with operation(refused_as="Not restored") as outcome:
            for field in chosen:
                restore_custom_field(db.session, field)
        if outcome.done:
            flash(f"{len(chosen)} fields restored, with their values.", "success")

    @expose("/purge/", methods=("GET", "POST"))
    def purge_view(self):
        field = self.get_one(request.args.get("id"))
        if field is None:
            flash("There is no such custom field.", "error")
            return redirect(url_for(".index_view"))
        form = PurgeForm()
        if form.validate_on_submit():
            label = field.label
            with operation(form, refused_as="Not purged") as outcome:
                emptied = purge_custom_field(db.session, field, form.confirm.data)
            if outcome.done:
                flash(f"{label} purged: removed from {emptied} records.", "success")
                return redirect(url_for(".index_view"))
        return form_page(
            self,
            "admin/core/custom_field_purge.html",
            field=field,
            form=form,
            holding=count_values(db.session, field),
        )


class CustomFieldsSection(rules.BaseRule):
    """A form's custom fields under their heading, whichever the record has (a form rule)."""

    def __call__(self, form, form_opts=None, field_args=None):
        fields = custom_fields_of(form)
        if not fields:
            return ""
        parts = [rules.Header("Custom fields")(form, form_opts)]
        parts += [rules.Field(field.name)(form, form_opts) for field in fields]
        return Markup("").join(parts)


class CustomFieldsOnForm:
    """For a model view whose records take custom fields: its forms get the live fields of
    `custom_fields_for` (checked by type when saved), shown by a CustomFieldsSection rule."""

    custom_fields_for: CustomFieldTarget

    def customer_of(self, record) -> Customer | None:
        """Whose type picks the fields: the record's customer, else the one the form names."""
        customer = getattr(record, "customer", None)
        if customer is None and is_row_id(request.values.get("customer")):
            customer = db.session.get(Customer, int(request.values["customer"]))
        return customer

    def form_class_for(self, form_class, record):
        customer = self.customer_of(record)
        type_id = customer.customer_type_id if customer is not None else None
        definitions = definitions_for(db.session, self.custom_fields_for, type_id)
        return with_custom_fields(super().form_class_for(form_class, record), definitions)

    def _get_ruleset_missing_fields(self, ruleset, form):
        # Laid out by CustomFieldsSection, whatever their names: Flask-Admin would drop them.
        shown = {field.name for field in custom_fields_of(form)}
        missing = super()._get_ruleset_missing_fields(ruleset=ruleset, form=form)
        return [name for name in missing if name not in shown]

    def edit_form(self, obj=None):
        form = super().edit_form(obj)
        if request.method == "GET" and obj is not None:
            fill_custom_fields(form, obj.custom_fields)
        return form

    def on_model_change(self, form, model, is_created):
        definitions = getattr(form, "custom_field_definitions", ())
        super().on_model_change(form, model, is_created)
        set_custom_values(model, definitions, custom_values(form, definitions))
