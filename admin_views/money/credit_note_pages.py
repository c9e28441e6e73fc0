"""Credit notes in the panel (seed 004 "Add New Credit Note"): for a customer alone or raised
from an issued invoice, always saved through `add_credit_note`; and a credit note's page."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from admin_views.core.base import changes_data, live_customer, operation, requested_id
from admin_views.customers.record import PageLink, register_action
from admin_views.money.documents import letterhead
from admin_views.money.emails import company_name, email_page, letter_from
from extensions import db
from forms.core.base import put_on_fields
from forms.money.credit_notes import CreditNoteForm
from forms.money.lines import CATEGORY_CHOICES
from models import CreditNote, Customer, DomainError, Invoice, ValidationFailed
from models.core.formats import money
from models.money.balances import invoice_outstanding
from models.money.credit_notes import add_credit_note, breakdown, draft_credit_note_for_invoice
from models.money.emails import credit_note_email, credit_note_filename, email_credit_note
from pdfs.credit_note import credit_note_pdf as render_credit_note


class CreditNotePagesMixin:
    """Added to the credit note model view: new credit notes go through the rules here, and a
    saved one is an issued document (not edited; corrected with another document)."""

    @expose("/new/", methods=("GET", "POST"))
    def create_view(self):
        customer_id = request.args.get("customer", type=int)
        if customer_id:
            return redirect(url_for(".add_for_customer", customer_id=customer_id))
        flash(
            "Add a credit note from the customer's record (Quick links, then Add credit note) "
            "or from an issued invoice (Raise credit note).",
            "info",
        )
        return redirect(url_for("customer.index_view"))

    @expose("/edit/", methods=("GET", "POST"))
    def edit_view(self):
        credit_note = db.session.get(CreditNote, requested_id() or 0)
        if credit_note is None:
            abort(404)
        flash(
            f"{credit_note} is issued and cannot be edited: add another credit note, "
            "or delete this one if it was a mistake.",
            "error",
        )
        return redirect(url_for(".details_view", id=credit_note.id))

    @expose("/details/")
    def details_view(self):
        credit_note = db.session.scalar(
            select(CreditNote)
            .where(CreditNote.id == requested_id())
            .options(
                joinedload(CreditNote.customer),
                joinedload(CreditNote.invoice),
                selectinload(CreditNote.lines),
            )
        )
        if credit_note is None:  # as the stock details page does
            flash("Record does not exist.", "error")
            return redirect(url_for(".index_view"))
        return self.render(
            "admin/money/credit_note/details.html",
            credit_note=credit_note,
            rows=breakdown(credit_note),
            breakdown_label=credit_note.breakdown.label,
            can_write=current_user.can_write,
        )

    @expose("/<int:credit_note_id>/email/", methods=("GET", "POST"))
    @changes_data
    def send_email(self, credit_note_id: int):
        credit_note = db.session.get(CreditNote, credit_note_id)
        if credit_note is None or credit_note.customer.merged_into_id:
            abort(404)
        subject, body = credit_note_email(credit_note, company_name())
        customer = credit_note.customer
        return email_page(
            self,
            customer=customer,
            title=f"Credit note {credit_note.number}",
            filename=credit_note_filename(credit_note),
            defaults={"recipient": customer.email or "", "subject": subject, "body": body},
            send=lambda form: email_credit_note(
                db.session,
                credit_note,
                render_credit_note(db.session, credit_note, letterhead()),
                **letter_from(form),
            ),
            back_url=url_for(".details_view", id=credit_note.id),
        )

    @expose("/add/<int:customer_id>/", methods=("GET", "POST"))
    @changes_data
    def add_for_customer(self, customer_id: int):
        customer = live_customer(customer_id)
        form = CreditNoteForm()
        if not form.is_submitted():
            form.lines.append_entry()  # one blank line to start from
        return self.credit_note_page(customer, None, form)

    @expose("/raise/<int:invoice_id>/", methods=("GET", "POST"))
    @changes_data
    def raise_for_invoice(self, invoice_id: int):
        invoice = db.session.scalar(
            select(Invoice)
            .where(Invoice.id == invoice_id)
            .options(joinedload(Invoice.customer), selectinload(Invoice.lines))
        )
        if invoice is None:
            abort(404)
        if request.method == "POST":
            form = CreditNoteForm()
        else:
            try:
                form = CreditNoteForm(obj=draft_credit_note_for_invoice(invoice))
            except DomainError as error:
                flash(f"No credit note raised: {error}", "error")
                return redirect(url_for("invoice.details_view", id=invoice.id))
            # The draft only fills the form: unhook it, so that no flush tries to save it.
            db.session.expire(invoice, ["credit_notes"])
            db.session.expire(invoice.customer, ["credit_notes"])
        return self.credit_note_page(invoice.customer, invoice, form)

    def credit_note_page(self, customer: Customer, invoice: Invoice | None, form):
        errors: dict[str, str] = {}
        if form.validate_on_submit():
            credit_note = form.fill(CreditNote(customer=customer, invoice=invoice))
            with operation(quiet=True) as outcome:
                add_credit_note(db.session, credit_note)
            if isinstance(outcome.refusal, ValidationFailed):
                errors = put_on_fields(form, outcome.refusal)  # "lines": above the lines
            elif outcome.refusal is not None:
                errors = {"credit_note": str(outcome.refusal)}
            else:
                flash(
                    f"Credit note {credit_note.number} for {money(credit_note.total)} saved.",
                    "success",
                )
                return redirect(url_for(".details_view", id=credit_note.id))
        elif form.is_submitted():
            errors = {"credit_note": "Not saved: check the highlighted fields."}
        owed = invoice_outstanding(db.session, [invoice.id])[invoice.id] if invoice else None
        return self.render(
            "admin/money/credit_note/form.html",
            customer=customer,
            invoice=invoice,
            outstanding=owed,
            form=form,
            categories=CATEGORY_CHOICES,
            errors=errors,
        ), 400 if form.is_submitted() else 200


@register_action(heading="Invoices", weight=20)
class AddCreditNote(PageLink):
    title, endpoint = "Add credit note", "creditnote.add_for_customer"
