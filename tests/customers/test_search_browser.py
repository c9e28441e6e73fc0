"""Search from every page, in a real browser: Ctrl+K from a job, an invoice number, Enter.

Screenshots of the dropdown and the results page, wide and narrow, land in test-artifacts/.
"""

import pytest

from tests.browser import ARTIFACTS, log_in
from tests.customers.test_search_everywhere import make_payment
from tests.factories import (
    make_customer,
    make_issued_labour_and_parts_invoice,
    make_work,
    make_work_address,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def records(app):
    ada = make_customer(surname="Lovelace", first_name="Ada")
    make_customer(surname="Lovell", first_name="James", postcode="M4 4DD")
    make_work_address(ada, address_line_1="Love Lane Cottage", postcode="M5 5EE")
    work = make_work(ada, description="Boiler service")
    invoice = make_issued_labour_and_parts_invoice(ada)
    make_payment(ada, "Love 2026")
    return {"work": work, "invoice": invoice}


def no_sideways_scrolling(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], width


def test_from_the_job_page_ctrl_k_finds_an_invoice_by_number_and_enter_opens_it(
    page, users, records
):
    invoice = records["invoice"]
    log_in(page, users["read_only"].email)
    page.goto(f"/admin/work/details/?id={records['work'].id}")
    page.keyboard.press("Control+k")
    box = page.locator("[data-search-box] input[name=q]")
    assert box.evaluate("element => element === document.activeElement")
    box.type(invoice.number.lower())
    first = page.locator("#navbar-search-results a.dropdown-item.active")
    first.wait_for()
    assert invoice.number in first.inner_text()
    assert "Number: " + invoice.number in first.inner_text()
    page.screenshot(path=ARTIFACTS / "search-from-the-job-page.png")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/admin/invoice/details/?id={invoice.id}")
    assert invoice.number in page.locator("h1").inner_text()


def test_slash_focuses_the_box_and_every_kind_shows_grouped_wide_and_narrow(page, users, records):
    log_in(page, users["office"].email)
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto("/admin/")
        page.keyboard.press("/" if width == 1366 else "Control+k")
        page.keyboard.type("love")
        page.locator("#navbar-search-results .dropdown-header").first.wait_for()
        headers = page.locator("#navbar-search-results .dropdown-header").all_inner_texts()
        assert headers == ["Customers", "Work addresses", "Payments"]
        assert page.locator("#navbar-search-results").is_visible()
        no_sideways_scrolling(page)
        page.screenshot(path=ARTIFACTS / f"search-dropdown-{width}.png")
        page.keyboard.press("ArrowDown")  # the second customer, then Escape closes the list
        page.keyboard.press("Escape")
        assert not page.locator("#navbar-search-results").is_visible()

        page.goto("/admin/search/?q=love")
        assert page.locator("h2").all_inner_texts()[0].startswith("Customers")
        assert page.locator("text=Surname: Lovell").count() == 1
        no_sideways_scrolling(page)
        page.screenshot(path=ARTIFACTS / f"search-results-{width}.png", full_page=True)


def test_enter_before_any_result_opens_the_results_page(page, users, records):
    log_in(page, users["office"].email)
    page.fill("[data-search-box] input[name=q]", "zzzz")
    page.keyboard.press("Enter")
    page.wait_for_url("**/admin/search/?q=zzzz")
    assert "Nothing matches “zzzz”" in page.inner_text("body")
