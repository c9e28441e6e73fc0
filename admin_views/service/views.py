"""Contracts, service plans on customers, service reminders."""

from datetime import date

from flask_admin.contrib.sqla.filters import BaseSQLAFilter
from wtforms.validators import DataRequired, InputRequired, NumberRange

from admin_views.core.base import SecureModelView
from admin_views.core.lookups import by_name, customer_loader, work_address_loader
from models import Contract
from models.service.contracts import RENEWAL_NOTICE_DAYS, renewal_due_clause
from models.service.rules import check_contract, check_customer_service_plan, check_reminder

CUSTOMER_REQUIRED = {"validators": [DataRequired("Choose the customer.")]}


class RenewalDueFilter(BaseSQLAFilter):
    """Active contracts whose renewal reminder is within the notice period or has passed."""

    def __init__(self):
        super().__init__(
            Contract.renewal_reminder_on,
            "Renewal",
            options=(("due", f"due within {RENEWAL_NOTICE_DAYS} days or overdue"),),
        )

    def apply(self, query, value, alias=None):
        return query.filter(renewal_due_clause(date.today()))

    def operation(self):
        return "is"


class ContractView(SecureModelView):
    noun = "contract"
    named_filter_urls = True  # ?flt0_renewal_is=due, a link people can keep
    column_list = (
        "reference",
        "customer",
        "status",
        "start_date",
        "end_date",
        "renewal_reminder_on",
        "value",
    )
    column_details_list = (*column_list[:2], "description", *column_list[2:])
    column_sortable_list = ("reference", "status", "start_date", "end_date", "renewal_reminder_on")
    column_searchable_list = ("reference",)
    column_filters = (
        RenewalDueFilter(),
        "status",
        "start_date",
        "end_date",
        "renewal_reminder_on",
    )
    form_columns = (
        "customer",
        "reference",
        "description",
        "status",
        "start_date",
        "end_date",
        "renewal_reminder_on",
        "value",
    )
    form_args = {
        "customer": CUSTOMER_REQUIRED,
        "reference": {"validators": [DataRequired("Give the contract a reference.")]},
        "start_date": {"validators": [DataRequired("Enter the start date.")]},
    }
    form_ajax_refs = {"customer": customer_loader("customer")}

    def check(self, model, is_created):
        check_contract(model)


class CustomerServicePlanView(SecureModelView):
    noun = "service plan"
    column_list = ("customer", "service_plan", "expires_on")
    column_details_list = (*column_list, "created_at", "updated_at")
    column_labels = {"service_plan.name": "Service plan"}
    column_sortable_list = ("expires_on",)
    column_searchable_list = ()
    column_filters = ("expires_on", "service_plan.name")
    form_columns = ("customer", "service_plan", "expires_on", "work_addresses")
    form_args = {
        "customer": CUSTOMER_REQUIRED,
        "service_plan": {"validators": [DataRequired("Choose the plan.")]},
        "expires_on": {"validators": [DataRequired("Enter the expiry date.")]},
    }
    form_ajax_refs = {
        "customer": customer_loader("customer"),
        "service_plan": by_name(),
        "work_addresses": work_address_loader("work_addresses"),
    }

    def check(self, model, is_created):
        check_customer_service_plan(model)


class ServiceReminderView(SecureModelView):
    noun = "service reminder"
    column_list = (
        "due_on",
        "description",
        "customer",
        "work_address",
        "asset",
        "status",
        "decision",
    )
    column_labels = {"interval_months": "Every (months)", "decided_on": "Decided on"}
    column_default_sort = "due_on"
    column_filters = ("status", "due_on")
    column_searchable_list = ("description",)
    column_sortable_list = ("due_on", "description", "status", "decision")
    column_details_list = (
        "customer",
        "work_address",
        "asset",
        "work",
        "description",
        "due_on",
        "status",
        "interval_months",
        "decision",
        "decided_on",
        "created_at",
        "updated_at",
    )
    form_columns = (
        "customer",
        "work_address",
        "asset",
        "description",
        "due_on",
        "interval_months",
        "status",
    )
    form_args = {
        "customer": CUSTOMER_REQUIRED,
        "description": {"validators": [DataRequired("Describe the service.")]},
        "due_on": {"validators": [DataRequired("Enter the due date.")]},
        "interval_months": {
            "validators": [
                InputRequired("Enter how many months between services."),
                NumberRange(min=1, max=120, message="Between 1 and 120 months."),
            ]
        },
    }
    form_ajax_refs = {
        "customer": customer_loader("customer"),
        "work_address": work_address_loader("work_address"),
        "asset": {"fields": ("technical_reference",), "page_size": 10},
    }

    def check(self, model, is_created):
        check_reminder(model)
