"""In two real browsers: two users on one record see each other in Who's viewing, one of them
opens the edit form and shows as editing, and closing the tab takes them off the other's list."""

import pytest
from playwright.sync_api import expect

from extensions import db
from tests.browser import ARTIFACTS, log_in
from tests.factories import make_customer

pytestmark = pytest.mark.browser


def beat_now(page):
    """The user comes back to the tab: it beats at once rather than at its next interval."""
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")


def test_two_users_on_one_record_see_each_other(page, chromium, live_server, users):
    customer = make_customer()
    db.session.commit()
    record = f"/admin/customer/details/?id={customer.id}"
    log_in(page, users["office"].email)
    page.goto(record)
    viewing = page.locator("#panel-viewing")
    expect(viewing).to_contain_text("No one else has this record open.")

    other = chromium.new_context(viewport={"width": 390, "height": 844}, base_url=live_server)
    admin = other.new_page()
    log_in(admin, users["admin"].email)
    admin.goto(record)
    expect(admin.locator("#panel-viewing")).to_contain_text("Office User since")
    beat_now(page)
    expect(viewing).to_contain_text("Admin User since")
    expect(viewing.locator(".badge")).to_have_count(0)

    admin.goto(f"/admin/customer/edit/?id={customer.id}")
    beat_now(page)
    expect(viewing).to_contain_text("Admin User editing since")
    page.screenshot(path=ARTIFACTS / "whos-viewing-1366.png")
    page.goto(f"/admin/customer/edit/?id={customer.id}")  # the office user edits too
    expect(page.locator("[data-presence-warning]")).to_contain_text(
        "Admin User is editing this record too"
    )
    page.screenshot(
        path=ARTIFACTS / "whos-editing-form.png",
        clip={"x": 0, "y": 0, "width": 1366, "height": 400},
    )
    page.goto(record)
    admin.goto(record)
    admin.locator("#panel-viewing").scroll_into_view_if_needed()
    expect(admin.locator("#panel-viewing")).to_contain_text("Office User since")
    admin.screenshot(path=ARTIFACTS / "whos-viewing-390.png")

    admin.close()  # the tab closes: its goodbye takes it off the list
    other.close()
    beat_now(page)
    expect(viewing).to_contain_text("No one else has this record open.")
