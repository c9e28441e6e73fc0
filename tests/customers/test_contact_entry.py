"""A customer's contacts, added and edited in the Contacts tab's modal (or as a page): their
phones, social links and preferences, each refusal by its field and nothing saved."""

import pytest
from sqlalchemy import func, select

from extensions import db
from models import Branch, Contact
from tests.core.test_validation import field_error
from tests.factories import make_customer

MODAL = {"X-Entry-Modal": "1"}


def contacts() -> int:
    return db.session.scalar(select(func.count()).select_from(Contact))


def contact_form(**overrides) -> dict[str, str]:
    return {
        "title": "Ms",
        "first_name": "Grace",
        "surname": "Hopper",
        "position": "Office manager",
        "email": "grace@example.com",
        "phones-0-kind": "mobile",
        "phones-0-number": "07700 900111",
        "phones-1-kind": "mobile",
        "phones-1-number": "07700 900222",
        "linkedin_url": "https://linkedin.com/in/grace",
        "comm_email": "y",
        **overrides,
    }


def test_the_modal_gets_the_form_alone_and_a_page_gets_it_in_the_panel(office):
    customer = make_customer()
    url = f"/admin/contact/new/?customer={customer.id}"
    fragment = office.get(url, headers=MODAL).get_data(as_text=True)
    assert fragment.lstrip().startswith("<form") and "<html" not in fragment
    page = office.get(url).get_data(as_text=True)
    assert "<html" in page and f"Add a contact of {customer.display_name}" in page
    for text in ("Social links", "Communication rules", "Twitter / X", "Position"):
        assert text in fragment
    assert "Please select model" not in fragment and "Branch" not in fragment  # it has none


def test_a_contact_is_added_with_two_mobiles_and_goes_back_to_the_tab(office):
    customer = make_customer()
    response = office.post_form(
        f"/admin/contact/new/?customer={customer.id}", contact_form(), headers=MODAL
    )
    assert response.get_json() == {
        "redirect": f"/admin/customer/details/?id={customer.id}#contacts"
    }
    contact = db.session.scalar(select(Contact).where(Contact.surname == "Hopper"))
    assert (contact.position, contact.linkedin_url) == (
        "Office manager",
        "https://linkedin.com/in/grace",
    )
    assert [p.number for p in contact.phones] == ["07700 900111", "07700 900222"]
    assert contact.comm_email and not contact.comm_letter


def test_a_refused_contact_comes_back_by_its_field_with_the_rest_kept(office):
    customer = make_customer()
    before = contacts()
    data = contact_form(surname="", email="grace@", **{"phones-1-number": "12"})
    response = office.post_form(f"/admin/contact/new/?customer={customer.id}", data, headers=MODAL)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Surname is required." in field_error(html, "surname")
    assert "Not a valid email address" in field_error(html, "email")
    assert "Not a valid phone number" in field_error(html, "phones-1-number")
    assert 'value="Office manager"' in html
    assert contacts() == before


def test_only_private_customers_have_a_primary_contact(office):
    company = make_customer(type_name="Company", company_name="Acme Ltd")
    url = f"/admin/contact/new/?customer={company.id}"
    assert 'id="is_primary"' not in office.get(url).get_data(as_text=True)
    office.post_form(url, contact_form(is_primary="y"))
    assert not db.session.scalar(select(Contact).where(Contact.surname == "Hopper")).is_primary


def test_a_customer_has_one_primary_contact_at_most(office):
    customer = make_customer(contacts=[Contact(surname="First", is_primary=True)])
    before = contacts()
    response = office.post_form(
        f"/admin/contact/new/?customer={customer.id}", contact_form(is_primary="y")
    )
    assert "This customer already has a primary contact." in response.get_data(as_text=True)
    assert contacts() == before


def test_a_branch_of_another_customer_is_refused(office):
    customer = make_customer(type_name="Company", company_name="Acme Ltd")
    own = Branch(customer=customer, name="North", address_line_1="1 North St")
    db.session.add(own)
    other = Branch(customer=make_customer(surname="Other"), name="Theirs", address_line_1="2 St")
    db.session.add(other)
    db.session.commit()
    url = f"/admin/contact/new/?customer={customer.id}"
    html = office.get(url).get_data(as_text=True)
    assert "North" in html and "Theirs" not in html
    refused = office.post_form(url, contact_form(branch_id=str(other.id)))
    assert "Not a valid choice" in field_error(refused.get_data(as_text=True), "branch_id")
    assert office.post_form(url, contact_form(branch_id=str(own.id))).status_code == 302
    assert db.session.scalar(select(Contact.branch_id).where(Contact.surname == "Hopper")) == own.id


def test_a_contact_is_edited_and_a_stale_edit_refused(office, client_as):
    customer = make_customer(contacts=[Contact(surname="Babbage")])
    contact = customer.contacts[0]
    url = f"/admin/contact/edit/?id={contact.id}"
    assert 'value="Babbage"' in office.get(url, headers=MODAL).get_data(as_text=True)
    seen = str(contact.version)
    assert office.post_form(url, contact_form(surname="Byron", version=seen)).status_code == 302
    stale = client_as("admin").post_form(url, contact_form(surname="Lovelace", version=seen))
    assert "was changed by someone else" in stale.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Contact, contact.id).surname == "Byron"


@pytest.mark.parametrize("query", ["", "?customer=abc", "?customer=987654"])
def test_a_contact_needs_a_real_customer(office, query):
    response = office.get(f"/admin/contact/new/{query}")
    assert response.status_code in (302, 404)
    assert contacts() == 0
