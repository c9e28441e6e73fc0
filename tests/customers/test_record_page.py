"""The customer record page: tabs with counts and pages, the side panel, a bounded cost."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from extensions import db
from models import (
    Asset,
    AssetGroup,
    Branch,
    Communication,
    Contact,
    Contract,
    CreditNote,
    CreditNoteLine,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    PaymentMethod,
    User,
    Work,
    WorkAddress,
    next_number,
)
from models.money.payments import record_payment
from tests.factories import make_customer, make_work, make_work_address
from tests.sql import counting_statements


def page(client, customer, query=""):
    return client.record(customer.id, query)


def tab_count(html, key):
    return int(re.search(rf'data-count="{key}">(\d+)<', html).group(1))


def pane(html, key):
    """The HTML of one tab's pane."""
    start = html.index(f'id="{key}" role="tabpanel"')
    end = html.find('role="tabpanel"', start + 30)
    return html[start : end if end > 0 else None]


@pytest.fixture
def customer(app):
    return make_customer()


def test_the_header_names_the_customer_with_its_type_and_account_number(client_as, customer):
    html = page(client_as("office"), customer)
    assert "Mrs Ada Lovelace" in html
    assert customer.account_number in html
    assert "openstreetmap.org/search?query=12%20Analytical%20Row" in html
    assert f"/admin/workaddress/new/?customer={customer.id}" in html
    for kind in ("estimate", "job", "opportunity"):
        assert f"customer={customer.id}&amp;kind={kind}" in html


def test_every_tab_is_there_with_its_count_and_anchor(client_as, customer):
    make_work(customer)
    db.session.add_all(
        [
            Contact(customer=customer, surname="Babbage"),
            Communication(customer=customer, body="Called about the boiler"),
        ]
    )
    db.session.commit()
    html = page(client_as("office"), customer)
    for key in (
        "works",
        "communications",
        "contacts",
        "branches",
        "addresses",
        "assets",
        "files",
        "pictures",
        "related",
        "money",
    ):
        assert f'href="#{key}"' in html, key
    assert tab_count(html, "works") == 1
    assert tab_count(html, "contacts") == 1
    assert tab_count(html, "communications") == 1
    assert tab_count(html, "branches") == 0


def test_ongoing_works_and_history_are_separate_and_history_mixes_invoices(client_as, customer):
    ongoing = make_work(customer, description="Fit new boiler")
    address = make_work_address(customer)
    done = make_work(
        customer,
        description="Gas safety check",
        status="completed",
        completed_on=date(2026, 3, 1),
        work_address=address,
    )
    db.session.add(
        Invoice(
            customer=customer,
            number=next_number(db.session, "invoice"),
            status=InvoiceStatus.issued,
            description="Gas safety invoice",
            invoice_date=date(2026, 3, 2),
            due_on=date(2026, 4, 1),
            lines=[InvoiceLine(description="Check", unit_price=Decimal("80"), work=done)],
        )
    )
    db.session.commit()
    client = client_as("office")
    works = pane(page(client, customer), "works")
    ongoing_part, history_part = works.split("Property history")
    assert ongoing.number in ongoing_part and done.number not in ongoing_part
    assert done.number in history_part and "Gas safety invoice" in history_part
    assert "96.00" in history_part  # 80 plus 20% tax
    parent_only = pane(page(client, customer, "&parent_only=1"), "works")
    assert done.number not in parent_only.split("Property history")[1]
    assert "Gas safety invoice" in parent_only


def test_tabs_page_through_their_rows_at_the_chosen_size(client_as, customer):
    db.session.add_all([Contact(customer=customer, surname=f"Contact {n:02d}") for n in range(12)])
    db.session.commit()
    client = client_as("office")
    first = pane(page(client, customer), "contacts")
    assert first.count("/admin/contact/edit/") == 10
    second = pane(page(client, customer, "&contacts_page=2"), "contacts")
    assert "Contact 10" in second and "Contact 11" in second and "Contact 00" not in second
    everything = pane(page(client, customer, "&contacts_per=25"), "contacts")
    assert all(f"Contact {n:02d}" in everything for n in range(12))
    odd_size = pane(page(client, customer, "&contacts_per=7"), "contacts")
    assert odd_size.count("/admin/contact/edit/") == 10  # only 10, 25, 50 or 100 rows


def test_works_page_through_ongoing_and_history_and_an_old_page_link_shows_the_last(
    client_as, customer
):
    for day in range(1, 13):
        make_work(
            customer,
            description=f"Done {day:02d}",
            status="completed",
            completed_on=date(2026, 3, day),
        )
    for number in range(11):
        make_work(customer, description=f"Ongoing {number:02d}")
    client = client_as("office")
    ongoing, history = pane(page(client, customer), "works").split("Property history")
    assert "11 in all" in ongoing and "12 in all" in history
    assert len(re.findall("<td>Ongoing ", ongoing)) == 10
    assert len(re.findall("<td>Done ", history)) == 10
    assert "Done 12" in history and "Done 02" not in history  # newest first
    for query in ("&works_page=2", "&works_page=9"):  # the last page, and past it
        history = pane(page(client, customer, query), "works").split("Property history")[1]
        assert "12 in all" in history
        assert re.findall(r"<td>(Done \d+)</td>", history) == ["Done 02", "Done 01"]
        assert re.search(r'page-item active"><a class="page-link" [^>]*>2<', history)


def test_a_tabs_page_links_lead_back_to_the_record_keeping_its_other_arguments(client_as, customer):
    db.session.add_all([Contact(customer=customer, surname=f"Contact {n:02d}") for n in range(12)])
    db.session.commit()
    tab = client_as("office").get(
        f"/admin/customer/{customer.id}/tabs/contacts/?id={customer.id}&parent_only=1"
    )
    record = f"/admin/customer/details/?id={customer.id}&amp;parent_only=1"
    html = tab.get_data(as_text=True)
    assert f'href="{record}&amp;contacts_page=2&amp;contacts_per=10#contacts">2<' in html
    assert f'href="{record}&amp;contacts_page=1&amp;contacts_per=25#contacts">25<' in html


def test_branches_show_their_work_addresses(client_as):
    company = make_customer(type_name="Estate agent", company_name="Lets R Us")
    branch = Branch(customer=company, name="Leeds office", address_line_1="1 Park Row")
    db.session.add(branch)
    make_work_address(company, branch=branch, address_line_1="7 Tenant Road")
    branches = pane(page(client_as("office"), company), "branches")
    assert "Leeds office" in branches and "7 Tenant Road" in branches


def test_assets_can_be_filtered_by_group(client_as, customer):
    groups = {g.name: g for g in db.session.scalars(select(AssetGroup))}
    db.session.add_all(
        [
            Asset(
                customer=customer,
                asset_group=groups["Boiler"],
                technical_reference="Kitchen boiler",
            ),
            Asset(customer=customer, asset_group=groups["Fire"], technical_reference="Lounge fire"),
        ]
    )
    db.session.commit()
    client = client_as("office")
    both = pane(page(client, customer), "assets")
    assert "Kitchen boiler" in both and "Lounge fire" in both
    fires = pane(page(client, customer, f"&assets_group={groups['Fire'].id}"), "assets")
    assert "Lounge fire" in fires and "Kitchen boiler" not in fires


def test_the_money_tab_shows_balance_and_outstanding(client_as, customer):
    invoice = Invoice(
        customer=customer,
        number=next_number(db.session, "invoice"),
        status=InvoiceStatus.issued,
        description="Boiler repair",
        invoice_date=date(2026, 1, 1),
        due_on=date(2026, 1, 31),
        lines=[InvoiceLine(description="Labour", unit_price=Decimal("100"), tax_rate=Decimal("0"))],
    )
    db.session.add_all(
        [
            invoice,
            CreditNote(
                customer=customer,
                invoice=invoice,
                description="Goodwill",
                credit_date=date(2026, 2, 1),
                lines=[
                    CreditNoteLine(
                        description="Goodwill", unit_price=Decimal("30"), tax_rate=Decimal("0")
                    )
                ],
            ),
        ]
    )
    db.session.commit()
    money = pane(page(client_as("office"), customer), "money")
    assert 'data-money="balance">£70.00<' in money
    assert 'data-money="overdue">£70.00<' in money
    assert "Boiler repair" in money and "Goodwill" in money


def test_the_side_panel_links_phones_and_emails_and_hides_what_is_missing(client_as, customer):
    html = page(client_as("office"), customer)
    assert 'href="tel:+447700900123"' in html
    assert 'href="mailto:ada@example.com"' in html
    assert "Statements</small>" not in html  # no statement email: no line for it
    assert "No debt" in html and "No account credit" in html


def test_the_panel_shows_contracts_and_the_primary_contact(client_as, customer):
    db.session.add_all(
        [
            Contract(customer=customer, reference="CON-77", start_date=date(2026, 1, 1)),
            Contact(customer=customer, surname="Byron", first_name="Anne", is_primary=True),
        ]
    )
    db.session.commit()
    html = page(client_as("office"), customer)
    assert "CON-77" in html
    assert "Anne Byron</div>" not in html and "Anne Byron <small" in html


def panel_order(html):
    return re.findall(r'<section class="card mb-3" id="panel-(\w+)"', html)


def test_each_user_orders_and_hides_panel_blocks_for_every_record(client_as, customer, users):
    other_customer = make_customer(surname="Hopper")
    office = client_as("office")
    default = panel_order(page(office, customer))
    assert default[0] == "details" and "contracts" in default
    order = [
        "what3words",
        "map",
        "icons",
        "reminders",
        "other",
        "technical",
        "contracts",
        "service_plan",
    ]
    response = office.post(
        "/admin/customer/panel/",
        data={
            "order": order,
            "hidden": ["contracts", "details", "viewing"],
            "next": "/admin/",
            **office.csrf(),
        },
    )
    assert response.status_code == 302
    mine = panel_order(page(office, other_customer))
    # Customer details and Who's viewing stay first and visible
    assert mine[:4] == ["details", "viewing", "what3words", "map"]
    assert "contracts" not in mine
    assert panel_order(page(client_as("admin"), customer)) == default  # only for that user
    saved = db.session.get(User, users["office"].id).preferences["panel"]
    assert saved["hidden"] == ["contracts"]


def test_the_page_costs_the_same_sql_for_a_small_and_a_big_customer(app, client_as):
    client = client_as("office")
    small = make_customer(surname="Small", postcode="S1 1AA")
    big = make_customer(surname="Big", postcode="B1 1AA")
    for customer, n in ((small, 5), (big, 500)):
        address = make_work_address(customer)
        # Dates interleave, so each history page mixes works and invoices, as real ones do.
        day = [date(2025, 1, 1) + timedelta(days=i) for i in range(n)]
        db.session.add_all(
            [
                Work(
                    customer=customer,
                    description=f"Job {i}",
                    work_address=address,
                    status="completed" if i % 2 else "open",
                    completed_on=day[i],
                )
                for i in range(n)
            ]
            + [Communication(customer=customer, body=f"Note {i}") for i in range(n)]
            + [Contact(customer=customer, surname=f"Contact {i}") for i in range(n)]
            + [
                Invoice(
                    customer=customer,
                    description=f"Invoice {i}",
                    invoice_date=day[i],
                    due_on=day[i],
                    lines=[InvoiceLine(description="Work", unit_price=Decimal("10"))],
                )
                for i in range(n)
            ]
            + [WorkAddress(customer=customer, address_line_1=f"{i} Side Street") for i in range(n)]
        )
        db.session.commit()

    def statements(customer) -> int:
        with counting_statements() as sent:
            page(client, customer)
        return len(sent)

    assert statements(small) == statements(big)


def test_an_unknown_customer_is_not_found(client_as):
    assert client_as("office").get("/admin/customer/details/?id=999").status_code == 404


def test_only_the_first_tab_comes_with_the_page_and_each_other_loads_when_opened(client_as):
    customer = make_customer()
    make_work(customer, description="Boiler service")
    client = client_as("office")
    html = client.get(f"/admin/customer/details/?id={customer.id}").get_data(as_text=True)

    assert "Boiler service" in pane(html, "works")
    money = f"/admin/customer/{customer.id}/tabs/money/"
    assert f'id="money" role="tabpanel" data-src="{money}"' in html
    assert 'data-money="balance"' not in html  # not loaded until the tab is opened
    assert tab_count(html, "money") == 0  # every tab's count is on the page

    opened = client.get(f"{money}?id={customer.id}&money_per=25")
    assert opened.status_code == 200
    tab = opened.get_data(as_text=True)
    assert 'data-money="balance"' in tab and "<html" not in tab
    assert "<strong>25</strong>" in tab  # the page's own query string applies


def test_an_unknown_tab_or_customer_is_not_found(client_as):
    customer = make_customer()
    client = client_as("office")
    assert client.get(f"/admin/customer/{customer.id}/tabs/nothing/").status_code == 404
    assert client.get("/admin/customer/999/tabs/money/").status_code == 404


def test_the_page_alone_costs_fewer_statements_than_the_page_with_every_tab(client_as):
    customer = make_customer()
    client = client_as("office")
    with counting_statements() as alone:
        client.get(f"/admin/customer/details/?id={customer.id}")
    with counting_statements() as everything:
        client.record(customer.id)
    assert len(alone) <= 25 < len(everything)


def test_the_money_tab_shows_the_latest_payments_and_points_at_the_statement(client_as):
    customer = make_customer()
    cash = db.session.scalars(select(PaymentMethod)).first()
    for day in range(12):
        record_payment(
            db.session,
            customer,
            paid_on=date(2026, 1, 1) + timedelta(days=day),
            method=cash,
            amount=Decimal("10.00"),
            reference=f"REF-{day:02d}",
        )
    db.session.commit()
    html = client_as("office").record(customer.id)
    shown = sorted(set(re.findall(r"REF-\d\d", html)))
    assert shown == [f"REF-{day:02d}" for day in range(2, 12)]  # the latest ten
    assert "The latest 10 payments" in html
    assert f'href="/admin/statement/{customer.id}/">statement</a> lists them all' in html
