"""Money, days and stored choices as people read them: in the house's currency and locale
(CURRENCY, LOCALE), on the pages, in messages, in PDFs and in the browser's live totals."""

from datetime import date, datetime, time
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from app import create_app
from extensions import db
from models import WorkStatus
from models.core.formats import (
    day,
    day_time,
    house_format,
    long_day,
    money,
    time_of_day,
    use_house_format,
)
from models.money.invoicing import issue_invoice
from tests.browser import ARTIFACTS, log_in
from tests.factories import make_customer, make_invoice, make_work
from tests.money.test_documents import text_of

NBSP = "\u00a0"  # fr_CA groups thousands and sets the symbol apart with no-break spaces
# (currency, locale): an amount, a negative one, a day, a moment, a day in words
HOUSES = {
    ("GBP", "en_GB"): (
        "£1,250.50", "-£20.00", "19 Oct 2026", "19 Oct 2026, 14:05", "19 October 2026"
    ),
    ("USD", "en_US"): (
        "$1,250.50", "-$20.00", "Oct 19, 2026", "Oct 19, 2026, 2:05\u202fPM", "October 19, 2026"
    ),
    ("CAD", "fr_CA"): (
        f"1{NBSP}250,50{NBSP}$", f"-20,00{NBSP}$", "19 oct. 2026", "19 oct. 2026, 14 h 05",
        "19 octobre 2026",
    ),
}  # fmt: skip


@pytest.fixture
def house():
    """Sets the house format for one test, as CURRENCY and LOCALE do at start-up."""
    before = house_format()
    yield use_house_format
    use_house_format(before.currency, before.locale)


@pytest.mark.parametrize(("currency", "locale"), list(HOUSES))
def test_amounts_and_days_are_written_as_the_house_writes_them(house, currency, locale):
    house(currency, locale)
    amount, negative, a_day, a_moment, in_words = HOUSES[currency, locale]
    assert money(Decimal("1250.5")) == amount and money(Decimal("-20")) == negative
    assert day(date(2026, 10, 19)) == a_day and long_day(date(2026, 10, 19)) == in_words
    assert day_time(datetime(2026, 10, 19, 14, 5)) == a_moment
    assert time_of_day(time(14, 5)) in a_moment
    assert money(None) == day(None) == day_time(None) == ""


@pytest.mark.parametrize(
    ("setting", "said"),
    [
        ({"CURRENCY": "POUNDS"}, "CURRENCY 'POUNDS' is not an ISO 4217 code, such as GBP."),
        ({"LOCALE": "english"}, "LOCALE 'english' is not a locale Babel knows, such as en_GB."),
    ],
)
def test_an_unknown_currency_or_locale_stops_the_start_with_a_word(house, setting, said):
    with pytest.raises(ValueError) as refused:
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", **setting})
    assert str(refused.value) == said


def issued(customer, amount="1250.50"):
    invoice = make_invoice(customer, amount)
    invoice.invoice_date, invoice.due_on = date(2026, 10, 19), date(2026, 11, 18)
    issue_invoice(db.session, invoice)
    db.session.commit()
    return invoice


@pytest.mark.parametrize(("currency", "locale"), list(HOUSES))
def test_the_record_the_lists_and_the_pdf_use_the_house_format(client_as, house, currency, locale):
    house(currency, locale)
    amount, _, a_day, _, _ = HOUSES[currency, locale]
    customer = make_customer()
    invoice = issued(customer)
    client = client_as("office")
    money_tab = client.record(customer.id)
    assert f'data-money="balance">{amount}<' in money_tab
    listed = client.get("/admin/invoice/").get_data(as_text=True)
    assert amount in listed and a_day in listed
    pdf = text_of(client.get(f"/admin/documents/invoice/{invoice.id}.pdf").data)
    # Latin-1 holds £ and the no-break space; the PDF's text reads them back as spaces.
    assert amount.replace(NBSP, " ") in pdf.replace(NBSP, " ")


def test_a_draft_is_named_by_its_day_and_amount_not_its_id(client_as):
    customer = make_customer()
    draft = make_invoice(customer, "120.00")
    assert str(draft) == "Draft invoice of 1 Jan 2026, £120.00"
    assert f"#{draft.id}" not in client_as("office").record(customer.id)


def test_stored_choices_are_shown_by_their_labels(client_as):
    customer = make_customer()
    make_work(customer, status=WorkStatus.free_of_charge)
    client = client_as("office")
    listed = client.get("/admin/work/").get_data(as_text=True)
    rows = listed.split("</thead>")[1].split("</table>")[0]
    assert "Free of charge" in rows
    assert "free_of_charge" not in rows and "free of charge" not in rows
    assert '["free_of_charge", "Free of charge"]' in listed  # the Status filter's choices
    works_tab = client.record(customer.id)
    assert ">Free of charge</span>" in works_tab


@pytest.mark.browser
def test_a_us_business_sees_dollars_while_typing_an_invoice(page, users, house):
    house("USD", "en_US")
    customer = make_customer()
    log_in(page, users["office"].email)
    page.goto(f"/admin/invoice/new/?customer={customer.id}")
    page.fill("#lines-0-description", "Two movers, four hours")
    page.fill("#lines-0-quantity", "8")
    page.fill("#lines-0-unit_price", "62.50")
    page.fill("#lines-0-tax_rate", "0")
    expect(page.locator("[data-total=gross]")).to_have_text("$500.00")
    page.set_viewport_size({"width": 1366, "height": 768})
    page.screenshot(path=ARTIFACTS / "money-en-us.png", full_page=True)


def test_the_stock_forms_offer_choices_by_their_labels(client_as):
    customer = make_customer()
    form = client_as("office").get(f"/admin/work/new/?customer={customer.id}")
    html = form.get_data(as_text=True)
    assert '<option value="in_progress">In progress</option>' in html
    assert '<option value="opportunity">Opportunity</option>' in html
