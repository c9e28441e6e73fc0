"""Customers and what hangs directly off them: contacts, branches, work addresses, phones."""

from flask import current_app, flash, redirect, url_for
from flask_admin.actions import action
from flask_admin.model.form import InlineFormAdmin
from wtforms.validators import DataRequired

from admin_views.core.base import (
    MountsCustomerPages,
    NoStockForm,
    SecureModelView,
    operation,
)
from admin_views.core.lookups import customer_loader
from admin_views.customers.address_entry import WorkAddressEntryMixin
from admin_views.customers.address_page import WorkAddressRecordMixin
from admin_views.customers.branch_entry import BranchEntryMixin
from admin_views.customers.contact_entry import ContactEntryMixin
from admin_views.customers.custom_field_list import CustomFieldListMixin
from admin_views.customers.entry_pages import CustomerEntryPages
from admin_views.customers.merge_page import MergePages
from admin_views.customers.record_actions import add_action_endpoints
from admin_views.customers.record_page import RecordPages
from admin_views.customers.search import CustomerSearchMixin
from admin_views.data.address_import import AddressImportPages
from admin_views.data.export_page import ExportPages
from admin_views.portal.manage import PortalManagePages
from extensions import db
from forms.core.validators import EmailValid, PhoneNumberValid
from models import Customer, Role
from models.core.base import ADDRESS_FIELDS
from models.customers.entities import NAME_ORDER
from models.customers.lifecycle import delete_customer
from models.customers.status import set_dormant

REQUIRED_LINE_1 = {
    "label": "Address line 1",
    "validators": [DataRequired("Address line 1 is required.")],
}
VALID_EMAIL = {"validators": [EmailValid()]}
PHONE_NUMBER = {"validators": [DataRequired("Enter the number."), PhoneNumberValid()]}

COMMUNICATION_FIELDS = ("comm_email", "comm_sms", "comm_letter", "comm_phone")
COMMUNICATION_LABELS = {
    "comm_email": "Email",
    "comm_sms": "SMS",
    "comm_letter": "Letter",
    "comm_phone": "Phone",
}


def account_number(view, context, model, name):
    return model.account_number


class PhoneInline(InlineFormAdmin):
    form_columns = ("id", "kind", "number")
    form_args = {"number": PHONE_NUMBER}
    form_label = "Phone number"


class CustomerView(
    CustomFieldListMixin, CustomerSearchMixin, MountsCustomerPages, NoStockForm, SecureModelView
):
    """The customer list, and the host of every page about one customer under
    /admin/customer/: the record and its tabs, merge, portal access, export, address import
    and the record actions, each declared in its own module."""

    noun = "customer"
    mounted = (
        RecordPages,
        CustomerEntryPages,
        MergePages,
        PortalManagePages,
        ExportPages,
        AddressImportPages,
    )
    rows_where = Customer.merged_into_id.is_(None)  # merged customers are tombstones
    list_template = "admin/customers/customer/list.html"
    stock_roles = {"delete_view": Role.admin}  # as the record's own Delete customer action
    column_list = (
        "id",
        "display_name",
        "customer_type",
        "address_line_1",
        "town",
        "postcode",
        "email",
        "status",
        "created_at",
    )
    column_labels = {
        "id": "PID",
        "display_name": "Name",
        "address_line_1": "Address",
        "created_at": "Added",
        "customer_type.name": "Customer type",
        "advertising_source.name": "Advertising source",
        "salesperson.name": "Salesperson",
        "what3words": "what3words",
        "sla": "SLA",
        "alt_email": "Alternative email",
        "invalid_email": "Email is invalid (bounces)",
        **COMMUNICATION_LABELS,
    }
    column_formatters = {"id": account_number}
    column_sortable_list = (
        *CustomerSearchMixin.column_sortable_list,
        "id",
        ("display_name", NAME_ORDER),
        "postcode",
        "town",
        "status",
        "created_at",
        ("customer_type", "customer_type.name"),
    )
    column_default_sort = ("id", True)
    column_filters = (
        "status",
        "customer_type.name",
        "advertising_source.name",
        "salesperson.name",
        "town",
        "postcode",
        "invalid_email",
        "created_at",
    )
    # The details page is the record page (RecordPages); these are its stock fields.
    column_details_list = (
        "customer_type",
        "status",
        "title",
        "first_name",
        "surname",
        "company_name",
        *ADDRESS_FIELDS,
        "region",
        "email",
        "alt_email",
        "statement_email",
        "salesperson",
        "representative",
        "advertising_source",
        "created_at",
    )

    def create_blueprint(self, admin):
        blueprint = super().create_blueprint(admin)
        add_action_endpoints(self, blueprint)
        return blueprint

    @action(
        "dormant", "Set dormant", "Set the selected customers and their work addresses dormant?"
    )
    def bulk_dormant(self, ids):
        # Posted ids are re-scoped through the view's own query, as the built-in delete does.
        chosen = self.scoped(ids).all()
        with operation() as outcome:
            for customer in chosen:
                set_dormant(db.session, customer)
        if outcome.done:
            flash(f"{len(chosen)} customers set dormant, with their work addresses.", "success")

    @action("merge", "Merge two customers")
    def merge_selected(self, ids):
        chosen = self.scoped(ids).all()
        if len(chosen) != 2:
            flash("Select exactly two customers to merge.", "error")
            return None
        keep, absorb = sorted(chosen, key=lambda customer: customer.id)  # the older one stays
        return redirect(url_for(".merge_preview_page", keep_id=keep.id, absorb_id=absorb.id))

    def delete_row(self, model) -> None:
        delete_customer(db.session, model, current_app.config["UPLOAD_FOLDER"])


class ContactView(ContactEntryMixin, NoStockForm, SecureModelView):
    noun = "contact"
    column_list = ("surname", "first_name", "customer", "position", "email", "is_primary")
    column_labels = {"is_primary": "Primary", **COMMUNICATION_LABELS}
    column_searchable_list = ("surname", "first_name", "email")
    column_filters = ("is_primary", "position")
    column_sortable_list = ("surname", "first_name", "position", "email", "is_primary")
    column_details_list = (
        "customer",
        "branch",
        "title",
        "first_name",
        "surname",
        "position",
        "email",
        "twitter_url",
        "facebook_url",
        "linkedin_url",
        "is_primary",
        *COMMUNICATION_FIELDS,
        "created_at",
        "updated_at",
    )


class BranchView(BranchEntryMixin, NoStockForm, SecureModelView):
    noun = "branch"
    column_list = ("name", "customer", "town", "postcode", "email")
    column_details_list = ("customer", "name", *ADDRESS_FIELDS, "email", "created_at", "updated_at")
    column_searchable_list = ("name", "postcode")
    column_sortable_list = ("name", "town", "postcode")
    column_filters = ("town", "postcode")


class WorkAddressView(WorkAddressEntryMixin, WorkAddressRecordMixin, NoStockForm, SecureModelView):
    noun = "work address"
    column_list = (
        "address_line_1",
        "town",
        "postcode",
        "occupier_surname",
        "customer",
        "landlord",
        "branch",
        "status",
    )
    column_labels = {
        "address_line_1": "Address",
        "occupier_surname": "Occupier",
        "customer": "Owner",
        **COMMUNICATION_LABELS,
    }
    column_searchable_list = ("address_line_1", "postcode", "occupier_surname")
    column_filters = ("status", "vacant_property", "is_invoice_address", "town")
    column_sortable_list = ("address_line_1", "town", "postcode", "occupier_surname", "status")
    column_details_list = (
        "customer",
        "landlord",
        "branch",
        "status",
        "occupier_title",
        "occupier_first_name",
        "occupier_surname",
        *ADDRESS_FIELDS,
        "email",
        "building_type",
        "vacant_property",
        "after_sales_communication",
        "is_invoice_address",
        "notes",
        *COMMUNICATION_FIELDS,
        "created_at",
        "updated_at",
    )
    # The landlord search of our form (address_entry) asks this lookup.
    form_ajax_refs = {"landlord": customer_loader("landlord")}


class PhoneNumberView(SecureModelView):
    """All numbers across the book: search finds who owns a number that rang."""

    column_list = ("number", "kind", "digits", "customer", "contact", "branch", "work_address")
    column_searchable_list = ("digits", "number")
    column_filters = ("kind",)
    column_sortable_list = ("number", "kind", "digits")
    column_details_list = (
        "number",
        "kind",
        "digits",
        "customer",
        "contact",
        "branch",
        "work_address",
    )
    allow_create = False  # numbers are added on their owner's form
    form_columns = ("kind", "number")
    form_args = {"number": PHONE_NUMBER}
