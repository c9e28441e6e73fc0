"""Entry forms that open in a modal over the page they are used from (a contact on the
Contacts tab, a landlord while adding a work address) and, without JavaScript or opened in a
tab of its own, as a page: the same fragment either way (static/entry_modal.js)."""

from __future__ import annotations

from flask import flash, jsonify, redirect, request, url_for
from flask_admin import expose

from admin_views.core.base import (
    changes_data,
    form_page,
    live_customer,
    operation,
    requested_id,
)
from extensions import db
from models import Customer
from models.core.base import is_row_id


def in_modal() -> bool:
    """Asked for by the modal's script, which shows the answer in place."""
    return request.headers.get("X-Entry-Modal") == "1"


def modal_form_page(view, fragment: str, title: str, **context):
    """The form: just the fragment for the modal, inside a page otherwise; 400 when a refused
    post shows it again."""
    if in_modal():
        return form_page(view, fragment, title=title, **context)
    return form_page(
        view, "admin/customers/modal_page.html", fragment=fragment, title=title, **context
    )


def modal_done(next_url: str, chosen: dict | None = None):
    """Saved: the modal's script hands `chosen` to the page that opened it (a new landlord
    for the work address being typed), or else goes to `next_url`; a page of its own is
    redirected there."""
    if in_modal():
        return jsonify(chosen if chosen is not None else {"redirect": next_url})
    return redirect(next_url)


class TabEntryPages:
    """For the view of what a customer has several of on a tab of its record (contacts,
    branches): `/new/?customer=` and `/edit/?id=` as a modal over that tab (or a page), and
    back to the tab once saved. A view says which tab, which form and how it is saved."""

    noun: str
    entry_tab: str  # the record's tab, as "contacts"
    entry_fragment: str  # the form's template (a modal-content)

    def entry_form(self, customer: Customer, record):
        """The form for `record` (None when adding one), its pick lists filled."""
        raise NotImplementedError

    def entry_save(self, record, form) -> None:
        """The domain operation: refuses by raising DomainError, as operation() expects."""
        raise NotImplementedError

    def entry_name(self, record) -> str:
        return str(record)

    @expose("/new/", methods=("GET", "POST"))
    @changes_data
    def create_view(self):
        customer_id = request.args.get("customer")
        if not is_row_id(customer_id):
            flash(
                f"Add a {self.noun} from its customer's record, on the "
                f"{self.entry_tab.capitalize()} tab.",
                "error",
            )
            return redirect(url_for("customer.index_view"))
        return self.entry_page(live_customer(int(customer_id)), self.model())

    @expose("/edit/", methods=("GET", "POST"))
    @changes_data
    def edit_view(self):
        record = db.session.get(self.model, requested_id() or 0)
        if record is None:
            flash(f"That {self.noun} does not exist any more.", "error")
            return redirect(url_for("customer.index_view"))
        return self.entry_page(record.customer, record)

    def entry_page(self, customer: Customer, record):
        creating = record.id is None
        form = self.entry_form(customer, None if creating else record)
        if request.method == "GET" and not creating and "version" in form:
            form.version.data = record.version
        back = url_for("customer.details_view", id=customer.id) + f"#{self.entry_tab}"
        if form.validate_on_submit():
            with operation(form=form, refused_as="Not saved", others=form.phones) as outcome:
                if creating:
                    record.customer = customer
                    db.session.add(record)
                self.entry_save(record, form)
            if outcome.done:
                said = "added" if creating else "saved"
                flash(f"{self.entry_name(record)} {said}.", "success")
                return modal_done(back)
        whose = f"{customer.display_name} ({customer.account_number})"
        return modal_form_page(
            self,
            self.entry_fragment,
            title=f"Add a {self.noun} of {whose}"
            if creating
            else f"Edit {self.entry_name(record)}, of {whose}",
            form=form,
            action=request.full_path,
            cancel_url=back,
            submit=f"Add {self.noun}" if creating else "Save",
        )
