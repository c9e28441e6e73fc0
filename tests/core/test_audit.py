"""Every create, edit and delete made through the panel leaves who, when and what changed."""

from sqlalchemy import select

from extensions import db
from models import AuditEntry, Customer
from tests.factories import customer_form, make_customer, new_customer


def entries(action: str, entity: str = "customer") -> list[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.action == action, AuditEntry.entity == entity)
    return list(db.session.scalars(query.order_by(AuditEntry.id)))


def test_creating_a_customer_records_who_and_the_values(client_as, users):
    client = client_as("office")
    client.post(new_customer(), data={**customer_form(), **client.csrf()})
    customer_id = db.session.scalar(select(Customer.id))
    [entry] = entries("create")
    assert entry.user_id == users["office"].id
    assert entry.entity_id == str(customer_id)
    assert entry.changes["surname"] == [None, "Turing"]
    assert [e.changes["number"] for e in entries("create", "phone_number")] == [
        [None, "07700 900456"]
    ]


def test_editing_records_old_and_new_values_only_for_what_changed(client_as, users):
    customer = make_customer()
    client = client_as("office")
    form = customer_form(
        surname="Byron",
        version=str(customer.version),
        **{"phones-0-id": str(customer.phones[0].id), "phones-0-number": "07700 900123"},
        first_name="Ada",
        title="Mrs",
        address_line_1="12 Analytical Row",
        town="Manchester",
        postcode="M1 1AA",
        email="ada@example.com",
    )
    assert (
        client.post(
            f"/admin/customer/edit/?id={customer.id}", data={**form, **client.csrf()}
        ).status_code
        == 302
    )
    [entry] = entries("update")
    assert entry.user_id == users["office"].id
    assert entry.changes == {"surname": ["Lovelace", "Byron"]}


def test_deleting_records_what_was_removed(client_as, users):
    customer = make_customer()
    customer_id = customer.id
    client = client_as("admin")
    client.post("/admin/customer/delete/", data={"id": customer_id, **client.csrf()})
    [entry] = entries("delete")
    assert entry.user_id == users["admin"].id
    assert entry.entity_id == str(customer_id)
    assert entry.changes["surname"] == ["Lovelace", None]
    assert entries("delete", "phone_number"), "the cascade is audited too"


def test_changes_made_outside_the_panel_are_not_attributed_to_anyone(app):
    make_customer()
    assert entries("create") == []


def test_admins_read_the_audit_log_and_nobody_edits_it(client_as):
    client = client_as("office")
    client.post(new_customer(), data={**customer_form(), **client.csrf()})
    admin = client_as("admin")
    page = admin.get("/admin/auditentry/").get_data(as_text=True)
    assert "Turing" in page
    assert "/admin/auditentry/new/" not in page
    assert "/admin/auditentry/edit/" not in page
    entry_id = entries("create")[0].id
    token = admin.csrf()
    admin.post("/admin/auditentry/delete/", data={"id": entry_id, **token})
    assert db.session.get(AuditEntry, entry_id) is not None
    assert client.get("/admin/auditentry/").status_code == 403
