"""Errors people can read: 400, 403, 404, 405, 413 and 500 in the panel's frame when logged in
and the login page's frame when not, each with a way back and nothing of the internals."""

from __future__ import annotations

import io
import logging
from datetime import timedelta

import pytest
from flask import abort, request
from sqlalchemy import text

from extensions import db
from models.core.base import utcnow
from models.portal.links import create_portal_link
from tests.factories import make_customer

PANEL_NAVIGATION = 'id="admin-navbar-collapse"'
INTERNALS = ("Traceback", "Werkzeug", "werkzeug", "File &#34;", 'File "', "The secret reason")


@pytest.fixture
def failing_page(app, monkeypatch):
    """Test-only pages that fail the way a bug would (in tests Flask re-raises by default),
    behind the home address: the session's app takes no new routes once it has served."""
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def fails():
        raise RuntimeError("The secret reason")

    def refused():
        abort(403)

    def failed_statement():
        db.session.execute(text("SELECT no_such_column FROM customer"))

    pages = {"fails": fails, "refused": refused, "failed-statement": failed_statement}
    monkeypatch.setitem(app.view_functions, "home", lambda: pages[request.args["page"]]())
    return "/?page=fails"


@pytest.fixture
def small_uploads(app):
    app.config["MAX_CONTENT_LENGTH"] = 1024


def not_found(client):
    return client.get("/admin/no-such-page/")


def wrong_method(client):
    return client.get("/logout")


def forged_form(client):
    return client.post("/login", data={"csrf_token": "forged", "email": "a@example.com"})


def oversize_upload(client):
    customer = make_customer()
    return client.post(
        f"/admin/customer/{customer.id}/files/",
        data={"file": (io.BytesIO(b"a" * 4096), "big.txt"), "description": "Big"},
        content_type="multipart/form-data",
    )


def failure(client):
    return client.get("/?page=fails")


def read_only_refusal(client):
    return client.get("/admin/user/")


def anonymous_refusal(client):
    return client.get("/?page=refused")


def assert_readable(response, status: int, title: str) -> str:
    html = response.get_data(as_text=True)
    assert response.status_code == status
    assert response.headers["Content-Type"].startswith("text/html")
    assert f'<h1 class="h4">{title}</h1>' in html
    for internal in INTERNALS:
        assert internal not in html
    return html


LOGGED_IN = [
    (not_found, 404, "Not found"),
    (wrong_method, 405, "Not available this way"),
    (read_only_refusal, 403, "Not allowed"),
    (forged_form, 400, "Form expired"),
    (oversize_upload, 413, "File too large"),
    (failure, 500, "Something went wrong"),
]
ANONYMOUS = [
    (not_found, 404, "Not found"),
    (wrong_method, 405, "Not available this way"),
    (anonymous_refusal, 403, "Not allowed"),
    (forged_form, 400, "Form expired"),
    (oversize_upload, 413, "File too large"),
    (failure, 500, "Something went wrong"),
]
NAMES = {"ids": lambda value: getattr(value, "__name__", None)}


@pytest.mark.usefixtures("failing_page", "small_uploads")
@pytest.mark.parametrize("request_, status, title", LOGGED_IN, **NAMES)
def test_a_logged_in_error_is_shown_in_the_panel(client_as, request_, status, title):
    html = assert_readable(request_(client_as("read_only")), status, title)
    assert PANEL_NAVIGATION in html
    assert '<li class="active">' not in html  # not "on the dashboard"
    assert "Read_Only User" in html  # who is logged in, with the log-out button
    assert '<a class="btn btn-primary" href="/admin/">Back to the dashboard</a>' in html


@pytest.mark.usefixtures("failing_page", "small_uploads")
@pytest.mark.parametrize("request_, status, title", ANONYMOUS, **NAMES)
def test_an_anonymous_error_is_shown_in_the_login_frame(anonymous, request_, status, title):
    html = assert_readable(request_(anonymous), status, title)
    assert PANEL_NAVIGATION not in html
    assert "Customers" not in html
    assert '<a class="btn btn-primary" href="/login">Go to the login page</a>' in html


def test_a_failure_is_logged_with_its_traceback(failing_page, client_as, caplog):
    with caplog.at_level(logging.ERROR):
        client_as("office").get(failing_page)
    (record,) = [r for r in caplog.records if r.exc_info]
    assert "The secret reason" in str(record.exc_info[1])


def test_a_failed_statement_still_gets_the_panels_page(failing_page, client_as):
    """On PostgreSQL a failed statement aborts the transaction: the page needs no query."""
    response = client_as("office").get("/?page=failed-statement")
    assert PANEL_NAVIGATION in assert_readable(response, 500, "Something went wrong")


def test_the_page_you_came_from_is_offered_as_the_way_back(client_as):
    response = client_as("office").get(
        "/admin/no-such-page/", headers={"Referer": "http://localhost/admin/customer/?page=2"}
    )
    assert '<a class="btn btn-outline-secondary" href="/admin/customer/?page=2">Back</a>' in (
        response.get_data(as_text=True)
    )


def test_another_sites_page_is_not_offered_as_the_way_back(client_as):
    response = client_as("office").get(
        "/admin/no-such-page/", headers={"Referer": "https://elsewhere.example/admin/"}
    )
    assert ">Back</a>" not in response.get_data(as_text=True)


def test_a_refusal_a_page_words_itself_is_shown(client_as):
    customer = make_customer()
    response = client_as("office").get(
        f"/admin/documents/statement/{customer.id}.pdf?as_of=yesterday"
    )
    html = assert_readable(response, 400, "Bad request")
    assert "The statement date is not a date: use YYYY-MM-DD." in html


def test_the_upload_limit_is_named(app, client_as):
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    customer = make_customer()
    response = client_as("office").post(
        f"/admin/customer/{customer.id}/files/",
        data={"file": (io.BytesIO(b"a" * 1_100_000), "big.txt"), "description": "Big"},
        content_type="multipart/form-data",
    )
    assert "larger than the 1 MB limit" in assert_readable(response, 413, "File too large")


def test_a_portal_visitor_is_shown_a_failure_in_the_portal_with_a_way_back(
    app, anonymous, monkeypatch
):
    customer = make_customer()
    _, token = create_portal_link(
        db.session, customer, None, {"statement": True}, utcnow() + timedelta(days=1)
    )
    db.session.commit()
    assert anonymous.get(f"/portal/open/{token}").status_code == 302
    app.config["PROPAGATE_EXCEPTIONS"] = False
    # a bug in a portal page
    monkeypatch.setitem(app.view_functions, "portal.statement", lambda: 1 / 0)
    html = assert_readable(anonymous.get("/portal/statement"), 500, "Something went wrong")
    assert "Customer portal" in html and PANEL_NAVIGATION not in html
    assert 'href="/portal/">Back to your account</a>' in html


@pytest.mark.parametrize("role", [None, "office"])
def test_an_unknown_portal_address_is_shown_in_the_portal_frame(anonymous, client_as, role):
    client = client_as(role) if role else anonymous
    response = client.get("/portal/no-such-page")
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Customer portal" in html
    assert PANEL_NAVIGATION not in html
    assert 'href="/admin/"' not in html
