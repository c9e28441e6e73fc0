"""Adding and editing a customer on our own pages (seed 004 "Add a customer"), at the stock
addresses: the type is chosen first and the form follows it; likely duplicates are shown as
they are typed (the JSON lookup here) and confirmed before saving; then the new record."""

from __future__ import annotations

from flask import current_app, flash, jsonify, redirect, request, url_for
from flask_admin import expose
from sqlalchemy import func, or_, select

from admin_views.core.base import (
    CustomerPagesView,
    as_int,
    changes_data,
    form_page,
    operation,
    requested_id,
)
from admin_views.customers.entry_modal import modal_done, modal_form_page
from admin_views.customers.presence import open_page
from extensions import db
from forms.core.custom_fields import custom_values, fill_custom_fields, with_custom_fields
from forms.customers.entry import CustomerForm, LandlordForm, fill, for_type
from models import (
    AdvertisingSource,
    Branch,
    BuildingType,
    Contact,
    Customer,
    CustomerType,
    CustomFieldTarget,
    PriceBook,
    Sla,
    User,
)
from models.core.custom_fields import definitions_for
from models.core.custom_values import set_custom_values
from models.customers.duplicates import (
    LikelyDuplicates,
    Typed,
    confirmed_ids,
    likely_duplicates,
)
from models.customers.entry import add_customer, save_customer

# The query string of the duplicates lookup, as the form's fields are named.
TYPED = ("first_name", "surname", "company_name", "email", "postcode", "address_line_1")


def offered(model, current_id: int | None, first: str = "—") -> list[tuple[int, str]]:
    """A lookup's pick list: the entries offered, and the record's own if it was retired."""
    shown = getattr(model, "active", None)
    query = select(model).order_by(model.name)
    if shown is not None:
        query = query.where(or_(shown, model.id == (current_id or 0)))
    return [(0, first)] + [(row.id, str(row)) for row in db.session.scalars(query)]


def branch_choices(customer: Customer) -> list[tuple[int, str]]:
    """The customer's own branches, for a contact's or a work address's branch."""
    branches = db.session.scalars(
        select(Branch).where(Branch.customer_id == customer.id).order_by(Branch.name)
    )
    return [(0, "—")] + [(branch.id, branch.name) for branch in branches]


LOOKUPS = {
    "advertising_source_id": AdvertisingSource,
    "price_book_id": PriceBook,
    "building_type_id": BuildingType,
    "sla_id": Sla,
    "salesperson_id": User,
    "representative_id": User,
}


def offer_lookups(form, record) -> None:
    for name, model in LOOKUPS.items():
        if name in form:
            form[name].choices = offered(model, getattr(record, name, None))


def sms_enabled() -> bool:
    return current_app.config["SMS_ENABLED"]


class CustomerEntryPages(CustomerPagesView):
    """Mounted on the customer view: its create and edit endpoints, and the duplicates lookup."""

    @expose("/new/", methods=("GET", "POST"))
    @changes_data
    def create_view(self):
        types = db.session.scalars(
            select(CustomerType).where(CustomerType.active).order_by(CustomerType.name)
        ).all()
        chosen = next((t for t in types if str(t.id) == request.args.get("type")), None)
        if chosen is None:
            if request.args.get("type"):
                flash("Choose one of the customer types below.", "error")
            return self.render("admin/customers/customer/choose_type.html", types=types)
        definitions = definitions_for(db.session, CustomFieldTarget.customer, chosen.id)
        form = for_type(
            with_custom_fields(CustomerForm, definitions)(),
            chosen.is_company,
            creating=True,
            sms=sms_enabled(),
        )
        offer_lookups(form, None)
        duplicates = []
        if form.validate_on_submit():
            customer = Customer(customer_type=chosen)
            fill(form, customer)
            if chosen.is_company:
                contact = Contact()
                fill(form.contact.form, contact)
                customer.contacts.append(contact)
            with operation(form=form, refused_as="Not saved", others=form.phones) as outcome:
                set_custom_values(customer, definitions, custom_values(form, definitions))
                add_customer(db.session, customer, confirmed_ids(form.duplicates_confirmed.data))
            if outcome.done:
                flash(f"{customer.display_name} added as {customer.account_number}.", "success")
                return self.back_to_record(customer)
            if isinstance(outcome.refusal, LikelyDuplicates):
                duplicates = outcome.refusal.matches
        return form_page(
            self,
            "admin/customers/customer/form.html",
            form=form,
            customer_type=chosen,
            types=types,
            customer=None,
            duplicates=duplicates,
        )

    @expose("/edit/", methods=("GET", "POST"))
    @changes_data
    def edit_view(self):
        customer = db.session.get(Customer, requested_id() or 0)
        if customer is None or customer.merged_into_id:
            flash("That customer does not exist or was merged into another.", "error")
            return redirect(url_for("customer.index_view"))
        kind = customer.customer_type
        definitions = definitions_for(db.session, CustomFieldTarget.customer, kind.id)
        form = for_type(
            with_custom_fields(CustomerForm, definitions)(obj=customer),
            kind.is_company,
            creating=False,
            sms=sms_enabled(),
        )
        offer_lookups(form, customer)
        if request.method == "GET":
            form.version.data = customer.version
            fill_custom_fields(form, customer.custom_fields)
        if form.validate_on_submit():
            with operation(form=form, refused_as="Not saved", others=form.phones) as outcome:
                fill(form, customer)
                set_custom_values(customer, definitions, custom_values(form, definitions))
                save_customer(db.session, customer, as_int(form.version.data))
            if outcome.done:
                flash(f"{customer.display_name}'s details saved.", "success")
                return self.back_to_record(customer)
        return form_page(
            self,
            "admin/customers/customer/form.html",
            form=form,
            customer_type=kind,
            customer=customer,
            duplicates=[],
            presence=open_page("customer", customer.id, editing=True),
        )

    @expose("/landlord/new/", methods=("GET", "POST"))
    @changes_data
    def landlord_create(self):
        """A landlord added in place while a work address is typed: the few details seed 004
        asks, the same duplicate check, and the new customer handed back to that form."""
        kind = db.session.scalar(
            select(CustomerType).where(func.lower(CustomerType.name) == "landlord")
        )
        form = LandlordForm()
        duplicates = []
        if kind is None:
            form.form_errors.append("Add a customer type named Landlord first (Settings).")
        elif form.validate_on_submit():
            landlord = Customer(customer_type=kind)
            fill(form, landlord)
            with operation(form=form, refused_as="Not saved", others=form.phones) as outcome:
                add_customer(db.session, landlord, confirmed_ids(form.duplicates_confirmed.data))
            if outcome.done:
                flash(f"{landlord.display_name} added as {landlord.account_number}.", "success")
                label = f"{landlord.display_name} ({landlord.account_number})"
                return modal_done(
                    self.record_url(landlord), {"landlord": {"id": landlord.id, "label": label}}
                )
            if isinstance(outcome.refusal, LikelyDuplicates):
                duplicates = outcome.refusal.matches
        return modal_form_page(
            self,
            "admin/customers/customer/landlord.html",
            title="Add new landlord",
            form=form,
            duplicates=duplicates,
            action=url_for("customer.landlord_create"),
            cancel_url=url_for("customer.index_view"),
            submit="Add landlord",
        )

    @expose("/duplicates/")
    def duplicates(self):
        """Customers matching what the form holds so far, with why, for the warning beside
        the form; `exclude` is the customer being edited."""
        typed = Typed(
            **{name: request.args.get(name, "")[:254] for name in TYPED},
            phones=tuple(number[:40] for number in request.args.getlist("phone")[:20]),
        )
        matches = likely_duplicates(
            db.session, typed, excluding=as_int(request.args.get("exclude"))
        )
        return jsonify(
            [
                {
                    "id": m.customer.id,
                    "account_number": m.customer.account_number,
                    "name": m.customer.display_name,
                    "address": ", ".join(
                        p for p in (m.customer.address_line_1, m.customer.postcode) if p
                    ),
                    "url": self.record_url(m.customer),
                    "reasons": list(m.reasons),
                }
                for m in matches
            ]
        )
