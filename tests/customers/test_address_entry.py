"""Work addresses added and edited on our own page: the owner fixed, the landlord searched
for or added in place (with the duplicate check), an address another customer has confirmed
first, each refusal by its field with nothing saved."""

import pytest
from sqlalchemy import func, select

from extensions import db
from models import AuditEntry, Customer, WorkAddress
from tests.core.test_validation import field_error
from tests.factories import make_customer, make_work_address

MODAL = {"X-Entry-Modal": "1"}


def addresses() -> int:
    return db.session.scalar(select(func.count()).select_from(WorkAddress))


def address_form(**overrides) -> dict[str, str]:
    return {
        "occupier_first_name": "Tom",
        "occupier_surname": "Tenant",
        "address_line_1": "4 Let Lane",
        "town": "Leeds",
        "postcode": "LS1 4AB",
        "phones-0-kind": "mobile",
        "phones-0-number": "",
        "vacant_property": "no",
        "comm_letter": "y",
        **overrides,
    }


def test_the_form_names_the_owner_and_offers_a_new_landlord(office):
    owner = make_customer()
    html = office.get(f"/admin/workaddress/new/?customer={owner.id}").get_data(as_text=True)
    assert f'owned by <a href="/admin/customer/details/?id={owner.id}">' in html
    assert "Add new landlord" in html and "/admin/customer/landlord/new/" in html
    assert "Please select model" not in html


def test_a_work_address_is_added_and_its_page_opens(office):
    owner = make_customer()
    response = office.post_form(f"/admin/workaddress/new/?customer={owner.id}", address_form())
    address = db.session.scalar(select(WorkAddress))
    assert response.headers["Location"].endswith(f"/admin/workaddress/details/?id={address.id}")
    assert (address.customer_id, address.occupier_surname, address.postcode) == (
        owner.id,
        "Tenant",
        "LS1 4AB",
    )


def test_line_1_is_required_and_a_blank_occupier_reads_occupier(office):
    owner = make_customer()
    url = f"/admin/workaddress/new/?customer={owner.id}"
    refused = office.post_form(url, address_form(address_line_1=""))
    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    assert "Address line 1 is required." in field_error(html, "address_line_1")
    assert 'value="LS1 4AB"' in html
    assert addresses() == 0
    office.post_form(url, address_form(occupier_surname="", occupier_first_name=""))
    assert db.session.scalar(select(WorkAddress.occupier_surname)) == "Occupier"


def test_a_landlord_is_chosen_and_the_owner_cannot_be_its_own(office):
    owner = make_customer()
    landlord = make_customer(type_name="Landlord", surname="Lord", email="l@example.com")
    url = f"/admin/workaddress/new/?customer={owner.id}"
    own = office.post_form(url, address_form(landlord_id=str(owner.id)))
    said = "A customer cannot be the landlord of its own work address."
    assert said in field_error(own.get_data(as_text=True), "landlord_id")
    assert said not in field_error(own.get_data(as_text=True), "phones-0-number")
    assert addresses() == 0
    office.post_form(url, address_form(landlord_id=str(landlord.id)))
    assert db.session.scalar(select(WorkAddress.landlord_id)) == landlord.id


@pytest.mark.parametrize("landlord_id", ["987654", "x", "-1"])
def test_a_landlord_that_does_not_exist_is_refused(office, landlord_id):
    owner = make_customer()
    response = office.post_form(
        f"/admin/workaddress/new/?customer={owner.id}",
        address_form(landlord_id=landlord_id),
    )
    assert response.status_code == 400
    assert "That landlord does not exist any more" in response.get_data(as_text=True)
    assert addresses() == 0


def test_an_address_another_customer_has_is_confirmed_first(office):
    owner = make_customer()
    other = make_customer(
        surname="Neighbour", address_line_1="4 Let Lane", postcode="LS1 4AB", email="n@x.com"
    )
    url = f"/admin/workaddress/new/?customer={owner.id}"
    asked = office.post_form(url, address_form())
    assert asked.status_code == 400
    assert f"Open {other.account_number}" in asked.get_data(as_text=True)
    assert addresses() == 0
    assert (
        office.post_form(url, address_form(duplicates_confirmed=str(other.id))).status_code == 302
    )
    assert addresses() == 1
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "create anyway"))
    assert entry.entity == "work_address" and other.account_number in str(entry.changes)


def test_the_owners_own_address_is_no_duplicate(office):
    owner = make_customer(address_line_1="4 Let Lane", postcode="LS1 4AB")
    response = office.post_form(f"/admin/workaddress/new/?customer={owner.id}", address_form())
    assert response.status_code == 302


def test_a_work_address_is_edited_and_a_stale_edit_refused(office, client_as):
    owner = make_customer()
    address = make_work_address(owner)
    url = f"/admin/workaddress/edit/?id={address.id}"
    seen = str(address.version)
    data = address_form(version=seen, status="active")
    assert office.post_form(url, {**data, "town": "York"}).status_code == 302
    stale = client_as("admin").post_form(url, {**data, "town": "Hull"})
    assert "was changed by someone else" in stale.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(WorkAddress, address.id).town == "York"


def landlord_form(**overrides) -> dict[str, str]:
    return {
        "first_name": "Lenny",
        "surname": "Lord",
        "email": "lenny@lords.example",
        "phones-0-kind": "mobile",
        "phones-0-number": "07700 900333",
        "address_line_1": "1 Manor Road",
        "postcode": "LS2 1AA",
        **overrides,
    }


def test_a_new_landlord_is_added_in_place_and_handed_back(office):
    response = office.post_form("/admin/customer/landlord/new/", landlord_form(), headers=MODAL)
    landlord = db.session.scalar(select(Customer).where(Customer.surname == "Lord"))
    assert landlord.customer_type.name == "Landlord"
    assert response.get_json() == {
        "landlord": {"id": landlord.id, "label": f"Lenny Lord ({landlord.account_number})"}
    }


def test_a_new_landlord_is_refused_by_its_field(office):
    response = office.post_form(
        "/admin/customer/landlord/new/", landlord_form(surname=""), headers=MODAL
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "<html" not in html
    assert "Surname is required." in field_error(html, "surname")
    assert db.session.scalar(select(func.count()).select_from(Customer)) == 0


def test_a_landlord_already_on_the_book_is_offered_instead(office):
    existing = make_customer(
        type_name="Landlord", first_name="Lenny", surname="Lord", email="lenny@lords.example"
    )
    response = office.post_form("/admin/customer/landlord/new/", landlord_form(), headers=MODAL)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'data-use-landlord="{existing.id}"' in html and "Create anyway" in html
    assert db.session.scalar(select(func.count()).select_from(Customer)) == 1
