"""Service plans (seed 004 "Service plan"): kept under Settings, assigned to a customer
covering ticked properties of THEIR OWN, edited and deleted from the record."""

from datetime import date

from sqlalchemy import func, select

from extensions import db
from models import CustomerServicePlan, ServicePlan, Sla, WorkAddress
from models.service.entities import service_plan_work_address
from tests.factories import make_customer, make_work_address


def post(client, url, data):
    return client.post(url, data={**data, **client.csrf()})


def count(table) -> int:
    return db.session.scalar(select(func.count()).select_from(table))


def make_plan(name="Gold cover", **fields) -> ServicePlan:
    plan = ServicePlan(name=name, **fields)
    db.session.add(plan)
    db.session.commit()
    return plan


def new_url(customer) -> str:
    return f"/admin/customer-service/{customer.id}/service-plans/new/"


def assign(customer, plan, addresses) -> CustomerServicePlan:
    assignment = CustomerServicePlan(
        customer=customer, service_plan=plan, expires_on=date(2027, 1, 31), work_addresses=addresses
    )
    db.session.add(assignment)
    db.session.commit()
    return assignment


def test_plans_are_kept_under_settings(client_as):
    client = client_as("office")
    response = post(
        client,
        "/admin/serviceplan/new/",
        {"name": "Platinum", "description": "Two visits", "price": "240.00", "active": "y"},
    )
    assert response.status_code == 302
    plan = db.session.scalar(select(ServicePlan).where(ServicePlan.name == "Platinum"))
    assert plan.visits_per_year is None and str(plan.price) == "240.00"
    assert "Platinum" in client.get("/admin/serviceplan/").get_data(as_text=True)


def test_a_plan_covers_ticked_properties_of_the_customer(client_as):
    customer, other = make_customer(), make_customer(surname="Neighbour")
    first = make_work_address(customer, address_line_1="1 Gold Street")
    make_work_address(customer, address_line_1="2 Gold Street")
    make_work_address(other, address_line_1="9 Elsewhere Road")
    plan = make_plan()
    make_plan("Retired cover", active=False)
    client = client_as("office")
    form = client.get(new_url(customer)).get_data(as_text=True)
    assert "1 Gold Street" in form and "2 Gold Street" in form
    assert "9 Elsewhere Road" not in form  # never another customer's property
    assert ">Gold cover<" in form and "Retired cover" not in form
    response = post(
        client,
        new_url(customer),
        {"service_plan": plan.id, "expires_on": "2027-01-31", "work_addresses": [first.id]},
    )
    assert response.status_code == 302
    assignment = db.session.scalar(select(CustomerServicePlan))
    assert (assignment.customer_id, assignment.expires_on) == (customer.id, date(2027, 1, 31))
    assert [a.id for a in assignment.work_addresses] == [first.id]
    panel = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Gold cover" in panel and "1 property" in panel
    assert "Service plan saved, covering 1 property." in panel


def test_a_forged_post_ticking_another_customers_property_is_refused(client_as):
    customer, other = make_customer(), make_customer(surname="Neighbour")
    own = make_work_address(customer)
    theirs = make_work_address(other, address_line_1="9 Elsewhere Road")
    plan = make_plan()
    response = post(
        client_as("office"),
        new_url(customer),
        {
            "service_plan": plan.id,
            "expires_on": "2027-01-31",
            "work_addresses": [own.id, theirs.id],
        },
    )
    assert response.status_code == 400
    assert "That work address belongs to another customer." in response.get_data(as_text=True)
    assert "9 Elsewhere Road" not in response.get_data(as_text=True)
    assert count(CustomerServicePlan) == 0 and count(service_plan_work_address) == 0


def test_a_forged_edit_changes_nothing(client_as):
    customer, other = make_customer(), make_customer(surname="Neighbour")
    own = make_work_address(customer)
    theirs = make_work_address(other)
    assignment = assign(customer, make_plan(), [own])
    response = post(
        client_as("office"),
        f"/admin/customer-service/{customer.id}/service-plans/{assignment.id}/",
        {
            "service_plan": assignment.service_plan_id,
            "expires_on": "2030-01-01",
            "work_addresses": [theirs.id],
        },
    )
    assert response.status_code == 400
    fresh = db.session.get(CustomerServicePlan, assignment.id)
    assert fresh.expires_on == date(2027, 1, 31)
    assert [a.id for a in fresh.work_addresses] == [own.id]


def test_a_plan_no_longer_offered_or_a_missing_expiry_is_refused(client_as):
    customer = make_customer()
    retired = make_plan("Retired cover", active=False)
    client = client_as("office")
    refused = post(
        client, new_url(customer), {"service_plan": retired.id, "expires_on": "2027-01-31"}
    )
    assert "That plan is no longer offered: choose an active plan." in refused.get_data(
        as_text=True
    )
    no_date = post(client, new_url(customer), {"service_plan": make_plan().id})
    assert "Enter the expiry date." in no_date.get_data(as_text=True)
    assert count(CustomerServicePlan) == 0


def test_an_assignment_is_edited_and_deleted_from_the_record(client_as):
    customer = make_customer()
    first, second = make_work_address(customer), make_work_address(customer)
    assignment = assign(customer, make_plan(), [first])
    client = client_as("office")
    record = client.record(customer.id)
    edit_url = f"/admin/customer-service/{customer.id}/service-plans/{assignment.id}/"
    assert f'href="{edit_url}"' in record
    form = client.get(edit_url).get_data(as_text=True)
    assert f'value="{first.id}" id="address-{first.id}" checked' in form
    post(
        client,
        edit_url,
        {
            "service_plan": assignment.service_plan_id,
            "expires_on": "2028-06-30",
            "work_addresses": [second.id],
        },
    )
    fresh = db.session.get(CustomerServicePlan, assignment.id)
    assert fresh.expires_on == date(2028, 6, 30)
    assert [a.id for a in fresh.work_addresses] == [second.id]
    delete_url = f"{edit_url}delete/"
    post(client, delete_url, {"confirm": "remove"})
    assert count(CustomerServicePlan) == 1
    post(client, delete_url, {"confirm": "delete"})
    assert count(CustomerServicePlan) == 0
    assert db.session.get(WorkAddress, second.id) is not None  # the property stays


def test_a_customer_with_many_properties_gets_a_search_not_a_whole_list(client_as):
    customer = make_customer()
    db.session.add_all(
        WorkAddress(customer=customer, address_line_1=f"{n} Long Road", postcode="LR1 1AA")
        for n in range(1, 61)
    )
    db.session.add(WorkAddress(customer=customer, address_line_1="Zebra House", postcode="Z1 1ZZ"))
    db.session.commit()
    plan = make_plan()
    client = client_as("office")
    form = client.get(new_url(customer)).get_data(as_text=True)
    assert form.count('name="work_addresses"') == 50
    assert "Find a property" in form and "Zebra House" not in form
    found = post(
        client,
        new_url(customer),
        {"service_plan": plan.id, "find": "Zeb", "search": "1", "work_addresses": []},
    )
    assert "Zebra House" in found.get_data(as_text=True)
    assert count(CustomerServicePlan) == 0  # searching saves nothing


def test_a_plan_or_sla_still_assigned_cannot_be_deleted(client_as):
    customer = make_customer()
    used, unused = make_plan(), make_plan("Spare cover")
    assign(customer, used, [])
    sla = Sla(name="Gold SLA")
    customer.sla = sla
    db.session.commit()
    client = client_as("office")
    response = post(client, "/admin/serviceplan/delete/", {"id": used.id})
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Not deleted: Gold cover is still assigned to 1 customer." in shown
    assert db.session.get(ServicePlan, used.id) is not None
    response = post(client, "/admin/sla/delete/", {"id": sla.id})
    assert "Gold SLA is still assigned to 1 customer." in client.get(
        response.headers["Location"]
    ).get_data(as_text=True)
    assert db.session.get(Sla, sla.id) is not None
    spare_id = unused.id
    post(client, "/admin/serviceplan/delete/", {"id": spare_id})
    assert db.session.get(ServicePlan, spare_id) is None
