"""Who may do what: login everywhere, read_only reads, office writes, admins manage people."""

import re

import pytest
from sqlalchemy import func, select

from admin_views.base import SecureModelView
from extensions import db
from models import Customer, User
from tests.factories import (
    customer_form,
)

ADMIN_ONLY = {"user", "auditentry", "portalaccess"}
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
    checked = 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint.endswith(STATIC) or rule.endpoint == "auth.login":
            continue
        if rule.endpoint.startswith("portal."):
            continue  # customers' pages: a portal link, not a staff login (tests/test_portal.py)
        url = re.sub(r"<(?:int:)?(\w+)>", lambda m: SAMPLE_ARGUMENTS.get(m[1], "1"), rule.rule)
        if "GET" in rule.methods:
            response = anonymous.get(url, follow_redirects=True)
        else:
            response = anonymous.post(url, data=token, follow_redirects=True)
        assert response.request.path == "/login", f"{rule.endpoint} is open without login"
        checked += 1
    assert checked > 250  # every model view's list, forms, ajax, export, delete and actions


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


def test_office_users_can_create_and_delete_customers(client_as, populated):
    client = client_as("office")
    token = client.csrf()
    created = client.post("/admin/customer/new/", data={**customer_form(), **token})
    assert created.status_code == 302
    customer_id = db.session.scalar(select(Customer.id).where(Customer.surname == "Turing"))
    assert customer_id is not None
    deleted = client.post("/admin/customer/delete/", data={"id": customer_id, **token})
    assert deleted.status_code == 302
    assert db.session.get(Customer, customer_id) is None
