"""Adding and editing customers on our own pages: the type first, the form it needs, every
refusal by its field with the rest kept, the new record after saving, and likely duplicates
caught while typing and confirmed before saving."""

import re

import pytest
from sqlalchemy import func, select

from extensions import db
from models import (
    AuditEntry,
    Contact,
    Customer,
    CustomFieldTarget,
    CustomFieldType,
    PhoneNumber,
    WorkAddress,
)
from tests.core.test_validation import field_error
from tests.factories import (
    customer_form,
    customer_type,
    make_custom_field,
    make_customer,
    new_customer,
)


def customers() -> int:
    return db.session.scalar(select(func.count()).select_from(Customer))


def company_form(**overrides) -> dict[str, str]:
    data = customer_form(company_name="Difference Engines Ltd")
    for name in ("title", "first_name", "surname", "email"):
        data.pop(name)
    return {**data, "contact-surname": "Babbage", "contact-first_name": "Charles", **overrides}


def test_the_type_is_chosen_first(office):
    html = office.get("/admin/customer/new/").get_data(as_text=True)
    for name in ("Private", "Company", "Landlord"):
        assert f'href="/admin/customer/new/?type={customer_type(name).id}"' in html


def test_an_unknown_type_goes_back_to_the_choice(office):
    html = office.get("/admin/customer/new/?type=x9", follow_redirects=True).get_data(as_text=True)
    assert "Choose one of the customer types below." in html


def test_a_private_customer_is_asked_a_persons_names(office):
    html = office.get(new_customer()).get_data(as_text=True)
    assert 'id="surname"' in html and 'id="first_name"' in html
    assert 'id="company_name"' not in html and "First contact" not in html
    assert re.search(r'for="surname">Surname <span class="text-danger"', html)
    for section in ("Customer details", "Property address", "How did you hear from us?"):
        assert section in html
    for section in ("Communication rules", "Price book", "Other details"):
        assert section in html


def test_a_company_is_asked_its_name_and_first_contact_with_phones(office):
    html = office.get(new_customer("Company")).get_data(as_text=True)
    assert re.search(r'for="company_name">Company name <span class="text-danger"', html)
    assert 'id="title"' not in html and 'id="surname"' not in html
    assert "First contact" in html
    for field in ("contact-surname", "contact-email", "contact-phones-0-number"):
        assert f'id="{field}"' in html
    assert "is_primary" not in html  # primary contacts are for private types only


def test_sms_is_offered_only_when_it_is_enabled(office, app):
    assert 'id="comm_sms"' not in office.get(new_customer()).get_data(as_text=True)
    app.config["SMS_ENABLED"] = True
    assert 'id="comm_sms"' in office.get(new_customer()).get_data(as_text=True)


def test_a_private_customer_is_saved_and_its_record_opens(office):
    response = office.post_form(new_customer(), customer_form())
    customer = db.session.scalar(select(Customer))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/admin/customer/details/?id={customer.id}")
    assert (customer.first_name, customer.surname, customer.customer_type.name) == (
        "Alan",
        "Turing",
        "Private",
    )
    assert [(p.kind.value, p.number) for p in customer.phones] == [("mobile", "07700 900456")]
    assert "added as C" in office.get(response.headers["Location"]).get_data(as_text=True)


def test_a_company_is_saved_with_its_first_contact_and_phones(office):
    data = company_form(
        **{
            "contact-email": "charles@engines.example",
            "contact-position": "Director",
            "contact-phones-0-kind": "mobile",
            "contact-phones-0-number": "07700 900111",
            "contact-phones-1-kind": "mobile",
            "contact-phones-1-number": "07700 900222",
        }
    )
    assert office.post_form(new_customer("Company"), data).status_code == 302
    company = db.session.scalar(select(Customer))
    assert company.company_name == "Difference Engines Ltd"
    (contact,) = company.contacts
    assert (contact.first_name, contact.surname, contact.position) == (
        "Charles",
        "Babbage",
        "Director",
    )
    assert [p.number for p in contact.phones] == ["07700 900111", "07700 900222"]


def test_a_company_with_only_its_contacts_phone_is_saved(office):
    data = company_form(**{"contact-phones-0-number": "0161 496 0000"})
    data["phones-0-number"] = ""
    assert office.post_form(new_customer("Company"), data).status_code == 302
    assert db.session.scalar(select(Contact)).phones[0].digits == "441614960000"


def test_a_landlord_is_a_person_with_a_surname(office):
    data = customer_form(first_name="Lenny", surname="Lord")
    assert office.post_form(new_customer("Landlord"), data).status_code == 302
    assert db.session.scalar(select(Customer)).customer_type.name == "Landlord"


REFUSALS = [
    ({"surname": ""}, "surname", "Surname is required."),
    ({"address_line_1": ""}, "address_line_1", "Address line 1 is required."),
    ({"postcode": ""}, "postcode", "Postcode is required."),
    ({"email": "not-an-email"}, "email", "Not a valid email address"),
    ({"statement_email": "two@@example.com"}, "statement_email", "Not a valid email address"),
    ({"phones-0-number": "12"}, "phones-0-number", "Not a valid phone number"),
    ({"kilometres": "far"}, "kilometres", "Not a valid decimal value"),
    ({"kilometres": "-3"}, "kilometres", "0 to 99,999."),
    ({"creditor_days": "11"}, "creditor_days", "Not a valid choice"),
    ({"title": "Lord High"}, "title", "Not a valid choice"),
]


@pytest.mark.parametrize(("change", "field", "message"), REFUSALS)
def test_each_refusal_is_shown_by_its_field_and_the_rest_is_kept(office, change, field, message):
    data = customer_form(town="Milton Keynes", **change)
    response = office.post_form(new_customer(), data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in field_error(html, field)
    assert 'value="Milton Keynes"' in html
    assert customers() == 0


def test_a_customer_needs_a_phone_number(office):
    html = office.post_form(new_customer(), customer_form(**{"phones-0-number": ""})).get_data(
        as_text=True
    )
    assert "Add at least one phone number" in html
    assert customers() == 0


def test_a_company_needs_its_name_and_its_contacts_surname(office):
    data = company_form(company_name="", **{"contact-surname": ""})
    html = office.post_form(new_customer("Company"), data).get_data(as_text=True)
    assert "Company name is required." in field_error(html, "company_name")
    assert "Surname is required." in field_error(html, "contact-surname")
    assert customers() == 0


def test_a_company_without_any_phone_is_refused(office):
    data = company_form(**{"phones-0-number": ""})
    html = office.post_form(new_customer("Company"), data).get_data(as_text=True)
    assert "Add at least one phone number, on the customer or on a contact." in html
    assert customers() == 0


def test_a_lookup_that_does_not_exist_is_refused(office):
    html = office.post_form(new_customer(), customer_form(price_book_id="99999")).get_data(
        as_text=True
    )
    assert "Not a valid choice" in field_error(html, "price_book_id")
    assert customers() == 0


def test_the_representative_defaults_to_the_salesperson(office, users):
    salesperson = users["office"]
    office.post_form(new_customer(), customer_form(salesperson_id=str(salesperson.id)))
    customer = db.session.scalar(select(Customer))
    assert customer.representative_id == salesperson.id


def test_the_edit_page_saves_and_goes_back_to_the_record(office):
    customer = make_customer()
    url = f"/admin/customer/edit/?id={customer.id}"
    html = office.get(url).get_data(as_text=True)
    assert 'value="Lovelace"' in html and "First contact" not in html
    data = customer_form(version=str(customer.version), surname="Byron")
    data["phones-0-number"] = customer.phones[0].number
    response = office.post_form(url, data)
    assert response.headers["Location"].endswith(f"/admin/customer/details/?id={customer.id}")
    db.session.expire_all()
    saved = db.session.get(Customer, customer.id)
    assert saved.surname == "Byron"
    assert db.session.scalar(select(func.count()).select_from(PhoneNumber)) == 1


def test_editing_a_missing_or_merged_customer_goes_back_to_the_list(office):
    response = office.get("/admin/customer/edit/?id=987654")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/customer/")


# Duplicates


def existing_customer() -> Customer:
    return make_customer(
        first_name="Raymond",
        surname="Davey",
        email="Raymond.Davey@example.com",
        address_line_1="12 Mill Road",
        postcode="M1 1AA",
        phones=[PhoneNumber(kind="home", number="+44 161 4960123")],
    )


def lookup(client, **typed) -> list[dict]:
    response = client.get("/admin/customer/duplicates/", query_string=typed)
    assert response.status_code == 200
    return response.get_json()


def test_a_phone_typed_another_way_finds_the_customer(office):
    raymond = existing_customer()
    (match,) = lookup(office, phone="0161 496 0123")
    assert (match["id"], match["account_number"]) == (raymond.id, raymond.account_number)
    assert match["name"] == raymond.display_name
    assert match["reasons"] == ["Same phone +44 161 4960123"]


def test_an_email_in_another_case_finds_the_customer(office):
    raymond = existing_customer()
    assert [m["id"] for m in lookup(office, email="RAYMOND.davey@EXAMPLE.com")] == [raymond.id]


def test_name_and_address_both_count_as_reasons(office):
    existing_customer()
    (match,) = lookup(
        office, first_name="raymond", surname="DAVEY", address_line_1="12 Mill Rd", postcode="m11aa"
    )
    assert match["reasons"] == ["Same name", "Same address"]


def test_the_placeholder_occupier_matches_nobody(office):
    make_customer(first_name=None, surname="Occupier")
    assert lookup(office, surname="Occupier") == []
    assert lookup(office) == []


def test_the_customer_being_edited_is_not_its_own_duplicate(office):
    raymond = existing_customer()
    assert lookup(office, surname="Davey", first_name="Raymond", exclude=raymond.id) == []


def test_the_lookup_needs_a_login(anonymous):
    response = anonymous.get("/admin/customer/duplicates/?surname=Davey&first_name=Raymond")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def raymond_again() -> dict[str, str]:
    return customer_form(
        first_name="Raymond",
        surname="Davey",
        address_line_1="12 Mill Road",
        postcode="M1 1AA",
        **{"phones-0-number": "0161 496 0123"},
    )


def test_saving_a_likely_duplicate_asks_first(office):
    raymond = existing_customer()
    response = office.post_form(new_customer(), raymond_again())
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f"Open {raymond.account_number}" in html
    assert f'href="/admin/customer/details/?id={raymond.id}"' in html
    assert "Create anyway" in html
    assert customers() == 1


def test_create_anyway_adds_it_and_the_choice_is_audited(office):
    raymond = existing_customer()
    data = {**raymond_again(), "duplicates_confirmed": str(raymond.id)}
    assert office.post_form(new_customer(), data).status_code == 302
    assert customers() == 2
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "create anyway"))
    assert raymond.account_number in str(entry.changes)


def test_a_confirmation_forged_for_another_customer_is_refused(office):
    existing_customer()
    other = make_customer(surname="Other", email="o@example.com", address_line_1="1 Elsewhere")
    data = {**raymond_again(), "duplicates_confirmed": f"{other.id},x,-1"}
    assert office.post_form(new_customer(), data).status_code == 400
    assert customers() == 2


# Custom fields


def test_the_types_custom_fields_are_asked_checked_and_kept(office):
    make_custom_field(
        "heating",
        label="Heating",
        field_type=CustomFieldType.choice,
        choices=["Gas", "Oil"],
        required=True,
    )
    make_custom_field("visits", field_type=CustomFieldType.number)
    make_custom_field("site_code", applies_to=CustomFieldTarget.work_address)
    html = office.get(new_customer()).get_data(as_text=True)
    assert "Custom fields" in html and 'id="cf_heating"' in html and 'id="cf_visits"' in html
    assert 'id="cf_site_code"' not in html  # a work address's field
    refused = office.post_form(new_customer(), customer_form(cf_heating="Coal", cf_visits="x"))
    page = refused.get_data(as_text=True)
    assert "Not a valid choice" in field_error(page, "cf_heating")
    assert "Enter a number" in field_error(page, "cf_visits")
    assert customers() == 0
    office.post_form(new_customer(), customer_form(cf_heating="Oil", cf_visits="3"))
    customer = db.session.scalar(select(Customer))
    assert customer.custom_fields == {"heating": "Oil", "visits": "3"}
    edit = office.get(f"/admin/customer/edit/?id={customer.id}").get_data(as_text=True)
    assert '<option selected value="Oil">' in edit


def test_a_field_for_other_customer_types_is_not_asked(office):
    make_custom_field("trade", customer_types=[customer_type("Company")])
    assert 'id="cf_trade"' not in office.get(new_customer()).get_data(as_text=True)
    assert 'id="cf_trade"' in office.get(new_customer("Company")).get_data(as_text=True)


def test_a_work_address_takes_its_custom_fields(office):
    make_custom_field("site_code", applies_to=CustomFieldTarget.work_address, required=True)
    owner = make_customer()
    url = f"/admin/workaddress/new/?customer={owner.id}"
    data = {"address_line_1": "4 Let Lane", "postcode": "LS1 4AB", "vacant_property": "no"}
    refused = office.post_form(url, data)
    assert "Site code is required." in field_error(refused.get_data(as_text=True), "cf_site_code")
    office.post_form(url, {**data, "cf_site_code": "K-9"})
    assert db.session.scalar(select(WorkAddress)).custom_fields == {"site_code": "K-9"}
