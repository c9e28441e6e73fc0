"""An invoice as a PDF: letterhead, who it is billed to (the address format), its lines and
totals, and what is paid and still owed. Drafts carry a DRAFT watermark and no number; void
invoices say VOID and why."""

from __future__ import annotations

from sqlalchemy.orm import Session

from models.core.enums import InvoiceStatus
from models.core.formats import day, money
from models.money.address_format import bill_to_lines
from models.money.balances import invoice_outstanding
from models.money.entities import Invoice, InvoiceLine, totals_of

from .layout import Column, Document, Letterhead, Row, letterhead_or_default, number


def invoice_pdf(session: Session, invoice: Invoice, letterhead: Letterhead | None = None) -> bytes:
    customer = invoice.customer
    status = invoice.status
    watermark = {InvoiceStatus.draft: "DRAFT", InvoiceStatus.void: "VOID"}.get(status)
    title = "Interim invoice" if invoice.kind == "interim" else "Invoice"
    document = Document(title, letterhead_or_default(letterhead), watermark)

    details = [
        ("Invoice number", invoice.number or "DRAFT"),
        ("Invoice date", day(invoice.invoice_date)),
        ("Due date", day(invoice.due_on)),
        ("Account", customer.account_number),
    ]
    if invoice.contact is not None:
        details.append(("For", invoice.contact.name))
    document.parties(bill_to_lines(customer, invoice), details)

    if status == InvoiceStatus.void:
        document.paragraph(
            f"VOID: this invoice was voided on {day(invoice.voided_on)}"
            f"{': ' + invoice.void_reason if invoice.void_reason else ''}. Nothing is owed on it.",
            10,
            "B",
        )
    elif status == InvoiceStatus.draft:
        document.paragraph(
            "DRAFT: not yet issued. The invoice number is given when it is issued.", 10, "B"
        )
    document.paragraph(invoice.description, 10, "B")
    _lines(document, invoice)

    figures = [
        ("Net", money(invoice.net)),
        ("Tax", money(invoice.tax)),
        ("Total", money(invoice.total)),
    ]
    if status == InvoiceStatus.issued:
        figures.append(("Paid", money(invoice.paid)))
        if invoice.credited:
            figures.append(("Credited", money(invoice.credited)))
        figures.append(
            ("Outstanding", money(invoice_outstanding(session, [invoice.id])[invoice.id]))
        )
    document.totals(figures, strong=("Total", "Outstanding"))

    if status == InvoiceStatus.issued:
        document.paragraph(
            f"Please pay by {day(invoice.due_on)}, quoting invoice {invoice.number}."
        )
    if invoice.notes:
        document.paragraph(invoice.notes)
    return document.to_bytes()


def _lines(document: Document, invoice: Invoice) -> None:
    """One table of lines; a consolidated invoice groups them under each work."""
    consolidated = invoice.is_consolidated
    show_work = not consolidated and any(line.work is not None for line in invoice.lines)
    columns = [
        *([Column("Work", 14)] if show_work else []),
        Column("Category", 14),
        Column("Description", 62 if show_work else 76),
        Column("Qty", 10, "RIGHT"),
        Column("Unit price", 18, "RIGHT"),
        Column("Tax", 10, "RIGHT"),
        Column("Total", 18, "RIGHT"),
    ]

    def row(line: InvoiceLine) -> Row:
        work = [line.work.number if line.work else ""] if show_work else []
        return Row(
            [
                *work,
                line.category.label,
                line.description,
                number(line.quantity),
                money(line.unit_price),
                f"{number(line.tax_rate)}%",
                money(line.gross),
            ]
        )

    if not consolidated:
        document.lines_table(columns, [row(line) for line in invoice.lines])
        return
    rows: list[Row] = []
    for work in invoice.works:
        lines = [line for line in invoice.lines if line.work is work]
        rows.append(Row([f"{work.number}  {work.description}"], "group"))
        rows.extend(row(line) for line in lines)
        subtotal = totals_of(lines)["gross"]
        label = f"Total for {work.number}"
        rows.append(Row([label, money(subtotal)], "subtotal", span=len(columns) - 1))
    others = [line for line in invoice.lines if line.work is None]
    if others:
        rows.append(Row(["Other charges"], "group"))
        rows.extend(row(line) for line in others)
    document.lines_table(columns, rows)
