"""Keeps each invoice's and credit note's `total_cents` equal to the sum of its lines.

Set in one place for every way a document or its lines change (forms, domain operations, the
seed, tests), at flush: a line added, edited or removed changes its document's stored total in
the same transaction. Issued invoices cannot change their lines (invoicing.py), so their
stored total is fixed from issue on.
"""

from __future__ import annotations

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from .entities import CreditNote, CreditNoteLine, Invoice, InvoiceLine, LineMixin, PricedDocument

PRICE_COLUMNS = ("quantity", "unit_price", "tax_rate")


def _changed_documents(session: Session) -> set[PricedDocument]:
    documents: set[PricedDocument] = set()
    for obj in (*session.new, *session.dirty):
        if isinstance(obj, Invoice | CreditNote) and (
            obj in session.new or inspect(obj).attrs.lines.history.has_changes()
        ):
            documents.add(obj)
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, InvoiceLine) and obj.invoice is not None:
            documents.add(obj.invoice)
        elif isinstance(obj, CreditNoteLine) and obj.credit_note is not None:
            documents.add(obj.credit_note)
    return documents


def _priced(line: LineMixin) -> bool:
    """Fills in the column defaults a new line was made without (they would apply only at
    INSERT, after this hook); False if a figure is still missing: the database refuses that."""
    for name in PRICE_COLUMNS:
        if getattr(line, name) is None:
            default = line.__table__.c[name].default
            if default is None:
                return False
            setattr(line, name, default.arg)
    return True


def _store_totals(session: Session, _context, _instances) -> None:
    deleted = session.deleted
    for document in _changed_documents(session):
        if document in deleted:
            continue
        kept = [line for line in document.lines if line not in deleted]
        if all(map(_priced, kept)):
            cents = int(sum(line.gross for line in kept) * 100)
            if document.total_cents != cents:
                document.total_cents = cents


event.listen(Session, "before_flush", _store_totals)
