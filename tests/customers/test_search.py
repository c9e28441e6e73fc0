"""Finding a customer from the list's search box and the customer lookups, and a work address
from the forms' lookups, on indexed keys."""

import re

import pytest
from sqlalchemy import func, literal, select, text

from admin_views.core import list_count
from admin_views.core.lookups import work_address_loader
from admin_views.customers.search import customer_matches
from extensions import db
from models import Contact, Customer, PhoneNumber, WorkAddress
from models.core.audit import ACTOR_KEY
from models.customers.entities import NAME_ORDER
from models.customers.keys import CUSTOMER_KEYS, WORK_ADDRESS_KEYS, customer_keys, fold_key
from models.customers.search import starts_with, work_address_search
from models.data.address_import import guess_mapping, import_rows, read_csv
from tests.factories import make_customer, make_work_address

LIST = "/admin/customer/"


def shown(client, term: str) -> list[str]:
    """The account numbers the customer list shows for a search, row by row."""
    html = client.get(LIST, query_string={"search": term}).get_data(as_text=True)
    return re.findall(r'class="col-id">\s*(C\d{6})', html)


def found(client, term: str) -> set[str]:
    return set(shown(client, term))


@pytest.fixture
def book(app):
    """Three customers; each test searches for one of them."""
    return {c.surname: c.account_number for c in three_customers()}


def three_customers() -> list[Customer]:
    """A private customer with a mobile, one with accents, a company with a contact."""
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
        contacts=[
            Contact(
                first_name="Zoë",
                surname="Ångström-Berg",
                phones=[PhoneNumber(kind="mobile", number="07911 555777")],
            )
        ],
    )
    return [ada, jose, acme]


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
        ("angstrom", "Smith"),  # a company by its contact's surname, accents ignored
        ("ÅNGSTRÖM-B", "Smith"),
        ("Zoe Angs", "Smith"),  # or first name and surname
        ("555777", "Smith"),  # or the contact's phone number
        ("07911 555777", "Smith"),
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


def test_a_contact_name_finds_its_customer_once_and_never_a_merged_one(client_as, book):
    client = client_as("office")
    plumbing = make_customer(type_name="Company", company_name="Ångström Plumbing", surname="Jones")
    tombstone = make_customer(
        type_name="Company",
        company_name="Old Acme",
        surname="Hopper",
        contacts=[Contact(first_name="Grace", surname="Ångström")],
    )
    tombstone.merged_into_id = db.session.scalars(
        select(Customer.id).where(Customer.surname == "Smith")
    ).one()
    db.session.commit()
    # Acme by its contact, Ångström Plumbing by its name: each once, the tombstone never.
    assert sorted(shown(client, "angstrom")) == sorted([book["Smith"], plumbing.account_number])
    lookup = client.get(
        "/admin/work/ajax/lookup/", query_string={"name": "customer", "query": "grace angs"}
    ).get_json()
    assert lookup == []


def test_the_keys_are_not_shown_on_the_contact_and_phone_pages(client_as):
    customer = make_customer(contacts=[Contact(first_name="Grace", surname="Hopper")])
    contact, phone = customer.contacts[0], customer.phones[0]
    client = client_as("office")
    shown = client.get(f"/admin/contact/details/?id={contact.id}").get_data(as_text=True)
    number = client.get(f"/admin/phonenumber/details/?id={phone.id}").get_data(as_text=True)
    assert "Hopper" in shown and "Key" not in shown and "gracehopper" not in shown
    assert phone.digits in number and "Digits Reversed" not in number


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
        ("angs", "ix_contact_surname_key"),
        ("zoe angs", "ix_contact_full_name_key"),
    ],
)
def test_the_search_is_answered_from_indexes_on_both_databases(app, term, index):
    with app.test_request_context():
        plan = plan_of(select(Customer.id).where(customer_matches(term)))
    assert_read_through(plan, index)


def assert_read_through(plan: str, index: str) -> None:
    """The plan uses `index` and reads no table whole."""
    assert index in plan, plan
    assert "Seq Scan" not in plan, plan  # PostgreSQL
    tables = "customer|contact|phone_number|work_address"
    assert not re.search(rf"SCAN ({tables})\b(?! USING)", plan), plan  # SQLite


def test_search_results_come_newest_first_and_can_be_sorted(client_as, app):
    older = make_customer(surname="Smith", first_name="Older").account_number
    newer = make_customer(surname="Smithson", first_name="Newer").account_number
    client = client_as("office")
    html = client.get(LIST, query_string={"search": "smith"}).get_data(as_text=True)
    assert html.index(newer) < html.index(older)
    html = client.get(LIST, query_string={"search": "smith", "sort": 1}).get_data(as_text=True)
    assert html.index(older) < html.index(newer)  # by name: Smith before Smithson


def test_a_search_sorted_newest_first_still_reads_the_surname_index(app):
    """Sorted by an expression no index serves (id + 0), so SQLite does not walk the primary
    key looking for matches; the name order's index is checked with the list's pages below."""
    with app.test_request_context():
        searched = plan_of(
            select(Customer.id).where(customer_matches("smi")).order_by(Customer.id + 0).limit(25)
        )
    assert "ix_customer_surname_key" in searched, searched


def as_analyzed_with_100_000_customers() -> None:
    """Statistics as ANALYZE leaves them on a big book; SQLite plans by their row counts."""
    db.session.execute(text("ANALYZE"))
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(
            text(
                "UPDATE sqlite_stat1 SET stat = '100000' || substr(stat, instr(stat, ' '))"
                " WHERE tbl = 'customer'"
            )
        )
        db.session.execute(text("ANALYZE sqlite_master"))  # reloads the statistics
    db.session.commit()


# Planned first without statistics: on PostgreSQL, the session's shared tables have some from
# the rows other tests wrote and rolled back, so this one takes a database of its own.
@pytest.mark.own_app
def test_the_list_count_and_pages_read_only_indexes(app):
    """The capped count of the customer list (admin_views/core/list_count.py) and the ids of a page,
    newest first or by name, merged ones left out, come from indexes alone (no table row read),
    also once the database holds statistics (ANALYZE), with which SQLite used to prefer
    scanning the table."""
    live = Customer.merged_into_id.is_(None)
    shown = select(literal(1)).where(live).limit(10_001).subquery()
    count = select(func.count()).select_from(shown)
    page = select(Customer.id).where(live).order_by(Customer.id.desc()).limit(25).offset(9_975)
    by_name = select(Customer.id).where(live).order_by(NAME_ORDER.desc()).limit(25).offset(5_000)
    for number in range(30):
        make_customer(surname=f"Live {number}")
    with app.test_request_context():
        for statistics in (False, True):
            if statistics:
                as_analyzed_with_100_000_customers()
            for query, index in ((count, "ix_customer_"), (page, "live"), (by_name, "name_order")):
                plan = plan_of(query)
                assert index in plan, (statistics, plan)
                assert "Index Only Scan" in plan or "COVERING INDEX" in plan, (statistics, plan)


def work_addresses_found(client, term: str) -> list[str]:
    """What the work form's address lookup offers for what was typed."""
    lookup = client.get(
        "/admin/work/ajax/lookup/", query_string={"name": "work_address", "query": term}
    ).get_json()
    return [label for _id, label in lookup]


@pytest.fixture
def properties(app):
    owner = make_customer(surname="Landlord")
    make_work_address(owner, address_line_1="3 Tenant Street", postcode="M2 2BB")
    make_work_address(
        owner, address_line_1="14 Église Road", postcode="SW1A 1AA", occupier_surname="O'Neill"
    )
    make_work_address(owner, address_line_1="2 Tenant Street", postcode="M2 2BA")
    return owner


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("3 tenant", ["3 Tenant Street, M2 2BB"]),  # start of line 1, any case
        ("14 eglise", ["14 Église Road, SW1A 1AA"]),  # accents ignored
        ("m2 2b", ["2 Tenant Street, M2 2BA", "3 Tenant Street, M2 2BB"]),  # postcode, in order
        ("M22BB", ["3 Tenant Street, M2 2BB"]),  # with or without its space
        ("oneil", ["14 Église Road, SW1A 1AA"]),  # the occupier's surname, punctuation ignored
        ("occupier", []),  # not the placeholder every unnamed property has
        ("tenant", []),  # line 1 matches from its start
    ],
)
def test_the_work_address_lookup_finds_by_what_staff_type(client_as, properties, term, expected):
    assert work_addresses_found(client_as("office"), term) == expected


def test_editing_a_work_address_updates_what_the_lookup_finds(client_as, properties):
    address = properties.work_addresses[0]
    address.address_line_1 = "5 Moved Lane"
    address.occupier_surname = "Ngata"
    db.session.commit()
    client = client_as("office")
    assert work_addresses_found(client, "3 tenant") == []
    assert work_addresses_found(client, "5 moved") == ["5 Moved Lane, M2 2BB"]
    assert work_addresses_found(client, "ngata") == ["5 Moved Lane, M2 2BB"]
    address.occupier_surname = ""  # back to the placeholder, which is not looked up
    db.session.commit()
    keys = select(*(getattr(WorkAddress, key) for key in WORK_ADDRESS_KEYS))
    stored = db.session.execute(keys.where(WorkAddress.id == address.id)).one()
    assert stored == ("5movedlane", "m22bb", None)


def test_imported_work_addresses_are_found_by_the_lookup(client_as, users):
    owner = make_customer(surname="Landlord")
    parsed = read_csv(b"Address 1,Postcode,Surname\n9 Import Way,LS2 9JT,Okafor\n", 10_000)
    db.session.info[ACTOR_KEY] = users["office"].id
    import_rows(db.session, owner, parsed, guess_mapping(parsed.header))  # in bulk, not the ORM
    db.session.commit()
    client = client_as("office")
    assert work_addresses_found(client, "9 import") == ["9 Import Way, LS2 9JT"]
    assert work_addresses_found(client, "okaf") == ["9 Import Way, LS2 9JT"]


@pytest.mark.parametrize(
    ("term", "index"),
    [
        ("3 tenant", "ix_work_address_address_line_1_key"),
        ("m2 2b", "ix_work_address_postcode_key"),
        ("oneil", "ix_work_address_occupier_key"),
    ],
)
def test_the_work_address_lookup_is_answered_from_indexes_on_both_databases(app, term, index):
    loader = work_address_loader("work_address")
    statement = (
        select(WorkAddress.id)
        .where(work_address_search(WorkAddress.__table__, term))
        .order_by(*loader.order_by)
        .limit(10)
    )
    assert_read_through(plan_of(statement), index)


def test_a_search_counts_its_matches_and_pages_through_them(client_as, monkeypatch):
    """The matches are counted as they are sorted; the count, the pages and the cap read as
    on the unsearched list, and a customer merged away is neither counted nor shown."""
    customers = [make_customer(surname=f"Smith {number:02}") for number in range(31)]
    customers[30].merged_into_id = customers[29].id
    db.session.commit()
    made = [customer.account_number for customer in customers]
    client = client_as("office")

    def page(number: int) -> tuple[str, list[str]]:
        query = {"search": "smith", "page": number}
        html = client.get(LIST, query_string=query).get_data(as_text=True)
        return html, re.findall(r'class="col-id">\s*(C\d{6})', html)

    newest_first = made[29::-1]
    html, rows = page(0)
    assert "List (30)" in html
    assert rows == newest_first[:25]
    html, rows = page(1)
    assert "List (30)" in html
    assert rows == newest_first[25:]
    html, rows = page(5)  # past the last page: nothing shown, still counted
    assert "List (30)" in html
    assert rows == []
    monkeypatch.setattr(list_count, "COUNT_CAP", 20)
    html, rows = page(0)
    assert "List (20+)" in html
    assert len(rows) == 25
