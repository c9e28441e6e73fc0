"""Record actions: dormant and reactivate, change type, delete, merge branches."""

import io
from pathlib import Path

from markupsafe import escape
from PIL import Image
from sqlalchemy import func, select

from extensions import db
from models import (
    Attachment,
    AuditEntry,
    Branch,
    Communication,
    Contact,
    Customer,
    CustomerType,
    InvoiceStatus,
    WorkAddress,
)
from models.customers.lifecycle import delete_customer
from models.customers.merge import merge_customers
from tests.factories import make_customer, make_invoice, make_work_address


def post(client, url, data=None):
    return client.post(url, data={**(data or {}), **client.csrf()})


def shown_after(client, response) -> str:
    return client.get(response.headers["Location"]).get_data(as_text=True)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_quick_links_offer_what_the_user_may_do(client_as):
    customer = make_customer()
    url = f"/admin/customer/details/?id={customer.id}"
    office = client_as("office").get(url).get_data(as_text=True)
    assert "Set dormant" in office and "Change customer type" in office
    assert "Delete customer" not in office and "Reactivate" not in office
    assert "Delete customer" in client_as("admin").get(url).get_data(as_text=True)
    read_only = client_as("read_only").get(url).get_data(as_text=True)
    assert "Send statement" in read_only  # a page that reads: its endpoint lets them in
    assert "Set dormant" not in read_only and "Delete customer" not in read_only


def test_deactivating_sets_everything_dormant_and_pins_the_reason(client_as, users):
    customer = make_customer()
    make_work_address(customer)
    client = client_as("office")
    response = post(
        client,
        f"/admin/customer/{customer.id}/dormant/",
        {"reason": "Abusive to our engineer", "do_not_work_with_again": "y"},
    )
    page = shown_after(client, response)
    assert "Do not work with again.</strong> Abusive to our engineer" in page
    assert db.session.get(Customer, customer.id).status == "dormant"
    assert db.session.scalar(select(WorkAddress.status)) == "dormant"
    note = db.session.scalar(select(Communication))
    assert note.is_important and note.do_not_work_with_again
    office = users["office"]
    assert note.author_id == office.id  # signed by who did it, on the note and the banner
    assert f"({office.name}," in page and "System" not in page
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.action == "dormant"))
    new_work = client.get(f"/admin/work/new/?customer={customer.id}").get_data(as_text=True)
    assert "Do not work with again: Abusive to our engineer" in new_work


def test_do_not_work_with_again_needs_a_reason_and_nothing_changes(client_as):
    customer = make_customer()
    client = client_as("office")
    response = post(
        client, f"/admin/customer/{customer.id}/dormant/", {"do_not_work_with_again": "y"}
    )
    assert response.status_code == 400  # the form again, saying why
    assert "Say why this customer will not be worked with again." in response.get_data(as_text=True)
    assert db.session.get(Customer, customer.id).status == "active"
    assert count(Communication) == 0


def test_reactivating_can_unpin_the_warning(client_as):
    customer = make_customer()
    make_work_address(customer)
    client = client_as("office")
    post(
        client,
        f"/admin/customer/{customer.id}/dormant/",
        {"reason": "Moved abroad", "do_not_work_with_again": "y"},
    )
    post(client, f"/admin/customer/{customer.id}/reactivate/", {"unpin": "y"})
    assert db.session.get(Customer, customer.id).status == "active"
    assert db.session.scalar(select(WorkAddress.status)) == "active"
    note = db.session.scalar(select(Communication))
    assert not note.is_important and not note.do_not_work_with_again


def test_selected_customers_are_set_dormant_from_the_list(client_as):
    first, second = make_customer(), make_customer(surname="Hopper", postcode="H1 1AA")
    untouched = make_customer(surname="Kept", postcode="K1 1AA")
    client = client_as("office")
    response = post(
        client,
        "/admin/customer/action/",
        {"action": "dormant", "rowid": [first.id, second.id, 9999]},
    )
    assert response.status_code == 302
    statuses = dict(db.session.execute(select(Customer.id, Customer.status)).all())
    assert statuses == {first.id: "dormant", second.id: "dormant", untouched.id: "active"}


def test_changing_to_a_company_type_asks_for_a_name_and_a_contact(client_as):
    customer = make_customer()
    company = db.session.scalar(select(CustomerType).where(CustomerType.name == "Company"))
    client = client_as("office")
    url = f"/admin/customer/{customer.id}/change-type/"
    refused = post(client, url, {"customer_type": company.id, "confirm": "change"})
    html = refused.get_data(as_text=True)
    assert "A Company customer needs a company name." in html
    assert "A Company customer needs a contact: give a surname." in html
    not_typed = post(
        client,
        url,
        {
            "customer_type": company.id,
            "company_name": "Ada Ltd",
            "contact_surname": "Lovelace",
            "confirm": "yes",
        },
    )
    assert escape('Type "change" to confirm.') in not_typed.get_data(as_text=True)
    assert db.session.get(Customer, customer.id).customer_type.name == "Private"
    done = post(
        client,
        url,
        {
            "customer_type": company.id,
            "company_name": "Ada Ltd",
            "contact_surname": "Lovelace",
            "confirm": "change",
        },
    )
    assert done.status_code == 302
    changed = db.session.get(Customer, customer.id)
    assert (changed.customer_type.name, changed.company_name) == ("Company", "Ada Ltd")
    assert [c.surname for c in changed.contacts] == ["Lovelace"]


def test_only_admins_delete_customers_and_only_when_typed(client_as):
    customer = make_customer()
    office = post(
        client_as("office"), f"/admin/customer/{customer.id}/delete/", {"confirm": "delete"}
    )
    assert office.status_code == 403
    admin = client_as("admin")
    untyped = post(admin, f"/admin/customer/{customer.id}/delete/", {"confirm": "no"})
    assert escape('Type "delete" to confirm.') in untyped.get_data(as_text=True)
    assert count(Customer) == 1


PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (50, 50)).save(buffer, "PNG")
    return buffer.getvalue()


def upload_files(client, customer) -> None:
    """A picture and a logo (each stored with a thumbnail) and a document, on the record."""
    for name, content in (("house.png", png_bytes()), ("quote.pdf", PDF)):
        client.post(
            f"/admin/customer/{customer.id}/files/",
            content_type="multipart/form-data",
            data={"file": (io.BytesIO(content), name), "description": name, **client.csrf()},
        )
    client.post(
        f"/admin/customer/{customer.id}/logo/",
        content_type="multipart/form-data",
        data={"logo": (io.BytesIO(png_bytes()), "logo.png"), **client.csrf()},
    )


def files_under(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*")) if folder.exists() else []


def test_deleting_removes_the_whole_record_and_every_file_it_had(app, client_as):
    folder = Path(app.config["UPLOAD_FOLDER"])
    other = make_customer(surname="Babbage")
    customer = make_customer(contacts=[Contact(surname="Gone")])
    admin = client_as("admin")
    upload_files(admin, other)
    others_files = files_under(folder)
    upload_files(admin, customer)
    assert count(Attachment) == 6 and len(files_under(folder)) == 2 * len(others_files)
    # What an upload killed between writing its file and committing its row leaves behind.
    (folder / str(customer.id) / "0123456789abcdef.pdf").write_bytes(PDF)

    response = post(admin, f"/admin/customer/{customer.id}/delete/", {"confirm": "delete"})

    assert response.headers["Location"] == "/admin/customer/"
    assert count(Customer) == 1 and count(Contact) == 0 and count(Attachment) == 3
    assert files_under(folder) == others_files  # the customer's folder is gone with its files


def test_a_refused_delete_keeps_the_files(app, client_as):
    folder = Path(app.config["UPLOAD_FOLDER"])
    customer = make_customer()
    make_invoice(customer, status=InvoiceStatus.issued, number="INV-1")
    admin = client_as("admin")
    upload_files(admin, customer)
    stored = files_under(folder)

    post(admin, f"/admin/customer/{customer.id}/delete/", {"confirm": "delete"})

    assert count(Customer) == 1 and count(Attachment) == 3
    assert files_under(folder) == stored


def test_a_rolled_back_delete_keeps_the_files(app, client_as):
    folder = Path(app.config["UPLOAD_FOLDER"])
    customer = make_customer()
    upload_files(client_as("admin"), customer)
    stored = files_under(folder)

    delete_customer(db.session, db.session.get(Customer, customer.id), folder)
    db.session.rollback()

    assert count(Customer) == 1 and count(Attachment) == 3
    assert files_under(folder) == stored


def test_a_delete_undone_by_its_savepoint_keeps_the_files_when_the_rest_commits(app, client_as):
    folder = Path(app.config["UPLOAD_FOLDER"])
    customer = make_customer()
    upload_files(client_as("admin"), customer)
    stored = files_under(folder)

    savepoint = db.session.begin_nested()
    delete_customer(db.session, db.session.get(Customer, customer.id), folder)
    savepoint.rollback()
    db.session.commit()

    assert count(Customer) == 1
    assert files_under(folder) == stored


def test_deleting_a_merged_customer_keeps_the_files_that_moved_to_the_kept_one(app, client_as):
    folder = Path(app.config["UPLOAD_FOLDER"])
    keep, absorb = make_customer(), make_customer(surname="Lovelace-King")
    upload_files(client_as("admin"), absorb)
    merge_customers(db.session, keep, absorb, None)
    db.session.commit()
    stored = files_under(folder)

    delete_customer(db.session, absorb, folder)
    db.session.commit()

    assert count(Attachment) == 3
    assert files_under(folder) == stored


def test_customers_with_issued_invoices_are_not_deleted(client_as):
    customer = make_customer()
    make_invoice(customer, status=InvoiceStatus.issued, number="INV-1")
    client = client_as("admin")
    response = post(client, f"/admin/customer/{customer.id}/delete/", {"confirm": "delete"})
    assert "set the customer dormant instead" in shown_after(client, response)
    assert count(Customer) == 1


def test_merging_branches_moves_addresses_and_contacts(client_as):
    company = make_customer(type_name="Estate agent", company_name="Lets Ltd")
    keep = Branch(customer=company, name="Leeds", address_line_1="1 Park Row")
    absorb = Branch(customer=company, name="Leeds (old)", address_line_1="1 Park Row")
    db.session.add_all([keep, absorb])
    address = make_work_address(company, branch=absorb)
    company.contacts[0].branch = absorb
    db.session.commit()
    client = client_as("office")
    url = f"/admin/customer/{company.id}/branches/{keep.id}/merge/"
    assert escape('Type "merge" to confirm.') in post(
        client, url, {"absorb": absorb.id, "confirm": ""}
    ).get_data(as_text=True)
    assert count(Branch) == 2
    post(client, url, {"absorb": absorb.id, "confirm": "merge"})
    assert db.session.scalars(select(Branch.name)).all() == ["Leeds"]
    assert db.session.get(WorkAddress, address.id).branch_id == keep.id
    assert db.session.scalar(select(Contact.branch_id)) == keep.id


def test_branches_of_another_customer_cannot_be_merged(client_as):
    mine = make_customer(type_name="Company", company_name="Mine Ltd")
    theirs = make_customer(type_name="Company", company_name="Theirs Ltd", postcode="T1 1AA")
    keep = Branch(customer=mine, name="Mine", address_line_1="1 A St")
    other = Branch(customer=theirs, name="Theirs", address_line_1="2 B St")
    db.session.add_all([keep, other])
    db.session.commit()
    response = post(
        client_as("office"),
        f"/admin/customer/{mine.id}/branches/{keep.id}/merge/",
        {"absorb": other.id, "confirm": "merge"},
    )
    assert response.status_code == 400  # not a choice offered: refused by the form
    assert count(Branch) == 2


def test_read_only_users_cannot_open_any_action(client_as):
    customer = make_customer()
    client = client_as("read_only")
    for path in ("dormant", "reactivate", "change-type", "delete"):
        assert client.get(f"/admin/customer/{customer.id}/{path}/").status_code == 403, path
