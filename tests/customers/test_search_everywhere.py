"""Search from every page: the navbar box's suggestions (JSON) and the results page find
customers, work addresses, works, invoices, credit notes and payments by what staff type, say
what matched, cost a fixed number of statements and read only indexes."""

import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from extensions import db
from models import (
    Contact,
    CreditNote,
    CreditNoteLine,
    Customer,
    Invoice,
    Payment,
    PaymentMethod,
    PhoneNumber,
    Work,
    WorkAddress,
)
from models.customers.search import work_address_key_ranges
from models.customers.search_everywhere import (
    along_indexes,
    nearest_customer_ids,
    number_condition,
    union_of,
)
from models.money.credit_notes import add_credit_note
from tests.customers.test_search import found, plan_of, three_customers
from tests.factories import (
    make_customer,
    make_issued_labour_and_parts_invoice,
    make_work,
    make_work_address,
)
from tests.portal.test_portal import new_link, visitor
from tests.sql import counting_statements

SUGGESTIONS = "/admin/search/suggestions/"
PAGE = "/admin/search/"


def suggestions(client, term: str) -> dict:
    response = client.get(SUGGESTIONS, query_string={"q": term})
    assert response.status_code == 200
    return response.get_json()


def offered(client, term: str) -> dict[str, list[tuple[str, str]]]:
    """Each kind's (title, what matched) the dropdown offers for what was typed."""
    return {
        group["kind"]: [(found["title"], found["matched"]) for found in group["results"]]
        for group in suggestions(client, term)["groups"]
    }


def make_payment(customer, reference: str) -> Payment:
    cash = db.session.scalar(select(PaymentMethod).where(PaymentMethod.name == "Cheque"))
    payment = Payment(
        customer=customer,
        paid_on=date(2026, 2, 3),
        payment_method=cash,
        amount=Decimal("42.50"),
        reference=reference,
    )
    db.session.add(payment)
    db.session.commit()
    return payment


@pytest.fixture
def book(app):
    """A customer of every kind of match, and one record of each other kind."""
    ada, jose, acme = three_customers()
    address = make_work_address(
        acme, address_line_1="14 Église Road", postcode="SW1A 1AA", occupier_surname="O'Neill"
    )
    work = make_work(ada, description="Boiler service", work_address=None)
    invoice = make_issued_labour_and_parts_invoice(ada)
    note = CreditNote(
        customer=ada,
        invoice=invoice,
        description="Goodwill",
        credit_date=date(2026, 1, 5),
        lines=[
            CreditNoteLine(
                description="Goodwill",
                quantity=Decimal("1"),
                unit_price=Decimal("30.00"),
                tax_rate=0,
            )
        ],
    )
    add_credit_note(db.session, note)
    db.session.commit()
    payment = make_payment(ada, "Chq 004711")
    return {
        "ada": ada,
        "acme": acme,
        "jose": jose,
        "address": address,
        "work": work,
        "invoice": invoice,
        "note": note,
        "payment": payment,
    }


ADA, ACME = "Mrs Ada O'Brien-Lovelace", "Acme Heating Ltd"


@pytest.mark.parametrize(
    ("term", "who", "matched"),
    [
        ("o'bri", ADA, "Surname: O'Brien-Lovelace"),
        ("OBRIEN", ADA, "Surname: O'Brien-Lovelace"),
        ("acme heat", ACME, "Company: Acme Heating Ltd"),
        ("Ada O'Brien", ADA, "Name: Ada O'Brien-Lovelace"),
        ("m1 1a", ADA, "Postcode: M1 1AA"),
        ("ada.obrien@ex", ADA, "Email: ada.obrien@example.com"),
        ("07700 900 123", ADA, "Phone: 07700 900123"),  # a phone typed with spaces
        ("900123", ADA, "Phone: 07700 900123"),  # its last digits
        ("+44 7700", ADA, "Phone: 07700 900123"),  # dialled internationally
        ("angstrom", ACME, "Contact: Zoë Ångström-Berg"),
        ("Zoe Angs", ACME, "Contact: Zoë Ångström-Berg"),
        ("07911 555777", ACME, "Contact's phone: 07911 555777 (Zoë Ångström-Berg)"),
    ],
)
def test_every_key_of_the_customer_list_finds_the_customer_and_says_which(
    client_as, book, term, who, matched
):
    assert offered(client_as("office"), term)["customer"] == [(who, matched)]


def test_a_pid_in_lower_case_finds_that_customer(client_as, book):
    ada = book["ada"]
    found = offered(client_as("office"), ada.account_number.lower())["customer"]
    assert found == [(ADA, f"PID: {ada.account_number}")]


@pytest.mark.parametrize(
    ("term", "matched"),
    [
        ("14 eglise", "Address line 1: 14 Église Road"),
        ("sw1a 1a", "Postcode: SW1A 1AA"),
        ("o'neil", "Occupier: O'Neill"),
    ],
)
def test_a_work_address_is_found_by_line_1_postcode_or_occupier(client_as, book, term, matched):
    assert offered(client_as("office"), term)["work_address"] == [
        ("14 Église Road, SW1A 1AA", matched)
    ]


def typings(number: str, prefix: str) -> list[str]:
    """How staff type a number: whole, in lower case, without its zeros, its digits alone."""
    digits = str(int(number.removeprefix(prefix)))
    return [number, number.lower(), f"{prefix.lower()} {digits}", digits]


@pytest.mark.parametrize(
    ("kind", "record", "prefix"),
    [("work", "work", "W"), ("invoice", "invoice", "INV"), ("credit_note", "note", "CN")],
)
def test_works_invoices_and_credit_notes_are_found_by_their_number(
    client_as, book, kind, record, prefix
):
    client = client_as("office")
    number = book[record].number
    for term in typings(number, prefix):
        found = offered(client, term).get(kind, [])
        assert [matched for _title, matched in found] == [f"Number: {number}"], term


def test_the_start_of_a_number_offers_the_newest_numbers_first(client_as, book):
    ada = book["ada"]
    later = make_work(ada, description="Second visit")
    found = offered(client_as("office"), "W0")["work"]
    assert [title for title, _ in found][:2] == [
        f"{later.number} Second visit",
        f"{book['work'].number} Boiler service",
    ]


def test_a_payment_is_found_by_the_start_of_its_reference(client_as, book):
    found = offered(client_as("office"), "chq 0047")["payment"]
    assert found == [("£42.50 paid on 3 Feb 2026", "Reference: Chq 004711")]


def test_each_result_links_to_its_page_and_the_page_opens(client_as, book):
    client = client_as("read_only")  # read_only users may search and open what they find
    answer = suggestions(client, book["invoice"].number)
    [invoice_group] = answer["groups"]
    [found] = invoice_group["results"]
    assert found["url"] == f"/admin/invoice/details/?id={book['invoice'].id}"
    assert client.get(found["url"]).status_code == 200
    assert answer["page"] == f"{PAGE}?q={book['invoice'].number}"


def test_the_results_page_groups_every_kind_with_what_matched(client_as, book):
    client = client_as("read_only")
    make_work_address(book["ada"], address_line_1="Obrien House", postcode="M3 3CC")
    html = client.get(PAGE, query_string={"q": "obrien"}).get_data(as_text=True)
    assert "Customers" in html and "Surname: O&#39;Brien-Lovelace" in html
    assert "Work addresses" in html and "Address line 1: Obrien House" in html
    assert html.index("Customers") < html.index("Work addresses")
    assert f'href="/admin/customer/details/?id={book["ada"].id}"' in html


def test_nothing_found_says_so(client_as, book):
    html = client_as("office").get(PAGE, query_string={"q": "zzzz"}).get_data(as_text=True)
    assert "Nothing matches “zzzz”" in html
    assert suggestions(client_as("office"), "zzzz")["groups"] == []


@pytest.mark.parametrize(
    ("term", "problem"),
    [
        ("x" * 10_000, "Type at most 100 characters."),
        ("!!!", "Type at least two letters or digits"),
        ("😀😀", "Type at least two letters or digits"),
        ("", "Type at least two letters or digits"),
    ],
)
def test_input_that_cannot_be_searched_gets_a_clear_answer(client_as, book, term, problem):
    client = client_as("office")
    answer = suggestions(client, term)
    assert answer["groups"] == [] and answer["problem"].startswith(problem)
    response = client.get(PAGE, query_string={"q": term})
    assert response.status_code == 200
    if term:
        assert problem in response.get_data(as_text=True)


def test_a_nul_character_is_refused_with_a_reason(client_as, book):
    """PostgreSQL cannot hold one in text: the panel refuses it in any address (app.py)."""
    for url in (SUGGESTIONS, PAGE):
        response = client_as("office").get(url, query_string={"q": "o'bri\x00"})
        assert response.status_code == 400
        assert "NUL character" in response.get_data(as_text=True)


@pytest.mark.parametrize("term", ["\u202eobri\u200b", "ｏｂｒｉ", "o\u0301bri", " \tobri \n"])
def test_odd_unicode_and_spaces_are_searched_without_them(client_as, book, term):
    """A right-to-left override and a zero-width space, full-width and combining letters,
    tabs and newlines: dropped or folded, never a server error."""
    assert [who for who, _ in offered(client_as("office"), term)["customer"]] == [ADA]


def test_anyone_not_logged_in_as_staff_is_sent_to_log_in(app, anonymous, book):
    _, token = new_link(book["ada"])
    for client in (anonymous, visitor(app, token)):  # the portal's customers never search
        for url in (SUGGESTIONS, PAGE):
            response = client.get(url, query_string={"q": "obrien"})
            assert response.status_code == 302
            assert response.headers["Location"].startswith("/login")


def test_every_page_has_the_search_box(client_as, book):
    client = client_as("read_only")
    for url in ("/admin/", f"/admin/work/details/?id={book['work'].id}", "/admin/customer/"):
        html = client.get(url).get_data(as_text=True)
        assert "data-search-box" in html and 'action="/admin/search/"' in html, url


def grow(customers: int) -> None:
    """More of every kind that the search below would match, to prove its cost fixed."""
    for number in range(customers):
        owner = make_customer(
            surname=f"Obrien {number}",
            contacts=[Contact(first_name="Zo", surname=f"Obrien {number}")],
            phones=[PhoneNumber(kind="mobile", number=f"07700 9{number:05d}")],
        )
        make_work_address(owner, address_line_1=f"{number} Obrien Street")
        make_work(owner)
        make_payment(owner, f"Obrien {number}")


@pytest.mark.parametrize("term", ["obrien", "07700 9", "W0", "INV000001", "83"])
def test_a_search_sends_the_same_statements_whatever_the_data(client_as, book, term):
    client = client_as("office")
    suggestions(client, term)  # the login's and the first request's own statements
    counts = []
    for more in (0, 12):
        grow(more)
        with counting_statements() as statements:
            suggestions(client, term)
        counts.append(len(statements))
    assert counts[0] == counts[1], counts


@pytest.mark.parametrize(
    ("statement", "index"),
    [
        (lambda: select(Work.id).where(number_condition(Work.number, "work", "W0001")), "work"),
        (lambda: select(Work.id).where(number_condition(Work.number, "work", "222")), "work"),
        (
            lambda: select(Invoice.id).where(
                number_condition(Invoice.number, "invoice", "inv000083")
            ),
            "invoice",
        ),
        (
            lambda: select(CreditNote.id).where(
                number_condition(CreditNote.number, "credit_note", "cn 4")
            ),
            "credit_note",
        ),
        (
            lambda: select(Payment.id).where(
                Payment.reference_key >= "chq", Payment.reference_key < "chr"
            ),
            "ix_payment_reference_key",
        ),
    ],
    ids=["work prefix", "work digits", "invoice", "credit note", "payment reference"],
)
def test_numbers_and_references_are_found_from_indexes_on_both_databases(app, statement, index):
    """Numbers through their unique constraints' indexes (uq_… on PostgreSQL,
    sqlite_autoindex_… on SQLite), references through their key's; no table read whole."""
    plan = plan_of(statement())
    names = (index,) if index.startswith("ix_") else (f"uq_{index}_number", f"autoindex_{index}")
    assert any(name in plan for name in names), plan
    assert "Seq Scan" not in plan, plan  # PostgreSQL
    assert not re.search(r"SCAN (work|invoice|credit_note|payment)\b(?! USING)", plan), plan


@pytest.mark.parametrize(
    "term", ["obri", "acme heat", "m1 1a", "jose@else", "900123", "+44 7700", "zoe angs", "c000"]
)
def test_the_navbar_finds_the_customers_the_list_finds(client_as, book, term):
    """One search for customers: the navbar's ways to match are the list's
    (models/customers/search.py), read a few at a time along each key's index."""
    client = client_as("office")
    names = {c.account_number: c.display_name for c in (book["ada"], book["acme"], book["jose"])}
    listed = {names[number] for number in found(client, term)}
    assert {who for who, _ in offered(client, term).get("customer", [])} == listed


@pytest.mark.parametrize(
    ("term", "indexes"),
    [
        ("obri", ["ix_customer_surname_key", "ix_customer_postcode_key", "ix_contact_surname_key"]),
        ("900123", ["ix_phone_number_digits_reversed"]),
    ],
)
def test_the_nearest_customers_are_read_along_their_indexes_on_both_databases(app, term, indexes):
    dialect = db.engine.dialect.name
    with app.test_request_context():
        plan = plan_of(
            select(Customer.id).where(Customer.id.in_(nearest_customer_ids(term, dialect, 5)))
        )
    for index in indexes:
        assert index in plan, plan
    assert "Seq Scan" not in plan, plan  # PostgreSQL
    assert not re.search(r"SCAN (customer|contact|phone_number)\b(?! USING)", plan), plan


@pytest.mark.parametrize("term", ["14 eglise", "sw1a 1a", "oneil"])
def test_the_nearest_work_addresses_are_read_along_their_indexes_on_both_databases(app, term):
    table = WorkAddress.__table__
    ways = along_indexes(table.c.id, work_address_key_ranges(table, term), 5)
    plan = plan_of(select(WorkAddress.id).where(WorkAddress.id.in_(union_of(ways))))
    for key in ("address_line_1_key", "postcode_key", "occupier_key"):
        assert f"ix_work_address_{key}" in plan, plan
    assert "Seq Scan" not in plan, plan  # PostgreSQL
    assert not re.search(r"SCAN work_address\b(?! USING)", plan), plan


def test_editing_a_reference_updates_its_key(app, book):
    payment = book["payment"]
    payment.reference = "FP 99-12"
    db.session.commit()
    assert db.session.scalar(select(Payment.reference_key).where(Payment.id == payment.id)) == (
        "fp9912"
    )
