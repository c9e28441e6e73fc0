"""The rules from the product documents, refused with a message by the field, nothing saved."""

import re

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from extensions import db
from models import Customer, PhoneNumber, User
from tests.factories import customer_form, make_customer, new_customer


@pytest.fixture
def office(client_as):
    return client_as("office")


def post(client, url, data):
    return client.post(url, data={**data, **client.csrf()})


def customers() -> int:
    return db.session.scalar(select(func.count()).select_from(Customer))


def field_error(html: str, field: str) -> str:
    """The error messages shown in a field's own form group."""
    start = html.find(f'id="{field}"')
    if start < 0:
        return ""
    end = html.find('<div class="form-group', start)
    group = html[start : end if end > 0 else None]
    # Flask-Admin's forms list them, ours put each in an "invalid-feedback".
    found = re.findall(r'<li>(.*?)</li>|class="invalid-feedback"[^>]*>(.*?)</div>', group, re.S)
    return " ".join(stock or ours for stock, ours in found)


def test_phone_numbers_are_kept_as_typed_and_normalised(office):
    post(office, new_customer(), customer_form(**{"phones-0-number": "0161 496 0123"}))
    phone = db.session.scalar(select(PhoneNumber))
    assert phone.number == "0161 496 0123"
    assert phone.digits == "441614960123"


def test_a_second_save_of_a_stale_form_is_refused(office, client_as):
    customer = make_customer()
    seen = str(customer.version)
    form = customer_form(version=seen, **{"phones-0-id": str(customer.phones[0].id)})
    first = post(office, f"/admin/customer/edit/?id={customer.id}", {**form, "surname": "One"})
    assert first.status_code == 302
    other = client_as("admin")
    second = post(other, f"/admin/customer/edit/?id={customer.id}", {**form, "surname": "Two"})
    html = second.get_data(as_text=True)
    assert "was changed by someone else after you opened it" in html
    assert db.session.get(Customer, customer.id).surname == "One"


def test_script_in_a_name_is_shown_as_text_everywhere(client_as):
    script = "<script>alert(1)</script>"
    customer = make_customer(surname=script, first_name=script)
    client = client_as("office")
    pages = {
        "list": client.get("/admin/customer/").get_data(as_text=True),
        "record": client.record(customer.id),
        "edit": client.get(f"/admin/customer/edit/?id={customer.id}").get_data(as_text=True),
    }
    for page, html in pages.items():
        assert script not in html, page
        assert str(escape(script)) in html, page


def test_users_need_a_long_enough_password(client_as):
    client = client_as("admin")
    response = post(
        client,
        "/admin/user/new/",
        {
            "email": "new@example.com",
            "name": "New",
            "role": "office",
            "active": "y",
            "new_password": "short",
        },
    )
    assert "Use at least 12 characters." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(User)) == 3
