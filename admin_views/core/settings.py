"""Lookup lists under Settings: editable by admins and office staff."""

from wtforms.validators import DataRequired

from admin_views.core.base import SecureModelView
from admin_views.core.lookups import by_name
from extensions import db
from models.service.plans import refuse_deleting_lookup_in_use

NAME_REQUIRED = {"validators": [DataRequired("Enter a name.")]}


class LookupView(SecureModelView):
    """A pick list: name, active flag and whatever the lookup adds."""

    column_searchable_list = ("name",)
    column_filters = ("active",)
    column_default_sort = "name"
    form_args = {"name": NAME_REQUIRED}
    column_extra: tuple[str, ...] = ()

    def __init__(self, model, session, **kwargs):
        self.column_list = self.column_details_list = ("name", *self.column_extra, "active")
        self.column_sortable_list = self.column_list
        self.form_columns = ("name", *self.column_extra, "active")
        super().__init__(model, session, **kwargs)


class CustomerTypeView(LookupView):
    column_extra = ("is_company", "allows_primary_contact", "work_address_label")
    column_labels = {"is_company": "Company", "allows_primary_contact": "Primary contact"}


class PriceBookView(LookupView):
    column_extra = ("description",)


class ProductView(LookupView):
    column_extra = ("unit_price",)


class ResultCodeView(LookupView):
    column_extra = ("code",)


class AssignedLookupView(LookupView):
    """A lookup assigned to customers (plan, SLA): deleting one still in use is refused with
    the reason, not a database error."""

    def on_model_delete(self, model) -> None:
        refuse_deleting_lookup_in_use(db.session, model)


class SlaView(AssignedLookupView):
    column_extra = ("response_hours", "resolution_hours")


class ServicePlanView(AssignedLookupView):
    column_extra = ("description", "price", "visits_per_year")


class ModelLookupView(SecureModelView):
    """Appliance models, each of one make."""

    column_list = column_details_list = ("name", "make", "active")
    column_labels = {"make.name": "Make"}
    column_sortable_list = ("name", ("make", "make.name"), "active")
    column_searchable_list = ("name",)
    column_filters = ("active", "make.name")
    form_columns = ("make", "name", "active")
    form_args = {"name": NAME_REQUIRED, "make": {"validators": [DataRequired("Choose the make.")]}}
    form_ajax_refs = {"make": by_name()}
