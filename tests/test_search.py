"""Finding a customer from the list's search box and the customer lookups, on indexed keys."""

import re

import pytest
from sqlalchemy import select, text

from admin_views.customer_search import customer_matches
from extensions import db
from models import Customer, PhoneNumber
from models.customers import NAME_ORDER
from models.search import CUSTOMER_KEYS, customer_keys, fold_key, starts_with
from tests.factories import make_customer

LIST = "/admin/customer/"


def found(client, term: str) -> set[str]:
    """The account numbers the customer list shows for a search."""
    html = client.get(LIST, query_string={"search": term}).get_data(as_text=True)
    return set(re.findall(r'class="col-id">\s*(C\d{6})', html))


@pytest.fixture
def book(app):
    """Three customers; each test searches for one of them."""
    ada = make_customer(
        first_name="Ada",
        surname="O'Brien-Lovelace",
        postcode="M1 1AA",
        email="ada.obrien@example.com",
        phones=[PhoneNumber(kind="mobile", number="07700 900123")],
    )
    jose = make_customer(
        first_name="José",
        surname="Núñez",
        postcode="SW1A 2AB",
        email="jose@elsewhere.com",
        phones=[PhoneNumber(kind="home", number="0161 496 0555")],
    )
    acme = make_customer(
        type_name="Company",
        company_name="Acme Heating Ltd",
        surname="Smith",
        postcode="LS1 4AP",
        email="office@acme-heating.com",
        phones=[PhoneNumber(kind="work", number="+44 113 496 0999")],
    )
    return {c.surname: c.account_number for c in (ada, jose, acme)}


@pytest.mark.parametrize(
    ("term", "who"),
    [
        ("o'bri", "O'Brien-Lovelace"),  # start of a surname, punctuation ignored
        ("OBRIEN", "O'Brien-Lovelace"),  # any case
        ("nunez", "Núñez"),  # accents ignored
        ("acme heat", "Smith"),  # start of a company name
        ("Ada O'Brien", "O'Brien-Lovelace"),  # first name and surname together
        ("m1 1a", "O'Brien-Lovelace"),  # postcode, with or without its space
        ("SW1A2", "Núñez"),
        ("jose@else", "Núñez"),  # start of an email
        ("900123", "O'Brien-Lovelace"),  # the last digits of a phone number
        ("07700 900", "O'Brien-Lovelace"),  # its start, dialled nationally
        ("+44 7700", "O'Brien-Lovelace"),  # or internationally
        ("0161 496 0555", "Núñez"),  # the whole number
    ],
)
def test_the_search_box_finds_a_customer_by_what_staff_type(client_as, book, term, who):
    assert found(client_as("office"), term) == {book[who]}


def test_the_account_number_finds_that_customer(client_as, book):
    assert found(client_as("office"), book["Smith"]) == {book["Smith"]}


def test_the_middle_of_a_name_does_not_match_but_shows_an_empty_list(client_as, book):
    client = client_as("office")
    assert found(client, "lovelace") == set()  # names match from their start
    html = client.get(LIST, query_string={"search": "zzz"}).get_data(as_text=True)
    assert "There are no items in the table." in html


def test_a_phone_fragment_from_the_middle_matches_on_postgresql_only(client_as, book):
    expected = {book["Smith"]} if db.engine.dialect.name == "postgresql" else set()
    assert found(client_as("office"), "34960") == expected


def test_editing_a_customer_updates_the_search_keys(app):
    customer = make_customer()
    customer.surname = "Ångström"
    customer.email = "  New@Example.COM "
    customer.company_name = "Flux & Co"
    db.session.commit()
    stored = db.session.execute(select(*(getattr(Customer, key) for key in CUSTOMER_KEYS))).one()
    assert stored == ("angstrom", "fluxco", "adaangstrom", "m11aa", "new@example.com")
    assert (
        tuple(customer_keys("Ada", "Ångström", "Flux & Co", "M1 1AA", " New@Example.COM ").values())
        == stored
    )


def test_fold_key_and_prefix_ranges():
    assert fold_key("  O’Brien-Smyth ") == "obriensmyth"
    column = Customer.__table__.c.surname_key
    assert str(starts_with(column, "smi").compile(compile_kwargs={"literal_binds": True})) == (
        "customer.surname_key >= 'smi' AND customer.surname_key < 'smj'"
    )


def test_the_customer_lookup_finds_by_the_same_keys_and_leaves_out_merged_customers(
    client_as, book
):
    client = client_as("office")
    tombstone = make_customer(surname="O'Brien", first_name="Old")
    tombstone.merged_into_id = db.session.scalars(
        select(Customer.id).where(Customer.surname == "Smith")
    ).one()
    db.session.commit()
    lookup = client.get(
        "/admin/work/ajax/lookup/", query_string={"name": "customer", "query": "obrien"}
    ).get_json()
    assert [name for _id, name in lookup] == ["Mrs Ada O'Brien-Lovelace, M1 1AA"]
    lookup = client.get(
        "/admin/work/ajax/lookup/", query_string={"name": "customer", "query": "900123"}
    ).get_json()
    assert [name for _id, name in lookup] == ["Mrs Ada O'Brien-Lovelace, M1 1AA"]


def plan_of(statement) -> str:
    """The database's plan for a statement; on PostgreSQL with sequential scans priced out, so
    a plan without one proves an index can serve the query."""
    postgres = db.engine.dialect.name == "postgresql"
    if postgres:
        db.session.execute(text("SET LOCAL enable_seqscan = off"))
    sql = statement.compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True})
    explain = "EXPLAIN " if postgres else "EXPLAIN QUERY PLAN "
    rows = db.session.connection().exec_driver_sql(explain + str(sql)).all()
    db.session.rollback()
    return " ".join(str(part) for row in rows for part in row)


@pytest.mark.parametrize(
    ("term", "index"),
    [
        ("obri", "ix_customer_surname_key"),
        ("m1 1a", "ix_customer_postcode_key"),
        ("ada.obrien@ex", "ix_customer_email_key"),
        ("900123", "ix_phone_number_digits_reversed"),
        ("07700 9001", "ix_phone_number_digits"),
    ],
)
def test_the_search_is_answered_from_indexes_on_both_databases(app, term, index):
    with app.test_request_context():
        plan = plan_of(select(Customer.id).where(customer_matches(term)))
    assert index in plan, plan
    assert "Seq Scan" not in plan, plan  # PostgreSQL reads no table whole
    assert not re.search(r"SCAN (customer|phone_number)\b(?! USING)", plan), plan  # nor SQLite


def test_search_results_come_newest_first_and_can_be_sorted(client_as, app):
    older = make_customer(surname="Smith", first_name="Older").account_number
    newer = make_customer(surname="Smithson", first_name="Newer").account_number
    client = client_as("office")
    html = client.get(LIST, query_string={"search": "smith"}).get_data(as_text=True)
    assert html.index(newer) < html.index(older)
    html = client.get(LIST, query_string={"search": "smith", "sort": 1}).get_data(as_text=True)
    assert html.index(older) < html.index(newer)  # by name: Smith before Smithson


def test_the_name_order_and_the_search_by_name_are_served_by_indexes(app):
    with app.test_request_context():
        plan = plan_of(select(Customer.id).order_by(NAME_ORDER.desc()).limit(25))
        searched = plan_of(
            select(Customer.id).where(customer_matches("smi")).order_by(Customer.id + 0).limit(25)
        )
    assert "ix_customer_name_order" in plan, plan
    assert "ix_customer_surname_key" in searched, searched
