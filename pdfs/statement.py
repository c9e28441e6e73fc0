"""A statement of account as a PDF: open invoices (grouped by contact when asked), credits not
set against any invoice, how old the debt is, and the balance, all as of one date."""

from __future__ import annotations

from sqlalchemy.orm import Session

from models.core.formats import day, money
from models.money.address_format import bill_to_lines
from models.money.balances import BUCKETS
from models.money.statements import Statement

from .layout import Column, Document, Letterhead, Row, letterhead_or_default

INVOICE_COLUMNS = (
    Column("Invoice", 20),
    Column("Date", 20),
    Column("Due", 20),
    Column("Total", 20, "RIGHT"),
    Column("Paid", 20, "RIGHT"),
    Column("Credited", 20, "RIGHT"),
    Column("Outstanding", 22, "RIGHT"),
    Column("Age", 16, "RIGHT"),
)
CREDIT_COLUMNS = (
    Column("Credit", 22),
    Column("Date", 20),
    Column("Description", 94),
    Column("Amount", 22, "RIGHT"),
)


def bucket_label(bucket: str) -> str:
    return "Current" if bucket == "current" else f"{bucket} days"


def statement_pdf(
    session: Session, statement: Statement, letterhead: Letterhead | None = None
) -> bytes:
    customer = statement.customer
    document = Document("Statement", letterhead_or_default(letterhead))
    document.parties(
        bill_to_lines(customer),
        [
            ("Statement as of", day(statement.as_of)),
            ("Account", customer.account_number),
            ("Balance", money(statement.balance)),
        ],
    )

    document.section("Open invoices")
    if statement.invoices:
        rows: list[Row] = []
        for group in statement.groups:
            if statement.grouped:
                rows.append(Row([group.title], "group"))
            rows.extend(
                Row(
                    [
                        invoice.number,
                        day(invoice.invoice_date),
                        day(invoice.due_on),
                        money(invoice.total),
                        money(invoice.allocated),
                        money(invoice.credited),
                        money(invoice.outstanding),
                        bucket_label(invoice.bucket),
                    ]
                )
                for invoice in group.invoices
            )
            if statement.grouped:
                label = f"Total for {group.title}"
                rows.append(Row([label, money(group.outstanding), ""], "subtotal", span=6))
        total = money(statement.invoices_outstanding)
        rows.append(Row(["Total outstanding", total, ""], "subtotal", span=6))
        document.lines_table(INVOICE_COLUMNS, rows)
    else:
        document.paragraph("No invoices were open on this date.")

    if statement.credit_notes or statement.account_credit:
        document.section("Credits not set against an invoice")
        rows = [
            Row(
                [
                    credit.reference,
                    day(credit.credit_date),
                    credit.description,
                    money(credit.amount),
                ]
            )
            for credit in statement.credit_notes
        ]
        if statement.account_credit:
            rows.append(
                Row(
                    [
                        "On account",
                        "",
                        "Payments received, not yet set against an invoice",
                        money(statement.account_credit),
                    ]
                )
            )
        document.lines_table(CREDIT_COLUMNS, rows)

    document.section("How old the amount owed is")
    ageing = statement.figures.ageing
    document.lines_table(
        [Column(bucket_label(bucket), 1, "RIGHT") for bucket in BUCKETS],
        [Row([money(ageing[bucket]) for bucket in BUCKETS])],
    )

    figures = [("Open invoices", money(statement.invoices_outstanding))]
    if statement.credit_notes_total:
        figures.append(("Less credit notes", money(-statement.credit_notes_total)))
    figures.append(("Balance", money(statement.balance)))
    if statement.account_credit:
        figures += [
            ("Less payments on account", money(-statement.account_credit)),
            ("Balance after payments on account", money(statement.to_pay)),
        ]
    document.totals(figures, strong=("Balance",))
    return document.to_bytes()
