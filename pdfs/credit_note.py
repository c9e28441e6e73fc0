"""A credit note as a PDF, presented in its breakdown style (one total, per category, every
line, or every line under its category), against an invoice or credited to the account."""

from __future__ import annotations

from sqlalchemy.orm import Session

from models.core.formats import day, money
from models.money.address_format import bill_to_lines
from models.money.credit_notes import breakdown
from models.money.entities import CreditNote

from .layout import Column, Document, Letterhead, Row, letterhead_or_default

COLUMNS = (
    Column("Description", 100),
    Column("Net", 25, "RIGHT"),
    Column("Tax", 25, "RIGHT"),
    Column("Total", 25, "RIGHT"),
)


def credit_note_pdf(
    session: Session, credit_note: CreditNote, letterhead: Letterhead | None = None
) -> bytes:
    customer = credit_note.customer
    invoice = credit_note.invoice
    document = Document("Credit note", letterhead_or_default(letterhead))
    details = [
        ("Credit note", credit_note.number),
        ("Date", day(credit_note.credit_date)),
        ("Against invoice", invoice.number if invoice is not None else "None"),
        ("Account", customer.account_number),
    ]
    document.parties(bill_to_lines(customer, invoice), details)
    document.paragraph(
        f"Credited against invoice {invoice.number}, reducing what is owed on it."
        if invoice is not None
        else "Credited to your account: it reduces your balance.",
    )
    document.paragraph(credit_note.description, 10, "B")

    rows: list[Row] = []
    for group in breakdown(credit_note):
        if group.lines:  # every line under its category, then the category's total
            rows.append(Row([group.label], "group"))
            rows.extend(
                Row([line.description, money(line.net), money(line.tax), money(line.gross)])
                for line in group.lines
            )
            kind = "subtotal"
            label = f"Total {group.label.lower()}"
        else:
            kind, label = "line", group.label
        rows.append(Row([label, money(group.net), money(group.tax), money(group.gross)], kind))
    document.lines_table(COLUMNS, rows)

    document.totals(
        [
            ("Net", money(credit_note.net)),
            ("Tax", money(credit_note.tax)),
            ("Total credited", money(credit_note.total)),
        ],
        strong=("Total credited",),
    )
    if credit_note.notes:
        document.paragraph(credit_note.notes)
    return document.to_bytes()
