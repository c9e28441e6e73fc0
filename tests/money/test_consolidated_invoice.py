"""The consolidated invoice page (seed 004 "Add New Consolidated Invoice"): one invoice, one
number, a line per ticked open work; refusals shown beside their rows and nothing written."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from extensions import db
from models import Invoice, InvoiceLine, InvoiceStatus, Work, WorkStatus
from models.money.numbering import NumberSequence
from tests.browser import ARTIFACTS, log_in
from tests.factories import make_customer, make_work, make_work_address


@pytest.fixture
def customer(app):
    return make_customer()


def url(customer) -> str:
    return f"/admin/invoice/consolidated/{customer.id}/"


def form(*works, **overrides) -> dict:
    """The page's form with these works ticked (a total per work, or the prefilled price)."""
    data = {
        "description": "Spring maintenance round",
        "invoice_date": "2026-04-01",
        "due_on": "2026-05-01",
        "kind": "final",
        "tax_rate": "20",
        "notes": "",
        "save": "issue",
        "works": [str(work.id) for work in works],
    }
    for work in works:
        data[f"total-{work.id}"] = str(work.final_amount or "")
    return {**data, **overrides}


def post(client, customer, data):
    return client.post(url(customer), data={**data, **client.csrf()})


def nothing_written() -> bool:
    invoices = db.session.scalar(select(func.count()).select_from(Invoice))
    lines = db.session.scalar(select(func.count()).select_from(InvoiceLine))
    numbers = db.session.scalar(
        select(NumberSequence.last_value).where(NumberSequence.name == "invoice")
    )
    return invoices == 0 and lines == 0 and not numbers


def test_the_page_lists_the_customers_open_works_with_their_prices(client_as, customer):
    priced = make_work(customer, description="Gutter clearing", final_amount=Decimal("95.00"))
    unpriced = make_work(customer, description="Roof survey", status=WorkStatus.in_progress)
    closed = make_work(customer, description="Old job", status=WorkStatus.completed)
    theirs = make_work(make_customer(surname="Other", email="o@example.com"), description="Theirs")
    html = client_as("office").get(url(customer)).get_data(as_text=True)
    assert priced.number in html and unpriced.number in html
    assert f'name="total-{priced.id}"' in html and 'value="95.00"' in html
    assert "Total price (before tax)" in html
    assert closed.number not in html and theirs.number not in html
    assert 'name="due_on"' in html and "Save as draft" in html


def test_the_works_are_filtered_by_address_and_text(client_as, customer):
    at_mill = make_work_address(customer, address_line_1="1 Mill Lane", postcode="M3 3CC")
    mill = make_work(customer, description="Boiler", work_address=at_mill)
    other = make_work(customer, description="Gutters")
    client = client_as("office")
    by_address = client.get(url(customer) + "?address=mill").get_data(as_text=True)
    assert mill.number in by_address and other.number not in by_address
    by_text = client.get(url(customer) + "?q=gutt").get_data(as_text=True)
    assert other.number in by_text and mill.number not in by_text


def test_one_invoice_with_one_number_bills_every_ticked_work(client_as, customer):
    priced = make_work(customer, description="Gutter clearing", final_amount=Decimal("95.00"))
    unpriced = make_work(customer, description="Roof survey")
    client = client_as("office")
    response = post(client, customer, form(priced, unpriced, **{f"total-{unpriced.id}": "80.50"}))
    invoice = db.session.scalar(select(Invoice))
    assert response.headers["Location"] == f"/admin/invoice/details/?id={invoice.id}"
    assert invoice.number == "INV000001" and invoice.status == InvoiceStatus.issued
    assert [(line.work_id, line.unit_price) for line in invoice.lines] == [
        (priced.id, Decimal("95.00")),
        (unpriced.id, Decimal("80.50")),
    ]
    assert invoice.total == Decimal("210.60")  # (95 + 80.50) × 1.2
    # A final invoice completes its works.
    assert {db.session.get(Work, w.id).status for w in (priced, unpriced)} == {"completed"}

    details = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Consolidated invoice INV000001 for 2 works issued." in details
    assert ">Consolidated<" in details and priced.number in details and unpriced.number in details
    assert "Gutter clearing" in details and "Roof survey" in details
    history = client.record(customer.id)
    assert "Invoice INV000001</a>" in history and ">Consolidated<" in history


def test_save_as_draft_keeps_the_works_open_and_takes_no_number(client_as, customer):
    works = [make_work(customer, final_amount=Decimal("50")) for _ in range(2)]
    post(client_as("office"), customer, form(*works, save="draft", kind="interim"))
    invoice = db.session.scalar(select(Invoice))
    assert invoice.status == InvoiceStatus.draft and invoice.number is None
    assert len(invoice.lines) == 2
    assert {db.session.get(Work, w.id).status for w in works} == {"open"}


def test_a_blank_total_for_an_unpriced_work_is_refused_beside_its_row(client_as, customer):
    priced = make_work(customer, final_amount=Decimal("95.00"))
    unpriced = make_work(customer)
    response = post(client_as("office"), customer, form(priced, unpriced))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert (
        f'id="total-{unpriced.id}-error">Enter a total above zero for {unpriced.number}.</div>'
        in html
    )
    assert f'id="work-{unpriced.id}" checked' in html  # the ticks are kept
    assert nothing_written()


@pytest.mark.parametrize(
    "total, message",
    [
        ("lots", "Enter a number, such as 125.50."),
        ("NaN", "Enter a number, such as 125.50."),
        ("1e30", "That amount is too large."),
        ("10.001", "Use at most two decimal places."),
        ("-5", "Enter a total above"),
    ],
)
def test_a_bad_total_is_refused_beside_its_row(client_as, customer, total, message):
    work = make_work(customer)
    response = post(client_as("office"), customer, form(work, **{f"total-{work.id}": total}))
    html = response.get_data(as_text=True)
    assert f'id="total-{work.id}-error">' in html and message in html
    assert nothing_written()


def test_closed_works_are_refused(client_as, customer):
    open_work = make_work(customer, final_amount=Decimal("10"))
    closed = make_work(customer, final_amount=Decimal("10"), status=WorkStatus.completed)
    response = post(client_as("office"), customer, form(open_work, closed))
    assert f"{closed.number} is completed: only open works can be invoiced." in response.get_data(
        as_text=True
    )
    assert nothing_written()


def test_another_customers_work_is_refused(client_as, customer):
    mine = make_work(customer, final_amount=Decimal("10"))
    theirs = make_work(
        make_customer(surname="Other", email="o@example.com"), final_amount=Decimal("10")
    )
    response = post(client_as("office"), customer, form(mine, theirs))
    assert f"{theirs.number} belongs to another customer." in response.get_data(as_text=True)
    assert nothing_written()
    assert db.session.get(Work, theirs.id).status == WorkStatus.open


def test_forged_work_ids_are_refused(client_as, customer):
    response = post(client_as("office"), customer, form(works=["99999", "1 OR 1=1"]))
    assert "Tick works from the list." in response.get_data(as_text=True)
    assert nothing_written()


def test_no_ticked_work_and_no_description_are_refused(client_as, customer):
    make_work(customer, final_amount=Decimal("10"))
    response = post(client_as("office"), customer, form(description=""))
    html = response.get_data(as_text=True)
    assert "Describe the invoice." in html
    assert nothing_written()
    response = post(client_as("office"), customer, form())
    assert "Tick at least one open work to invoice." in response.get_data(as_text=True)
    assert nothing_written()


def test_the_page_totals_the_ticked_rows_as_the_invoice_will(client_as, customer):
    work = make_work(customer)
    other = make_work(customer, final_amount=Decimal("999"))  # not ticked: not counted
    response = post(
        client_as("office"),
        customer,
        form(work, description="", **{f"total-{work.id}": "10.05", f"total-{other.id}": "999"}),
    )
    html = response.get_data(as_text=True)
    assert 'data-total="net">£10.05<' in html
    assert 'data-total="tax">£2.01<' in html and 'data-total="gross">£12.06<' in html


def test_the_actions_menu_offers_the_consolidated_invoice(client_as, customer):
    html = client_as("office").record(customer.id)
    assert "Add consolidated invoice" in html and url(customer) in html
    assert client_as("read_only").get(url(customer)).status_code == 403


@pytest.mark.browser
def test_the_grand_total_follows_the_ticks_and_a_final_invoice_asks_first(page, users, customer):  # noqa: F811
    at_mill = make_work_address(customer, address_line_1="1 Mill Lane", postcode="M3 3CC")
    priced = make_work(
        customer, description="Gutter clearing", final_amount=Decimal("95.00"), work_address=at_mill
    )
    unpriced = make_work(customer, description="Roof survey")
    make_work(customer, description="Boiler service", estimated_amount=Decimal("120.00"))
    log_in(page, users["office"].email)
    page.goto(url(customer))
    page.fill("#description", "Spring maintenance round")
    page.check(f"#work-{priced.id}")
    assert page.text_content('[data-total="gross"]') == "£114.00"
    page.fill(f"#total-{unpriced.id}", "10.05")  # typing a total ticks its work
    assert page.is_checked(f"#work-{unpriced.id}")
    assert page.text_content('[data-total="net"]') == "£105.05"
    assert page.text_content('[data-total="gross"]') == "£126.06"
    page.fill(f"#total-{unpriced.id}", "")
    dialogs = []
    page.once("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    page.click("button[value=issue]")
    page.wait_for_load_state()
    assert "completes every work on it" in dialogs[0]
    assert page.text_content(f"#total-{unpriced.id}-error").startswith("Enter a total above zero")
    page.screenshot(path=ARTIFACTS / "consolidated-invoice-error.png", full_page=True)
    page.fill(f"#total-{unpriced.id}", "80.50")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button[value=issue]")
    page.wait_for_url("**/admin/invoice/details/**")
    assert "Consolidated" in page.text_content("h1")
    page.screenshot(path=ARTIFACTS / "invoice-consolidated.png", full_page=True)
    assert db.session.scalar(select(Invoice.number)) == "INV000001"
