"""Invoice, credit note and statement PDFs: what they say (text read back with pypdf), and the
endpoints that serve them."""

import io
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader

from extensions import db
from models import (
    BreakdownStyle,
    CreditNote,
    CreditNoteLine,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    LineCategory,
)
from models.money.credit_notes import add_credit_note
from models.money.invoicing import (
    ConsolidatedEntry,
    consolidated_invoice,
    issue_invoice,
    void_invoice,
)
from models.money.statements import build_statement
from pdfs.credit_note import credit_note_pdf
from pdfs.invoice import invoice_pdf
from pdfs.layout import Letterhead, pdf_text
from pdfs.statement import statement_pdf
from tests.factories import make_customer, make_work, make_work_address
from tests.money.test_statements import AS_OF, mixed_account, pay
from tests.sql import counting_statements

LETTERHEAD = Letterhead("Acme Heating Ltd", ("1 Boiler Lane", "Leeds LS1 1AA"))


def text_of(content: bytes) -> str:
    assert content.startswith(b"%PDF-")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def draft(customer, *lines, **fields) -> Invoice:
    invoice = Invoice(
        customer=customer,
        description=fields.pop("description", "Boiler repair"),
        invoice_date=date(2026, 3, 1),
        due_on=date(2026, 3, 31),
        status=InvoiceStatus.draft,
        lines=list(lines)
        or [
            InvoiceLine(
                description="Replace diverter valve",
                category=LineCategory.parts,
                quantity=Decimal("2"),
                unit_price=Decimal("45.50"),
                tax_rate=Decimal("20"),
            ),
            InvoiceLine(description="Labour", unit_price=Decimal("60.00"), tax_rate=Decimal("20")),
        ],
        **fields,
    )
    db.session.add(invoice)
    db.session.commit()
    return invoice


def issued(customer, **fields) -> Invoice:
    invoice = draft(customer, **fields)
    issue_invoice(db.session, invoice)
    db.session.commit()
    return invoice


def test_an_invoice_shows_its_number_lines_totals_and_what_is_owed(app):
    customer = make_customer()
    invoice = issued(customer)
    pay(customer, "50.00", date(2026, 3, 10), [(invoice, "50.00")])

    text = text_of(invoice_pdf(db.session, invoice, LETTERHEAD))

    assert "Acme Heating Ltd" in text and "Leeds LS1 1AA" in text
    assert invoice.number in text
    assert "Replace diverter valve" in text and "Parts" in text
    assert "1 Mar 2026" in text and "31 Mar 2026" in text
    # 2 × 45.50 + 60.00 = 151.00 net, 30.20 tax, 181.20 gross; 50 paid.
    for label, amount in [("Net", "£151.00"), ("Tax", "£30.20"), ("Total", "£181.20")]:
        assert f"{label} {amount}" in text
    assert "Paid £50.00" in text and "Outstanding £131.20" in text
    assert "DRAFT" not in text


def test_the_bill_to_follows_the_address_format_and_skips_blank_tags(app):
    customer = make_customer(
        invoice_address_format="[landlord_name] c/o [customer_name]\n"
        "[customer_address_line_1]\n[customer_address_line_2]\n[customer_postcode]"
    )
    text = text_of(invoice_pdf(db.session, draft(customer), LETTERHEAD))
    assert "Mrs Ada Lovelace\n12 Analytical Row\nM1 1AA" in text
    assert "c/o" not in text


def test_the_landlord_is_printed_care_of_the_agent(app):
    agent = make_customer(
        type_name="Estate agent",
        company_name="Lets R Us",
        invoice_address_format="[landlord_name] c/o [customer_name]\n[customer_postcode]",
    )
    landlord = make_customer(title="Mr", first_name="George", surname="Byron")
    work = make_work(
        agent, number="J-100", work_address=make_work_address(agent, landlord=landlord)
    )
    invoice = draft(
        agent, InvoiceLine(work=work, description="Gas check", unit_price=Decimal("80"))
    )
    assert "Mr George Byron c/o Lets R Us\nM1 1AA" in text_of(invoice_pdf(db.session, invoice))


def test_a_draft_is_marked_draft_and_has_no_number(app):
    text = text_of(invoice_pdf(db.session, draft(make_customer()), LETTERHEAD))
    assert "DRAFT" in text and "Invoice number DRAFT" in text
    assert "Outstanding" not in text


def test_a_void_invoice_says_void_and_why(app):
    invoice = issued(make_customer())
    void_invoice(db.session, invoice, "Raised twice", on=date(2026, 3, 5))
    db.session.commit()
    text = text_of(invoice_pdf(db.session, invoice, LETTERHEAD))
    assert "VOID: this invoice was voided on 5 Mar 2026: Raised twice" in text


def test_a_consolidated_invoice_groups_lines_under_each_work(app):
    customer = make_customer()
    boiler = make_work(customer, number="J-1", description="Boiler service")
    fire = make_work(customer, number="J-2", description="Gas fire check")
    invoice = consolidated_invoice(
        db.session,
        customer,
        [ConsolidatedEntry(boiler, "90.00"), ConsolidatedEntry(fire, "40.00")],
        description="March works",
        invoice_date=date(2026, 3, 1),
        tax_rate=Decimal("0"),
    )
    db.session.commit()
    text = text_of(invoice_pdf(db.session, invoice, LETTERHEAD))
    assert "J-1 Boiler service" in text and "Total for J-1 £90.00" in text
    assert "J-2 Gas fire check" in text and "Total for J-2 £40.00" in text
    assert "Total £130.00" in text


def test_names_outside_latin_1_do_not_break_a_document(app):
    customer = make_customer(first_name="Zoë", surname="Ødegård 李", title=None)
    customer.address_line_1 = "Ulica Łódź – Ő"
    db.session.commit()
    text = text_of(invoice_pdf(db.session, draft(customer), LETTERHEAD))
    assert "Zoë Ødegård ?" in text
    assert "Ulica Lódz - O" in text  # ó is Latin-1; Ł, ź and Ő have plain stand-ins
    assert pdf_text("€5 “quoted” …") == 'EUR5 "quoted" ...'


@pytest.mark.parametrize(
    ("style", "expected", "absent"),
    [
        (BreakdownStyle.none, ["Goodwill credit £50.00 £5.00 £55.00"], ["Radiator valve"]),
        (BreakdownStyle.by_category, ["Labour £30.00", "Parts £20.00"], ["Radiator valve"]),
        (BreakdownStyle.full, ["Radiator valve £20.00 £2.00 £22.00", "Call-out £30.00"], []),
        (
            BreakdownStyle.full_by_category,
            ["Radiator valve £20.00", "Total parts £20.00 £2.00 £22.00", "Total labour £30.00"],
            [],
        ),
    ],
)
def test_a_credit_note_follows_its_breakdown_style(app, style, expected, absent):
    customer = make_customer()
    invoice = issued(customer)
    note = CreditNote(
        customer=customer,
        invoice=invoice,
        description="Goodwill credit",
        credit_date=date(2026, 3, 20),
        breakdown=style,
        lines=[
            CreditNoteLine(
                description="Call-out",
                category=LineCategory.labour,
                quantity=Decimal("1"),
                unit_price=Decimal("30.00"),
                tax_rate=Decimal("10"),
            ),
            CreditNoteLine(
                description="Radiator valve",
                category=LineCategory.parts,
                quantity=Decimal("1"),
                unit_price=Decimal("20.00"),
                tax_rate=Decimal("10"),
            ),
        ],
    )
    add_credit_note(db.session, note)
    db.session.commit()
    text = text_of(credit_note_pdf(db.session, note, LETTERHEAD))
    assert note.number in text and f"Against invoice {invoice.number}" in text
    assert "Total credited £55.00" in text
    for phrase in expected:
        assert phrase in text
    for phrase in absent:
        assert phrase not in text


def test_a_statement_shows_invoices_ageing_and_the_balance(app):
    account = mixed_account()
    statement = build_statement(db.session, account.customer, AS_OF)
    text = text_of(statement_pdf(db.session, statement, LETTERHEAD))

    for invoice in (account.current, account.recent, account.older, account.oldest):
        assert invoice.number in text
    for invoice in (account.paid, account.void, account.later):
        assert invoice.number not in text
    assert "Statement as of 31 Mar 2026" in text
    ageing = "Current 1-30 days 31-60 days 61-90 days 90+ days\n£60.00 £190.00 £50.00 £0.00 £300.00"
    assert ageing in text
    assert "Total outstanding £600.00" in text
    assert account.goodwill.number in text and "Less credit notes -£25.00" in text
    assert "Balance £575.00" in text
    assert "On account" in text and "Balance after payments on account £505.00" in text


def test_a_grouped_statement_has_a_heading_and_subtotal_per_contact(app):
    account = mixed_account()
    statement = build_statement(db.session, account.customer, AS_OF, group_by_contact=True)
    text = text_of(statement_pdf(db.session, statement, LETTERHEAD))
    headings = ["Charles Babbage", "Mary Somerville", "No contact"]
    positions = [text.index(heading) for heading in headings]
    assert positions == sorted(positions)
    assert "Total for Charles Babbage £60.00" in text
    assert "Total for Mary Somerville £190.00" in text
    assert "Total for No contact £350.00" in text


# The endpoints


def test_an_invoice_opens_inline_or_downloads(client_as):
    invoice = issued(make_customer())
    client = client_as("read_only")

    inline = client.get(f"/admin/documents/invoice/{invoice.id}.pdf")
    assert inline.status_code == 200
    assert inline.headers["Content-Type"] == "application/pdf"
    assert (
        inline.headers["Content-Disposition"] == f'inline; filename="invoice-{invoice.number}.pdf"'
    )
    assert inline.headers["X-Content-Type-Options"] == "nosniff"
    assert invoice.number in text_of(inline.data)

    download = client.get(f"/admin/documents/invoice/{invoice.id}.pdf?download=1")
    assert download.headers["Content-Disposition"].startswith("attachment;")


def test_a_statement_pdf_for_a_date_and_grouping(client_as):
    account = mixed_account()
    client = client_as("office")
    url = f"/admin/documents/statement/{account.customer.id}.pdf"
    response = client.get(f"{url}?as_of={AS_OF}&grouped=1&download=1")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="statement-{account.customer.account_number}-2026-03-31.pdf"'
    )
    assert "Total for Mary Somerville £190.00" in text_of(response.data)
    assert client.get(f"{url}?as_of=2999-01-01").status_code == 400
    assert client.get(f"{url}?as_of=yesterday").status_code == 400


def test_unknown_and_merged_documents_are_not_found(client_as):
    client = client_as("admin")
    customer = make_customer()
    invoice = issued(customer)
    assert client.get("/admin/documents/invoice/999.pdf").status_code == 404
    assert client.get("/admin/documents/credit-note/999.pdf").status_code == 404
    assert client.get("/admin/documents/statement/999.pdf").status_code == 404
    kept = make_customer(surname="Kept")
    customer.merged_into = kept
    db.session.commit()
    assert client.get(f"/admin/documents/statement/{customer.id}.pdf").status_code == 404
    assert client.get(f"/admin/documents/invoice/{invoice.id}.pdf").status_code == 404


def test_documents_need_a_login(anonymous):
    response = anonymous.get("/admin/documents/invoice/1.pdf")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_an_invoice_pdf_costs_the_same_sql_for_few_or_many_works(client_as):
    customer = make_customer()
    client = client_as("office")

    def statements_for(works: int) -> int:
        entries = [
            ConsolidatedEntry(
                make_work(customer, work_address=make_work_address(customer)), Decimal("10")
            )
            for _ in range(works)
        ]
        invoice = consolidated_invoice(
            db.session, customer, entries, description="Works", invoice_date=date(2026, 3, 1)
        )
        db.session.commit()
        pay(customer, "5.00", date(2026, 3, 2), [(invoice, "5.00")])
        with counting_statements() as statements:
            assert client.get(f"/admin/documents/invoice/{invoice.id}.pdf").status_code == 200
        return len(statements)

    assert statements_for(2) == statements_for(6)
