"""Each user chooses the columns of the Assets tab (seed 004: "customise the columns
displayed"), for every customer and work address, kept with their panel layout."""

from __future__ import annotations

import re
from datetime import date
from html import unescape

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from extensions import db
from models import Asset, AssetGroup, Make, User
from tests.browser import ARTIFACTS, log_in
from tests.factories import make_customer, make_work_address


@pytest.fixture
def customer(app):
    customer = make_customer()
    address = make_work_address(customer)
    boiler = db.session.scalar(select(AssetGroup).where(AssetGroup.name == "Boiler"))
    db.session.add(
        Asset(
            customer=customer,
            work_address=address,
            asset_group=boiler,
            make=Make(name="Worcester"),
            technical_reference="Kitchen boiler",
            serial_number="WB-1234",
            installed_on=date(2019, 4, 1),
        )
    )
    db.session.commit()
    return customer


def headers(html: str) -> list[str]:
    """The Assets table's column headings, as shown."""
    table = html[html.index('id="assets-table"') :]
    head = table[: table.index("</thead>")]
    return [unescape(text) for text in re.findall(r"<th[^>]*>([^<]*)</th>", head)]


def assets_tab(client, customer) -> str:
    return client.get(f"/admin/customer/{customer.id}/tabs/assets/").get_data(as_text=True)


def address_page(client, customer) -> str:
    address = customer.work_addresses[0]
    return client.get(f"/admin/workaddress/details/?id={address.id}").get_data(as_text=True)


def choose(client, columns, **extra):
    data = {"columns": columns, "next": "/admin/", **client.csrf(), **extra}
    return client.post("/admin/customer/asset-columns/", data=data)


DEFAULT = [
    "Technical reference",
    "Group",
    "Make / model",
    "Fuel",
    "Location",
    "Serial number",
    "Next service",
    "",  # the Edit buttons' column
]


def test_the_tab_shows_the_usual_columns_until_the_user_chooses(client_as, customer):
    html = assets_tab(client_as("office"), customer)
    assert headers(html) == DEFAULT
    assert "WB-1234" in html and "1 Apr 2019" not in html
    assert 'id="asset-column-installed"' in html and "Columns shown" in html


def test_chosen_columns_show_on_customers_and_work_addresses(client_as, customer):
    client = client_as("office")
    response = choose(client, ["installed", "make_model", "group"])
    assert response.status_code == 302
    assert "Asset columns saved" in client.get(response.headers["Location"]).get_data(True)
    for html in (assets_tab(client, customer), address_page(client, customer)):
        assert headers(html)[:4] == ["Technical reference", "Group", "Make / model", "Installed"]
        assert "Serial number" not in headers(html)
        assert "1 Apr 2019" in html and "Worcester" in html and "WB-1234" not in html
    html = assets_tab(client, customer)
    assert 'value="installed" id="asset-column-installed" checked' in html
    assert 'value="serial" id="asset-column-serial" >' in html


def test_saving_from_a_work_address_returns_to_its_assets(client_as, customer):
    address = customer.work_addresses[0]
    html = address_page(client_as("office"), customer)
    assert f'name="next" value="/admin/workaddress/details/?id={address.id}#assets"' in html


def test_no_column_ticked_leaves_the_technical_reference(client_as, customer):
    client = client_as("office")
    choose(client, [])
    assert headers(assets_tab(client, customer)) == ["Technical reference", ""]


def test_another_users_columns_are_their_own(client_as, customer, users):
    choose(client_as("office"), ["serial"])
    assert headers(assets_tab(client_as("admin"), customer)) == DEFAULT
    assert db.session.get(User, users["admin"].id).preferences.get("asset_columns") is None


def test_the_panel_layout_is_kept(client_as, customer, users):
    client = client_as("office")
    token = client.csrf()
    client.post("/admin/customer/panel/", data={"order": ["map"], "hidden": ["map"], **token})
    choose(client, ["fuel"])
    preferences = db.session.get(User, users["office"].id).preferences
    assert preferences["asset_columns"] == ["fuel"] and preferences["panel"]["hidden"] == ["map"]


def test_an_unknown_column_is_refused_and_nothing_changes(client_as, customer, users):
    client = client_as("office")
    choose(client, ["serial"])
    response = choose(client, ["group", "password_hash"])
    html = unescape(client.get(response.headers["Location"]).get_data(as_text=True))
    assert "Columns not saved: There is no column 'password_hash'" in html
    assert db.session.get(User, users["office"].id).preferences["asset_columns"] == ["serial"]


def test_a_forged_token_changes_no_columns(client_as, customer, users):
    client = client_as("office")
    for token in ({"csrf_token": "forged"}, client_as("admin").csrf()):
        response = client.post(
            "/admin/customer/asset-columns/", data={"columns": ["serial"], **token}
        )
        assert response.status_code == 400
    assert db.session.get(User, users["office"].id).preferences.get("asset_columns") is None


def test_the_way_back_stays_on_this_site(client_as, customer):
    response = choose(client_as("office"), ["serial"], next="https://evil.example/")
    assert response.headers["Location"] == "/admin/customer/"


@pytest.mark.browser
def test_columns_are_chosen_in_a_modal_on_the_assets_tab(page, users, customer):
    log_in(page, users["office"].email)
    page.goto(f"/admin/customer/details/?id={customer.id}#assets")
    page.click("text=Columns")
    expect(page.locator("#asset-columns")).to_be_visible()
    page.uncheck("#asset-column-serial")
    page.check("#asset-column-installed")
    page.screenshot(path=ARTIFACTS / "asset-columns-modal.png")
    page.click("#asset-columns button:has-text('Save columns')")
    expect(page.locator(".alert-success")).to_contain_text("Asset columns saved")
    table = page.locator("#assets-table")
    expect(table).to_contain_text("1 Apr 2019")
    expect(table).not_to_contain_text("WB-1234")
    page.screenshot(path=ARTIFACTS / "asset-columns.png", full_page=True)
