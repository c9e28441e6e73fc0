"""The draft invoice pages and their line editor: rows shown by their labels, lines added,
edited and removed, each refusal by its row and field, the live totals priced by the same
function as the saved invoice, the due date from the creditor days, and what is refused."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from html import unescape

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from extensions import db
from models import Contact, Invoice, InvoiceLine, InvoiceStatus, LineCategory, WorkStatus
from models.money.invoicing import issue_invoice
from tests.browser import ARTIFACTS, log_in
from tests.factories import make_customer, make_invoice, make_work

TODAY = date.today()


def post(client, url, data):
    return client.post(url, data={**data, **client.csrf()})


def invoices() -> int:
    return db.session.scalar(select(func.count()).select_from(Invoice))


def refusal(html: str, field_id: str) -> str:
    """The message shown under a field, found by the field's id."""
    match = re.search(rf'<div class="invalid-feedback" id="{field_id}-error">([^<]*)</div>', html)
    return unescape(match.group(1)) if match else ""


def value_of(html: str, field_id: str) -> str:
    match = re.search(rf'<input [^>]*id="{field_id}"[^>]*value="([^"]*)"', html)
    return unescape(match.group(1)) if match else ""


@pytest.fixture
def customer(app):
    return make_customer(creditor_days=14)


@pytest.fixture
def draft(customer):
    return make_invoice(customer, "100.00", tax_rate="20")


def invoice_form(*lines, **details) -> dict[str, str]:
    """What the page posts: the invoice's details and one row per line, as
    (category, description, quantity, unit price, tax rate[, job id])."""
    data = {
        "description": "Boiler service",
        "invoice_date": "2026-03-02",
        "due_on": "2026-03-16",
        "kind": "final",
        "contact": "",
        "invoice_address": "",
        "notes": "",
        **details,
    }
    for index, line in enumerate(lines):
        category, description, quantity, unit_price, tax_rate, *job = line
        data |= {
            f"lines-{index}-category": category,
            f"lines-{index}-description": description,
            f"lines-{index}-quantity": quantity,
            f"lines-{index}-unit_price": unit_price,
            f"lines-{index}-tax_rate": tax_rate,
            f"lines-{index}-work": str(job[0]) if job else "",
        }
    return data


LABOUR = ("labour", "Labour", "2", "45.00", "20")
VALVE = ("parts", "Valve", "1", "12.50", "20")


# The page


def test_the_editor_shows_each_line_with_its_labels(client_as, customer, draft):
    draft.lines.append(
        InvoiceLine(category=LineCategory.parts, description="Valve", unit_price=Decimal("12.50"))
    )
    db.session.commit()
    html = client_as("office").get(f"/admin/invoice/edit/?id={draft.id}").get_data(True)
    assert "Edit draft invoice" in html and "Lines #1" not in html and "Add Lines" not in html
    for header in ("Job", "Category", "Description", "Quantity", "Unit price", "Tax rate (%)"):
        assert f">{header}</th>" in html
    assert '<option value="labour" selected>Labour</option>' in html
    assert '<option value="parts" selected>Parts</option>' in html
    assert 'name="lines-1-description" value="Valve"' in html
    assert "Add a line" in html and 'aria-label="Remove this line"' in html
    assert f'name="version" type="hidden" value="{draft.version}"' in html
    assert ">Final invoice</option>" in html and ">final<" not in html


def test_a_new_invoice_is_due_after_the_customers_creditor_days(client_as, customer):
    html = client_as("office").get(f"/admin/invoice/new/?customer={customer.id}").get_data(True)
    assert value_of(html, "invoice_date") == TODAY.isoformat()
    assert value_of(html, "due_on") == (TODAY + timedelta(days=14)).isoformat()
    assert 'name="lines-0-description" value=""' in html  # one blank line to start from


@pytest.mark.parametrize("days", [None, 0])
def test_a_customer_without_creditor_days_pays_on_the_invoice_date(client_as, days):
    customer = make_customer()
    customer.creditor_days = days  # None: cleared after it was made (new ones start at 30)
    db.session.commit()
    html = client_as("office").get(f"/admin/invoice/new/?customer={customer.id}").get_data(True)
    assert value_of(html, "due_on") == TODAY.isoformat()


def test_the_new_page_without_a_customer_says_where_to_add_one(client_as):
    client = client_as("office")
    response = client.get("/admin/invoice/new/")
    assert response.headers["Location"] == "/admin/customer/"
    html = unescape(client.get("/admin/customer/").get_data(as_text=True))
    assert "Add an invoice from the customer's record" in html


def test_the_record_offers_add_invoice(client_as, customer):
    record = client_as("office").record(customer.id)
    assert f'href="/admin/invoice/new/?customer={customer.id}"' in record
    assert "Add invoice" in record


# Saving


def test_an_invoice_is_added_with_its_lines_and_shown_on_its_page(client_as, customer):
    client = client_as("office")
    job = make_work(customer, description="Boiler repair")
    response = post(
        client,
        f"/admin/invoice/new/?customer={customer.id}",
        invoice_form((*LABOUR, job.id), VALVE),
    )
    invoice = db.session.scalar(select(Invoice))
    assert response.headers["Location"] == f"/admin/invoice/details/?id={invoice.id}"
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Draft invoice saved, £123.00 in all" in html
    assert invoice.status == InvoiceStatus.draft and invoice.number is None
    assert invoice.due_on == date(2026, 3, 16)
    assert [(line.category, line.description, line.work_id) for line in invoice.lines] == [
        (LineCategory.labour, "Labour", job.id),
        (LineCategory.parts, "Valve", None),
    ]
    assert invoice.total == Decimal("123.00")  # 90 + 12.50, and 20% tax


def test_a_draft_is_edited_a_line_removed_and_one_added(client_as, customer, draft):
    kept_line = draft.lines[0].id
    client = client_as("office")
    response = post(
        client,
        f"/admin/invoice/edit/?id={draft.id}",
        invoice_form(VALVE, version=str(draft.version)),
    )
    assert response.status_code == 302
    db.session.refresh(draft)
    assert [(line.id, line.description) for line in draft.lines] == [(kept_line, "Valve")]
    assert draft.description == "Boiler service" and draft.total == Decimal("15.00")
    response = post(
        client,
        f"/admin/invoice/edit/?id={draft.id}",
        invoice_form(VALVE, LABOUR, version=str(draft.version)),
    )
    db.session.refresh(draft)
    assert [line.description for line in draft.lines] == ["Valve", "Labour"]


def test_a_draft_saved_by_someone_else_meanwhile_is_refused(client_as, customer, draft):
    client = client_as("office")
    seen = draft.version
    draft.description = "Changed by a colleague"
    db.session.commit()
    response = post(
        client,
        f"/admin/invoice/edit/?id={draft.id}",
        invoice_form(VALVE, version=str(seen), description="Mine"),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "was changed by someone else after you opened it" in html
    assert 'value="Mine"' in html  # what was typed is kept
    db.session.refresh(draft)
    assert draft.description == "Changed by a colleague" and draft.total == Decimal("120.00")


def test_an_issued_invoice_cannot_be_edited(client_as, customer, draft):
    issue_invoice(db.session, draft)
    db.session.commit()
    client = client_as("office")
    response = client.get(f"/admin/invoice/edit/?id={draft.id}")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "INV000001 is issued and cannot be edited: raise a credit note or void it." in html
    response = post(client, f"/admin/invoice/edit/?id={draft.id}", invoice_form(VALVE))
    assert response.status_code == 302
    db.session.refresh(draft)
    assert draft.description == "Service" and draft.total == Decimal("120.00")


def test_a_missing_invoice_is_said_to_be_missing(client_as):
    client = client_as("office")
    response = client.get("/admin/invoice/edit/?id=999")
    assert "Record does not exist." in client.get(response.headers["Location"]).get_data(True)


# Refusals, by row and field


@pytest.mark.parametrize(
    "row, field, message",
    [
        (("labour", "Labour", "0", "45.00", "20"), "quantity", "Must be more than zero."),
        (("labour", "Labour", "1", "-5", "20"), "unit_price", "Cannot be negative."),
        (("labour", "Labour", "1", "ten", "20"), "unit_price", "Enter a number, such as 125.50."),
        (("labour", "Labour", "1", "Infinity", "20"), "unit_price", "Enter a number, such as"),
        (("labour", "Labour", "sNaN", "1", "20"), "quantity", "Enter a number, such as"),
        (
            ("labour", "Labour", "1", "10.005", "20"),
            "unit_price",
            "Use at most two decimal places.",
        ),
        (("labour", "Labour", "1", "10", "120"), "tax_rate", "A percentage, 0 to 100."),
        (("labour", " ", "1", "10", "20"), "description", "Describe the line."),
        (("overtime", "Labour", "1", "10", "20"), "category", "Not a valid choice."),
    ],
)
def test_a_refused_line_is_shown_by_its_row_and_nothing_is_saved(
    client_as, customer, draft, row, field, message
):
    response = post(
        client_as("office"),
        f"/admin/invoice/edit/?id={draft.id}",
        invoice_form(VALVE, row, description="Changed", version=str(draft.version)),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in refusal(html, f"lines-1-{field}")
    assert refusal(html, "lines-0-unit_price") == ""
    assert 'name="lines-0-description" value="Valve"' in html and 'value="Changed"' in html
    db.session.refresh(draft)
    assert draft.description == "Service" and draft.total == Decimal("120.00")


def test_a_due_date_before_the_invoice_date_is_refused_by_its_field(client_as, customer):
    response = post(
        client_as("office"),
        f"/admin/invoice/new/?customer={customer.id}",
        invoice_form(VALVE, due_on="2026-03-01"),
    )
    assert "The due date cannot be before the invoice date." in refusal(
        response.get_data(as_text=True), "due_on"
    )
    assert invoices() == 0


def test_an_invoice_without_lines_is_refused(client_as, customer):
    response = post(
        client_as("office"), f"/admin/invoice/new/?customer={customer.id}", invoice_form()
    )
    assert "Add at least one line." in response.get_data(as_text=True)
    assert invoices() == 0


def test_a_line_cannot_bill_another_customers_job(client_as, customer, draft):
    theirs = make_work(make_customer(surname="Babbage", email="cb@example.com"))
    response = post(
        client_as("office"),
        f"/admin/invoice/edit/?id={draft.id}",
        invoice_form((*VALVE, theirs.id), version=str(draft.version)),
    )
    html = response.get_data(as_text=True)
    assert "Choose one of this customer's jobs." in refusal(html, "lines-0-work")
    assert theirs.number not in html  # their job is not offered either
    db.session.refresh(draft)
    assert draft.lines[0].work_id is None and draft.total == Decimal("120.00")


def test_a_completed_job_already_on_the_draft_stays_offered(client_as, customer, draft):
    job = make_work(customer, status=WorkStatus.completed)
    draft.lines[0].work = job
    db.session.commit()
    html = client_as("office").get(f"/admin/invoice/edit/?id={draft.id}").get_data(True)
    assert f'<option value="{job.id}" selected>{job.number}' in html


def test_the_contact_must_be_the_customers(client_as, customer, draft):
    theirs = Contact(customer=make_customer(surname="Babbage", email="cb@example.com"), surname="X")
    db.session.add(theirs)
    db.session.commit()
    response = post(
        client_as("office"),
        f"/admin/invoice/edit/?id={draft.id}",
        invoice_form(VALVE, contact=str(theirs.id), version=str(draft.version)),
    )
    assert "Choose a contact of the invoiced customer." in refusal(
        response.get_data(as_text=True), "contact"
    )
    db.session.refresh(draft)
    assert draft.contact_id is None


def test_read_only_users_cannot_add_or_edit_invoices(client_as, customer, draft):
    client = client_as("read_only")
    assert client.get(f"/admin/invoice/new/?customer={customer.id}").status_code == 403
    response = post(client, f"/admin/invoice/edit/?id={draft.id}", invoice_form(VALVE))
    assert response.status_code == 403
    assert db.session.get(Invoice, draft.id).total == Decimal("120.00")


def test_a_forged_token_saves_nothing(client_as, customer, draft):
    client = client_as("office")
    for token in ({}, {"csrf_token": "forged"}, client_as("admin").csrf()):
        response = client.post(
            f"/admin/invoice/new/?customer={customer.id}", data={**invoice_form(VALVE), **token}
        )
        assert response.status_code == 400
    assert invoices() == 1


# The live totals


def totals(client, lines, token=None):
    headers = {"X-CSRFToken": client.csrf()["csrf_token"] if token is None else token}
    return client.post("/admin/invoice/totals/", json={"lines": lines}, headers=headers)


def test_the_live_totals_are_the_saved_invoices(client_as, customer):
    client = client_as("office")
    rows = [("labour", "Labour", "3", "33.33", "20"), ("parts", "Seal", "1", "0.05", "17.5")]
    priced = totals(
        client,
        [dict(zip(("quantity", "unit_price", "tax_rate"), row[2:], strict=True)) for row in rows],
    ).get_json()
    post(client, f"/admin/invoice/new/?customer={customer.id}", invoice_form(*rows))
    invoice = db.session.scalar(select(Invoice))
    money = client.application.jinja_env.filters["money"]
    assert priced == {
        "lines": [{"total": money(line.gross)} for line in invoice.lines],
        "net": money(invoice.net),
        "tax": money(invoice.tax),
        "gross": money(invoice.total),
    }
    assert priced["gross"] == "£120.05"  # 99.99 + 20.00 tax, 0.05 + 0.01 tax


def test_a_refused_line_leaves_the_others_priced(client_as):
    answer = totals(
        client_as("office"),
        [
            {"quantity": "2", "unit_price": "10", "tax_rate": "20"},
            {"quantity": "0", "unit_price": "abc", "tax_rate": "20"},
            {"quantity": "1", "unit_price": "5", "tax_rate": "0"},
            {"quantity": "sNaN", "unit_price": "NaN", "tax_rate": "1e999999"},
        ],
    ).get_json()
    assert answer["lines"][0] == {"total": "£24.00"} and answer["lines"][2] == {"total": "£5.00"}
    assert answer["lines"][1] == {
        "errors": {
            "quantity": "Must be more than zero.",
            "unit_price": "Enter a number, such as 125.50.",
        }
    }
    assert answer["lines"][3] == {
        "errors": {
            "quantity": "Enter a number, such as 125.50.",
            "unit_price": "Enter a number, such as 125.50.",
            "tax_rate": "That amount is too large.",
        }
    }
    assert (answer["net"], answer["tax"], answer["gross"]) == ("£25.00", "£4.00", "£29.00")


@pytest.mark.parametrize("body", [{"lines": "many"}, {"lines": [1]}, [], {"lines": [{}] * 101}])
def test_the_live_totals_refuse_what_is_not_lines(client_as, body):
    client = client_as("office")
    response = client.post(
        "/admin/invoice/totals/", json=body, headers={"X-CSRFToken": client.csrf()["csrf_token"]}
    )
    assert response.status_code == 400 and "lines" in response.get_json()["error"]


def test_the_live_totals_refuse_a_forged_token_in_json(client_as):
    client = client_as("office")
    for token in ("", "forged", client_as("admin").csrf()["csrf_token"]):
        response = totals(client, [{"quantity": "1", "unit_price": "1", "tax_rate": "0"}], token)
        assert response.status_code == 400 and response.is_json
        assert "This form has expired" in response.get_json()["error"]


# In a browser


@pytest.mark.browser
def test_lines_are_added_priced_while_typing_and_saved(page, users, customer):
    make_work(customer, description="Boiler repair")
    log_in(page, users["office"].email)
    page.goto(f"/admin/invoice/new/?customer={customer.id}")
    page.fill("#description", "Boiler repair and parts")
    page.fill("#lines-0-description", "Labour")
    page.keyboard.press("Enter")  # to the quantity, not sending the form
    assert page.evaluate("document.activeElement.id") == "lines-0-quantity"
    page.keyboard.press("Control+A")
    page.keyboard.type("2")
    page.keyboard.press("Enter")
    page.keyboard.type("45")
    gross = page.locator("[data-total=gross]")
    expect(gross).to_have_text("£108.00")
    page.click("text=Add a line")
    assert page.evaluate("document.activeElement.id") == "lines-1-description"
    page.select_option("#lines-1-category", label="Parts")
    page.fill("#lines-1-description", "Pump")
    page.fill("#lines-1-unit_price", "0")  # a refused line leaves the others priced
    page.fill("#lines-1-quantity", "0")
    expect(page.locator("[data-line-total]").nth(1)).to_have_text("–")
    expect(gross).to_have_text("£108.00")
    page.fill("#lines-1-quantity", "1")
    page.fill("#lines-1-unit_price", "150")
    expect(gross).to_have_text("£288.00")
    expect(page.locator("[data-total=tax]")).to_have_text("£48.00")
    page.click("text=Add a line")
    page.fill("#lines-2-description", "Not needed")
    page.locator("[data-remove-line]").nth(2).click()
    expect(page.locator("tr[data-line]")).to_have_count(2)
    page.screenshot(path=ARTIFACTS / "invoice-lines.png", full_page=True)
    page.click("button:has-text('Save draft')")
    page.wait_for_selector("text=Draft invoice saved, £288.00 in all")
    invoice = db.session.scalar(select(Invoice))
    assert [line.description for line in invoice.lines] == ["Labour", "Pump"]
    assert invoice.total == Decimal("288.00")
