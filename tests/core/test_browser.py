"""In a real browser: log in, find customers, add one through the form's lookups and inlines.

Runs Debian's Chromium (/usr/bin/chromium) through Playwright; screenshots land in
test-artifacts/ for people to look at.
"""

import pyotp
import pytest
from PIL import Image
from sqlalchemy import select

from extensions import db
from models import Contact, Customer, User, WorkAddress
from models.core.base import utcnow
from models.core.two_factor import recovery_codes_left
from tests.browser import ARTIFACTS, log_in, log_in_to, open_quick_links, start_private_customer
from tests.factories import make_customer, make_work_address
from tests.reports.test_audit_log import one_of_every_kind

pytestmark = pytest.mark.browser


def test_office_user_logs_in_and_finds_customers(page, users):
    make_customer()
    make_customer(surname="Hopper", first_name="Grace", postcode="NY1 1AA")
    page.goto("/login")
    page.screenshot(path=ARTIFACTS / "login.png")
    log_in(page, users["office"].email)
    page.click("text=Customers >> nth=0")
    page.click("a.dropdown-item:has-text('Customers')")
    page.wait_for_url("**/admin/customer/")
    assert page.locator("td:has-text('Lovelace')").count() == 1
    assert page.locator("td:has-text('Hopper')").count() == 1
    page.screenshot(path=ARTIFACTS / "customer-list.png", full_page=True)
    page.fill("input[name=search]", "Hopp")
    page.keyboard.press("Enter")
    page.wait_for_url("**search=Hopp**")
    assert page.locator("td:has-text('Hopper')").count() == 1
    assert page.locator("td:has-text('Lovelace')").count() == 0


def test_adding_a_customer_of_a_chosen_type_with_two_phones(page, users):
    log_in(page, users["office"].email)
    start_private_customer(page, "Johnson", "1 Langley Way", "HU1 1AA")
    page.fill("#first_name", "Katherine")
    page.fill("#email", "katherine@example.com")
    page.fill("#phones-0-number", "07700 900789")
    page.click("[data-add-phone]")
    page.select_option("#phones-1-kind", "home")
    page.fill("#phones-1-number", "01482 496000")
    page.screenshot(path=ARTIFACTS / "customer-form.png", full_page=True)
    page.click("button[type=submit]:has-text('Add customer')")
    page.wait_for_url("**/admin/customer/details/**")
    assert "Katherine Johnson added as C" in page.inner_text(".alert-success")
    customer = db.session.scalar(select(Customer).where(Customer.surname == "Johnson"))
    assert customer.customer_type.name == "Private"
    assert [p.digits for p in customer.phones] == ["447700900789", "441482496000"]


def test_a_refused_form_shows_the_message_by_the_field(page, users):
    log_in(page, users["office"].email)
    start_private_customer(page, "Vaughan", "2 Langley Way", "HU1 1AB")
    page.fill("#email", "vaughan@@example")
    page.click("button[type=submit]:has-text('Add customer')")
    page.wait_for_load_state()
    assert "Not a valid email address" in page.inner_text("#email + .invalid-feedback")
    assert page.input_value("#surname") == "Vaughan"
    page.screenshot(path=ARTIFACTS / "customer-form-refused.png", full_page=True)
    assert db.session.scalar(select(Customer).where(Customer.surname == "Vaughan")) is None


def test_working_a_customer_record_in_the_browser(page, users, tmp_path):
    customer = make_customer()
    picture = tmp_path / "boiler.png"
    Image.new("RGB", (800, 600), (30, 120, 200)).save(picture)
    log_in(page, users["office"].email)
    page.goto(f"/admin/customer/details/?id={customer.id}")
    assert page.locator("h1").inner_text() == "Mrs Ada Lovelace"

    page.click("a[href='#communications']")
    page.wait_for_url("**#communications")
    page.click("button:has-text('Add record')")
    page.fill("#note #subject", "Access")
    page.fill("#note #body", "Key is with the neighbour at number 14.")
    page.check("#note #is_important")
    page.click("#note button[type=submit]")
    page.wait_for_url("**#communications")
    note = page.locator("#communications article").first
    assert "Key is with the neighbour" in note.inner_text()
    assert "Important" in note.inner_text()

    page.click("button:has-text('Upload files') >> nth=0")
    page.set_input_files("#upload input[type=file]", str(picture))
    page.fill("#upload #description", "Boiler in the kitchen")
    page.click("#upload button[type=submit]")
    page.wait_for_url("**#pictures")
    thumbnail = page.locator("#pictures img.img-thumbnail")
    thumbnail.wait_for()
    # The element is there before its picture has loaded: wait for the picture itself.
    loaded = "img => img.complete && img.naturalWidth > 0"
    page.wait_for_function(loaded, arg=thumbnail.element_handle())
    assert page.evaluate("img => img.naturalWidth", thumbnail.element_handle()) == 320
    page.screenshot(path=ARTIFACTS / "record-pictures.png", full_page=True)

    page.click("a[href='#works']")
    page.screenshot(path=ARTIFACTS / "record-page.png", full_page=True)


def test_merging_two_customers_in_the_browser(page, users):
    keep = make_customer()
    absorb = make_customer(
        surname="Lovelace-King", postcode="L1 1AA", contacts=[Contact(surname="Butler")]
    )
    log_in(page, users["office"].email)
    page.goto(f"/admin/customer/details/?id={keep.id}")
    open_quick_links(page)
    page.click("#quick-links a.text-danger:has-text('Merge customer')")
    page.fill("#other", absorb.account_number)
    page.click("button[type=submit]:has-text('Preview the merge')")
    page.wait_for_url(f"**/admin/customer/{keep.id}/merge/{absorb.id}/")
    moves = page.inner_text("[data-preview=moves]")
    assert "Contacts" in moves and "Phone numbers" in moves
    page.screenshot(path=ARTIFACTS / "merge-preview.png", full_page=True)
    page.click("button:has-text('Merge')")
    assert "Type" in page.inner_text(".invalid-feedback")  # not typed: nothing merged
    page.fill("#confirm", "merge")
    page.click("button:has-text('Merge')")
    page.wait_for_url(f"**/admin/customer/details/?id={keep.id}")
    assert "Undo merge" in page.inner_text(".alert-info")
    merged_into = select(Customer.merged_into_id).where(Customer.id == absorb.id)
    assert db.session.scalar(merged_into) == keep.id


def test_the_audit_log_reads_on_a_phone(page, users, tmp_path):
    """On a narrow screen each entry stacks: what changed is on screen, not off to the right
    of a table five columns wide."""
    one_of_every_kind(users, tmp_path)
    log_in(page, users["admin"].email)
    page.goto("/admin/auditentry/")
    page.screenshot(path=ARTIFACTS / "audit-log.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto("/admin/auditentry/")
    changes = page.locator("td.col-changes").first.bounding_box()
    assert changes["x"] + changes["width"] <= 390
    page.screenshot(path=ARTIFACTS / "audit-log-phone.png", full_page=True)


def test_list_controls_work_without_inline_handlers(page, users):
    """Filters, "With selected" actions and the row's delete confirmation run from panel.js,
    not from inline onclick handlers (which a Content-Security-Policy refuses)."""
    address = make_work_address(make_customer())
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    log_in(page, users["admin"].email)
    page.goto("/admin/workaddress/")
    page.click("a:has-text('Add Filter')")
    page.click("a.filter >> nth=0")
    page.locator("table.filters tr").first.wait_for()
    page.click(f"form[data-confirm]:has(input[value='{address.id}']) button")
    assert dialogs == ["Are you sure you want to delete this record?"]
    assert db.session.get(WorkAddress, address.id) is not None  # dismissed: nothing deleted
    page.goto("/admin/customer/")
    page.click("a:has-text('With selected')")
    page.click("[data-list-action] >> nth=0")
    assert len(dialogs) == 2  # "select at least one record", from Flask-Admin's actions.js


def test_two_factor_setup_login_and_recovery_in_the_browser(app, page, users):
    """An admin under REQUIRE_2FA=admins is sent to set it up, scans (types) the key, keeps the
    recovery codes, then logs in with a code from the app and, phone lost, with a recovery
    code."""
    from playwright.sync_api import expect

    app.config["REQUIRE_2FA"] = "admins"
    admin = users["admin"]
    log_in_to(page, admin.email, "**/admin/account/two-factor/")
    expect(page.locator(".alert")).to_contain_text("Set up two-factor login first")
    expect(page.locator("#qr-code")).to_be_visible()
    page.screenshot(path=ARTIFACTS / "two-factor-setup.png", full_page=True)
    page.click("summary")
    secret = "".join(page.inner_text("#setup-key").split())
    page.fill("#code", "000000")
    page.click("button:has-text('Turn on')")
    expect(page.locator(".invalid-feedback")).to_contain_text("That code is not right")
    page.fill("#code", pyotp.TOTP(secret).now())
    page.click("button:has-text('Turn on')")
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    page.screenshot(path=ARTIFACTS / "two-factor-recovery-codes.png", full_page=True)
    page.click("text=I have kept them")
    expect(page.locator("#two-factor .badge")).to_have_text("On")
    page.screenshot(path=ARTIFACTS / "my-account.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 900})
    page.screenshot(path=ARTIFACTS / "my-account-phone.png", full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})

    page.click("button:has-text('Log out')")
    log_in_to(page, admin.email, "**/login/two-factor*")
    page.screenshot(path=ARTIFACTS / "two-factor-login.png", full_page=True)
    page.fill("#code", pyotp.TOTP(secret).at(utcnow(), counter_offset=1))  # the next step
    page.click("button:has-text('Log in')")
    page.wait_for_url("**/admin/")
    page.goto("/admin/customer/")
    assert page.url.endswith("/admin/customer/")  # set up: no longer sent to the setup page

    page.click("button:has-text('Log out')")
    log_in_to(page, admin.email, "**/login/two-factor*")
    page.fill("#code", codes[0])
    page.click("button:has-text('Log in')")
    page.wait_for_url("**/admin/")
    db.session.expire_all()  # the server changed the rows; the test's session read them before
    assert db.session.get(User, admin.id).two_factor_on
    assert recovery_codes_left(db.session, admin) == 9
