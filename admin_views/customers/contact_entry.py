"""Adding and editing a customer's contact (seed 004 "Contacts"): in a modal on the record's
Contacts tab, or as a page; several phones of a kind each, position, email, social links and
the contact's own communication rules."""

from __future__ import annotations

from admin_views.core.base import as_int
from admin_views.customers.entry_modal import TabEntryPages
from admin_views.customers.entry_pages import branch_choices, sms_enabled
from extensions import db
from forms.customers.entry import ContactForm, fill, for_contact
from models import Contact, Customer
from models.customers.entry import save_contact


def contact_form(customer: Customer, contact: Contact | None) -> ContactForm:
    form = for_contact(
        ContactForm(obj=contact),
        customer.customer_type.allows_primary_contact,
        sms=sms_enabled(),
    )
    form.branch_id.choices = branch_choices(customer)
    return form


class ContactEntryMixin(TabEntryPages):
    """For the contact view: its create and edit endpoints, on the Contacts tab."""

    entry_tab = "contacts"
    entry_fragment = "admin/customers/contact/form.html"

    def entry_form(self, customer, record):
        return contact_form(customer, record)

    def entry_save(self, record, form):
        fill(form, record)
        save_contact(db.session, record, as_int(form.version.data))

    def entry_name(self, record):
        return record.name
