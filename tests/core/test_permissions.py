"""Who may do what: login everywhere, read_only reads, office writes, admins manage people."""

import re

import pytest
from sqlalchemy import func, select

from admin_views.core.base import SecureModelView, endpoint_role
from extensions import db
from models import AuditEntry, Base, Contact, Customer, User
from models.money.invoicing import issue_invoice
from tests.factories import customer_form, make_customer, make_invoice, new_customer

ADMIN_ONLY = {"user", "auditentry", "portalaccess", "outboxmessage", "customfield"}
STATIC = ("static",)
SAMPLE_ARGUMENTS = {"export_type": "csv", "kind": "contact"}


def model_views(app) -> list[SecureModelView]:
    return [v for v in app.extensions["admin"][0]._views if isinstance(v, SecureModelView)]


def row_count(view) -> int:
    return db.session.scalar(select(func.count()).select_from(view.model))


def some_id(view) -> str:
    first = db.session.scalar(select(view.model.id).order_by(view.model.id).limit(1))
    return str(first or 1)


def test_every_endpoint_but_login_needs_a_login(app, anonymous):
    token = anonymous.csrf("/login")
    before = table_rows()
    checked = 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint.endswith(STATIC) or rule.endpoint in ("auth.login", "favicon"):
            continue  # the login page, and files any page may ask for (the icon: a static file)
        if rule.endpoint.startswith("portal."):
            continue  # customers' pages: a portal link, not a staff login (tests/portal/)
        url = re.sub(r"<(?:int:)?(\w+)>", lambda m: SAMPLE_ARGUMENTS.get(m[1], "1"), rule.rule)
        if "GET" in rule.methods:
            response = anonymous.get(url, follow_redirects=True)
        else:
            response = anonymous.post(url, data=token, follow_redirects=True)
        assert response.request.path == "/login", f"{rule.endpoint} is open without login"
        checked += 1
    assert checked > 250  # every model view's list, forms, ajax, export, delete and actions
    assert table_rows() == before


@pytest.mark.parametrize("role", ["read_only", "office", "admin"])
def test_every_role_can_list_and_view_what_it_may_see(app, client_as, populated, role):
    client = client_as(role)
    for view in model_views(app):
        expected = 403 if view.endpoint in ADMIN_ONLY and role != "admin" else 200
        assert client.get(f"/admin/{view.endpoint}/").status_code == expected, view.endpoint
        details = client.get(f"/admin/{view.endpoint}/details/?id={some_id(view)}")
        assert details.status_code in (expected, 302), view.endpoint


def test_read_only_users_are_refused_every_change(app, client_as, populated):
    client = client_as("read_only")
    token = client.csrf()
    for view in model_views(app):
        base = f"/admin/{view.endpoint}"
        before = row_count(view)
        row = some_id(view)
        assert client.get(f"{base}/new/").status_code == 403, view.endpoint
        assert client.get(f"{base}/edit/?id={row}").status_code == 403, view.endpoint
        forged = {
            f"{base}/new/": {"name": "forged", "surname": "Forged", **token},
            f"{base}/edit/?id={row}": {"name": "forged", "surname": "Forged", **token},
            f"{base}/delete/": {"id": row, **token},
            f"{base}/action/": {"action": "delete", "rowid": row, **token},
            f"{base}/ajax/update/": {"list_form_pk": row, "name": "forged", **token},
        }
        for url, data in forged.items():
            assert client.post(url, data=data).status_code == 403, url
        assert row_count(view) == before, view.endpoint


def test_read_only_users_see_no_buttons_for_changes(client_as, populated):
    page = client_as("read_only").get("/admin/customer/").get_data(as_text=True)
    assert "/admin/customer/new/" not in page
    assert "/admin/customer/edit/" not in page
    assert "/admin/customer/delete/" not in page


def test_office_users_cannot_manage_logins(client_as, users):
    client = client_as("office")
    token = client.csrf()
    assert client.get("/admin/user/").status_code == 403
    response = client.post(
        "/admin/user/new/",
        data={
            "email": "intruder@example.com",
            "name": "Intruder",
            "role": "admin",
            "active": "y",
            "new_password": "long enough password",
            **token,
        },
    )
    assert response.status_code == 403
    deleted = client.post("/admin/user/delete/", data={"id": users["admin"].id, **token})
    assert deleted.status_code == 403
    assert db.session.scalar(select(func.count()).select_from(User)) == 3


def test_office_users_can_create_customers_but_not_delete_them(client_as, populated):
    """Deleting a customer is for admins, from the list as from the record's action."""
    client = client_as("office")
    token = client.csrf()
    created = client.post(new_customer(), data={**customer_form(), **token})
    assert created.status_code == 302
    customer_id = db.session.scalar(select(Customer.id).where(Customer.surname == "Turing"))
    assert customer_id is not None
    deleted = client.post("/admin/customer/delete/", data={"id": customer_id, **token})
    assert deleted.status_code == 403
    bulk = client.post(
        "/admin/customer/action/", data={"action": "delete", "rowid": customer_id, **token}
    )
    assert bulk.status_code == 403
    assert db.session.get(Customer, customer_id) is not None
    assert "/admin/customer/delete/" not in client.get("/admin/customer/").get_data(as_text=True)


def test_deleting_a_customer_from_the_list_is_delete_customer(client_as, populated):
    """The stock delete/ goes through the domain operation: issued invoices refuse it."""
    issue_invoice(db.session, make_invoice(populated))
    db.session.commit()
    spare_id = make_customer(surname="Spare").id
    client = client_as("admin")
    token = client.csrf()
    refused = client.post(
        "/admin/customer/delete/", data={"id": populated.id, **token}, follow_redirects=True
    )
    assert "issued invoices or payments" in refused.get_data(as_text=True)
    assert db.session.get(Customer, populated.id) is not None
    client.post("/admin/customer/delete/", data={"id": spare_id, **token})
    assert db.session.get(Customer, spare_id) is None
    trail = db.session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "customer"))
    assert "delete" in list(trail)


def test_a_bulk_delete_takes_the_posted_ids_as_rows_on_both_databases(client_as, populated):
    first, second = (
        Contact(customer=populated, surname="One"),
        Contact(customer=populated, surname="Two"),
    )
    db.session.add_all([first, second])
    db.session.commit()
    ids = [first.id, second.id]
    client = client_as("office")
    response = client.post(
        "/admin/contact/action/",
        data={
            "action": "delete",
            "rowid": [*map(str, ids), "x", "-1"],
            **client.csrf(),
        },
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "Deleted 2 of the selected records." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).where(Contact.id.in_(ids))) == 0


def test_a_bulk_delete_is_one_transaction(client_as, populated):
    """One refused row refuses them all: nothing is half deleted."""
    issue_invoice(db.session, make_invoice(populated))
    db.session.commit()
    spare = make_customer(surname="Spare")
    client = client_as("admin")
    response = client.post(
        "/admin/customer/action/",
        data={"action": "delete", "rowid": [spare.id, populated.id], **client.csrf()},
        follow_redirects=True,
    )
    assert "Nothing deleted" in response.get_data(as_text=True)
    assert db.session.get(Customer, spare.id) is not None


@pytest.mark.parametrize("role", ["read_only", "office"])
def test_menus_show_only_what_the_role_may_open(client_as, role):
    page = client_as(role).get("/admin/").get_data(as_text=True)
    for admin_page in (
        "/admin/user/",
        "/admin/auditentry/",
        "/admin/outboxmessage/",
        "/admin/portalaccess/",
        "/admin/customer/export-all.zip",
    ):
        assert admin_page not in page, admin_page
    assert "/admin/customer/" in page


def test_the_outbox_is_for_admins(client_as):
    assert client_as("office").get("/admin/outboxmessage/").status_code == 403
    assert client_as("read_only").get("/admin/outboxmessage/").status_code == 403
    assert client_as("admin").get("/admin/outboxmessage/").status_code == 200


def table_rows() -> dict[str, int]:
    """Rows in every table but the trail (opening an export writes who took the data)."""
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in Base.metadata.sorted_tables
        if table.name != "audit_entry"
    }


def panel_rules(app):
    (admin,) = app.extensions["admin"]
    endpoints = {view.endpoint for view in admin._views}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.rpartition(".")[0] in endpoints:
            url = re.sub(r"<(?:int:)?(\w+)>", lambda m: SAMPLE_ARGUMENTS.get(m[1], "1"), rule.rule)
            yield rule, url


@pytest.mark.parametrize("role", ["read_only", "office", "admin"])
def test_every_endpoint_refuses_exactly_the_roles_it_declares(app, client_as, populated, role):
    """app.url_map x role x method: an endpoint below the role's reach is refused (403) for GET
    and for a POST with a valid token, and changes nothing; one within reach opens."""
    client = client_as(role)
    user = db.session.scalar(select(User).where(User.role == role))
    token = client.csrf()
    before = table_rows()
    refused = opened = 0
    declared = {rule.endpoint: endpoint_role(rule.endpoint) for rule, _ in panel_rules(app)}
    for rule, url in panel_rules(app):
        may = user.may(declared[rule.endpoint])
        if not may:
            for method in rule.methods & {"GET", "POST"}:
                response = client.open(url, method=method, data=token if method == "POST" else None)
                assert response.status_code == 403, (method, url)
            refused += 1
        elif "GET" in rule.methods:
            response = client.get(url)
            response.get_data()  # a streamed export ends its request once read
            assert response.status_code != 403 and response.status_code < 500, (url, response)
            opened += 1
    assert table_rows() == before
    assert opened > 100
    assert refused == 0 if role == "admin" else refused > 20
