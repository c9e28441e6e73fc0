"""The service pages: Reminders due with its batch process, and the record's contracts and SLA."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from extensions import db
from models import (
    Asset,
    AssetGroup,
    Contract,
    ContractStatus,
    Customer,
    ReminderStatus,
    ServicePlan,
    ServiceReminder,
    Sla,
    Work,
)
from models.customers.status import set_dormant
from tests.browser import ARTIFACTS, log_in
from tests.factories import make_customer, make_work_address
from tests.sql import counting_statements

LIST = "/admin/reminders-due/"
TODAY = date.today()


def make_reminder(customer, due_on=TODAY, **fields) -> ServiceReminder:
    reminder = ServiceReminder(
        customer=customer,
        description=fields.pop("description", "Annual boiler service"),
        due_on=due_on,
        **fields,
    )
    db.session.add(reminder)
    db.session.commit()
    return reminder


def post(client, url, data):
    return client.post(url, data={**data, **client.csrf()})


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def record(client, customer) -> str:
    return client.record(customer.id)


def test_the_quick_links_open_the_service_pages(client_as):
    customer = make_customer()
    html = record(client_as("office"), customer)
    for title, url in (
        ("Service reminders", f"/admin/reminders-due/?customer_id={customer.id}"),
        ("Add contract", f"/admin/customer-service/{customer.id}/contracts/new/"),
        ("Add service plan", f"/admin/customer-service/{customer.id}/service-plans/new/"),
        ("Add/edit SLA", f"/admin/customer-service/{customer.id}/sla/"),
    ):
        assert f'<li><a href="{url}">{title}</a></li>' in html


# Reminders due


def test_the_list_shows_due_reminders_across_customers_but_not_dormant_ones(client_as):
    ada, grace = make_customer(), make_customer(surname="Hopper", first_name="Grace")
    sleeper = make_customer(surname="Sleeper")
    address = make_work_address(grace, address_line_1="7 Compiler Close")
    make_reminder(ada, description="Gas safety check")
    make_reminder(grace, work_address=address, description="Boiler service")
    make_reminder(sleeper, description="Dormant service")
    set_dormant(db.session, sleeper)
    db.session.commit()
    html = client_as("office").get(LIST).get_data(as_text=True)
    assert "Gas safety check" in html and "Boiler service" in html
    assert "7 Compiler Close" in html
    assert f'href="/admin/customer/details/?id={grace.id}"' in html
    assert "Dormant service" not in html and "Sleeper" not in html
    assert "Customer decision batch process" in html


def test_the_period_filter_chooses_how_far_ahead_to_look(client_as):
    customer = make_customer()
    make_reminder(customer, due_on=TODAY - timedelta(days=3), description="Late service")
    make_reminder(customer, due_on=TODAY + timedelta(days=45), description="Later service")
    make_reminder(customer, due_on=TODAY + timedelta(days=400), description="Next year")
    client = client_as("office")
    overdue = client.get(f"{LIST}?period=overdue").get_data(as_text=True)
    assert "Late service" in overdue and "Later service" not in overdue
    sixty = client.get(f"{LIST}?period=60").get_data(as_text=True)
    assert "Late service" in sixty and "Later service" in sixty and "Next year" not in sixty
    month = client.get(LIST).get_data(as_text=True)  # this month is the default
    assert "Late service" in month and "Next year" not in month


def test_the_record_links_to_its_own_reminders(client_as):
    ada, grace = make_customer(), make_customer(surname="Hopper")
    make_reminder(ada, due_on=TODAY + timedelta(days=200), description="Ada's service")
    make_reminder(grace, description="Grace's service")
    client = client_as("office")
    shown = record(client, ada)
    assert "Ada&#39;s service" in shown
    assert f'href="/admin/reminders-due/?customer_id={ada.id}"' in shown
    filtered = client.get(f"{LIST}?customer_id={ada.id}").get_data(as_text=True)
    assert "Ada&#39;s service" in filtered and "Grace&#39;s service" not in filtered


def test_a_dormant_record_says_it_gets_no_automatic_reminders(client_as):
    customer = make_customer()
    make_reminder(customer)
    set_dormant(db.session, customer)
    db.session.commit()
    assert "Dormant customers get no automatic service reminders" in record(
        client_as("office"), customer
    )


def test_the_list_shows_25_a_page_keeping_its_filters_and_past_the_end_the_last(client_as):
    customer = make_customer()
    for n in range(30):
        make_reminder(customer, due_on=TODAY + timedelta(days=n), description=f"Service {n:02d}")
    client = client_as("office")
    listed = f"{LIST}?customer_id={customer.id}&period=all"
    first = client.get(listed).get_data(as_text=True)
    assert "Service 24" in first and "Service 25" not in first
    assert f'href="{LIST}?period=all&amp;customer_id={customer.id}&amp;page=2">2<' in first
    for number in ("2", "9"):  # the last page, and past it
        shown = client.get(f"{listed}&page={number}").get_data(as_text=True)
        assert "Service 25" in shown and "Service 29" in shown and "Service 24" not in shown
        assert re.search(r'page-item active"><a class="page-link" [^>]*>2<', shown)
    assert "30 reminders" in first


def test_the_list_costs_the_same_sql_for_few_and_many_reminders(client_as):
    client = client_as("office")
    group = db.session.scalar(select(AssetGroup).limit(1))

    def statements_for(n):
        for i in range(n):  # each reminder of its own customer, property and appliance
            customer = make_customer(surname=f"Many{n}-{i}")
            address = make_work_address(customer)
            asset = Asset(customer=customer, asset_group=group, technical_reference=f"Boiler {i}")
            db.session.add(
                ServiceReminder(
                    customer=customer,
                    work_address=address,
                    asset=asset,
                    description="Service",
                    due_on=TODAY,
                )
            )
        db.session.commit()
        with counting_statements() as statements:
            response = client.get(LIST)
        assert response.status_code == 200
        assert f"Boiler {n - 1}" in response.get_data(as_text=True) or n > 25
        return len(statements)

    assert statements_for(3) == statements_for(40)


def test_a_batch_across_two_customers_books_a_job_for_each(client_as):
    ada, grace = make_customer(), make_customer(surname="Hopper")
    address = make_work_address(grace)
    first, second = make_reminder(ada), make_reminder(grace, work_address=address)
    client = client_as("office")
    response = post(
        client,
        f"{LIST}decide/",
        {
            "reminder": [first.id, second.id],
            "decision": "authorised",
            "access_method": "keys_held",
            "period": "month",
        },
    )
    assert response.status_code == 302
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "2 reminders authorised. Jobs booked: W000001, W000002." in shown
    jobs = db.session.scalars(select(Work).order_by(Work.id)).all()
    assert [(j.customer_id, j.work_address_id, j.access_method) for j in jobs] == [
        (ada.id, None, "keys_held"),
        (grace.id, address.id, "keys_held"),
    ]
    assert db.session.get(ServiceReminder, second.id).status == ReminderStatus.booked
    assert "Annual boiler service" not in shown.split("<tbody>")[1]  # off the due list


def test_cancel_forever_from_the_list_keeps_it_as_history(client_as):
    reminder = make_reminder(make_customer())
    client = client_as("office")
    response = post(
        client, f"{LIST}decide/", {"reminder": reminder.id, "decision": "cancelled_forever"}
    )
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "kept, marked cancelled, for the record&#39;s history" in shown
    assert db.session.get(ServiceReminder, reminder.id).status == ReminderStatus.cancelled


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"decision": "authorised"}, "Choose the access method for the new jobs."),
        ({"decision": "postponed"}, "Choose the date to postpone the service until."),
        (
            {"decision": "postponed", "postpone_to": (TODAY - timedelta(days=1)).isoformat()},
            "Postpone to a date after today.",
        ),
        ({}, "Choose the customer&#39;s decision."),
        ({"decision": "unknown", "reminder": []}, "Tick at least one reminder."),
    ],
)
def test_bad_batch_input_is_refused_with_a_message_and_nothing_changes(client_as, data, message):
    reminder = make_reminder(make_customer())
    response = post(client_as("office"), f"{LIST}decide/", {"reminder": reminder.id, **data})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html
    assert f'value="{reminder.id}" aria-label="Tick Annual boiler service' in html
    fresh = db.session.get(ServiceReminder, reminder.id)
    assert (fresh.status, fresh.decision, fresh.due_on) == (ReminderStatus.due, None, TODAY)
    assert count(Work) == 0


def test_an_already_booked_reminder_refuses_the_whole_batch(client_as):
    customer = make_customer()
    open_one = make_reminder(customer)
    booked = make_reminder(customer, status=ReminderStatus.booked, description="Done already")
    response = post(
        client_as("office"),
        f"{LIST}decide/",
        {"reminder": [open_one.id, booked.id], "decision": "authorised", "access_method": "agent"},
    )
    assert response.status_code == 400
    assert "is already booked: it cannot be decided again." in response.get_data(as_text=True)
    assert db.session.get(ServiceReminder, open_one.id).status == ReminderStatus.due
    assert count(Work) == 0


def test_configure_decides_one_reminder_and_goes_back(client_as):
    reminder = make_reminder(make_customer())
    client = client_as("office")
    form = client.get(f"{LIST}{reminder.id}/?next=/admin/reminders-due/?period=90")
    assert "Configure service reminder" in form.get_data(as_text=True)
    postponed_to = TODAY + timedelta(days=20)
    response = post(
        client,
        f"{LIST}{reminder.id}/",
        {
            "decision": "postponed",
            "postpone_to": postponed_to.isoformat(),
            "next": "/admin/reminders-due/?period=90",
        },
    )
    assert response.headers["Location"] == "/admin/reminders-due/?period=90"
    fresh = db.session.get(ServiceReminder, reminder.id)
    assert (fresh.status, fresh.due_on) == (ReminderStatus.postponed, postponed_to)


def test_read_only_users_see_no_batch_form_and_are_refused_it(client_as):
    reminder = make_reminder(make_customer())
    client = client_as("read_only")
    html = client.get(LIST).get_data(as_text=True)
    assert "Annual boiler service" in html
    assert "Customer decision batch process" not in html and 'name="reminder"' not in html
    token = client.csrf()
    data = {"reminder": reminder.id, "decision": "cancelled_forever", **token}
    assert client.post(f"{LIST}decide/", data=data).status_code == 403
    assert client.post(f"{LIST}{reminder.id}/", data=data).status_code == 403
    assert client.get(f"{LIST}{reminder.id}/").status_code == 403
    assert db.session.get(ServiceReminder, reminder.id).status == ReminderStatus.due


def test_a_batch_without_the_csrf_token_is_refused(client_as):
    reminder = make_reminder(make_customer())
    response = client_as("office").post(
        f"{LIST}decide/", data={"reminder": reminder.id, "decision": "cancelled_forever"}
    )
    assert response.status_code == 400
    assert db.session.get(ServiceReminder, reminder.id).status == ReminderStatus.due


# Contracts


def contract_form(**overrides) -> dict:
    return {
        "reference": "CON-2026-01",
        "description": "Planned maintenance",
        "status": "active",
        "start_date": "2026-01-01",
        "end_date": "2026-12-31",
        "renewal_reminder_on": "2026-12-01",
        "value": "1,200.50".replace(",", ""),
        **overrides,
    }


def test_a_contract_is_added_from_the_record_and_shown_in_its_panel(client_as):
    customer = make_customer()
    client = client_as("office")
    assert "Add contract" in record(client, customer)
    response = post(
        client, f"/admin/customer-service/{customer.id}/contracts/new/", contract_form()
    )
    assert response.status_code == 302
    contract = db.session.scalar(select(Contract))
    assert (contract.customer_id, contract.value) == (customer.id, Decimal("1200.50"))
    shown = record(client, customer)
    assert "CON-2026-01" in shown and "1 Dec 2026" in shown


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("end_date", "2025-12-31", "The end date cannot be before the start date."),
        ("value", "-5", "The value cannot be negative."),
        ("value", "lots", "Enter the value as a number, such as 1200.00."),
        ("start_date", "", "Enter the start date."),
        ("reference", "", "Give the contract a reference."),
    ],
)
def test_bad_contract_input_is_refused_clearly_and_nothing_is_saved(
    client_as, field, value, message
):
    customer = make_customer()
    response = post(
        client_as("office"),
        f"/admin/customer-service/{customer.id}/contracts/new/",
        contract_form(**{field: value}),
    )
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert count(Contract) == 0


def test_a_contract_is_edited_and_a_bad_edit_changes_nothing(client_as):
    customer = make_customer()
    contract = Contract(customer=customer, reference="CON-1", start_date=date(2026, 1, 1))
    db.session.add(contract)
    db.session.commit()
    client = client_as("office")
    url = f"/admin/customer-service/{customer.id}/contracts/{contract.id}/"
    assert 'value="CON-1"' in client.get(url).get_data(as_text=True)
    refused = post(client, url, contract_form(reference="CON-X", value="-1"))
    assert refused.status_code == 400
    assert db.session.get(Contract, contract.id).reference == "CON-1"
    assert post(client, url, contract_form(reference="CON-2")).status_code == 302
    assert db.session.get(Contract, contract.id).reference == "CON-2"


def test_another_customers_contract_is_not_reachable(client_as):
    owner, other = make_customer(), make_customer(surname="Other")
    contract = Contract(customer=owner, reference="CON-1", start_date=date(2026, 1, 1))
    db.session.add(contract)
    db.session.commit()
    client = client_as("office")
    assert (
        client.get(f"/admin/customer-service/{other.id}/contracts/{contract.id}/").status_code
        == 404
    )
    response = post(
        client,
        f"/admin/customer-service/{other.id}/contracts/{contract.id}/delete/",
        {"confirm": "delete"},
    )
    assert response.status_code == 404
    assert count(Contract) == 1


def test_deleting_a_contract_needs_delete_typed(client_as):
    customer = make_customer()
    contract = Contract(customer=customer, reference="CON-1", start_date=date(2026, 1, 1))
    db.session.add(contract)
    db.session.commit()
    client = client_as("office")
    url = f"/admin/customer-service/{customer.id}/contracts/{contract.id}/delete/"
    post(client, url, {"confirm": "yes"})
    assert count(Contract) == 1
    post(client, url, {"confirm": "delete"})
    assert count(Contract) == 0


def test_the_panel_flags_renewals_due_or_overdue(client_as):
    customer = make_customer()
    db.session.add_all(
        Contract(
            customer=customer,
            reference=reference,
            start_date=date(2025, 1, 1),
            renewal_reminder_on=TODAY + timedelta(days=days),
        )
        for reference, days in (("SOON", 10), ("LATE", -2), ("LATER", 90))
    )
    db.session.commit()
    panel = record(client_as("office"), customer).split('id="panel-contracts"')[1]
    panel = panel.split("</section>")[0]
    soon, late, later = (
        panel.split(f"<strong>{r}</strong>")[1][:400] for r in ("SOON", "LATE", "LATER")
    )
    assert "renewal due" in soon and "renewal overdue" in late
    assert "renewal" not in later.split("<br>")[0]


def test_the_contract_list_filters_renewals_due(client_as):
    customer = make_customer()
    db.session.add_all(
        [
            Contract(
                customer=customer,
                reference="DUE-1",
                start_date=date(2025, 1, 1),
                renewal_reminder_on=TODAY + timedelta(days=5),
            ),
            Contract(
                customer=customer,
                reference="FAR-1",
                start_date=date(2025, 1, 1),
                renewal_reminder_on=TODAY + timedelta(days=200),
            ),
            Contract(
                customer=customer,
                reference="OLD-1",
                start_date=date(2025, 1, 1),
                renewal_reminder_on=TODAY - timedelta(days=5),
                status=ContractStatus.cancelled,
            ),
        ]
    )
    db.session.commit()
    client = client_as("office")
    listing = client.get("/admin/contract/").get_data(as_text=True)
    assert "due within 30 days or overdue" in listing
    filtered = client.get("/admin/contract/?flt0_renewal_is=due").get_data(as_text=True)
    assert "DUE-1" in filtered and "FAR-1" not in filtered and "OLD-1" not in filtered


# SLA


def test_an_sla_is_chosen_and_shown_with_its_targets(client_as):
    customer = make_customer()
    gold = Sla(name="Gold", response_hours=4, resolution_hours=24)
    retired = Sla(name="Retired", active=False)
    db.session.add_all([gold, retired])
    db.session.commit()
    client = client_as("office")
    url = f"/admin/customer-service/{customer.id}/sla/"
    form = client.get(url).get_data(as_text=True)
    assert ">Gold<" in form and ">Retired<" not in form
    assert post(client, url, {"sla": gold.id}).status_code == 302
    assert db.session.get(Customer, customer.id).sla_id == gold.id
    panel = record(client, customer).split('id="panel-sla"')[1]
    assert "Gold" in panel and "Respond within 4 h · resolve within 24 h" in panel
    assert post(client, url, {"sla": 0}).status_code == 302
    assert db.session.get(Customer, customer.id).sla_id is None


def test_an_inactive_or_unknown_sla_is_refused(client_as):
    customer = make_customer()
    retired = Sla(name="Retired", active=False)
    db.session.add(retired)
    db.session.commit()
    client = client_as("office")
    url = f"/admin/customer-service/{customer.id}/sla/"
    refused = post(client, url, {"sla": retired.id})
    assert "That SLA is no longer offered" in refused.get_data(as_text=True)
    assert "Choose an SLA from the list." in post(client, url, {"sla": 9999}).get_data(as_text=True)
    assert db.session.get(Customer, customer.id).sla_id is None


def test_read_only_users_cannot_open_the_service_forms(client_as):
    customer = make_customer()
    client = client_as("read_only")
    for form in ("contracts/new/", "service-plans/new/", "sla/"):
        assert client.get(f"/admin/customer-service/{customer.id}/{form}").status_code == 403
    response = client.post(
        f"/admin/customer-service/{customer.id}/contracts/new/",
        data={**contract_form(), **client.csrf()},
    )
    assert response.status_code == 403
    assert count(Contract) == 0


@pytest.mark.browser
def test_the_service_pages_in_a_browser(page, users):  # noqa: F811 (the fixture)
    ada, grace = make_customer(), make_customer(surname="Hopper", first_name="Grace")
    home = make_work_address(grace, address_line_1="7 Compiler Close", postcode="NY1 1AA")
    make_work_address(grace, address_line_1="8 Compiler Close", postcode="NY1 1AB")
    make_reminder(ada, due_on=TODAY - timedelta(days=4), description="Gas safety certificate")
    boiler = Asset(
        customer=grace,
        work_address=home,
        asset_group=db.session.scalar(select(AssetGroup).limit(1)),
        technical_reference="Boiler, kitchen",
    )
    make_reminder(grace, work_address=home, asset=boiler, description="Annual boiler service")
    make_reminder(grace, due_on=TODAY + timedelta(days=1), description="Fire alarm test")
    gold = Sla(name="Gold", response_hours=4, resolution_hours=24)
    grace.sla = gold
    db.session.add_all(
        [
            gold,
            Contract(
                customer=grace,
                reference="CON-2026-0042",
                start_date=TODAY - timedelta(days=353),
                end_date=TODAY + timedelta(days=11),
                renewal_reminder_on=TODAY + timedelta(days=12),
                value=Decimal("1450.00"),
            ),
            ServicePlan(name="Gold cover", price=Decimal("180.00")),
        ]
    )
    db.session.commit()
    log_in(page, users["office"].email)

    page.goto(LIST)
    page.check("input[name=reminder][aria-label^='Tick Gas safety']")
    page.check("input[name=reminder][aria-label^='Tick Annual boiler']")
    page.check("input[value=authorised]")
    page.select_option("#access_method", "key_safe")
    page.screenshot(path=ARTIFACTS / "reminders-due.png", full_page=True)
    page.click("text=Process ticked reminders")
    page.wait_for_selector(".alert-success")
    assert "2 reminders authorised" in page.inner_text(".alert-success")
    page.check("input[name=reminder][aria-label^='Tick Fire alarm']")
    page.check("input[value=postponed]")
    page.click("text=Process ticked reminders")
    page.wait_for_selector(".alert-danger")
    assert "Choose the date to postpone" in page.inner_text("#postpone_to + .invalid-feedback")
    assert page.is_checked("input[name=reminder][aria-label^='Tick Fire alarm']")
    page.screenshot(path=ARTIFACTS / "reminders-due-refused.png", full_page=True)

    page.goto(f"/admin/customer-service/{grace.id}/service-plans/new/")
    page.select_option("#service_plan", label="Gold cover")
    page.fill("#expires_on", "2027-01-31")
    page.check("label:has-text('7 Compiler Close')")
    page.screenshot(path=ARTIFACTS / "service-plan-form.png", full_page=True)
    page.click("text=Save service plan")
    page.wait_for_selector("#panel-service_plan")
    assert "1 property" in page.inner_text("#panel-service_plan")
    assert "renewal due" in page.inner_text("#panel-contracts")
    assert "Respond within 4 h · resolve within 24 h" in page.inner_text("#panel-sla")
    page.locator("aside.record-panel").screenshot(path=ARTIFACTS / "record-service-panel.png")

    page.click("#panel-contracts >> text=Edit")
    page.fill("#value", "-10")
    page.click("text=Save contract")
    page.wait_for_selector(".alert-danger")
    assert "The value cannot be negative." in page.inner_text("#value + .invalid-feedback")
    page.screenshot(path=ARTIFACTS / "contract-form-refused.png", full_page=True)
    page.goto(f"/admin/customer-service/{grace.id}/sla/")
    page.screenshot(path=ARTIFACTS / "sla-form.png", full_page=True)
