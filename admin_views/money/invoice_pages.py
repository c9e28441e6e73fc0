"""An invoice's own page and its life in the panel (seed 004 "Invoices"): details, issue, void,
raise one for a work, and one consolidated invoice for several open works."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from admin_views.core.base import (
    changes_data,
    form_page,
    is_row_id,
    live_customer,
    operation,
    requested_id,
)
from admin_views.customers.record import PageLink, register_action
from admin_views.money.documents import letterhead
from admin_views.money.emails import (
    company_name,
    email_page,
    letter,
    letter_from,
    say_what_happened,
)
from extensions import db
from forms.core.base import put_on_fields
from forms.money.invoices import (
    ConsolidatedInvoiceForm,
    RaiseInvoiceForm,
    VoidInvoiceForm,
    parse_amount,
)
from models import (
    ConcurrentEditError,
    CreditNote,
    Customer,
    DomainError,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    Payment,
    PaymentAllocation,
    ValidationFailed,
    Work,
    WorkAddress,
)
from models.core.enums import ONGOING_WORK
from models.core.formats import money
from models.money.address_format import bill_to_lines
from models.money.balances import invoice_outstanding
from models.money.emails import check_can_email, email_invoice, invoice_email, invoice_filename
from models.money.entities import totals_of
from models.money.invoicing import (
    DEFAULT_TAX_RATE,
    ConsolidatedEntry,
    consolidated_invoice,
    draft_invoice_for_work,
    due_date,
    issue_invoice,
    void_invoice,
    work_amount,
)
from pdfs.invoice import invoice_pdf as render_invoice

OPEN_WORKS_SHOWN = 50  # the filter narrows a long list; the page says how many are hidden
# What issuing an invoice of each kind does to its works (models.money.invoicing.issue_invoice).
WORKS_DONE = {
    InvoiceKind.final: " Its works are completed.",
    InvoiceKind.free_of_charge: " Its works are marked free of charge.",
}


def lines_by_work(invoice: Invoice) -> list[tuple[Work | None, list[InvoiceLine], Decimal]]:
    """A consolidated invoice's lines grouped under the work each bills, in line order, with
    what each work's lines come to."""
    groups: dict[int | None, tuple[Work | None, list[InvoiceLine]]] = {}
    for line in invoice.lines:
        groups.setdefault(line.work_id, (line.work, []))[1].append(line)
    return [(work, lines, totals_of(lines)["gross"]) for work, lines in groups.values()]


class InvoicePagesMixin:
    """Added to the invoice model view: its details page replaces the stock one."""

    def load_invoice(self, invoice_id: int | None) -> Invoice | None:
        return db.session.scalar(
            select(Invoice)
            .where(Invoice.id == invoice_id)
            .options(
                joinedload(Invoice.customer),
                joinedload(Invoice.contact),
                joinedload(Invoice.invoice_address),
                selectinload(Invoice.lines)
                .joinedload(InvoiceLine.work)
                .joinedload(Work.work_address),
                selectinload(Invoice.allocations)
                .joinedload(PaymentAllocation.payment)
                .joinedload(Payment.payment_method),
                selectinload(Invoice.credit_notes).selectinload(CreditNote.lines),
            )
        )

    def invoice_or_404(self, invoice_id: int) -> Invoice:
        invoice = self.load_invoice(invoice_id)
        if invoice is None:
            abort(404)
        return invoice

    def details_url(self, invoice: Invoice) -> str:
        return url_for("invoice.details_view", id=invoice.id)

    @expose("/details/")
    def details_view(self):
        invoice = self.load_invoice(requested_id())
        if invoice is None:  # as the stock details page does
            flash("Record does not exist.", "error")
            return redirect(url_for(".index_view"))
        outstanding = invoice_outstanding(db.session, [invoice.id])[invoice.id]
        return self.render(
            "admin/money/invoice/details.html",
            invoice=invoice,
            groups=lines_by_work(invoice),
            bill_to=bill_to_lines(invoice.customer, invoice),
            outstanding=outstanding,
            allocations=sorted(invoice.allocations, key=lambda a: a.payment.paid_on),
            can_write=current_user.can_write,
        )

    def on_model_delete(self, model: Invoice) -> None:
        # The flush guard refuses it too; this says it in people's words, before trying.
        if model.status != InvoiceStatus.draft:
            raise DomainError(
                f"{model} is {model.status}. An issued invoice keeps its number: "
                "void it or raise a credit note instead."
            )

    @expose("/<int:invoice_id>/issue/", methods=("POST",))
    @changes_data
    def issue(self, invoice_id: int):
        invoice = self.invoice_or_404(invoice_id)
        works_done = WORKS_DONE.get(invoice.kind, "") if invoice.works else ""
        with operation(refused_as="Not issued") as outcome:
            issue_invoice(db.session, invoice)
        if outcome.done:
            flash(f"Issued {invoice.number}.{works_done}", "success")
        return redirect(self.details_url(invoice))

    @expose("/<int:invoice_id>/void/", methods=("GET", "POST"))
    @changes_data
    def void(self, invoice_id: int):
        invoice = self.invoice_or_404(invoice_id)
        if invoice.status != InvoiceStatus.issued:
            flash(f"{invoice} is {invoice.status}: only an issued invoice can be voided.", "error")
            return redirect(self.details_url(invoice))
        form = VoidInvoiceForm()
        if form.validate_on_submit():
            with operation(form, refused_as="Not voided") as outcome:
                void_invoice(db.session, invoice, form.reason.data)
            if outcome.done:
                flash(f"{invoice} is void. It keeps its number and no longer counts.", "success")
            if not isinstance(outcome.refusal, ValidationFailed):  # shown beside its field
                return redirect(self.details_url(invoice))
        return self.render(
            "admin/customers/record/action.html",
            customer=invoice.customer,
            form=form,
            title=f"Void invoice {invoice}",
            intro=f"{invoice} ({money(invoice.total)}) stops counting towards the balance and "
            "keeps its number. To bill a smaller amount instead, raise a credit note.",
            submit="Void invoice",
            style="danger",
        ), 400 if form.errors else 200

    @expose("/<int:invoice_id>/email/", methods=("GET", "POST"))
    @changes_data
    def send_email(self, invoice_id: int):
        invoice = self.invoice_or_404(invoice_id)
        if invoice.customer.merged_into_id:
            abort(404)
        try:
            check_can_email(invoice)
        except DomainError as refused:
            flash(f"Not sent: {refused}", "error")
            return redirect(self.details_url(invoice))
        subject, body = invoice_email(invoice, company_name())
        return email_page(
            self,
            customer=invoice.customer,
            title=f"Invoice {invoice.number}",
            filename=invoice_filename(invoice),
            defaults={"recipient": invoice.customer.email or "", "subject": subject, "body": body},
            send=lambda form: self.email_to(invoice, letter_from(form)),
            back_url=self.details_url(invoice),
        )

    def email_to(self, invoice: Invoice, letter: dict):
        pdf = render_invoice(db.session, invoice, letterhead())
        return email_invoice(db.session, invoice, pdf, **letter)

    @expose("/raise/<int:work_id>/", methods=("POST",))
    @changes_data
    def raise_for_work(self, work_id: int):
        """A draft invoice for one work, opened in its edit form to complete and issue."""
        work = db.session.get(Work, work_id)
        if work is None:
            abort(404)
        form = RaiseInvoiceForm()
        if not form.validate_on_submit():
            flash("Choose an interim or a final invoice.", "error")
            return redirect(url_for("work.details_view", id=work.id))
        draft = draft_invoice_for_work(work, InvoiceKind(form.kind.data))
        with operation(refused_as="No invoice raised") as outcome:
            db.session.add(draft)
        if not outcome.done:
            return redirect(url_for("work.details_view", id=work.id))
        flash(f"Draft invoice for {work.number}: check its lines, save, then issue it.", "success")
        return redirect(url_for(".edit_view", id=draft.id, url=self.details_url(draft)))

    @expose("/consolidated/<int:customer_id>/", methods=("GET", "POST"))
    @changes_data
    def consolidated_page(self, customer_id: int):
        customer = live_customer(customer_id)
        form = ConsolidatedInvoiceForm()
        if request.method == "GET":
            form.invoice_date.data = date.today()
            form.due_on.data = due_date(customer, date.today())
        text, address = request.args.get("q", "").strip(), request.args.get("address", "").strip()
        works, hidden = open_works(customer, text, address)
        ticked = set(request.form.getlist("works"))
        errors: dict[str, str] = {}
        if form.validate_on_submit():
            invoice, errors = self.save_consolidated(customer, form)
            if invoice is not None:
                return redirect(self.details_url(invoice))
            errors = put_on_fields(form, errors)  # the rest beside their rows
        elif form.errors:
            errors["form"] = "Not saved: check the highlighted fields."
        defaults = {work.id: work_amount(work) for work in works}
        totals = (
            {work.id: request.form.get(f"total-{work.id}", "") for work in works}
            if request.method == "POST"
            else defaults
        )
        return form_page(
            self,
            "admin/money/invoice/consolidated.html",
            customer=customer,
            form=form,
            works=works,
            hidden=hidden,
            text=text,
            address=address,
            ticked=ticked,
            totals=totals,
            defaults=defaults,
            errors=errors,
            summary=summary(works, ticked, totals, form.tax_rate),
        )

    def save_consolidated(self, customer: Customer, form) -> tuple[Invoice | None, dict]:
        ids = request.form.getlist("works")
        if not all(is_row_id(value) for value in ids):  # forged ids
            return None, {"works": "Tick works from the list."}
        chosen = db.session.scalars(select(Work).where(Work.id.in_([int(i) for i in ids]))).all()
        if len(chosen) != len(set(ids)):
            return None, {"works": "A ticked work no longer exists: reload the page."}
        entries, errors = [], {}
        for work in chosen:
            total, problem = parse_amount(request.form.get(f"total-{work.id}"))
            if problem:
                errors[f"total-{work.id}"] = f"{work.number}: {problem}"
            entries.append(ConsolidatedEntry(work, total))
        if errors:
            return None, errors
        issue = request.form.get("save") != "draft"
        send_to = customer.email if issue and form.email_customer.data else None
        message = None
        with operation(quiet=True) as outcome:
            invoice = consolidated_invoice(
                db.session,
                customer,
                entries,
                description=form.description.data,
                invoice_date=form.invoice_date.data,
                due_on=form.due_on.data,
                kind=InvoiceKind(form.kind.data),
                tax_rate=form.tax_rate.data,
                notes=form.notes.data or None,
                issue=issue,
            )
            if send_to:
                db.session.flush()  # its lines and number, for the PDF
                offered = invoice_email(invoice, company_name())
                message = self.email_to(invoice, letter(send_to, *offered))
        refusal = outcome.refusal
        if isinstance(refusal, ValidationFailed):
            return None, email_refusal_beside_tick(refusal.errors)
        if isinstance(refusal, ConcurrentEditError):
            return None, {"works": "A work was changed by someone else meanwhile: save again."}
        if refusal is not None:
            return None, {"works": str(refusal)}
        flash(
            f"Consolidated invoice {invoice} for {len(chosen)} works "
            + ("issued." if issue else "saved as a draft."),
            "success",
        )
        if message is not None:
            say_what_happened(message, f"Invoice {invoice.number}", f"invoice {invoice.number}")
        elif form.email_customer.data and not issue:
            flash("A draft is not emailed: email it from its page once it is issued.", "info")
        return invoice, {}


def email_refusal_beside_tick(errors: dict[str, str]) -> dict[str, str]:
    """The email's own refusals (a bad address on the record, attachments too big) are about
    the "Email it to the customer" tick: nothing was saved or sent."""
    about_email = [errors.pop(name) for name in ("recipient", "attachment") if name in errors]
    if about_email:
        errors["email_customer"] = "Not saved or emailed: " + " ".join(about_email)
    return errors


def open_works(customer: Customer, text: str, address: str) -> tuple[list[Work], int]:
    """The customer's open works a consolidated invoice may bill, filtered, and how many more
    match than are shown."""
    query = select(Work).where(Work.customer_id == customer.id, Work.status.in_(ONGOING_WORK))
    if text:
        query = query.where(
            or_(
                Work.number.icontains(text, autoescape=True),
                Work.description.icontains(text, autoescape=True),
            )
        )
    if address:
        query = query.join(Work.work_address).where(
            or_(
                WorkAddress.address_line_1.icontains(address, autoescape=True),
                WorkAddress.postcode.icontains(address, autoescape=True),
                WorkAddress.town.icontains(address, autoescape=True),
            )
        )
    matching = db.session.scalar(select(func.count()).select_from(query.subquery()))
    works = db.session.scalars(
        query.order_by(Work.id).limit(OPEN_WORKS_SHOWN).options(selectinload(Work.work_address))
    ).all()
    return list(works), matching - len(works)


def summary(works, ticked, totals, tax_rate_field) -> dict[str, Decimal]:
    """The grand total of the ticked rows, rounded per line as the invoice will be (the same
    sums the page's script shows as the user types)."""
    rate = DEFAULT_TAX_RATE if tax_rate_field.errors else tax_rate_field.data
    lines = []
    for work in works:
        amount, _ = parse_amount(str(totals[work.id] or ""))
        amount = amount if amount is not None else work_amount(work)
        if str(work.id) in ticked and amount is not None:
            lines.append(InvoiceLine(quantity=Decimal(1), unit_price=amount, tax_rate=rate))
    return totals_of(lines)


@register_action(heading="Invoices", weight=10)
class AddConsolidatedInvoice(PageLink):
    title, endpoint = "Add consolidated invoice", "invoice.consolidated_page"
