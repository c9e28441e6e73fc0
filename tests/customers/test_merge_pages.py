"""Merging customers in the panel: choose, preview, confirm by typing, undo."""

from markupsafe import escape
from sqlalchemy import select

from extensions import db
from models import Contact, Customer
from tests.factories import make_customer


def post(client, url, data=None):
    return client.post(url, data={**(data or {}), **client.csrf()})


def pair():
    keep = make_customer(email=None)
    absorb = make_customer(
        surname="Lovelace-King",
        postcode="L1 1AA",
        email="ada@king.example",
        contacts=[Contact(surname="Butler")],
    )
    return keep, absorb


def test_merging_goes_through_a_preview_and_a_typed_confirmation(client_as):
    keep, absorb = pair()
    client = client_as("office")
    chosen = post(
        client,
        f"/admin/customer/{keep.id}/merge/",
        {"other": absorb.account_number, "keep": "this"},
    )
    preview_url = f"/admin/customer/{keep.id}/merge/{absorb.id}/"
    assert chosen.headers["Location"] == preview_url
    preview = client.get(preview_url).get_data(as_text=True)
    assert "Contacts" in preview and "Phone numbers" in preview
    assert "ada@king.example" in preview  # the kept customer's empty email is filled
    untyped = post(client, preview_url, {"confirm": "yes"})
    assert escape('Type "merge" to confirm.') in untyped.get_data(as_text=True)
    assert db.session.get(Customer, absorb.id).merged_into_id is None
    merged = post(client, preview_url, {"confirm": "merge"})
    assert merged.headers["Location"] == f"/admin/customer/details/?id={keep.id}"
    assert db.session.get(Customer, absorb.id).merged_into_id == keep.id
    assert [c.surname for c in db.session.get(Customer, keep.id).contacts] == ["Butler"]


def test_a_merged_customer_leads_to_the_kept_one_and_leaves_the_list(client_as):
    keep, absorb = pair()
    client = client_as("office")
    post(client, f"/admin/customer/{keep.id}/merge/{absorb.id}/", {"confirm": "merge"})
    old = client.get(f"/admin/customer/details/?id={absorb.id}")
    assert old.headers["Location"] == f"/admin/customer/details/?id={keep.id}"
    table = client.get("/admin/customer/").get_data(as_text=True).split("<table", 1)[1]
    assert "Lovelace-King" not in table
    assert client.get(f"/admin/customer/edit/?id={absorb.id}").status_code == 302


def test_a_merge_can_be_undone_from_the_kept_record(client_as):
    keep, absorb = pair()
    client = client_as("office")
    post(client, f"/admin/customer/{keep.id}/merge/{absorb.id}/", {"confirm": "merge"})
    record = client.record(keep.id)
    assert "was merged into this record on" in record and "Undo merge" in record
    undone = post(client, f"/admin/customer/{absorb.id}/unmerge/", {"confirm": "unmerge"})
    assert undone.headers["Location"] == f"/admin/customer/details/?id={absorb.id}"
    assert db.session.get(Customer, absorb.id).merged_into_id is None
    assert db.session.scalar(select(Contact.customer_id)) == absorb.id


def test_merging_a_customer_into_itself_is_refused(client_as):
    keep, _ = pair()
    client = client_as("office")
    response = post(client, f"/admin/customer/{keep.id}/merge/{keep.id}/", {"confirm": "merge"})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Not merged: A customer cannot be merged into itself." in page


def test_two_selected_customers_open_the_preview_from_the_list(client_as):
    keep, absorb = pair()
    client = client_as("office")
    response = post(
        client, "/admin/customer/action/", {"action": "merge", "rowid": [absorb.id, keep.id]}
    )
    assert response.headers["Location"] == f"/admin/customer/{keep.id}/merge/{absorb.id}/"
    one = post(client, "/admin/customer/action/", {"action": "merge", "rowid": [keep.id]})
    assert "Select exactly two customers to merge." in client.get(one.headers["Location"]).get_data(
        as_text=True
    )


def test_read_only_users_cannot_merge(client_as):
    keep, absorb = pair()
    client = client_as("read_only")
    assert client.get(f"/admin/customer/{keep.id}/merge/").status_code == 403
    assert (
        post(
            client, f"/admin/customer/{keep.id}/merge/{absorb.id}/", {"confirm": "merge"}
        ).status_code
        == 403
    )
    assert db.session.get(Customer, absorb.id).merged_into_id is None


def test_merged_customers_are_no_longer_related_records(client_as):
    first = make_customer(postcode="F1 1AA")
    second = make_customer(postcode="S1 1AA")  # the same name: related to the first
    third = make_customer(postcode="T1 1AA")
    client = client_as("office")
    url = f"/admin/customer/details/?id={third.id}"
    assert 'data-count="related">2<' in client.get(url).get_data(as_text=True)
    post(client, f"/admin/customer/{first.id}/merge/{second.id}/", {"confirm": "merge"})
    assert 'data-count="related">1<' in client.get(url).get_data(as_text=True)
