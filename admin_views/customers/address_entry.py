"""Adding and editing a work address on our own page (seed 004 "Add a work address"): the
owner fixed, the landlord searched for or added in place, the occupier and the property; an
address another customer already has is confirmed first."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_admin import expose

from admin_views.core.base import (
    as_int,
    changes_data,
    form_page,
    live_customer,
    operation,
    requested_id,
)
from admin_views.customers.entry_pages import branch_choices, offered, sms_enabled
from admin_views.customers.presence import open_page
from admin_views.customers.record import PageLink, register_action
from extensions import db
from forms.core.custom_fields import custom_values, fill_custom_fields, with_custom_fields
from forms.customers.entry import WorkAddressForm, fill
from models import BuildingType, Customer, CustomFieldTarget, ValidationFailed, WorkAddress
from models.core.base import is_row_id
from models.core.custom_fields import definitions_for
from models.core.custom_values import set_custom_values
from models.customers.duplicates import LikelyDuplicates, confirmed_ids
from models.customers.entry import add_work_address, save_work_address

LANDLORD_GONE = "That landlord does not exist any more: search again or add a new one."


def address_form(customer: Customer, address: WorkAddress | None) -> WorkAddressForm:
    definitions = definitions_for(
        db.session, CustomFieldTarget.work_address, customer.customer_type_id
    )
    form = with_custom_fields(WorkAddressForm, definitions)(obj=address)
    if not sms_enabled():
        del form.comm_sms
    if address is None:
        del form.status  # a new property is active
    form.building_type_id.choices = offered(BuildingType, address and address.building_type_id)
    form.branch_id.choices = branch_choices(customer)
    if request.method == "GET" and address is not None:
        form.landlord_id.data = address.landlord_id
        fill_custom_fields(form, address.custom_fields)
    return form


def chosen_landlord(form: WorkAddressForm) -> Customer | None:
    """The landlord picked, or none; refused when it was deleted or merged away meanwhile."""
    value = (form.landlord_id.data or "").strip()
    if not value:
        return None
    landlord = db.session.get(Customer, as_int(value) or 0) if is_row_id(value) else None
    if landlord is None or landlord.merged_into_id:
        raise ValidationFailed({"landlord_id": LANDLORD_GONE})
    return landlord


@register_action(heading="Work addresses", weight=10)
class AddWorkAddress(PageLink):
    title, endpoint = "Add new work address", "workaddress.create_view"

    def url(self, customer: Customer) -> str:
        back = url_for("customer.details_view", id=customer.id) + "#addresses"
        return url_for(self.endpoint, customer=customer.id, url=back)


class WorkAddressEntryMixin:
    """For the work address view: its create and edit endpoints."""

    @expose("/new/", methods=("GET", "POST"))
    @changes_data
    def create_view(self):
        customer_id = request.args.get("customer")
        if not is_row_id(customer_id):
            flash("Add a work address from its owner's record.", "error")
            return redirect(url_for("customer.index_view"))
        return self.address_page(live_customer(int(customer_id)), None)

    @expose("/edit/", methods=("GET", "POST"))
    @changes_data
    def edit_view(self):
        address = db.session.get(WorkAddress, requested_id() or 0)
        if address is None:
            flash("That work address does not exist any more.", "error")
            return redirect(url_for("customer.index_view"))
        return self.address_page(address.customer, address)

    def address_page(self, customer: Customer, address: WorkAddress | None):
        form = address_form(customer, address)
        if address is not None and request.method == "GET":
            form.version.data = address.version
        duplicates = []
        if form.validate_on_submit():
            with operation(form=form, refused_as="Not saved", others=form.phones) as outcome:
                landlord = chosen_landlord(form)
                record = address or WorkAddress(customer=customer)
                if address is None:
                    db.session.add(record)
                fill(form, record)
                definitions = form.custom_field_definitions
                set_custom_values(record, definitions, custom_values(form, definitions))
                record.landlord = landlord
                if address is None:
                    add_work_address(
                        db.session, record, confirmed_ids(form.duplicates_confirmed.data)
                    )
                else:
                    save_work_address(db.session, record, as_int(form.version.data))
            if outcome.done:
                flash(f"{record.address_line_1} saved.", "success")
                return redirect(url_for("workaddress.details_view", id=record.id))
            if isinstance(outcome.refusal, LikelyDuplicates):
                duplicates = outcome.refusal.matches
        landlord_id = as_int(form.landlord_id.data)
        return form_page(
            self,
            "admin/customers/work_address/form.html",
            form=form,
            customer=customer,
            address=address,
            landlord=db.session.get(Customer, landlord_id) if landlord_id else None,
            duplicates=duplicates,
            presence=open_page("work_address", address.id, editing=True) if address else None,
        )
