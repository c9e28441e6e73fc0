"""In a real browser: a company added with its first contact, then the same company typed in
again is caught while typing, and the user opens the existing record instead."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from extensions import db
from models import Customer, WorkAddress
from tests.browser import ARTIFACTS, log_in, start_private_customer
from tests.factories import customer_type, make_customer

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


def test_a_landlord_is_added_in_place_while_adding_a_work_address(page, users):
    owner = make_customer()
    log_in(page, users["office"].email)
    page.goto(f"/admin/workaddress/new/?customer={owner.id}")
    page.click("a:has-text('Add new landlord')")
    modal = page.locator("#entry-modal")
    expect(modal.locator("#surname")).to_be_visible()
    modal.locator("#first_name").fill("Lenny")
    modal.locator("#surname").fill("Lord")
    modal.locator("#phones-0-number").fill("07700 900333")
    modal.locator("#address_line_1").fill("1 Manor Road")
    modal.locator("#postcode").fill("LS2 1AA")
    page.screenshot(path=ARTIFACTS / "landlord-in-place.png")
    modal.locator("button:has-text('Add landlord')").click()
    expect(page.locator("[data-landlord-name]")).to_contain_text("Lenny Lord (C")
    expect(modal).to_be_hidden()
    page.fill("#address_line_1", "4 Let Lane")
    page.fill("#postcode", "LS1 4AB")
    page.click("button[type=submit]:has-text('Add work address')")
    page.wait_for_url("**/admin/workaddress/details/**")
    address = db.session.scalar(select(WorkAddress))
    assert address.landlord.surname == "Lord" and address.landlord.customer_type.name == "Landlord"


def test_a_landlord_already_on_the_book_is_taken_instead_of_a_new_one(page, users):
    owner = make_customer()
    existing = make_customer(
        type_name="Landlord", first_name="Lenny", surname="Lord", email="l@x.com"
    )
    log_in(page, users["office"].email)
    page.goto(f"/admin/workaddress/new/?customer={owner.id}")
    page.click("a:has-text('Add new landlord')")
    modal = page.locator("#entry-modal")
    modal.locator("#first_name").fill("lenny")
    modal.locator("#surname").fill("LORD")
    modal.locator("button:has-text('Use this landlord')").click()
    expect(page.locator("[data-landlord-name]")).to_contain_text(existing.account_number)
    assert page.input_value("[data-landlord-id]") == str(existing.id)
    assert db.session.scalar(select(func.count()).select_from(Customer)) == 2


def test_an_admin_defines_a_custom_field_and_it_is_filled_on_a_new_customer(page, users):
    log_in(page, users["admin"].email)
    page.goto("/admin/customfield/new/")
    page.fill("#label", "Gate code")
    page.fill("#key", "gate_code")
    page.select_option("#field_type", "text", force=True)
    page.select_option("#applies_to", "customer", force=True)
    page.click("input[type=submit][value=Save]")
    page.wait_for_url("**/admin/customfield/")
    start_private_customer(page, "Gatekeeper", "9 Gate Street", "M9 9GG")
    page.fill("#phones-0-number", "07700 900444")
    page.fill("#cf_gate_code", "4711#")
    page.click("button[type=submit]:has-text('Add customer')")
    page.wait_for_url("**/admin/customer/details/**")
    expect(page.locator("body")).to_contain_text("4711#")  # the record's side panel
    customer = db.session.scalar(select(Customer).where(Customer.surname == "Gatekeeper"))
    assert customer.custom_fields == {"gate_code": "4711#"}
