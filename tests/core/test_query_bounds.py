"""No N+1: a list page costs the same number of SQL statements for 4 rows as for 25."""

from admin_views.core import list_count
from admin_views.core.base import SecureModelView
from extensions import db
from models import Contact
from seed.demo import seed_demo_data
from tests.factories import make_customer, make_work_address
from tests.sql import counting_statements


def statements_per_list_page(app, client) -> dict[str, int]:
    counts = {}
    for view in app.extensions["admin"][0]._views:
        if isinstance(view, SecureModelView):
            with counting_statements() as statements:
                assert client.get(f"/admin/{view.endpoint}/").status_code == 200
            counts[view.endpoint] = len(statements)
    return counts


def test_list_pages_cost_the_same_whatever_the_data_size(app, client_as):
    client = client_as("admin")
    seed_demo_data(db.session, customers=2, random_seed=1)
    db.session.commit()
    small = statements_per_list_page(app, client)
    seed_demo_data(db.session, customers=40, random_seed=2)
    db.session.commit()
    large = statements_per_list_page(app, client)
    grown = {page: (small[page], large[page]) for page in small if large[page] > small[page]}
    assert grown == {}


def statements_and_size(client, page: str) -> tuple[int, int]:
    with counting_statements() as statements:
        response = client.get(page)
    assert response.status_code == 200, page
    return len(statements), len(response.data)


def test_forms_and_searches_cost_the_same_whatever_the_book_holds(app, client_as):
    """Measured on a book of two customers, then again once one of them holds 40 addresses
    and 40 contacts and 60 more customers share its phone number and name's start."""
    client = client_as("office")
    small = make_customer(surname="Lovelace")
    big = make_customer(surname="Lovelock")
    pages = (
        "/admin/customer/edit/?id={id}",
        "/admin/work/new/?customer={id}",
        "/admin/customer/?search=lov",
        "/admin/customer/?search=07700 900123",
    )
    before = {page: statements_and_size(client, page.format(id=small.id)) for page in pages}
    for number in range(40):
        make_work_address(big, address_line_1=f"{number} Long Row")
        big.contacts.append(Contact(surname=f"Contact {number}"))
    for number in range(60):  # a book where every form used to list every customer
        make_customer(surname=f"Lovell {number}")
    db.session.commit()
    for page in pages:
        statements, size = statements_and_size(client, page.format(id=big.id))
        assert statements == before[page][0], page
        # a form holds none of the big customer's rows; a search shows one page of 25
        assert size < before[page][1] + 25 * 3_000, page


def test_editing_a_customer_keeps_the_contacts_and_addresses_edited_on_the_record(client_as):
    client = client_as("office")
    customer = make_customer(type_name="Company", company_name="Acme")
    make_work_address(customer)
    form = client.get(f"/admin/customer/edit/?id={customer.id}").get_data(as_text=True)
    assert "contact-surname" not in form  # a company's contacts are on the Contacts tab
    data = {
        **client.csrf(f"/admin/customer/edit/?id={customer.id}"),
        "status": "active",
        "company_name": "Acme Renamed",
        "surname": customer.surname,
        "address_line_1": customer.address_line_1,
        "postcode": customer.postcode,
        "creditor_days": "30",
        "vacant_property": "unknown",
        "phones-0-id": customer.phones[0].id,
        "phones-0-kind": "mobile",
        "phones-0-number": "07700 900123",
        "version": customer.version,
    }
    response = client.post(f"/admin/customer/edit/?id={customer.id}", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    kept = db.session.get(type(customer), customer.id)
    assert kept.company_name == "Acme Renamed"
    assert [c.surname for c in kept.contacts] == ["Babbage"]
    assert len(kept.work_addresses) == 1


def test_a_long_list_counts_to_a_cap(client_as, monkeypatch):
    monkeypatch.setattr(list_count, "COUNT_CAP", 3)
    client = client_as("office")
    for _ in range(5):
        make_customer()
    html = client.get("/admin/customer/").get_data(as_text=True)
    assert "List (3+)" in html
    html = client.get("/admin/customer/?search=zzz").get_data(as_text=True)
    assert "List (3+)" not in html
    monkeypatch.setattr(list_count, "COUNT_CAP", 10)
    assert "List (5)" in client.get("/admin/customer/").get_data(as_text=True)
