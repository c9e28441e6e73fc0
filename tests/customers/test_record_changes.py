"""Changes made from the record page: notes, pins, primary contact, deletes typed to confirm."""

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from extensions import db
from models import Branch, Communication, Contact, WorkAddress
from tests.factories import make_customer, make_work_address


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def post(client, url, data=None):
    return client.post(url, data={**(data or {}), **client.csrf()})


def test_a_note_added_in_the_modal_appears_with_its_author(client_as, users):
    customer = make_customer()
    client = client_as("office")
    response = post(
        client,
        f"/admin/customer/{customer.id}/communications/",
        {"kind": "call", "subject": "Boiler noise", "body": "Rang: boiler knocking"},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("#communications")
    note = db.session.scalar(select(Communication))
    assert (note.kind, note.author_id, note.body) == (
        "call",
        users["office"].id,
        "Rang: boiler knocking",
    )
    html = client.record(customer.id)
    assert "Boiler noise" in html and "Office User" in html
    assert "Call logged." in html and "Note added." not in html  # the flash says what it was


@pytest.mark.parametrize(
    ("kind", "said"),
    [("note", "Note added."), ("email", "Email logged."), ("sms", "SMS logged."),
     ("comment", "Comment added.")],
)  # fmt: skip
def test_the_message_after_adding_says_what_was_added(client_as, kind, said):
    customer = make_customer()
    client = client_as("office")
    post(client, f"/admin/customer/{customer.id}/communications/", {"kind": kind, "body": "Hi"})
    assert said in client.record(customer.id)


def test_a_note_without_text_is_refused_in_the_modal_and_nothing_is_saved(client_as):
    customer = make_customer()
    response = post(
        client_as("office"),
        f"/admin/customer/{customer.id}/communications/",
        {"kind": "note", "body": "  "},
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Write the note." in html
    assert "$('#note').modal('show')" in html  # the modal opens again, showing why
    assert count(Communication) == 0


def test_pinned_notes_come_first_in_red_and_the_star_toggles_them(client_as):
    customer = make_customer()
    old = Communication(customer=customer, body="Old but important")
    new = Communication(customer=customer, body="Newest note")
    db.session.add_all([old, new])
    db.session.commit()
    client = client_as("office")
    post(client, f"/admin/customer/{customer.id}/communications/{old.id}/pin/")
    html = client.record(customer.id)
    assert html.index("Old but important") < html.index("Newest note")
    assert 'text-danger" style="white-space: pre-line">Old but important' in html
    post(client, f"/admin/customer/{customer.id}/communications/{old.id}/pin/")
    assert db.session.get(Communication, old.id).is_important is False


def test_a_note_added_on_a_work_address_belongs_to_that_property(client_as):
    customer = make_customer()
    address = make_work_address(customer)
    client = client_as("office")
    response = post(
        client,
        f"/admin/customer/{customer.id}/communications/",
        {"kind": "note", "body": "Key under the mat", "work_address_id": address.id},
    )
    assert response.headers["Location"].endswith(
        f"/admin/workaddress/details/?id={address.id}#communications"
    )
    assert db.session.scalar(select(Communication.work_address_id)) == address.id
    page = client.get(f"/admin/workaddress/details/?id={address.id}").get_data(as_text=True)
    assert "Key under the mat" in page


def test_setting_a_primary_contact_replaces_the_previous_one(client_as):
    customer = make_customer(
        contacts=[Contact(surname="First", is_primary=True), Contact(surname="Second")]
    )
    second = customer.contacts[1]
    response = post(
        client_as("office"), f"/admin/customer/{customer.id}/contacts/{second.id}/primary/"
    )
    assert response.status_code == 302
    primaries = db.session.scalars(select(Contact.surname).where(Contact.is_primary)).all()
    assert primaries == ["Second"]


def test_company_customers_cannot_have_a_primary_contact(client_as):
    company = make_customer(type_name="Company", company_name="Acme Ltd")
    contact = company.contacts[0]
    client = client_as("office")
    response = post(client, f"/admin/customer/{company.id}/contacts/{contact.id}/primary/")
    follow = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "only private customer types do" in follow
    assert db.session.get(Contact, contact.id).is_primary is False


def test_deleting_a_contact_needs_the_word_typed(client_as):
    customer = make_customer(contacts=[Contact(surname="Goner")])
    contact_id = customer.contacts[0].id
    client = client_as("office")
    url = f"/admin/customer/{customer.id}/contact/{contact_id}/delete/"
    refused = post(client, url, {"confirm": "yes"})
    shown = client.get(refused.headers["Location"]).get_data(as_text=True)
    assert escape('Not deleted: type "delete" to confirm.') in shown
    assert db.session.get(Contact, contact_id) is not None
    post(client, url, {"confirm": " Delete "})
    assert db.session.get(Contact, contact_id) is None


def test_deleting_a_branch_keeps_its_work_addresses(client_as):
    company = make_customer(type_name="Estate agent", company_name="Lets Ltd")
    branch = Branch(customer=company, name="North", address_line_1="1 North St")
    db.session.add(branch)
    address = make_work_address(company, branch=branch)
    post(
        client_as("office"),
        f"/admin/customer/{company.id}/branch/{branch.id}/delete/",
        {"confirm": "delete"},
    )
    assert count(Branch) == 0
    assert db.session.get(WorkAddress, address.id).branch_id is None


def test_another_customers_rows_cannot_be_reached_through_this_record(client_as):
    mine = make_customer()
    theirs = make_customer(surname="Other", contacts=[Contact(surname="Theirs")])
    note = Communication(customer=theirs, body="Private")
    db.session.add(note)
    db.session.commit()
    client = client_as("office")
    contact_id = theirs.contacts[0].id
    for url in (
        f"/admin/customer/{mine.id}/contact/{contact_id}/delete/",
        f"/admin/customer/{mine.id}/contacts/{contact_id}/primary/",
        f"/admin/customer/{mine.id}/communications/{note.id}/pin/",
    ):
        assert post(client, url, {"confirm": "delete"}).status_code == 404, url
    assert db.session.get(Contact, contact_id) is not None
    assert db.session.get(Communication, note.id).is_important is False


def test_read_only_users_see_the_record_but_change_nothing(client_as):
    customer = make_customer(contacts=[Contact(surname="Kept")])
    client = client_as("read_only")
    html = client.record(customer.id)
    assert "Kept" in html
    assert "Add record" not in html and "Upload files" not in html and ">Delete<" not in html
    contact_id = customer.contacts[0].id
    for url, data in (
        (f"/admin/customer/{customer.id}/communications/", {"kind": "note", "body": "x"}),
        (f"/admin/customer/{customer.id}/contact/{contact_id}/delete/", {"confirm": "delete"}),
        (f"/admin/customer/{customer.id}/contacts/{contact_id}/primary/", {}),
        (f"/admin/customer/{customer.id}/files/", {"description": "x"}),
    ):
        assert post(client, url, data).status_code == 403, url
    assert count(Communication) == 0 and count(Contact) == 1


def test_add_buttons_open_forms_filled_in_for_this_customer(client_as):
    customer = make_customer()
    client = client_as("office")
    work_form = client.get(f"/admin/work/new/?customer={customer.id}&kind=estimate")
    html = work_form.get_data(as_text=True)
    assert f'value="{customer.id}"' in html and "Lovelace" in html
    assert '<option selected value="estimate">' in html
    assert "12 Analytical Row, Manchester, M1 1AA" in html  # the address, reused (seed 002)
    contact_form = client.get(f"/admin/contact/new/?customer={customer.id}")
    assert f"Add a contact of {customer.display_name}" in contact_form.get_data(as_text=True)


def test_adding_from_the_record_returns_to_the_record(client_as):
    customer = make_customer()
    client = client_as("office")
    back = f"/admin/customer/details/?id={customer.id}#branches"
    response = client.post(
        f"/admin/branch/new/?customer={customer.id}",
        data={"name": "Head office", "address_line_1": "1 Main St", **client.csrf()},
    )
    assert response.headers["Location"] == back
    assert db.session.scalar(select(Branch.name)) == "Head office"


def test_an_asset_added_for_a_work_address_stays_with_its_customer(client_as):
    from models import Asset, AssetGroup

    customer = make_customer()
    address = make_work_address(customer)
    someone_else = make_work_address(make_customer(surname="Other", postcode="O1 1AA"))
    boiler = db.session.scalar(select(AssetGroup.id).where(AssetGroup.name == "Boiler"))
    client = client_as("office")
    form = client.get(f"/admin/asset/new/?customer={customer.id}&work_address={address.id}")
    assert f'value="{address.id}"' in form.get_data(as_text=True)
    refused = post(
        client,
        "/admin/asset/new/",
        {
            "customer": customer.id,
            "work_address": someone_else.id,
            "asset_group": boiler,
            "technical_reference": "Boiler - kitchen",
        },
    )
    assert "That work address belongs to another customer." in refused.get_data(as_text=True)
    saved = post(
        client,
        "/admin/asset/new/",
        {
            "customer": customer.id,
            "work_address": address.id,
            "asset_group": boiler,
            "technical_reference": "Boiler - kitchen",
        },
    )
    assert saved.status_code == 302
    assert db.session.scalar(select(Asset.work_address_id)) == address.id
