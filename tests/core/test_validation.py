"""The rules from the product documents, refused with a message by the field, nothing saved."""

import re

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from extensions import db
from models import Contact, Customer, PhoneNumber, User, WorkAddress
from tests.factories import customer_form, customer_type, make_customer


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
    return " ".join(re.findall(r"<li>(.*?)</li>", group, re.S))


REFUSALS = [
    ({"surname": "", "first_name": "Alan"}, "surname", "Surname is required."),
    ({"address_line_1": ""}, "address_line_1", "Address line 1 is required."),
    ({"postcode": ""}, "postcode", "Postcode is required."),
    ({"email": "not-an-email"}, "email", "Not a valid email address"),
    ({"statement_email": "two@@example.com"}, "statement_email", "Not a valid email address"),
    ({"phones-0-number": ""}, "phones-0-number", "Enter the number."),
    ({"phones-0-number": "12"}, "phones-0-number", "Not a valid phone number"),
    ({"customer_type": ""}, "customer_type", "Choose a customer type."),
]


@pytest.mark.parametrize(("change", "field", "message"), REFUSALS)
def test_customer_form_refuses_bad_input_next_to_the_field(office, change, field, message):
    response = post(office, "/admin/customer/new/", customer_form(**change))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in field_error(html, field)
    assert customers() == 0


def test_a_customer_needs_at_least_one_phone_number(office):
    data = customer_form()
    del data["phones-0-kind"], data["phones-0-number"]
    html = post(office, "/admin/customer/new/", data).get_data(as_text=True)
    assert "Add at least one phone number." in html
    assert customers() == 0


def test_a_company_needs_its_name_and_a_contact(office):
    data = customer_form(customer_type=str(customer_type("Company").id), surname="")
    html = post(office, "/admin/customer/new/", data).get_data(as_text=True)
    assert "Company name is required for a company customer." in field_error(html, "company_name")
    assert "A company customer needs at least one contact." in html
    assert customers() == 0


def test_a_company_with_a_contact_is_saved_and_the_contacts_phone_counts(office):
    data = customer_form(
        customer_type=str(customer_type("Company").id),
        surname="",
        company_name="Difference Engines Ltd",
        **{"contacts-0-surname": "Babbage", "contacts-0-email": ""},
    )
    del data["phones-0-kind"], data["phones-0-number"]
    html = post(office, "/admin/customer/new/", data).get_data(as_text=True)
    # The inline contact form has no phone list, so the company still needs a number somewhere.
    assert "Add at least one phone number, on the customer or on a contact." in html
    data.update({"phones-0-kind": "office", "phones-0-number": "0161 496 0000"})
    assert post(office, "/admin/customer/new/", data).status_code == 302
    company = db.session.scalar(select(Customer))
    assert company.company_name == "Difference Engines Ltd"
    assert [c.surname for c in company.contacts] == ["Babbage"]


def test_the_representative_defaults_to_the_salesperson(office, users):
    salesperson = users["office"]
    response = post(office, "/admin/customer/new/", customer_form(salesperson=salesperson.id))
    assert response.status_code == 302
    customer = db.session.scalar(select(Customer))
    assert customer.salesperson_id == salesperson.id
    assert customer.representative_id == salesperson.id


def test_phone_numbers_are_kept_as_typed_and_normalised(office):
    post(office, "/admin/customer/new/", customer_form(**{"phones-0-number": "0161 496 0123"}))
    phone = db.session.scalar(select(PhoneNumber))
    assert phone.number == "0161 496 0123"
    assert phone.digits == "441614960123"


def test_a_contact_needs_a_surname(office):
    customer = make_customer()
    response = post(office, "/admin/contact/new/", {"customer": customer.id, "first_name": "Bo"})
    assert "Surname is required." in field_error(response.get_data(as_text=True), "surname")
    assert db.session.scalar(select(func.count()).select_from(Contact)) == 0


def test_only_private_customers_have_a_primary_contact(office):
    company = make_customer(type_name="Company", company_name="Acme Ltd")
    response = post(
        office,
        "/admin/contact/new/",
        {"customer": company.id, "surname": "Coyote", "is_primary": "y"},
    )
    assert "Only private customer types have a primary contact." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Contact)) == 1  # the factory's


def test_a_customer_has_one_primary_contact_at_most(office):
    customer = make_customer(contacts=[Contact(surname="First", is_primary=True)])
    response = post(
        office,
        "/admin/contact/new/",
        {"customer": customer.id, "surname": "Second", "is_primary": "y"},
    )
    assert "This customer already has a primary contact." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Contact)) == 1


def test_a_work_address_needs_line_1_and_defaults_the_occupier(office):
    customer = make_customer()
    refused = post(
        office,
        "/admin/workaddress/new/",
        {
            "customer": customer.id,
            "postcode": "M3 3CC",
            "status": "active",
            "vacant_property": "unknown",
        },
    )
    assert "Address line 1 is required." in field_error(
        refused.get_data(as_text=True), "address_line_1"
    )
    assert db.session.scalar(select(func.count()).select_from(WorkAddress)) == 0
    saved = post(
        office,
        "/admin/workaddress/new/",
        {
            "customer": customer.id,
            "address_line_1": "4 Let Lane",
            "postcode": "M3 3CC",
            "status": "active",
            "vacant_property": "unknown",
        },
    )
    assert saved.status_code == 302
    assert db.session.scalar(select(WorkAddress.occupier_surname)) == "Occupier"


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
