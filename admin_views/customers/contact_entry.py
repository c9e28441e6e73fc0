"""Adding and editing a customer's contact (seed 004 "Contacts"): in a modal on the record's
Contacts tab, or as a page; several phones of a kind each, position, email, social links and
the contact's own communication rules."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_admin import expose

from admin_views.core.base import as_int, changes_data, live_customer, operation, requested_id
from admin_views.customers.entry_modal import modal_done, modal_form_page
from admin_views.customers.entry_pages import branch_choices, sms_enabled
from extensions import db
from forms.customers.entry import ContactForm, fill, for_contact
from models import Contact, Customer
from models.core.base import is_row_id
from models.customers.entry import save_contact

FRAGMENT = "admin/customers/contact/form.html"


def record_contacts(customer: Customer) -> str:
    return url_for("customer.details_view", id=customer.id) + "#contacts"


def contact_form(customer: Customer, contact: Contact | None) -> ContactForm:
    form = for_contact(
        ContactForm(obj=contact),
        customer.customer_type.allows_primary_contact,
        sms=sms_enabled(),
    )
    form.branch_id.choices = branch_choices(customer)
    return form


class ContactEntryMixin:
    """For the contact view: its create and edit endpoints."""

    @expose("/new/", methods=("GET", "POST"))
    @changes_data
    def create_view(self):
        customer_id = request.args.get("customer")
        if not is_row_id(customer_id):
            flash("Add a contact from its customer's record, on the Contacts tab.", "error")
            return redirect(url_for("customer.index_view"))
        customer = live_customer(int(customer_id))
        return self.contact_page(customer, Contact(), "Add contact")

    @expose("/edit/", methods=("GET", "POST"))
    @changes_data
    def edit_view(self):
        contact = db.session.get(Contact, requested_id() or 0)
        if contact is None:
            flash("That contact does not exist any more.", "error")
            return redirect(url_for("customer.index_view"))
        return self.contact_page(contact.customer, contact, "Save")

    def contact_page(self, customer: Customer, contact: Contact, submit: str):
        creating = contact.id is None
        form = contact_form(customer, None if creating else contact)
        if request.method == "GET" and not creating:
            form.version.data = contact.version
        if form.validate_on_submit():
            with operation(form=form, refused_as="Not saved", others=form.phones) as outcome:
                if creating:
                    contact.customer = customer
                    db.session.add(contact)
                fill(form, contact)
                save_contact(db.session, contact, as_int(form.version.data))
            if outcome.done:
                flash(f"{contact.name} {'added' if creating else 'saved'}.", "success")
                return modal_done(record_contacts(customer))
        noun = f"{customer.display_name} ({customer.account_number})"
        return modal_form_page(
            self,
            FRAGMENT,
            title=f"Add a contact of {noun}" if creating else f"Edit {contact.name}, of {noun}",
            form=form,
            action=request.full_path,
            cancel_url=record_contacts(customer),
            submit=submit,
        )
