"""Works (estimates, jobs, opportunities) and assets."""

from flask import flash, request
from flask_admin.form import rules
from flask_admin.model.form import InlineFormAdmin
from wtforms.validators import DataRequired, NumberRange

from admin_views.core.base import SecureModelView, money_cells
from admin_views.core.custom_fields import CustomFieldsOnForm, CustomFieldsSection
from admin_views.core.lookups import by_name, customer_loader, work_address_loader
from admin_views.works.job_page import JobPageMixin
from extensions import db
from models import CustomFieldTarget, InventoryItem
from models.customers.status import do_not_work_with_again
from models.works.rules import check_asset, check_work

NOT_NEGATIVE = {"validators": [NumberRange(min=0, message="Cannot be negative.")]}


class InventoryInline(InlineFormAdmin):
    form_columns = ("id", "name", "quantity", "room", "volume_m3")
    form_args = {
        "name": {"validators": [DataRequired("Name the item.")]},
        "quantity": {"validators": [NumberRange(min=1, message="At least one.")]},
    }


# A work's counts and amounts: never negative.
AMOUNTS = (
    "units_total",
    "units_sold",
    "sale_amount",
    "contract_amount",
    "commission_total",
    "commission_paid",
    "estimated_amount",
    "final_amount",
)
# When it came in, was booked, sold, ordered, scheduled and done.
WORK_DATES = (
    "received_on",
    "appointment_on",
    "appointment_time",
    "sold_on",
    "rto_on",
    "ordered_on",
    "scheduled_on",
    "completed_on",
)


class WorkView(CustomFieldsOnForm, JobPageMixin, SecureModelView):
    noun = "work"
    custom_fields_for = CustomFieldTarget.work
    column_list = (
        "number",
        "kind",
        "status",
        "description",
        "customer",
        "work_address",
        "appointment_on",
        "sale_amount",
        "created_at",
    )
    column_labels = {
        "appointment_on": "Appointment",
        "rto_on": "RTO",
        "created_at": "Added",
        "product.name": "Product",
        "result_code.name": "Result code",
    }
    column_formatters = money_cells("sale_amount")
    column_default_sort = ("id", True)
    column_searchable_list = ("number", "description")
    column_filters = (
        "kind",
        "status",
        "product.name",
        "result_code.name",
        "appointment_on",
        "completed_on",
    )
    column_sortable_list = (
        "number",
        "kind",
        "status",
        "appointment_on",
        "sale_amount",
        "created_at",
    )
    column_details_list = (
        "number",
        "kind",
        "status",
        "customer",
        "work_address",
        "description",
        "product",
        "result_code",
        "payment_method",
        *AMOUNTS,
        "account_notes",
        "requested_services",
        "pickup_address",
        "delivery_address",
        *WORK_DATES,
        "access_method",
        "created_at",
        "updated_at",
    )
    form_rules = (
        rules.FieldSet(("kind", "status", "customer", "work_address", "description"), "Work"),
        rules.FieldSet(
            ("product", "result_code", "units_total", "units_sold", "sale_amount"),
            "Result, product and sale",
        ),
        rules.FieldSet(
            (
                "contract_amount",
                "payment_method",
                "commission_total",
                "commission_paid",
                "account_notes",
            ),
            "Pay",
        ),
        rules.FieldSet(
            (
                "requested_services",
                "pickup_address",
                "delivery_address",
                "estimated_amount",
                "final_amount",
            ),
            "Services, addresses and estimate",
        ),
        rules.FieldSet(WORK_DATES, "Dates"),
        rules.FieldSet(("inventory_items",), "Inventory"),
        CustomFieldsSection(),
    )
    form_args = {
        "customer": {"validators": [DataRequired("Choose the customer.")]},
        "description": {"validators": [DataRequired("Describe the work.")]},
        **{name: NOT_NEGATIVE for name in AMOUNTS},
    }
    form_ajax_refs = {
        "customer": customer_loader("customer"),
        "work_address": work_address_loader("work_address"),
        "product": by_name(),
        "result_code": by_name(),
        "payment_method": by_name(),
    }
    inline_models = (InventoryInline(InventoryItem),)

    prefill_fields = ("customer", "kind", "work_address")

    def create_form(self, obj=None):
        """A new work for a customer reuses its address (seed 002 "Reusable Contact Info")."""
        form = super().create_form(obj)
        customer = form.customer.data
        if request.method == "GET" and customer is not None:
            if not form.pickup_address.data:
                form.pickup_address.data = ", ".join(customer.address_lines())
            warning = do_not_work_with_again(db.session, customer.id)
            if warning is not None:
                flash(f"Do not work with again: {warning.body}", "error")
        return form

    def check(self, model, is_created):
        check_work(model)


class AssetView(SecureModelView):
    noun = "asset"
    prefill_fields = ("customer", "work_address")
    column_list = (
        "technical_reference",
        "asset_group",
        "make",
        "model",
        "fuel_type",
        "location",
        "customer",
        "work_address",
        "next_service_due_on",
    )
    column_searchable_list = ("technical_reference", "serial_number")
    column_filters = (
        "asset_group.name",
        "fuel_type.name",
        "location.name",
        "make.name",
        "next_service_due_on",
    )
    column_labels = {
        "asset_group.name": "Asset group",
        "fuel_type.name": "Fuel type",
        "location.name": "Location",
        "make.name": "Make",
    }
    column_sortable_list = ("technical_reference", "next_service_due_on")
    form_columns = (
        "customer",
        "work_address",
        "technical_reference",
        "asset_group",
        "make",
        "model",
        "fuel_type",
        "location",
        "serial_number",
        "installed_on",
        "last_serviced_on",
        "next_service_due_on",
        "notes",
    )
    column_details_list = (*form_columns, "created_at", "updated_at")
    form_args = {
        "customer": {"validators": [DataRequired("Choose the customer.")]},
        "technical_reference": {"validators": [DataRequired("Give the asset a reference.")]},
        "asset_group": {"validators": [DataRequired("Choose the asset group.")]},
    }
    form_ajax_refs = {
        "customer": customer_loader("customer"),
        "work_address": work_address_loader("work_address"),
        "asset_group": by_name(),
        "make": by_name(),
        "model": by_name(),
        "fuel_type": by_name(),
        "location": by_name(),
    }

    def check(self, model, is_created):
        check_asset(model)
