"""Every change needs the form's CSRF token: a forged request changes nothing."""

from sqlalchemy import func, select

from extensions import db
from models import Customer
from tests.factories import customer_form, make_customer


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Customer))


def test_create_without_a_token_is_refused(client_as):
    response = client_as("office").post("/admin/customer/new/", data=customer_form())
    assert response.status_code == 400
    assert "did not come from this site" in response.get_data(as_text=True)
    assert count() == 0


def test_create_with_a_forged_token_is_refused(client_as):
    data = {**customer_form(), "csrf_token": "forged-token"}
    assert client_as("office").post("/admin/customer/new/", data=data).status_code == 400
    assert count() == 0


def test_edit_without_a_token_is_refused(client_as):
    customer = make_customer()
    data = customer_form(surname="Changed", version=str(customer.version))
    response = client_as("office").post(f"/admin/customer/edit/?id={customer.id}", data=data)
    assert response.status_code == 400
    assert db.session.get(Customer, customer.id).surname == "Lovelace"


def test_delete_without_a_token_is_refused(client_as):
    customer = make_customer()
    response = client_as("office").post("/admin/customer/delete/", data={"id": customer.id})
    assert response.status_code == 400
    assert count() == 1


def test_action_without_a_token_is_refused(client_as):
    customer = make_customer()
    response = client_as("office").post(
        "/admin/customer/action/", data={"action": "delete", "rowid": customer.id}
    )
    assert response.status_code == 400
    assert count() == 1


def test_a_token_from_another_session_is_refused(client_as):
    customer = make_customer()
    someone_elses = client_as("admin").csrf()
    response = client_as("office").post(
        "/admin/customer/delete/", data={"id": customer.id, **someone_elses}
    )
    assert response.status_code == 400
    assert count() == 1


def test_pages_with_forms_carry_a_token(client_as):
    customer = make_customer()
    client = client_as("office")
    for page in (
        "/admin/customer/new/",
        f"/admin/customer/edit/?id={customer.id}",
        "/admin/customer/",
    ):
        assert 'name="csrf_token"' in client.get(page).get_data(as_text=True), page
