"""In a real browser: a company added with its first contact, then the same company typed in
again is caught while typing, and the user opens the existing record instead."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from extensions import db
from models import Customer
from tests.browser import ARTIFACTS, log_in
from tests.factories import customer_type

pytestmark = pytest.mark.browser


def type_company(page):
    page.goto("/admin/customer/new/")
    page.click(f"a[href$='?type={customer_type('Company').id}']")
    page.wait_for_load_state()
    page.fill("#company_name", "Difference Engines Ltd")
    page.fill("#phones-0-number", "0161 496 0000")
    page.fill("#contact-first_name", "Charles")
    page.fill("#contact-surname", "Babbage")
    page.fill("#contact-email", "charles@engines.example")
    page.fill("#address_line_1", "1 Engine Yard")
    page.fill("#postcode", "M1 2AB")


def test_a_company_typed_in_twice_is_caught_and_the_first_opened(page, users):
    log_in(page, users["office"].email)
    type_company(page)
    # Filling in the contact's email ticks the contact's email preference.
    assert page.is_checked("#contact-comm_email")
    page.click("button[type=submit]:has-text('Add customer')")
    page.wait_for_url("**/admin/customer/details/**")
    first = db.session.scalar(select(Customer))
    assert [c.surname for c in first.contacts] == ["Babbage"]

    page.goto("/admin/customer/new/")
    page.click(f"a[href$='?type={customer_type('Company').id}']")
    page.wait_for_load_state()
    page.fill("#company_name", "difference engines ltd")
    page.fill("#phones-0-number", "+44 161 4960000")
    warning = page.locator("#duplicates .alert-warning")
    expect(warning).to_contain_text(f"Open {first.account_number}")
    expect(warning).to_contain_text("Same company name")
    expect(warning).to_contain_text("Same phone")
    page.screenshot(path=ARTIFACTS / "customer-duplicates.png", full_page=True)
    warning.locator(f"a:has-text('Open {first.account_number}')").click()
    page.wait_for_url(f"**/admin/customer/details/?id={first.id}")
    assert db.session.scalar(select(func.count()).select_from(Customer)) == 1


def test_saving_a_duplicate_asks_and_create_anyway_adds_it(page, users):
    log_in(page, users["office"].email)
    type_company(page)
    page.click("button[type=submit]:has-text('Add customer')")
    page.wait_for_url("**/admin/customer/details/**")
    type_company(page)
    page.click("button[type=submit]:has-text('Add customer')")
    page.wait_for_load_state()
    assert "This looks like a customer you already have" in page.inner_text("#duplicates")
    assert page.input_value("#contact-surname") == "Babbage"  # the rest of the input kept
    page.click("button:has-text('Create anyway')")
    page.wait_for_url("**/admin/customer/details/**")
    assert db.session.scalar(select(func.count()).select_from(Customer)) == 2
