"""At 390 px (a phone) no page scrolls sideways: the record's tabs come before its side
panel, and a wide table scrolls inside itself. At 1366 × 768 the record's quick links fit."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from extensions import db
from models import PaymentMethod
from models.money.payments import Allocation, record_payment
from tests.browser import ARTIFACTS, log_in, open_quick_links
from tests.factories import (
    make_customer,
    make_issued_labour_and_parts_invoice,
    make_work,
    make_work_address,
)

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
WIDTH = "document.documentElement.scrollWidth"


@pytest.fixture
def busy_customer(app):
    """A customer whose record has wide tables: works at a work address, an invoice paid."""
    customer = make_customer(email="ada.lovelace@analytical-engine.example")
    address = make_work_address(customer, address_line_1="155 Gallagher Road Industrial Estate")
    job = make_work(customer, work_address=address, description="Boiler installation")
    invoice = make_issued_labour_and_parts_invoice(customer)
    record_payment(
        db.session,
        customer,
        paid_on=date(2026, 2, 1),
        method=db.session.scalar(select(PaymentMethod).limit(1)),
        amount=Decimal("50.00"),
        reference="BACS 20260201",
        allocations=[Allocation(invoice, Decimal("50.00"))],
    )
    db.session.commit()
    return customer, address, job, invoice


def test_the_record_fits_a_phone_with_the_tabs_before_the_side_panel(page, users, busy_customer):
    customer = busy_customer[0]
    page.set_viewport_size(PHONE)
    log_in(page, users["office"].email)
    page.goto(f"/admin/customer/details/?id={customer.id}")
    assert page.evaluate(WIDTH) <= 390
    tabs, panel = page.locator(".record-tabs"), page.locator(".record-panel")
    assert tabs.bounding_box()["y"] + tabs.bounding_box()["height"] <= panel.bounding_box()["y"]
    # The works table is wider than the phone: it scrolls in its own box, not the page.
    assert page.evaluate(
        "[...document.querySelectorAll('#works .table-responsive')]"
        ".some(box => box.scrollWidth > box.clientWidth)"
    )
    page.screenshot(path=ARTIFACTS / "record-390.png", full_page=True)
    for key in page.eval_on_selector_all(".record-tabs a", "links => links.map(a => a.hash)"):
        page.click(f".record-tabs a[href='{key}']")
        page.locator(f"{key}.active [data-loading]").wait_for(state="detached")
        assert page.evaluate(WIDTH) <= 390, key


def test_the_pages_around_the_record_fit_a_phone(page, users, busy_customer):
    customer, address, job, invoice = busy_customer
    page.set_viewport_size(PHONE)
    log_in(page, users["office"].email)
    for url in (
        "/admin/",
        "/admin/customer/",
        f"/admin/workaddress/details/?id={address.id}",
        f"/admin/work/details/?id={job.id}",
        f"/admin/invoice/details/?id={invoice.id}",
        f"/admin/payment/details/?id={invoice.allocations[0].payment_id}",
        "/admin/payment/",
        f"/admin/customer-payments/{customer.id}/cash-allocation/",
        f"/admin/statement/{customer.id}/",
        f"/admin/reminders-due/?customer_id={customer.id}",
    ):
        page.goto(url)
        assert page.evaluate(WIDTH) <= 390, url
    page.goto(f"/admin/workaddress/details/?id={address.id}")
    tabs, panel = page.locator(".record-tabs"), page.locator("aside")
    assert tabs.bounding_box()["y"] < panel.bounding_box()["y"]


def test_on_a_wide_screen_the_side_panel_sits_beside_the_tabs_and_the_quick_links_fit(
    page, users, busy_customer
):
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, users["admin"].email)
    page.goto(f"/admin/customer/details/?id={busy_customer[0].id}")
    tabs, panel = page.locator(".record-tabs"), page.locator(".record-panel")
    assert panel.bounding_box()["x"] + panel.bounding_box()["width"] <= tabs.bounding_box()["x"]
    open_quick_links(page)
    links = page.locator("#quick-links")
    links.locator("a:has-text('Delete customer')").wait_for()
    box = links.bounding_box()
    assert box["y"] + box["height"] <= 768  # every entry in view, the last heading included
    page.screenshot(path=ARTIFACTS / "record-1366.png")
