"""Customer statements (seed 004 "Statements"): the open invoices and unallocated credits of a
customer at a point in time, aged. Every figure comes from balances.py, so a statement
always says what the record page says for the same date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models.core.formats import day, long_day, money

from ..core.errors import ValidationFailed
from ..customers.entities import Contact, Customer
from ..files.entities import OutboxMessage
from ..files.mail import email_document
from .balances import Balance, InvoiceFigures, customer_balance, open_invoices
from .entities import CreditNote

NO_CONTACT = "No contact"


@dataclass(frozen=True)
class StatementGroup:
    title: str  # the contact's name when grouped by contact
    invoices: list[InvoiceFigures]

    @property
    def outstanding(self) -> Decimal:
        return sum((invoice.outstanding for invoice in self.invoices), Decimal("0.00"))


@dataclass(frozen=True)
class StatementCredit:
    """A credit not set against any invoice: a standalone credit note, or payments on account."""

    reference: str
    credit_date: date | None
    description: str
    amount: Decimal


@dataclass(frozen=True)
class Statement:
    customer: Customer
    as_of: date
    grouped: bool
    groups: list[StatementGroup]
    credit_notes: list[StatementCredit]
    figures: Balance

    @property
    def invoices(self) -> list[InvoiceFigures]:
        return [invoice for group in self.groups for invoice in group.invoices]

    @property
    def invoices_outstanding(self) -> Decimal:
        return sum((group.outstanding for group in self.groups), Decimal("0.00"))

    @property
    def credit_notes_total(self) -> Decimal:
        return sum((credit.amount for credit in self.credit_notes), Decimal("0.00"))

    @property
    def balance(self) -> Decimal:
        return self.figures.balance

    @property
    def account_credit(self) -> Decimal:
        """Payments received and not yet set against an invoice."""
        return self.figures.account_credit

    @property
    def to_pay(self) -> Decimal:
        """The balance once payments held on account are used against it."""
        return self.figures.balance - self.figures.account_credit


def check_as_of(as_of: date, today: date) -> None:
    if as_of > today:
        raise ValidationFailed(
            {
                "as_of": f"A statement shows the account as it stood: choose {today:%d %b %Y} "
                "or an earlier date."
            }
        )


def build_statement(
    session: Session, customer: Customer, as_of: date, group_by_contact: bool = False
) -> Statement:
    """The customer's statement at the end of `as_of`; documents dated later are left out."""
    invoices = open_invoices(session, customer.id, as_of)
    credit_notes = session.scalars(
        select(CreditNote)
        .where(
            CreditNote.customer_id == customer.id,
            CreditNote.invoice_id.is_(None),
            CreditNote.credit_date <= as_of,
        )
        .options(selectinload(CreditNote.lines))
        .order_by(CreditNote.credit_date, CreditNote.number)
    ).all()
    return Statement(
        customer=customer,
        as_of=as_of,
        grouped=group_by_contact,
        groups=(
            _by_contact(session, invoices)
            if group_by_contact
            else [StatementGroup("Open invoices", invoices)]
        ),
        credit_notes=[
            StatementCredit(note.number, note.credit_date, note.description, note.total)
            for note in credit_notes
        ],
        figures=customer_balance(session, customer.id, as_of),
    )


def _by_contact(session: Session, invoices: list[InvoiceFigures]) -> list[StatementGroup]:
    """One group per contact, by name, and the invoices for no contact last."""
    ids = {invoice.contact_id for invoice in invoices if invoice.contact_id is not None}
    contacts = session.scalars(select(Contact).where(Contact.id.in_(ids))).all() if ids else []
    named = sorted(contacts, key=lambda c: (c.surname.lower(), (c.first_name or "").lower(), c.id))
    groups = [
        StatementGroup(contact.name, [i for i in invoices if i.contact_id == contact.id])
        for contact in named
    ]
    # An invoice whose contact was removed has contact_id None (ON DELETE SET NULL).
    unassigned = [invoice for invoice in invoices if invoice.contact_id is None]
    if unassigned:
        groups.append(StatementGroup(NO_CONTACT, unassigned))
    return groups


def statement_email(statement: Statement, company_name: str) -> tuple[str, str]:
    """The subject and body offered for emailing a statement; the user may change both."""
    when = long_day(statement.as_of)
    overdue = statement.figures.overdue
    owing = f"The balance is {money(statement.balance)}" + (
        f", of which {money(overdue)} is overdue." if overdue > 0 else "."
    )
    body = (
        f"Dear {statement.customer.display_name},\n\n"
        f"Please find attached your statement of account as of {when}. {owing}\n\n"
        "If you have any questions about it, reply to this email.\n\n"
        f"Kind regards,\n{company_name}".rstrip()
    )
    return f"Statement of account as of {when}", body


def email_statement(
    session: Session,
    statement: Statement,
    pdf: bytes,
    invoice_pdfs: list[tuple[str, bytes]] = (),
    **letter,
) -> OutboxMessage:
    """Email the statement PDF, and the open invoices' PDFs when given (or queue it), and note
    on the customer's record what happened, in the caller's transaction. `letter`: recipient,
    subject, body, by and smtp, as `email_document` takes."""
    customer = statement.customer
    return email_document(
        session,
        customer,
        title=f"Statement as of {day(statement.as_of)}",
        attachments=[
            (f"statement-{customer.account_number}-{statement.as_of}.pdf", pdf),
            *invoice_pdfs,
        ],
        **letter,
    )
