"""An invoice's page and its life in the panel: details, issue, void, delete only as a draft,
and raising one from a job (drafts are edited in test_invoice_form_pages.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from extensions import db
from models import (
    CreditNote,
    CreditNoteLine,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    PaymentMethod,
    Work,
    WorkStatus,
)
from models.money.invoicing import issue_invoice
from models.money.payments import Allocation, record_payment
from tests.browser import ARTIFACTS, log_in
from tests.factories import make_customer, make_invoice, make_work
from tests.sql import counting_statements


def post(client, url, data=None):
    return client.post(url, data={**(data or {}), **client.csrf()})


def shown_after(client, response) -> str:
    assert response.status_code == 302, response.status_code
    return client.get(response.headers["Location"]).get_data(as_text=True)


def invoices() -> int:
    return db.session.scalar(select(func.count()).select_from(Invoice))


@pytest.fixture
def customer(app):
    return make_customer()


def draft_for(customer, work=None, amount="100.00", kind=InvoiceKind.final) -> Invoice:
    invoice = make_invoice(customer, amount, tax_rate="20", kind=kind)
    if work is not None:
        invoice.lines[0].work = work
        db.session.commit()
    return invoice


def issued(customer, work=None, amount="100.00", kind=InvoiceKind.final) -> Invoice:
    invoice = draft_for(customer, work, amount, kind)
    issue_invoice(db.session, invoice)
    db.session.commit()
    return invoice


def pay(customer, invoice, amount: str) -> None:
    cash = db.session.scalar(select(PaymentMethod).where(PaymentMethod.name == "Cash"))
    record_payment(
        db.session,
        customer,
        paid_on=date(2026, 1, 10),
        method=cash,
        amount=Decimal(amount),
        allocations=[Allocation(invoice, Decimal(amount))],
    )
    db.session.commit()


# The details page


def test_the_details_page_shows_lines_payments_credit_notes_and_what_is_outstanding(
    client_as, customer
):
    work = make_work(customer, description="Boiler repair")
    invoice = issued(customer, work)  # 100 + 20% = 120.00
    pay(customer, invoice, "50.00")
    db.session.add(
        CreditNote(
            customer=customer,
            invoice=invoice,
            description="Goodwill",
            credit_date=date(2026, 1, 12),
            lines=[CreditNoteLine(description="Goodwill", unit_price=Decimal("10.00"))],
        )
    )
    db.session.commit()
    html = client_as("office").get(f"/admin/invoice/details/?id={invoice.id}").get_data(True)
    assert "Invoice INV000001" in html and ">Issued<" in html
    assert f'href="/admin/work/details/?id={work.id}">{work.number}</a>' in html
    assert "100.00" in html and "120.00" in html  # net and gross
    assert "10 Jan 2026" in html and "Cash" in html and "50.00" in html
    assert "CN000001" in html
    assert 'data-figure="outstanding">£58.00<' in html  # 120 - 50 paid - 12 credited
    assert f'href="/admin/customer/details/?id={customer.id}"' in html
    assert "Raise credit note" in html and "Void" in html and ">Issue<" not in html
    assert f'invoice/{invoice.id}.pdf" target="_blank"' in html  # PDF Print, in a new tab
    assert f'invoice/{invoice.id}.pdf?download=1">Download' in html


def test_a_draft_shows_edit_issue_and_delete_but_no_number(client_as, customer):
    invoice = draft_for(customer)
    html = client_as("office").get(f"/admin/invoice/details/?id={invoice.id}").get_data(True)
    assert "Invoice Draft" in html
    assert ">Edit</a>" in html and ">Issue</button>" in html and "Delete draft" in html
    assert "Raise credit note" not in html


def test_read_only_users_see_no_buttons(client_as, customer):
    invoice = issued(customer)
    html = client_as("read_only").get(f"/admin/invoice/details/?id={invoice.id}").get_data(True)
    assert "INV000001" in html
    for button in ("Raise credit note", ">Void<", ">Edit<", ">Issue<"):
        assert button not in html


def test_a_missing_invoice_is_said_to_be_missing(client_as):
    client = client_as("office")
    assert "Record does not exist." in shown_after(
        client, client.get("/admin/invoice/details/?id=9")
    )
    assert post(client, "/admin/invoice/9/issue/").status_code == 404


# Deleting


def test_a_draft_can_be_deleted(client_as, customer):
    invoice = draft_for(customer)
    response = post(client_as("office"), "/admin/invoice/delete/", {"id": invoice.id})
    assert response.status_code == 302
    assert invoices() == 0


def test_an_issued_invoice_cannot_be_deleted(client_as, customer):
    invoice = issued(customer)
    client = client_as("admin")
    response = post(client, "/admin/invoice/delete/", {"id": invoice.id})
    assert "Not deleted: INV000001 is issued" in shown_after(client, response)
    assert db.session.get(Invoice, invoice.id).status == InvoiceStatus.issued


# Issuing


def test_issuing_gives_the_next_number_and_a_final_invoice_completes_its_works(client_as, customer):
    first_work, second_work = make_work(customer), make_work(customer)
    interim = draft_for(customer, first_work, kind=InvoiceKind.interim)
    final = draft_for(customer, second_work)
    client = client_as("office")
    html = shown_after(client, post(client, f"/admin/invoice/{interim.id}/issue/"))
    assert "Issued INV000001." in html
    html = shown_after(client, post(client, f"/admin/invoice/{final.id}/issue/"))
    assert "Issued INV000002. Its works are completed." in html
    assert db.session.get(Invoice, final.id).number == "INV000002"
    assert db.session.get(Work, first_work.id).status == WorkStatus.open  # interim
    assert db.session.get(Work, second_work.id).status == WorkStatus.completed


def test_issuing_an_empty_draft_is_refused(client_as, customer):
    invoice = draft_for(customer)
    invoice.lines.clear()
    db.session.commit()
    client = client_as("office")
    html = shown_after(client, post(client, f"/admin/invoice/{invoice.id}/issue/"))
    assert "Not issued: Add at least one line before issuing the invoice." in html
    db.session.refresh(invoice)
    assert invoice.status == InvoiceStatus.draft and invoice.number is None


def test_an_issued_invoice_is_not_issued_again(client_as, customer):
    invoice = issued(customer)
    client = client_as("office")
    html = shown_after(client, post(client, f"/admin/invoice/{invoice.id}/issue/"))
    assert "Not issued: INV000001 is issued" in html
    assert db.session.get(Invoice, invoice.id).number == "INV000001"


# Voiding


def test_voiding_needs_a_reason(client_as, customer):
    invoice = issued(customer)
    response = post(client_as("office"), f"/admin/invoice/{invoice.id}/void/", {"reason": " "})
    assert response.status_code == 400
    assert "Say why the invoice is void." in response.get_data(as_text=True)
    assert db.session.get(Invoice, invoice.id).status == InvoiceStatus.issued


def test_voiding_with_a_reason_keeps_the_number(client_as, customer):
    invoice = issued(customer)
    client = client_as("office")
    response = post(client, f"/admin/invoice/{invoice.id}/void/", {"reason": "Raised twice"})
    html = shown_after(client, response)
    assert "INV000001 is void." in html and "Raised twice" in html
    invoice = db.session.get(Invoice, invoice.id)
    assert invoice.status == InvoiceStatus.void and invoice.number == "INV000001"


def test_an_invoice_with_a_payment_cannot_be_voided(client_as, customer):
    invoice = issued(customer)
    pay(customer, invoice, "20.00")
    client = client_as("office")
    response = post(client, f"/admin/invoice/{invoice.id}/void/", {"reason": "Wrong"})
    assert "Not voided: INV000001 has payments allocated to it" in shown_after(client, response)
    assert db.session.get(Invoice, invoice.id).status == InvoiceStatus.issued


def test_a_draft_cannot_be_voided(client_as, customer):
    invoice = draft_for(customer)
    client = client_as("office")
    response = client.get(f"/admin/invoice/{invoice.id}/void/")
    assert "only an issued invoice can be voided" in shown_after(client, response)


# Raising an invoice for a work


def test_raising_an_invoice_from_a_job_opens_a_draft_to_complete(client_as, customer):
    work = make_work(customer, description="New boiler", final_amount=Decimal("2400.00"))
    client = client_as("office")
    job_page = client.get(f"/admin/work/details/?id={work.id}").get_data(as_text=True)
    assert "Raise invoice" in job_page and f"/admin/invoice/raise/{work.id}/" in job_page
    response = post(client, f"/admin/invoice/raise/{work.id}/", {"kind": "interim"})
    invoice = db.session.scalar(select(Invoice))
    assert response.headers["Location"].startswith(f"/admin/invoice/edit/?id={invoice.id}")
    assert invoice.status == InvoiceStatus.draft and invoice.kind == InvoiceKind.interim
    assert [(line.work_id, line.unit_price) for line in invoice.lines] == [
        (work.id, Decimal("2400.00"))
    ]
    assert "New boiler" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_raising_an_invoice_needs_a_kind(client_as, customer):
    work = make_work(customer)
    client = client_as("office")
    response = post(client, f"/admin/invoice/raise/{work.id}/", {"kind": "paid"})
    assert "Choose an interim or a final invoice." in shown_after(client, response)
    assert invoices() == 0


# Who may post


def test_read_only_users_are_refused_every_invoice_change(client_as, customer):
    draft, done, work = draft_for(customer), issued(customer), make_work(customer)
    client = client_as("read_only")
    for url, data in (
        (f"/admin/invoice/{draft.id}/issue/", {}),
        (f"/admin/invoice/{done.id}/void/", {"reason": "No"}),
        (f"/admin/invoice/raise/{work.id}/", {"kind": "final"}),
        (f"/admin/invoice/consolidated/{customer.id}/", {"description": "x", "works": work.id}),
        (f"/admin/creditnote/raise/{done.id}/", {"description": "x"}),
        (f"/admin/creditnote/add/{customer.id}/", {"description": "x"}),
    ):
        assert post(client, url, data).status_code == 403, url
    assert db.session.get(Invoice, draft.id).status == InvoiceStatus.draft
    assert db.session.get(Invoice, done.id).status == InvoiceStatus.issued
    assert invoices() == 2
    assert db.session.scalar(select(func.count()).select_from(CreditNote)) == 0


def test_a_forged_token_issues_nothing(client_as, customer):
    invoice = draft_for(customer)
    client = client_as("office")
    for data in ({}, {"csrf_token": "forged"}, client_as("admin").csrf()):
        response = client.post(f"/admin/invoice/{invoice.id}/issue/", data=data)
        assert response.status_code == 400
    assert db.session.get(Invoice, invoice.id).status == InvoiceStatus.draft


def test_the_details_page_costs_the_same_queries_for_many_lines_and_payments(client_as, customer):
    def statements(invoice) -> int:
        client = client_as("read_only")
        with counting_statements() as seen:
            assert client.get(f"/admin/invoice/details/?id={invoice.id}").status_code == 200
        return len(seen)

    small = issued(customer, make_work(customer))
    pay(customer, small, "10.00")
    works = [make_work(customer) for _ in range(6)]
    large = draft_for(customer, works[0])
    large.lines.extend(
        InvoiceLine(description="Part", unit_price=Decimal("5"), work=work) for work in works[1:]
    )
    db.session.commit()
    issue_invoice(db.session, large)
    db.session.commit()
    for amount in ("1.00", "2.00", "3.00"):
        pay(customer, large, amount)
    assert statements(large) == statements(small)


@pytest.mark.browser
def test_issuing_from_the_invoice_page_asks_first(page, users, customer):  # noqa: F811
    work = make_work(customer, description="Boiler repair")
    invoice = draft_for(customer, work)
    log_in(page, users["office"].email)
    page.goto(f"/admin/invoice/details/?id={invoice.id}")
    page.once("dialog", lambda dialog: dialog.dismiss())  # cancelled: nothing happens
    page.click("button:has-text('Issue')")
    assert "Draft" in page.text_content("h1")
    dialogs = []
    page.once("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    page.click("button:has-text('Issue')")
    page.wait_for_selector("text=Issued INV000001")
    assert "Its works will be completed." in dialogs[0]
    db.session.refresh(invoice)  # issued by the browser's request
    pay(customer, invoice, "30.00")
    page.reload()
    assert page.text_content('[data-figure="outstanding"]') == "£90.00"
    page.screenshot(path=ARTIFACTS / "invoice-details.png", full_page=True)
