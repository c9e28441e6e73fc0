"""The record's mini-map when its tiles cannot load or are turned off, and the favicon every
page asks for."""

from decimal import Decimal

import pytest

from tests.browser import log_in
from tests.factories import make_customer


def located(**fields):
    return make_customer(latitude=Decimal("53.4808"), longitude=Decimal("-2.2426"), **fields)


def test_no_tile_url_turns_the_map_off_and_the_address_card_stays(client_as, app):
    customer = located()
    office = client_as("office")
    assert 'class="mini-map"' in office.record(customer.id)
    app.config["MAP_TILE_URL"] = ""
    response = office.get(f"/admin/customer/details/?id={customer.id}")
    html = response.get_data(as_text=True)
    assert 'class="mini-map"' not in html
    assert "12 Analytical Row, Manchester, M1 1AA" in html and "Open in a map" in html
    img_sources = response.headers["Content-Security-Policy"].split("img-src")[1].split(";")[0]
    assert img_sources.split() == ["'self'", "data:"]


def test_the_favicon_is_served_and_linked(client_as, anonymous):
    icon = anonymous.get("/favicon.ico")  # asked for before anyone logs in, too
    assert icon.status_code == 200 and icon.mimetype in ("image/vnd.microsoft.icon", "image/x-icon")
    assert icon.data[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert 'rel="icon"' in anonymous.get("/login").get_data(as_text=True)
    assert 'rel="icon"' in client_as("office").get("/admin/").get_data(as_text=True)


@pytest.mark.browser
def test_unreachable_tiles_leave_the_address_and_are_not_asked_for_again(page, users, app):
    app.config["MAP_TILE_URL"] = "http://127.0.0.1:9/{z}/{x}/{y}.png"  # nothing listens there
    first, second = located(), located(surname="Byron", email="byron@example.com")
    asked = []
    page.on("request", lambda request: asked.append(request.url) if ":9/" in request.url else None)
    log_in(page, users["office"].email)
    page.goto(f"/admin/customer/details/?id={first.id}")
    page.wait_for_selector(".mini-map", state="detached")
    assert page.is_visible("text=Open in a map")
    tried = len(asked)
    assert tried > 0
    page.goto(f"/admin/customer/details/?id={second.id}")
    page.wait_for_load_state("networkidle")
    assert page.locator(".mini-map").count() == 0 and len(asked) == tried
