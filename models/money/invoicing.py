"""Invoices through their life (seed 004 "Invoices", "Add New Consolidated Invoice"):
drafted for one or several works, issued under a gap-free number, then only voided or credited.

An issued invoice is a legal document: its number, lines and amounts never change afterwards.
The flush guard at the bottom enforces that for every code path, not only the panel's forms.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from ..core.base import utcnow
from ..core.enums import ONGOING_WORK, InvoiceKind, InvoiceStatus, LineCategory, WorkStatus
from ..core.errors import DomainError, ValidationFailed
from ..customers.entities import Contact, Customer
from ..customers.rules import check_version
from ..customers.status import refuse_if_merged
from ..works.entities import Work
from .entities import Invoice, InvoiceAddress, InvoiceLine
from .numbering import next_number
from .rules import check_invoice

DEFAULT_TAX_RATE = Decimal("20.00")
# Whatever else changes on an issued invoice is refused by the flush guard. The two
# collections change when a payment or a credit note is set against the invoice.
CHANGEABLE_WHEN_ISSUED = frozenset(
    {"status", "voided_on", "void_reason", "updated_at", "version", "allocations", "credit_notes"}
)


def due_date(customer: Customer, invoice_date: date) -> date:
    """Payment is due after the customer's creditor days; a customer given none pays on the
    invoice date."""
    return invoice_date + timedelta(days=customer.creditor_days or 0)


def work_amount(work: Work) -> Decimal | None:
    """The price a work is invoiced at by default: its final amount, else the estimate or sale."""
    for amount in (work.final_amount, work.estimated_amount, work.sale_amount):
        if amount is not None:
            return amount
    return None


def draft_invoice_for_work(
    work: Work, kind: InvoiceKind = InvoiceKind.final, invoice_date: date | None = None
) -> Invoice:
    """A draft invoice for one work, prefilled with a line at the work's price when it has one
    (not added to a session: the form shows it for the user to complete)."""
    invoice_date = invoice_date or date.today()
    amount = work_amount(work)
    lines = []
    if amount is not None:
        lines.append(
            InvoiceLine(
                work=work,
                category=LineCategory.labour,
                description=work.description,
                quantity=Decimal("1"),
                unit_price=amount,
                tax_rate=DEFAULT_TAX_RATE,
            )
        )
    return Invoice(
        customer=work.customer,
        description=work.description,
        invoice_date=invoice_date,
        due_on=due_date(work.customer, invoice_date),
        kind=kind,
        status=InvoiceStatus.draft,
        lines=lines,
    )


@dataclass(frozen=True)
class DraftLine:
    """One line as typed in the line editor, checked and parsed."""

    description: str
    quantity: Decimal
    unit_price: Decimal
    tax_rate: Decimal
    category: LineCategory = LineCategory.labour
    work: Work | None = None


def save_draft_invoice(
    session: Session,
    invoice: Invoice,
    lines: Sequence[DraftLine],
    *,
    description: str,
    invoice_date: date,
    due_on: date,
    kind: InvoiceKind,
    contact: Contact | None = None,
    invoice_address: InvoiceAddress | None = None,
    notes: str | None = None,
    seen_version: int | None = None,
) -> Invoice:
    """A new draft (`Invoice(customer=…)`) or an edited one saved whole: its details, and its
    lines in the order typed (the lines already there are updated in place, so the trail shows
    what changed). Only a draft changes: an issued invoice is a legal document."""
    if inspect(invoice).persistent:
        status = committed_status(invoice)
        if status != InvoiceStatus.draft:
            raise DomainError(
                f"{invoice} is {status} and cannot be edited: raise a credit note or void it."
            )
        check_version(invoice, seen_version, "invoice")
    refuse_if_merged(invoice.customer)
    if not lines:
        raise ValidationFailed({"lines": "Add at least one line."})
    with session.no_autoflush:  # judge the unsaved state, not half of it in the database
        invoice.description = description.strip()
        invoice.invoice_date, invoice.due_on, invoice.kind = invoice_date, due_on, kind
        invoice.contact, invoice.invoice_address, invoice.notes = contact, invoice_address, notes
        invoice.status = InvoiceStatus.draft
        kept = list(invoice.lines[: len(lines)])
        kept += [InvoiceLine() for _ in range(len(lines) - len(kept))]
        for line, typed in zip(kept, lines, strict=True):
            for field in fields(DraftLine):
                setattr(line, field.name, getattr(typed, field.name))
        invoice.lines = kept
        check_invoice(invoice)
    session.add(invoice)
    return invoice


def issue_invoice(session: Session, invoice: Invoice) -> None:
    """Draft → issued: it takes the next number of the invoice series (locked until commit, so
    two people issuing at once never share a number and a rollback leaves no gap). A final
    invoice completes the works it bills."""
    if invoice.status != InvoiceStatus.draft:
        raise DomainError(f"{invoice} is {invoice.status}: only a draft can be issued.")
    refuse_if_merged(invoice.customer)
    if not invoice.lines:
        raise ValidationFailed({"lines": "Add at least one line before issuing the invoice."})
    check_invoice(invoice)
    invoice.number = next_number(session, "invoice")
    invoice.status = InvoiceStatus.issued
    invoice.issued_at = utcnow()
    if invoice.kind in (InvoiceKind.final, InvoiceKind.free_of_charge):
        finished = (
            WorkStatus.completed if invoice.kind == InvoiceKind.final else WorkStatus.free_of_charge
        )
        for work in invoice.works:
            if work.status in ONGOING_WORK:
                work.status = finished
                work.completed_on = work.completed_on or invoice.invoice_date


def void_invoice(session: Session, invoice: Invoice, reason: str, on: date | None = None) -> None:
    """Issued → void: it keeps its number (the sequence has no gap) and stops counting.
    Money already set against it must be moved first, so no payment or credit is lost."""
    if invoice.status != InvoiceStatus.issued:
        raise DomainError(f"{invoice} is {invoice.status}: only an issued invoice can be voided.")
    if not (reason or "").strip():
        raise ValidationFailed({"reason": "Say why the invoice is void."})
    if invoice.allocations:
        raise DomainError(
            f"{invoice} has payments allocated to it: remove the allocations first "
            "(the money goes back to account credit)."
        )
    if invoice.credit_notes:
        raise DomainError(f"{invoice} has credit notes against it: credit the rest instead.")
    invoice.status = InvoiceStatus.void
    invoice.voided_on = on or date.today()
    invoice.void_reason = reason.strip()


@dataclass(frozen=True)
class ConsolidatedEntry:
    """One work on a consolidated invoice, with the total typed for it (before tax), if any."""

    work: Work
    total: Decimal | str | None = None


def consolidated_invoice(
    session: Session,
    customer: Customer,
    entries: Sequence[ConsolidatedEntry],
    *,
    description: str,
    invoice_date: date,
    due_on: date | None = None,
    kind: InvoiceKind = InvoiceKind.final,
    tax_rate: Decimal = DEFAULT_TAX_RATE,
    notes: str | None = None,
    issue: bool = True,
) -> Invoice:
    """One invoice, one number, for several open works of the customer: a line per work at the
    total entered for it (the work's own price where none was entered). Errors are keyed
    `total-<work id>` so a form can show each beside its row."""
    refuse_if_merged(customer)
    errors: dict[str, str] = {}
    if not entries:
        errors["works"] = "Tick at least one open work to invoice."
    if not (description or "").strip():
        errors["description"] = "Describe the invoice."
    lines = []
    for entry in entries:
        work = entry.work
        if work.customer_id != customer.id:
            errors["works"] = f"{work.number} belongs to another customer."
            continue
        if work.status not in ONGOING_WORK:
            errors["works"] = f"{work.number} is {work.status}: only open works can be invoiced."
            continue
        total = _amount(entry.total) if entry.total not in (None, "") else work_amount(work)
        if total is None or total <= 0:
            errors[f"total-{work.id}"] = f"Enter a total above zero for {work.number}."
            continue
        lines.append(
            InvoiceLine(
                work=work,
                category=LineCategory.labour,
                description=f"{work.number} {work.description}",
                quantity=Decimal("1"),
                unit_price=total,
                tax_rate=tax_rate,
            )
        )
    if errors:
        raise ValidationFailed(errors)
    invoice = Invoice(
        customer=customer,
        description=description.strip(),
        invoice_date=invoice_date,
        due_on=due_on or due_date(customer, invoice_date),
        kind=kind,
        status=InvoiceStatus.draft,
        notes=notes,
        lines=lines,
    )
    with session.no_autoflush:
        check_invoice(invoice)
    session.add(invoice)
    if issue:
        issue_invoice(session, invoice)
    return invoice


def _amount(value: Decimal | str) -> Decimal | None:
    """A typed amount as an exact two-place Decimal; None for anything that is not a number."""
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
        return None
    return amount


def committed_status(invoice: Invoice) -> InvoiceStatus | None:
    """The status the database holds, whatever this session has changed it to."""
    history = inspect(invoice).attrs.status.history
    return history.deleted[0] if history.deleted else invoice.status


def _refuse_changes_to_issued(session: Session, _context, _instances) -> None:
    for obj in session.dirty:
        if isinstance(obj, Invoice) and committed_status(obj) != InvoiceStatus.draft:
            changed = {attr.key for attr in inspect(obj).attrs if attr.history.has_changes()}
            was = committed_status(obj)
            voided = was == InvoiceStatus.issued and obj.status == InvoiceStatus.void
            if changed - CHANGEABLE_WHEN_ISSUED or (obj.status != was and not voided):
                raise DomainError(
                    f"{obj} is {was} and cannot be edited: raise a credit note or void it instead."
                )
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, InvoiceLine) and obj.invoice is not None:
            invoice = obj.invoice
            if inspect(invoice).persistent and committed_status(invoice) != InvoiceStatus.draft:
                raise DomainError(
                    f"{invoice} is {committed_status(invoice)}: its lines cannot change."
                )
    for obj in session.deleted:
        if isinstance(obj, Invoice) and committed_status(obj) != InvoiceStatus.draft:
            raise DomainError(f"{obj} was issued: void it instead of deleting it.")


event.listen(Session, "before_flush", _refuse_changes_to_issued)
