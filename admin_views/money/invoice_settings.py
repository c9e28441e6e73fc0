"""The customer record's "Invoice settings" page (seed 004 "Invoices"): the invoice address
format with its tags and a live preview, and the customer's alternative invoice addresses."""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, request, url_for
from flask_admin import expose
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from admin_views.core.base import (
    CustomerPagesView,
    changes_data,
    form_page,
    live_customer,
    operation,
)
from admin_views.customers.record import PageLink, register_action
from extensions import db
from forms.core.base import PanelForm, put_on_fields
from forms.core.validators import EmailValid
from forms.customers.record import ConfirmDeleteForm, typed_correctly
from models import Customer, Invoice, InvoiceAddress, InvoiceLine, ValidationFailed
from models.money.address_format import TAGS, formatted_lines, unknown_tags, validate
from models.money.entities import customer_invoice_address
from models.money.invoice_addresses import (
    add_invoice_address,
    attach_invoice_address,
    delete_invoice_address,
    detach_invoice_address,
)
from models.works.entities import Work

SEARCH_LIMIT = 10


class AddressFormatForm(PanelForm):
    invoice_address_format = TextAreaField(
        "Invoice address format",
        validators=[Length(max=500, message="At most 500 characters.")],
        render_kw={"rows": 8, "spellcheck": "false"},
    )


def _optional(label: str, length: int) -> StringField:
    return StringField(label, validators=[Optional(), Length(max=length)])


class InvoiceAddressForm(PanelForm):
    name = StringField(
        "Name", validators=[DataRequired("Enter who the invoices go to."), Length(max=160)]
    )
    address_line_1 = StringField(
        "Address line 1",
        validators=[DataRequired("Address line 1 is required."), Length(max=120)],
    )
    address_line_2 = _optional("Address line 2", 120)
    address_line_3 = _optional("Address line 3", 120)
    town = _optional("Town", 80)
    county = _optional("County", 80)
    postcode = _optional("Postcode", 16)
    country = _optional("Country", 60)
    email = StringField("Email", validators=[Optional(), Length(max=254), EmailValid()])


class AttachForm(PanelForm):
    address_id = IntegerField(validators=[DataRequired("Choose an address.")])


class InvoiceSettingsView(CustomerPagesView):
    def __init__(self):
        super().__init__(
            name="Invoice settings", endpoint="invoice_settings", url="/admin/invoice-settings"
        )

    def address_of(self, customer: Customer, address_id: int) -> InvoiceAddress:
        """One of this customer's addresses, or 404."""
        address = next((a for a in customer.invoice_addresses if a.id == address_id), None)
        if address is None:
            abort(404)
        return address

    def back(self, customer: Customer, anchor: str = ""):
        return redirect(url_for(".settings_page", customer_id=customer.id) + anchor)

    @expose("/<int:customer_id>/")
    def settings_page(self, customer_id: int):
        customer = live_customer(customer_id)
        return self.page(customer, AddressFormatForm(obj=customer), InvoiceAddressForm())

    @expose("/<int:customer_id>/format", methods=("POST",))
    @changes_data
    def save_format(self, customer_id: int):
        customer = live_customer(customer_id)
        form = AddressFormatForm()
        if form.validate():
            text = (form.invoice_address_format.data or "").replace("\r\n", "\n").strip()
            try:
                validate(text)
            except ValidationFailed as refused:
                put_on_fields(form, refused)
            else:
                customer.invoice_address_format = text or None
                db.session.commit()
                flash("Invoice address format saved: new invoice PDFs use it.", "success")
                return self.back(customer)
        return self.page(customer, form, InvoiceAddressForm(formdata=None), 400)

    @expose("/<int:customer_id>/preview", methods=("POST",))
    def preview(self, customer_id: int):
        """The lines the typed format prints, by the function the PDFs use."""
        customer = live_customer(customer_id)
        text = request.form.get("format", "")[:1000]
        unknown = unknown_tags(text)
        return jsonify(
            lines=formatted_lines(customer, self.sample_invoice(customer), text),
            error=("Unknown: " + ", ".join(f"[{name}]" for name in unknown)) if unknown else None,
        )

    @expose("/<int:customer_id>/addresses/search")
    def search_addresses(self, customer_id: int):
        """Addresses not yet on this customer's list whose name, first line or postcode starts
        with the typed text: at most SEARCH_LIMIT, never the whole table."""
        customer = live_customer(customer_id)
        term = request.args.get("q", "").strip()
        if not term:
            return jsonify(results=[])
        pattern = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        attached = select(customer_invoice_address.c.invoice_address_id).where(
            customer_invoice_address.c.customer_id == customer.id
        )
        found = db.session.scalars(
            select(InvoiceAddress)
            .where(
                or_(
                    *(
                        column.ilike(pattern, escape="\\")
                        for column in (
                            InvoiceAddress.name,
                            InvoiceAddress.address_line_1,
                            InvoiceAddress.postcode,
                        )
                    )
                ),
                InvoiceAddress.id.not_in(attached),
            )
            .order_by(InvoiceAddress.name, InvoiceAddress.id)
            .limit(SEARCH_LIMIT)
        )
        return jsonify(
            results=[
                {"id": a.id, "name": a.name, "address": ", ".join(a.address_lines())} for a in found
            ]
        )

    @expose("/<int:customer_id>/addresses/attach", methods=("POST",))
    @changes_data
    def attach(self, customer_id: int):
        customer = live_customer(customer_id)
        form = AttachForm()
        address = db.session.get(InvoiceAddress, form.address_id.data) if form.validate() else None
        if address is None:
            flash("Choose an address from the search results to attach.", "error")
            return self.back(customer, "#addresses")
        return self.run(
            customer,
            lambda: attach_invoice_address(db.session, customer, address),
            f"{address} is now one of {customer.display_name}'s invoice addresses.",
        )

    @expose("/<int:customer_id>/addresses/new", methods=("POST",))
    @changes_data
    def add_address(self, customer_id: int):
        customer = live_customer(customer_id)
        form = InvoiceAddressForm()
        if form.validate():
            values = {name: form[name].data for name in form.data if name != "csrf_token"}
            with operation(form) as outcome:
                address = add_invoice_address(db.session, customer, **values)
            if outcome.done:
                flash(f"Invoice address {address} added.", "success")
                return self.back(customer, "#addresses")
        return self.page(customer, AddressFormatForm(obj=customer), form, 400)

    @expose("/<int:customer_id>/addresses/<int:address_id>/detach", methods=("POST",))
    @changes_data
    def detach(self, customer_id: int, address_id: int):
        customer = live_customer(customer_id)
        address = self.address_of(customer, address_id)
        return self.run(
            customer,
            lambda: detach_invoice_address(db.session, customer, address),
            f"{address} is no longer one of {customer.display_name}'s invoice addresses.",
        )

    @expose("/<int:customer_id>/addresses/<int:address_id>/delete", methods=("GET", "POST"))
    @changes_data
    def delete_address(self, customer_id: int, address_id: int):
        customer = live_customer(customer_id)
        address = self.address_of(customer, address_id)
        form = ConfirmDeleteForm()
        if form.validate_on_submit():
            if typed_correctly(form.confirm):
                return self.run(
                    customer,
                    lambda: delete_invoice_address(db.session, address),
                    f"Invoice address {address} deleted for every customer.",
                )
            form.confirm.errors = ['Type "delete" to confirm.']
        sharing = [c.display_name for c in address.customers]
        return form_page(
            self,
            "admin/customers/record/action.html",
            customer=customer,
            form=form,
            title=f"Delete invoice address {address}",
            intro=f"This removes the address for ALL customers that use it "
            f"({', '.join(sharing)}), not only this one. It cannot be undone. Deleting is "
            "refused while an open invoice is addressed to it. To take it off this customer "
            "only, detach it instead.",
            submit="Delete for all customers",
            style="danger",
        )

    def run(self, customer: Customer, change, done: str):
        """`change()` as one transaction: said so when done, why not when refused."""
        with operation() as outcome:
            change()
        if outcome.done:
            flash(done, "success")
        return self.back(customer, "#addresses")

    def sample_invoice(self, customer: Customer) -> Invoice | None:
        """The customer's latest invoice, for the preview to fill the landlord, contact and
        work-address tags as they would print."""
        return db.session.scalar(
            select(Invoice)
            .where(Invoice.customer_id == customer.id)
            .options(
                selectinload(Invoice.lines)
                .selectinload(InvoiceLine.work)
                .selectinload(Work.work_address),
                selectinload(Invoice.contact),
            )
            .order_by(Invoice.invoice_date.desc(), Invoice.id.desc())
            .limit(1)
        )

    def page(self, customer, format_form, address_form, status: int = 200):
        sample = self.sample_invoice(customer)
        return self.render(
            "admin/money/invoice_settings/settings.html",
            customer=customer,
            format_form=format_form,
            address_form=address_form,
            tags=TAGS,
            sample=sample,
            preview=formatted_lines(
                customer, sample, format_form.invoice_address_format.data or ""
            ),
            can_write=current_user.can_write,
        ), status


@register_action(heading="Invoices", weight=30)
class InvoiceSettings(PageLink):
    title, endpoint = "Invoice settings", "invoice_settings.settings_page"
