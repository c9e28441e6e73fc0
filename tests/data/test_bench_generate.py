"""The benchmark data generator: what a benchmark relies on, checked at a small scale.

One generation serves the module (a few seconds): into a temporary SQLite file, or, when
TEST_DATABASE_URL names a PostgreSQL server, into a database of its own, dropped afterwards.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text

from app import create_app
from bench.generate import (
    BENCH_EMAIL,
    BENCH_PASSWORD,
    BULK_TABLES,
    LARGEST,
    LARGEST_CUSTOMER_ID,
    MERGE_PAIR,
    MERGE_SIDE,
)
from extensions import db
from models import (
    Communication,
    Contact,
    Customer,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    Payment,
    PaymentAllocation,
    PhoneNumber,
    Work,
    WorkAddress,
)
from models.core.base import for_database
from models.customers import phones
from models.customers.keys import (
    address_key,
    customer_keys,
    name_key,
    person_keys,
    reversed_digits,
    work_address_keys,
)
from models.money.balances import customer_balance
from models.money.invoicing import draft_invoice_for_work, issue_invoice
from tests.conftest import TOKEN
from tests.generated import generated_database

pytestmark = pytest.mark.slow  # a generated database of its own

CUSTOMERS = 50
ORDINARY = CUSTOMERS - 3  # customers 1 to 3 have fixed shapes


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """(database URL, what `generate` returned) for one small generation."""
    with generated_database(tmp_path_factory.mktemp("bench"), CUSTOMERS, seed=7) as generation:
        yield generation


@pytest.fixture(scope="module")
def bench_app(generated):
    # The bench admin logs in with a password alone, as bench.run and bench.load let it.
    config = {"TESTING": True, "SQLALCHEMY_DATABASE_URI": generated[0], "REQUIRE_2FA": "none"}
    app = create_app(config)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def session(bench_app):
    with bench_app.app_context():
        yield db.session
        db.session.rollback()


def count(session, model, *criteria) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*criteria))


OWNED = {  # Shape's fields: each kind's rows, by the column naming their customer
    "phones": (PhoneNumber, PhoneNumber.customer_id),
    "contacts": (Contact, Contact.customer_id),
    "work_addresses": (WorkAddress, WorkAddress.customer_id),
    "works": (Work, Work.customer_id),
    "invoices": (Invoice, Invoice.customer_id),
    "payments": (Payment, Payment.customer_id),
    "notes": (Communication, Communication.customer_id),
}


def shape_of(session, customer_id: int) -> dict[str, int]:
    return {
        kind: count(session, model, owner == customer_id) for kind, (model, owner) in OWNED.items()
    }


def ordinary_average(session, kind: str) -> float:
    """Rows of a kind per customer, leaving out customers 1 to 3."""
    model, owner = OWNED[kind]
    special = LARGEST._asdict()[kind] + 2 * MERGE_SIDE._asdict()[kind]
    return (count(session, model, owner.is_not(None)) - special) / ORDINARY


def test_the_counts_it_reports_are_the_rows_written(generated, session):
    _, result = generated
    for table in BULK_TABLES:
        assert result[table.name] == count(session, table), table.name
    assert result["seconds"] > 0


def test_ordinary_customers_get_about_the_ratios_asked(session):
    assert count(session, Customer) == CUSTOMERS
    assert 1.5 <= ordinary_average(session, "phones") <= 2.5
    assert 0.2 <= ordinary_average(session, "work_addresses") <= 0.9
    assert 4 <= ordinary_average(session, "works") <= 6
    assert 4 <= ordinary_average(session, "invoices") <= 6
    assert 2.2 <= ordinary_average(session, "payments") <= 3.8
    assert 2.2 <= ordinary_average(session, "notes") <= 3.8
    assert 1.3 <= count(session, InvoiceLine) / count(session, Invoice) <= 1.7
    statuses = dict(
        session.execute(select(Invoice.status, func.count()).group_by(Invoice.status)).all()
    )
    assert statuses[InvoiceStatus.issued] > 0.7 * count(session, Invoice)
    assert statuses[InvoiceStatus.draft] > 0 and statuses[InvoiceStatus.void] > 0


def test_customer_1_is_the_largest_record_and_2_and_3_a_merge_pair(session):
    assert shape_of(session, LARGEST_CUSTOMER_ID) == LARGEST._asdict()
    keep, absorb = (session.get(Customer, customer_id) for customer_id in MERGE_PAIR)
    for customer in (keep, absorb):
        assert shape_of(session, customer.id) == MERGE_SIDE._asdict()
    # One person entered twice: the Related tab and a merge find them by name and address.
    assert (keep.name_key, keep.address_key) == (absorb.name_key, absorb.address_key)


def test_derived_columns_are_what_the_models_compute(session):
    customers = session.scalars(select(Customer).order_by(Customer.id).limit(20)).all()
    for customer in customers:
        assert customer.name_key == name_key(customer.first_name, customer.surname)
        assert customer.address_key == address_key(customer.address_line_1, customer.postcode)
        keys = customer_keys(
            customer.first_name,
            customer.surname,
            customer.company_name,
            customer.postcode,
            customer.email,
        )
        assert {name: getattr(customer, name) for name in keys} == keys
        assert customer.version == 1 and customer.custom_fields == {}
    for phone in session.scalars(select(PhoneNumber).order_by(PhoneNumber.id).limit(100)):
        assert phone.digits == phones.normalise(phone.number)
        assert phone.digits_reversed == reversed_digits(phone.digits)
    for contact in session.scalars(select(Contact).order_by(Contact.id).limit(20)):
        keys = person_keys(contact.first_name, contact.surname)
        assert {name: getattr(contact, name) for name in keys} == keys
    addresses = session.scalars(select(WorkAddress).order_by(WorkAddress.id).limit(40)).all()
    for address in addresses:
        keys = work_address_keys(address.address_line_1, address.postcode, address.occupier_surname)
        assert {name: getattr(address, name) for name in keys} == keys
    assert any(address.occupier_key for address in addresses)  # named occupiers among them


def test_the_indexes_are_those_the_migrations_make(session):
    # Listed from the catalogue: SQLAlchemy's SQLite reflection skips indexes on expressions.
    dialect = session.get_bind().dialect.name
    listing = (
        "SELECT indexname FROM pg_indexes WHERE tablename = :table"
        if dialect == "postgresql"
        else "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = :table"
        " AND sql IS NOT NULL"
    )
    keep = for_database(dialect)
    for table in BULK_TABLES:
        expected = {i.name for i in table.indexes if keep(i, i.name, "index", False, None)}
        constraints = {c.name for c in table.constraints}  # their own indexes on PostgreSQL
        found = set(session.scalars(text(listing), {"table": table.name})) - constraints
        assert found == expected, table.name


def test_payments_never_exceed_what_an_invoice_bills(session):
    balance = customer_balance(session, LARGEST_CUSTOMER_ID)
    assert balance.balance == balance.invoiced - balance.credited - balance.allocated
    assert Decimal("0") < balance.allocated <= balance.invoiced
    assert balance.received >= balance.allocated
    invoices = session.scalars(
        select(Invoice).where(Invoice.customer_id == LARGEST_CUSTOMER_ID).limit(200)
    ).all()
    for invoice in invoices:
        allocated = sum((a.amount for a in invoice.allocations), Decimal("0"))
        assert allocated <= invoice.total
        assert invoice.status == InvoiceStatus.issued or not invoice.allocations
    assert count(session, PaymentAllocation) > 0


def test_new_invoices_and_works_take_the_next_free_numbers(session):
    """Flushed, so the rows reach the database (numbers and ids unique), then rolled back."""
    numbered = count(session, Invoice, Invoice.number.is_not(None))
    work = session.scalars(select(Work).where(Work.customer_id == LARGEST_CUSTOMER_ID)).first()
    invoice = draft_invoice_for_work(work, invoice_date=date.today())
    session.add(invoice)
    issue_invoice(session, invoice)
    session.flush()
    assert invoice.number == f"INV{numbered + 1:06d}"
    works = count(session, Work)
    new_work = Work(customer_id=LARGEST_CUSTOMER_ID, description="Boiler service")
    session.add(new_work)
    session.flush()
    assert new_work.number == f"W{works + 1:06d}"


def test_the_bench_user_opens_the_largest_record(bench_app):
    client = bench_app.test_client()
    token = TOKEN.search(client.get("/login").get_data(as_text=True)).group(1)
    login = {"email": BENCH_EMAIL, "password": BENCH_PASSWORD, "csrf_token": token}
    assert client.post("/login", data=login).status_code == 302
    response = client.get(f"/admin/customer/details/?id={LARGEST_CUSTOMER_ID}")
    assert response.status_code == 200
    assert client.get("/admin/customer/").status_code == 200
