"""Credit notes in the panel (seed 004 "Add New Credit Note"): for a customer alone or raised
from an issued invoice, saved only within the rules; and a credit note's page."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from extensions import db
from models import BreakdownStyle, CreditNote
from models.money.balances import customer_balance
from tests.browser import ARTIFACTS, log_in
from tests.factories import make_customer, make_invoice, make_issued_labour_and_parts_invoice


@pytest.fixture
def customer(app):
    return make_customer()


@pytest.fixture
def invoice(customer):
    return make_issued_labour_and_parts_invoice(customer)


def credit_notes() -> int:
    return db.session.scalar(select(func.count()).select_from(CreditNote))


def note_form(*lines, **overrides) -> dict[str, str]:
    """The form as posted: lines are (category, description, quantity, unit price, tax rate)."""
    data = {
        "description": "Labour reduction",
        "credit_date": "2026-02-01",
        "breakdown": "by_category",
        "notes": "",
    }
    for index, (category, description, quantity, price, rate) in enumerate(lines):
        data |= {
            f"lines-{index}-category": category,
            f"lines-{index}-description": description,
            f"lines-{index}-quantity": quantity,
            f"lines-{index}-unit_price": price,
            f"lines-{index}-tax_rate": rate,
        }
    return {**data, **overrides}


def post(client, url, data):
    return client.post(url, data={**data, **client.csrf()})


def test_raising_from_an_invoice_is_prefilled_with_its_lines(client_as, invoice):
    html = client_as("office").get(f"/admin/creditnote/raise/{invoice.id}/").get_data(True)
    assert "Raise credit note" in html and "against invoice" in html
    assert 'data-figure="outstanding">£180.00<' in html
    assert 'name="lines-0-description" value="Labour"' in html
    assert 'name="lines-1-description" value="Valve"' in html
    assert 'name="lines-1-unit_price" value="25.00"' in html
    assert '<option value="parts" selected>' in html
    assert 'value="Credit for INV000001"' in html


def test_the_invoice_page_links_to_raising_a_credit_note(client_as, invoice):
    html = client_as("office").get(f"/admin/invoice/details/?id={invoice.id}").get_data(True)
    assert f'href="/admin/creditnote/raise/{invoice.id}/"' in html


def test_a_credit_note_against_an_invoice_reduces_what_it_owes(client_as, customer, invoice):
    client = client_as("office")
    response = post(
        client,
        f"/admin/creditnote/raise/{invoice.id}/",
        note_form(("parts", "Valve", "1", "25.00", "20")),
    )
    note = db.session.scalar(select(CreditNote))
    assert response.headers["Location"] == f"/admin/creditnote/details/?id={note.id}"
    assert note.invoice_id == invoice.id and note.total == Decimal("30.00")
    balance = customer_balance(db.session, customer.id)
    assert balance.credited == Decimal("30.00") and balance.balance == Decimal("150.00")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Credit note CN000001 for £30.00 saved." in html
    assert "Breakdown by category" in html and "Parts" in html
    assert f'href="/admin/invoice/details/?id={invoice.id}">INV000001</a>' in html
    assert f'credit-note/{note.id}.pdf" target="_blank"' in html
    assert f'credit-note/{note.id}.pdf?download=1">Download' in html
    invoice_page = client.get(f"/admin/invoice/details/?id={invoice.id}").get_data(True)
    assert "CN000001" in invoice_page and 'data-figure="outstanding">£150.00<' in invoice_page


def test_crediting_more_than_is_outstanding_is_refused(client_as, invoice):
    response = post(
        client_as("office"),
        f"/admin/creditnote/raise/{invoice.id}/",
        note_form(("labour", "Everything", "1", "200.00", "0")),
    )
    assert response.status_code == 400
    assert "This credits £200.00 but INV000001 only has £180.00 outstanding." in (
        response.get_data(as_text=True)
    )
    assert credit_notes() == 0


@pytest.mark.parametrize(
    "line, message",
    [
        (("labour", "Refund", "1", "-10", "20"), "Cannot be negative."),
        (("labour", "Refund", "1", "ten", "20"), "Enter a number, such as 125.50."),
        (("labour", "Refund", "0", "10", "20"), "Must be more than zero."),
        (("labour", "Refund", "1", "10", "120"), "A percentage, 0 to 100."),
        (("labour", "Refund", "1", "NaN", "20"), "Enter a number, such as 125.50."),
        (("labour", "Refund", "1", "1e30", "20"), "That amount is too large."),
        (("labour", "", "1", "10", "20"), "Describe the line."),
        (("refund", "Refund", "1", "10", "20"), "Not a valid choice."),
    ],
)
def test_bad_lines_are_refused_beside_their_field(client_as, customer, line, message):
    response = post(client_as("office"), f"/admin/creditnote/add/{customer.id}/", note_form(line))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert credit_notes() == 0


def test_a_credit_note_needs_a_line(client_as, customer):
    response = post(client_as("office"), f"/admin/creditnote/add/{customer.id}/", note_form())
    assert "Add at least one line to credit." in response.get_data(as_text=True)
    assert credit_notes() == 0


def test_a_credit_note_for_the_customer_alone_reduces_their_balance(client_as, customer, invoice):
    client = client_as("office")
    response = post(
        client,
        f"/admin/creditnote/add/{customer.id}/",
        note_form(
            ("labour", "Goodwill", "1", "10.00", "20"),
            ("parts", "Filter", "2", "5.00", "20"),
            breakdown="full_by_category",
        ),
    )
    note = db.session.scalar(select(CreditNote))
    assert note.invoice_id is None and note.breakdown == BreakdownStyle.full_by_category
    assert [line.description for line in note.lines] == ["Goodwill", "Filter"]
    assert customer_balance(db.session, customer.id).balance == Decimal("156.00")  # 180 - 24
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Full breakdown by category" in html and "not tied to an invoice" in html
    assert "Goodwill" in html and "Filter" in html and 'data-figure="total">£24.00<' in html


def test_the_add_page_offers_the_four_breakdown_styles(client_as, customer):
    html = client_as("office").get(f"/admin/creditnote/add/{customer.id}/").get_data(True)
    for style in (
        "No breakdown",
        "Breakdown by category",
        "Full breakdown",
        "Full breakdown by category",
    ):
        assert f">{style}</option>" in html
    assert 'name="lines-0-description"' in html and "Add a line" in html
    record = client_as("office").record(customer.id)
    assert f"/admin/creditnote/add/{customer.id}/" in record


def test_a_draft_invoice_cannot_be_credited(client_as, customer):
    draft = make_invoice(customer)
    client = client_as("office")
    response = client.get(f"/admin/creditnote/raise/{draft.id}/")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "only an issued invoice can be credited" in html
    response = post(
        client, f"/admin/creditnote/raise/{draft.id}/", note_form(("labour", "x", "1", "1", "0"))
    )
    assert "only issued invoices are credited" in response.get_data(as_text=True)
    assert credit_notes() == 0


def test_the_plain_forms_do_not_bypass_the_rules(client_as, customer, invoice):
    client = client_as("office")
    forged = {
        "customer": customer.id,
        "invoice": invoice.id,
        "description": "Too much",
        "credit_date": "2026-02-01",
        "breakdown": "none",
        "lines-0-description": "All",
        "lines-0-quantity": "1",
        "lines-0-unit_price": "9999",
        "lines-0-tax_rate": "0",
    }
    response = post(client, f"/admin/creditnote/new/?customer={customer.id}", forged)
    assert response.headers["Location"] == f"/admin/creditnote/add/{customer.id}/"
    assert post(client, "/admin/creditnote/new/", forged).status_code == 302
    assert credit_notes() == 0
    post(
        client,
        f"/admin/creditnote/raise/{invoice.id}/",
        note_form(("labour", "Part", "1", "10.00", "0")),
    )
    note = db.session.scalar(select(CreditNote))
    response = post(client, f"/admin/creditnote/edit/?id={note.id}", forged)
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"{note.number} is issued and cannot be edited" in html
    db.session.refresh(note)
    assert note.total == Decimal("10.00")


def test_a_forged_token_saves_no_credit_note(client_as, customer):
    client = client_as("office")
    data = note_form(("labour", "Goodwill", "1", "10.00", "20"))
    for token in ({}, {"csrf_token": "forged"}):
        response = client.post(f"/admin/creditnote/add/{customer.id}/", data={**data, **token})
        assert response.status_code == 400
    assert credit_notes() == 0


@pytest.mark.browser
def test_the_prefilled_lines_can_be_changed_removed_and_added_to(page, users, invoice):  # noqa: F811
    log_in(page, users["office"].email)
    page.goto(f"/admin/creditnote/raise/{invoice.id}/")
    expect(page.locator('[data-total="gross"]')).to_have_text("£180.00")  # all of the invoice
    page.screenshot(path=ARTIFACTS / "credit-note-prefilled.png", full_page=True)
    page.click("tr:has([value=Labour]) [data-remove-line]")
    page.fill('[name="lines-1-quantity"]', "1")
    expect(page.locator('[data-total="gross"]')).to_have_text("£30.00")
    page.click("[data-add-line]")
    page.fill('[name="lines-2-description"]', "Call-out refund")
    page.fill('[name="lines-2-unit_price"]', "12.50")
    expect(page.locator('[data-total="gross"]')).to_have_text("£45.00")
    page.click("button:has-text('Save')")
    page.wait_for_url("**/admin/creditnote/details/**")
    assert page.text_content('[data-figure="total"]') == "£45.00"
    note = db.session.scalar(select(CreditNote))
    assert [line.description for line in note.lines] == ["Valve", "Call-out refund"]
    page.screenshot(path=ARTIFACTS / "credit-note-details.png", full_page=True)
