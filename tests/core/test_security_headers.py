"""Every staff response carries a Content-Security-Policy: scripts run only with the response's
own nonce, no page can be framed, and HSTS is sent when the session cookie is HTTPS-only."""

from __future__ import annotations

import io
import re

import pytest

from extensions import db
from models.files.uploads import store_upload
from tests.factories import make_customer, make_work_address

PDF = b"%PDF-1.4\n% a signed quote\n%%EOF\n"
SCRIPT_TAG = re.compile(r"<script\b[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)


def policy(response) -> dict[str, str]:
    """The response's Content-Security-Policy, directive by directive."""
    header = response.headers.get("Content-Security-Policy", "")
    return dict(
        (part.strip().split(" ", 1) + [""])[:2] for part in header.split(";") if part.strip()
    )


def nonce_of(response) -> str:
    match = re.search(r"'nonce-([^']+)'", policy(response).get("script-src", ""))
    assert match, response.headers.get("Content-Security-Policy")
    return match.group(1)


def assert_strict_policy(response) -> None:
    directives = policy(response)
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in directives["script-src"]
    assert nonce_of(response)
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"


@pytest.fixture
def customer(app):
    return make_customer()


@pytest.fixture
def office(client_as):
    return client_as("office")


def a_page(office, customer):
    return office.get("/admin/customer/")


def a_pdf(office, customer):
    return office.get(f"/admin/documents/statement/{customer.id}.pdf")


def a_zip(office, customer):
    return office.get(f"/admin/customer/{customer.id}/export.zip")


def an_uploaded_file(office, customer):
    folder = office.application.config["UPLOAD_FOLDER"]
    attachment = store_upload(db.session, customer, io.BytesIO(PDF), "quote.pdf", "Quote", folder)
    db.session.commit()
    return office.get(f"/admin/customer/{customer.id}/files/{attachment.id}/")


def json(office, customer):
    return office.get(f"/admin/invoice-settings/{customer.id}/addresses/search?q=acme")


def a_redirect(office, customer):
    return office.get("/")


def an_error_page(office, customer):
    return office.get("/admin/no-such-page/")


@pytest.mark.parametrize(
    "kind, status, content_type",
    [
        (a_page, 200, "text/html"),
        (a_pdf, 200, "application/pdf"),
        (a_zip, 200, "application/zip"),
        (an_uploaded_file, 200, "application/pdf"),
        (json, 200, "application/json"),
        (a_redirect, 302, None),
        (an_error_page, 404, "text/html"),
    ],
    ids=lambda value: getattr(value, "__name__", None),
)
def test_every_kind_of_response_carries_the_policy(office, customer, kind, status, content_type):
    response = kind(office, customer)
    response.get_data()  # a streamed body (the ZIP) is read, as a browser would
    assert response.status_code == status
    if content_type:
        assert response.headers["Content-Type"].startswith(content_type)
    assert_strict_policy(response)
    assert response.headers["X-Frame-Options"] == "DENY"


def test_the_login_page_and_a_login_redirect_carry_the_policy(anonymous):
    assert_strict_policy(anonymous.get("/login"))
    refused = anonymous.get("/admin/customer/")
    assert refused.status_code == 302
    assert_strict_policy(refused)


def test_each_response_has_a_nonce_of_its_own(office):
    nonces = {nonce_of(office.get("/admin/")) for _ in range(3)}
    assert len(nonces) == 3


def test_pictures_may_come_from_the_panel_data_urls_and_the_map_tiles(app, office):
    app.config["MAP_TILE_URL"] = "https://{s}.tiles.example.net/{z}/{x}/{y}.png"
    sources = policy(office.get("/admin/"))["img-src"].split()
    assert sources == ["'self'", "data:", "https://*.tiles.example.net"]


def test_hsts_is_sent_only_when_the_session_cookie_is_https_only(app, office):
    assert "Strict-Transport-Security" not in office.get("/admin/").headers
    app.config["SESSION_COOKIE_SECURE"] = True
    hsts = office.get("/admin/", base_url="https://localhost").headers
    assert hsts["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def assert_scripts_carry_the_nonce(response, *fragments) -> None:
    """Every <script> of the page has the response's nonce; the page and the tab fragments
    loaded into it have no inline event handler (onclick=…), which the policy refuses."""
    html = response.get_data(as_text=True)
    scripts = SCRIPT_TAG.findall(html)
    assert scripts, "no scripts on the page"
    nonce = nonce_of(response)
    assert [tag for tag in scripts if f'nonce="{nonce}"' not in tag] == []
    for text in (html, *fragments):
        assert EVENT_HANDLER.findall(text) == []


def test_scripts_on_the_dashboard_carry_the_nonce(office, customer):
    assert_scripts_carry_the_nonce(office.get("/admin/"))


def test_scripts_on_the_customer_list_carry_the_nonce(office, customer):
    assert_scripts_carry_the_nonce(office.get("/admin/customer/"))


def test_scripts_on_the_customer_record_and_its_tabs_carry_the_nonce(office, customer):
    make_work_address(customer)
    page = office.get(f"/admin/customer/details/?id={customer.id}")
    assert_scripts_carry_the_nonce(page, office.record(customer.id))


def test_scripts_on_the_customer_form_carry_the_nonce(office, customer):
    assert_scripts_carry_the_nonce(office.get(f"/admin/customer/edit/?id={customer.id}"))


def test_the_portal_keeps_its_stricter_policy_without_scripts(anonymous):
    directives = policy(anonymous.get("/portal/"))
    assert directives["default-src"] == "'none'"
    assert "script-src" not in directives
    assert directives["frame-ancestors"] == "'none'"
