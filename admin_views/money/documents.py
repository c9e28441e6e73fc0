"""The PDF documents: an invoice, a credit note, a customer's statement. Opened inline (Print)
or as a download; other pages link here by endpoint (documents.invoice_pdf, ...)."""

from __future__ import annotations

import re
from datetime import date

from flask import Response, abort, current_app, request
from flask_admin import expose
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from admin_views.core.base import CustomerPagesView, live_customer
from extensions import db
from models import CreditNote, Customer, Invoice, InvoiceLine, ValidationFailed, Work
from models.money.emails import credit_note_filename, invoice_filename
from models.money.statements import build_statement, check_as_of
from pdfs.credit_note import credit_note_pdf as render_credit_note
from pdfs.invoice import invoice_pdf as render_invoice
from pdfs.layout import Letterhead
from pdfs.statement import statement_pdf as render_statement


def document_response(
    content: bytes, filename: str, download: bool, mimetype: str = "application/pdf"
) -> Response:
    """The file under a name safe in a header; nosniff so a browser takes it for what it is."""
    safe_name = re.sub(r"[^A-Za-z0-9._-]+", "-", filename).strip("-") or "document.pdf"
    response = Response(content, mimetype=mimetype)
    disposition = "attachment" if download else "inline"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{safe_name}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def letterhead() -> Letterhead:
    return Letterhead.from_config(current_app.config)


def statement_for(customer: Customer, as_of: date, grouped: bool):
    """The statement; a future date is refused (ValidationFailed keyed "as_of")."""
    check_as_of(as_of, date.today())
    return build_statement(db.session, customer, as_of, group_by_contact=grouped)


def statement_filename(customer: Customer, as_of: date) -> str:
    return f"statement-{customer.account_number}-{as_of}.pdf"


def invoices_for_pdf(ids: list[int]) -> list[Invoice]:
    """The invoices with all their PDF shows, by number, in a fixed number of statements."""
    return list(
        db.session.scalars(
            select(Invoice)
            .where(Invoice.id.in_(ids))
            .options(
                selectinload(Invoice.lines)
                .selectinload(InvoiceLine.work)
                .selectinload(Work.work_address),
                selectinload(Invoice.allocations),
                selectinload(Invoice.credit_notes).selectinload(CreditNote.lines),
            )
            .order_by(Invoice.number, Invoice.id)
        )
    )


def invoice_pdfs(ids: list[int]) -> list[tuple[str, bytes]]:
    """Each invoice's PDF under its file name, to attach to an email."""
    return [
        (invoice_filename(invoice), render_invoice(db.session, invoice, letterhead()))
        for invoice in invoices_for_pdf(ids)
    ]


class DocumentsView(CustomerPagesView):
    def __init__(self):
        super().__init__(name="Documents", endpoint="documents", url="/admin/documents")

    def download(self) -> bool:
        return request.args.get("download") == "1"

    @expose("/invoice/<int:invoice_id>.pdf")
    def invoice_pdf(self, invoice_id: int):
        invoice = next(iter(invoices_for_pdf([invoice_id])), None)
        if invoice is None or invoice.customer.merged_into_id:
            abort(404)
        content = render_invoice(db.session, invoice, letterhead())
        return document_response(content, invoice_filename(invoice), self.download())

    @expose("/credit-note/<int:credit_note_id>.pdf")
    def credit_note_pdf(self, credit_note_id: int):
        credit_note = db.session.get(CreditNote, credit_note_id)
        if credit_note is None or credit_note.customer.merged_into_id:
            abort(404)
        content = render_credit_note(db.session, credit_note, letterhead())
        return document_response(content, credit_note_filename(credit_note), self.download())

    @expose("/statement/<int:customer_id>.pdf")
    def statement_pdf(self, customer_id: int):
        customer = live_customer(customer_id)
        try:
            as_of = date.fromisoformat(request.args.get("as_of") or date.today().isoformat())
            statement = statement_for(customer, as_of, request.args.get("grouped") == "1")
        except ValueError:
            abort(400, "The statement date is not a date: use YYYY-MM-DD.")
        except ValidationFailed as refused:
            abort(400, refused.errors["as_of"])
        content = render_statement(db.session, statement, letterhead())
        return document_response(content, statement_filename(customer, as_of), self.download())
