"""The dashboard: headline cards, debt by age, works by status, new customers by origin and the
reminders due this month, drawn as inline SVG with the figures also in words."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from extensions import db
from models import AdvertisingSource, ServiceReminder, WorkStatus
from models.customers.merge import merge_customers
from models.customers.status import set_dormant
from models.money.invoicing import issue_invoice
from models.reports.dashboard import Period
from tests.factories import make_customer, make_invoice, make_work
from tests.sql import counting_statements


def dashboard(client, query: str = "") -> str:
    response = client.get(f"/admin/{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def bar(html: str, key: str) -> str:
    """The text of one chart bar (its label and its value)."""
    match = re.search(rf'<g data-bar="{re.escape(key)}">(.*?)</g>', html, re.S)
    assert match, f"no bar {key!r}"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


def card(html: str, key: str) -> str:
    match = re.search(rf'data-count="{key}">([^<]*)<', html)
    assert match, f"no card {key!r}"
    return match.group(1)


def origin_table(html: str) -> list[tuple[str, ...]]:
    table = re.search(r'<table class="table table-sm origin-table">(.*?)</table>', html, re.S)
    assert table, "no origin table"
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table.group(1), re.S)
    return [
        tuple(
            " ".join(cell.split()) for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)
        )
        for row in rows
    ]


def draft_invoice(customer, amount: str, days_past_due: int):
    invoice = make_invoice(customer, amount)
    invoice.due_on = date.today() - timedelta(days=days_past_due)
    invoice.invoice_date = invoice.due_on - timedelta(days=30)
    db.session.commit()
    return invoice


def issued_invoice(customer, amount: str, days_past_due: int):
    invoice = draft_invoice(customer, amount, days_past_due)
    issue_invoice(db.session, invoice)
    db.session.commit()
    return invoice


def source(name: str) -> AdvertisingSource:
    found = AdvertisingSource(name=name)
    db.session.add(found)
    db.session.commit()
    return found


def created(days_ago: int) -> datetime:
    return datetime.combine(
        date.today() - timedelta(days=days_ago), datetime.min.time(), tzinfo=UTC
    )


def test_headline_cards_count_active_customers_but_not_dormant_or_merged_ones(client_as, users):
    keep = make_customer()
    absorbed = make_customer(surname="Byron")
    set_dormant(db.session, make_customer(surname="Dormant"))
    merge_customers(db.session, keep, absorbed, users["admin"])
    db.session.commit()
    make_work(keep, status=WorkStatus.in_progress)
    make_work(keep, status=WorkStatus.completed)
    html = dashboard(client_as("read_only"))
    assert card(html, "customers") == "1"
    assert card(html, "ongoing_works") == "1"


def test_a_debt_45_days_past_due_shows_in_the_31_60_bar_and_the_overdue_card(client_as):
    customer = make_customer()
    issued_invoice(customer, "1250.00", days_past_due=45)
    issued_invoice(customer, "80.00", days_past_due=-10)  # not yet due
    draft_invoice(customer, "999.00", days_past_due=45)  # a draft owes nothing
    html = dashboard(client_as("office"))
    assert bar(html, "31-60") == "31–60 days £1,250.00"
    assert bar(html, "current") == "Not yet due £80.00"
    assert bar(html, "90+") == "90+ days £0.00"
    assert card(html, "debt") == "£1,330.00"
    assert card(html, "overdue") == "£1,250.00"


def test_works_are_counted_per_status_in_words(client_as):
    customer = make_customer()
    for status in (WorkStatus.in_progress, WorkStatus.in_progress, WorkStatus.cancelled):
        make_work(customer, status=status)
    make_work(customer)  # open by default
    html = dashboard(client_as("office"))
    assert bar(html, "in_progress") == "In progress 2"
    assert bar(html, "cancelled") == "Cancelled 1"
    assert bar(html, "open") == "Open 1"
    assert bar(html, "free_of_charge") == "Free of charge 0"


def test_origin_report_counts_new_customers_per_source_with_a_no_source_row(client_as, users):
    flyer, google = source("Flyer drop"), source("Google ads")
    make_customer(advertising_source=flyer, created_at=created(10))
    make_customer(advertising_source=flyer, created_at=created(20))
    make_customer(advertising_source=google, created_at=created(30))
    make_customer(created_at=created(40))
    make_customer(advertising_source=google, created_at=created(500))  # before the period
    keep = make_customer(advertising_source=flyer, created_at=created(5))
    tombstone = make_customer(advertising_source=google, created_at=created(5))
    merge_customers(db.session, keep, tombstone, users["admin"])
    db.session.commit()
    assert origin_table(dashboard(client_as("office"))) == [
        ("Source", "New customers", "Share"),
        ("Flyer drop", "3", "60.0%"),
        ("Google ads", "1", "20.0%"),
        ("No source", "1", "20.0%"),
        ("Total", "5", "100.0%"),
    ]


def test_origin_period_includes_customers_created_on_its_first_and_last_days(client_as):
    flyer = source("Flyer drop")
    first_day = date(2025, 3, 1)
    make_customer(advertising_source=flyer, created_at=datetime(2025, 2, 28, 23, 59, tzinfo=UTC))
    make_customer(advertising_source=flyer, created_at=datetime(2025, 3, 1, 0, 0, tzinfo=UTC))
    make_customer(advertising_source=flyer, created_at=datetime(2025, 3, 31, 23, 59, tzinfo=UTC))
    make_customer(advertising_source=flyer, created_at=datetime(2025, 4, 1, 0, 0, tzinfo=UTC))
    html = dashboard(client_as("office"), f"?from={first_day}&to=2025-03-31")
    assert origin_table(html)[1] == ("Flyer drop", "2", "100.0%")
    assert bar(html, "Flyer drop") == "Flyer drop 2 (100%)"
    assert 'value="2025-03-01"' in html and 'value="2025-03-31"' in html
    assert "not a date" not in html


def test_a_source_name_with_markup_is_shown_as_text(client_as):
    name = '<script>alert("x")</script> Radio & TV'
    make_customer(advertising_source=source(name), created_at=created(1))
    html = dashboard(client_as("office"))
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Radio &amp; TV" in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?from=yesterday", "The start date “yesterday” is not a date"),
        ("?from=2025-02-30&to=2025-03-31", "The start date “2025-02-30” is not a date"),
        ("?to=31/03/2025", "The end date “31/03/2025” is not a date"),
        ("?from=2025-06-01&to=2025-01-01", "The end date 2025-01-01 is before the start date"),
    ],
)
def test_bad_dates_say_so_and_show_the_last_12_months(client_as, query, message):
    make_customer(advertising_source=source("Flyer drop"), created_at=created(100))
    html = dashboard(client_as("office"), query)
    assert message in html
    assert "Showing the last 12 months instead." in html
    default = Period.last_twelve_months(date.today())
    assert f'value="{default.start}"' in html and f'value="{default.end}"' in html
    assert origin_table(html)[1] == ("Flyer drop", "1", "100.0%")


def test_default_period_on_29_february_starts_on_1_march_a_year_before():
    assert Period.last_twelve_months(date(2024, 2, 29)) == Period(
        date(2023, 3, 1), date(2024, 2, 29)
    )


def reminder(customer, due_on: date) -> ServiceReminder:
    found = ServiceReminder(customer=customer, description="Annual boiler service", due_on=due_on)
    db.session.add(found)
    db.session.commit()
    return found


def test_reminders_due_this_month_count_overdue_ones_and_leave_out_dormant_customers(client_as):
    active, dormant = make_customer(), make_customer(surname="Sleeping")
    month_start = date.today().replace(day=1)
    next_month = (month_start + timedelta(days=32)).replace(day=1)
    reminder(active, month_start)
    reminder(active, month_start - timedelta(days=1))  # overdue: still to deal with
    reminder(active, next_month)  # next month's work
    reminder(dormant, month_start)
    set_dormant(db.session, dormant)
    db.session.commit()
    html = dashboard(client_as("office"))
    assert card(html, "reminders_due") == "2"
    assert re.search(
        r'<a [^>]*href="/admin/reminders-due/">\s*<div class="card-body[^"]*">\s*'
        r'<div class="text-muted small">Reminders due this month',
        html,
    )


def test_page_loads_nothing_from_another_host(client_as):
    make_customer(advertising_source=source("Website"), created_at=created(1))
    html = dashboard(client_as("office"))
    links = re.findall(r'(?:src|href)="([^"]*)"', html)
    assert links, "no links found: the pattern is wrong"
    assert [link for link in links if re.match(r"(https?:)?//", link)] == []


def statements_for_dashboard(client) -> int:
    with counting_statements() as statements:
        dashboard(client)
    return len(statements)


def add_customers_with_works_and_invoices(count: int, sources: list[AdvertisingSource]) -> None:
    for index in range(count):
        customer = make_customer(
            surname=f"Customer {index}", advertising_source=sources[index % len(sources)]
        )
        make_work(customer, status=list(WorkStatus)[index % len(WorkStatus)])
        issued_invoice(customer, "100.00", days_past_due=index * 7)
        reminder(customer, date.today().replace(day=1))


def test_dashboard_costs_the_same_statements_for_3_customers_as_for_30(client_as):
    sources = [source(f"Source {n}") for n in range(4)]
    client = client_as("office")
    add_customers_with_works_and_invoices(3, sources)
    few = statements_for_dashboard(client)
    add_customers_with_works_and_invoices(27, sources)
    many = statements_for_dashboard(client)
    assert few == many
    assert card(dashboard(client), "customers") == "30"


def test_an_empty_database_shows_zeros_and_says_no_customers_were_created(client_as):
    html = dashboard(client_as("office"))
    assert card(html, "customers") == "0"
    assert bar(html, "90+") == "90+ days £0.00"
    assert "No customers were created in this period." in html
    assert origin_table(html)[1:] == [("No source", "0", "0.0%"), ("Total", "0", "")]
