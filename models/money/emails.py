"""Invoices and credit notes emailed from their page, their PDF attached (seed 004: "email it
to the customer"), through the same outbox as statements: sent, or queued when no mail server
is set up, and noted in the customer's Communications."""

from __future__ import annotations

from sqlalchemy.orm import Session

from models.core.formats import day, money

from ..core.enums import InvoiceStatus
from ..core.errors import DomainError
from ..files.entities import OutboxMessage
from ..files.mail import email_document
from .entities import CreditNote, Invoice


def invoice_filename(invoice: Invoice) -> str:
    return f"invoice-{invoice.number or f'draft-{invoice.id}'}.pdf"


def credit_note_filename(credit_note: CreditNote) -> str:
    return f"credit-note-{credit_note.number}.pdf"


def check_can_email(invoice: Invoice) -> None:
    """A draft has no number and may still change: the customer would be billed for a
    document nobody can refer to. A void invoice may go: its PDF says VOID."""
    if invoice.status == InvoiceStatus.draft:
        raise DomainError("A draft invoice has no number yet: issue it before emailing it.")


def invoice_email(invoice: Invoice, company_name: str) -> tuple[str, str]:
    """The subject and body offered for emailing an invoice; the user may change both."""
    if invoice.status == InvoiceStatus.void:
        about = f"Please find attached invoice {invoice.number}, which has been cancelled (void)."
    else:
        about = (
            f"Please find attached invoice {invoice.number} for {money(invoice.total)}, "
            f"payment due on {day(invoice.due_on) or day(invoice.invoice_date)}."
        )
    return f"Invoice {invoice.number}", _letter(invoice.customer.display_name, about, company_name)


def credit_note_email(credit_note: CreditNote, company_name: str) -> tuple[str, str]:
    against = f" against invoice {credit_note.invoice.number}" if credit_note.invoice else ""
    about = (
        f"Please find attached credit note {credit_note.number} for "
        f"{money(credit_note.total)}{against}."
    )
    return (
        f"Credit note {credit_note.number}",
        _letter(credit_note.customer.display_name, about, company_name),
    )


def _letter(name: str, about: str, company_name: str) -> str:
    return (
        f"Dear {name},\n\n{about}\n\n"
        "If you have any questions about it, reply to this email.\n\n"
        f"Kind regards,\n{company_name}".rstrip()
    )


def email_invoice(session: Session, invoice: Invoice, pdf: bytes, **letter) -> OutboxMessage:
    """Email the invoice PDF (or queue it) and note it on the record, in the caller's
    transaction. `letter`: recipient, subject, body, by and smtp, as `email_document` takes."""
    check_can_email(invoice)
    return email_document(
        session,
        invoice.customer,
        title=f"Invoice {invoice.number}",
        attachments=[(invoice_filename(invoice), pdf)],
        **letter,
    )


def email_credit_note(
    session: Session, credit_note: CreditNote, pdf: bytes, **letter
) -> OutboxMessage:
    """Email the credit note PDF (or queue it) and note it on the record."""
    return email_document(
        session,
        credit_note.customer,
        title=f"Credit note {credit_note.number}",
        attachments=[(credit_note_filename(credit_note), pdf)],
        **letter,
    )
