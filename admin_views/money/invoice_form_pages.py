"""Draft invoices added and edited in the line editor (seed 004 "Invoices"), at the stock
addresses (`/admin/invoice/new/?customer=<id>`, `/admin/invoice/edit/?id=<id>`), always saved
through `save_draft_invoice`; and the editor's live totals, priced by the domain's own
`totals_of`, so what the page shows while typing is what the invoice will say."""

from __future__ import annotations

from datetime import date

from flask import flash, jsonify, redirect, request, url_for
from flask_admin import expose
from sqlalchemy import or_, select
from werkzeug.datastructures import MultiDict

from admin_views.core.base import form_page, live_customer, operation, requested_id
from admin_views.customers.record import PageLink, register_action
from extensions import db
from forms.money.draft_invoice import DraftInvoiceForm, draft_data
from forms.money.lines import CATEGORY_CHOICES, MAX_LINES, LinePriceForm
from models import Customer, Invoice, InvoiceLine, InvoiceStatus, Work
from models.core.enums import ONGOING_WORK
from models.core.formats import money
from models.money.entities import totals_of
from models.money.invoicing import due_date, save_draft_invoice

TOTALS_REFUSED = 'Send {"lines": [{"quantity": …, "unit_price": …, "tax_rate": …}, …]}.'


class InvoiceFormPagesMixin:
    """Added to the invoice model view: its new and edit pages replace the stock ones."""

    @expose("/new/", methods=("GET", "POST"))
    def create_view(self):
        customer_id = request.args.get("customer", type=int)
        if not customer_id:
            flash(
                "Add an invoice from the customer's record (Quick links, then Add invoice) "
                "or raise one from a job.",
                "info",
            )
            return redirect(url_for("customer.index_view"))
        customer = live_customer(customer_id)
        form = DraftInvoiceForm()
        if not form.is_submitted():
            form.invoice_date.data = date.today()
            form.due_on.data = due_date(customer, form.invoice_date.data)
            form.lines.append_entry()  # one blank line to start from
        return self.draft_page(customer, None, form)

    @expose("/edit/", methods=("GET", "POST"))
    def edit_view(self):
        invoice = self.load_invoice(requested_id())
        if invoice is None:  # as the stock edit page does
            flash("Record does not exist.", "error")
            return redirect(url_for(".index_view"))
        if invoice.status != InvoiceStatus.draft:
            remedy = ": raise a credit note or void it" if invoice.status == "issued" else ""
            flash(f"{invoice} is {invoice.status} and cannot be edited{remedy}.", "error")
            return redirect(self.details_url(invoice))
        submitted = request.method == "POST"
        form = DraftInvoiceForm() if submitted else DraftInvoiceForm(data=draft_data(invoice))
        return self.draft_page(invoice.customer, invoice, form)

    def draft_page(self, customer: Customer, invoice: Invoice | None, form: DraftInvoiceForm):
        form.offer(offered_jobs(customer, invoice), customer.contacts, customer.invoice_addresses)
        if form.validate_on_submit():
            draft = invoice or Invoice(customer=customer)
            with operation(form, refused_as="Not saved") as outcome:
                save_draft_invoice(db.session, draft, form.draft_lines(), **form.details())
            if outcome.done:
                flash(
                    f"Draft invoice saved, {money(draft.total)} in all: issue it when it is ready.",
                    "success",
                )
                return redirect(self.details_url(draft))
        elif form.is_submitted():
            flash("Not saved: check the highlighted fields.", "error")
        return form_page(
            self,
            "admin/money/invoice/form.html",
            customer=customer,
            invoice=invoice,
            form=form,
            categories=CATEGORY_CHOICES,
        )

    @expose("/totals/", methods=("POST",))
    def line_totals(self):
        """The line editor's rows priced: `{"lines": [{"quantity", "unit_price", "tax_rate"}]}`
        → each line's total (or why it cannot be priced) and the net, tax and total of the
        rows that can be, formatted as the pages show money."""
        rows = (request.get_json(silent=True) or {}).get("lines")
        if not isinstance(rows, list) or len(rows) > MAX_LINES:
            return jsonify(error=TOTALS_REFUSED), 400
        if not all(isinstance(row, dict) for row in rows):
            return jsonify(error=TOTALS_REFUSED), 400
        priced, answers = [], []
        for row in rows:
            typed = LinePriceForm(MultiDict({name: str(value) for name, value in row.items()}))
            if not typed.validate():
                why = {name: errors[0] for name, errors in typed.errors.items()}
                answers.append({"errors": why})
                continue
            line = InvoiceLine(
                quantity=typed.quantity.data,
                unit_price=typed.unit_price.data,
                tax_rate=typed.tax_rate.data,
            )
            priced.append(line)
            answers.append({"total": money(line.gross)})
        totals = totals_of(priced)
        return jsonify(lines=answers, **{name: money(value) for name, value in totals.items()})


def offered_jobs(customer: Customer, invoice: Invoice | None) -> list[Work]:
    """The jobs a line may bill: the customer's open ones, and those the draft already bills."""
    billed = {line.work_id for line in invoice.lines if line.work_id} if invoice else set()
    return list(
        db.session.scalars(
            select(Work)
            .where(Work.customer_id == customer.id)
            .where(or_(Work.status.in_(ONGOING_WORK), Work.id.in_(billed)))
            .order_by(Work.id)
        )
    )


@register_action(heading="Invoices", weight=5)
class AddInvoice(PageLink):
    title, endpoint = "Add invoice", "invoice.create_view"

    def url(self, customer: Customer) -> str:
        return url_for(self.endpoint, customer=customer.id)
