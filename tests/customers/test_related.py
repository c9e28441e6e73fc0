"""The Related tab's lookup: other customers sharing a name, an address or a phone number."""

from __future__ import annotations

from sqlalchemy import text

from extensions import db
from models import Contact, PhoneNumber
from models.customers.related import related_customers
from tests.factories import make_customer
from tests.sql import counting_statements


def phone(number: str) -> list[PhoneNumber]:
    return [PhoneNumber(kind="mobile", number=number)]


def stranger(**fields):
    """A customer sharing nothing with the default factory customer."""
    values = {
        "first_name": "Grace",
        "surname": f"Hopper{fields.pop('n', '')}",
        "address_line_1": "1 Compiler Close",
        "postcode": "LS1 4AP",
        "phones": phone("0113 496 0999"),
        **fields,
    }
    return make_customer(**values)


def related(customer):
    return {r.customer.id: r.reasons for r in related_customers(db.session, customer)}


def test_a_phone_written_differently_matches_and_the_reason_names_the_number(app):
    customer = stranger(phones=phone("0161 496 0123"))
    other = stranger(n=2, address_line_1="9 Elsewhere", phones=phone("+44 161 4960123"))

    assert related(customer) == {other.id: ("Same phone +44 161 4960123",)}


def test_a_contacts_phone_matches_another_customers_own_phone(app):
    company = stranger(
        type_name="Company",
        company_name="Difference Engines Ltd",
        first_name=None,
        surname=None,
        phones=[],
        contacts=[Contact(first_name="Charles", surname="Babbage", phones=phone("0161 496 0555"))],
    )
    other = stranger(n=2, address_line_1="9 Elsewhere", phones=phone("01614960555"))

    assert related(company) == {other.id: ("Same phone 01614960555",)}
    assert related(other) == {company.id: ("Same phone 0161 496 0555",)}


def test_the_same_first_and_last_name_match_whatever_the_case_and_accents(app):
    customer = stranger(first_name="José", surname="Smith")
    other = stranger(
        first_name="jose  ", surname=" SMITH", address_line_1="9 Elsewhere", phones=phone("0800")
    )

    assert related(customer) == {other.id: ("Same name",)}


def test_the_same_surname_alone_does_not_match(app):
    customer = stranger(first_name="José", surname="Smith")
    stranger(
        first_name="Maria", surname="Smith", address_line_1="9 Elsewhere", phones=phone("0800")
    )

    assert related(customer) == {}


def test_the_same_address_formatted_differently_matches(app):
    customer = stranger(address_line_1="12 High St", postcode="m1 1aa")
    other = stranger(n=2, address_line_1="12 high street", postcode="M1 1AA", phones=phone("0800"))

    assert related(customer) == {other.id: ("Same address",)}


def test_the_same_first_line_in_another_postcode_does_not_match(app):
    customer = stranger(address_line_1="12 High St", postcode="M1 1AA")
    stranger(n=2, address_line_1="12 High Street", postcode="M2 2BB", phones=phone("0800"))

    assert related(customer) == {}


def test_several_reasons_are_combined_and_that_customer_comes_first(app):
    customer = stranger(first_name="Ada", surname="Lovelace", phones=phone("0161 496 0123"))
    by_phone = stranger(n=2, address_line_1="9 Elsewhere", phones=phone("0161 496 0123"))
    by_all = stranger(first_name="Ada", surname="Lovelace", phones=phone("01614960123"))

    found = related_customers(db.session, customer)

    assert [r.customer.id for r in found] == [by_all.id, by_phone.id]
    assert found[0].reasons == ("Same name", "Same address", "Same phone 01614960123")


def test_the_customer_itself_and_an_unrelated_customer_are_not_listed(app):
    customer = stranger()
    stranger(
        first_name="Alan",
        surname="Turing",
        address_line_1="1 Bletchley Lane",
        postcode="MK3 6EB",
        phones=phone("07700 900456"),
    )

    assert related(customer) == {}


def test_editing_the_surname_and_postcode_updates_the_keys(app):
    customer = stranger(first_name="Ada", surname="Lovelace", postcode="LS1 4AP")

    customer.surname = "King"
    customer.postcode = "m1 1aa"
    db.session.commit()
    db.session.expire_all()

    assert customer.name_key == "ada|king"
    assert customer.address_key == "1 compiler close|M11AA"


def test_the_lookup_costs_the_same_statements_for_1_or_30_related_customers(app):
    def statements_for(customer) -> int:
        db.session.expire_all()
        customer = db.session.get(type(customer), customer.id)
        with counting_statements() as statements:
            found = related_customers(db.session, customer)
            shown = [(r.customer.display_name, r.customer.customer_type.name) for r in found]
        assert shown
        return len(statements)

    one = stranger(first_name="Oona", phones=phone("0161 496 0001"))
    stranger(n=1, address_line_1="9 Elsewhere", phones=phone("0161 496 0001"))
    many = stranger(
        first_name="Mary", address_line_1="2 Busy Street", phones=phone("0161 496 0002")
    )
    for n in range(30):
        stranger(n=n, first_name=f"G{n}", address_line_1="2 Busy St", phones=phone(f"0800 {n:03d}"))

    assert len(related_customers(db.session, one)) == 1
    assert len(related_customers(db.session, many)) == 30
    assert statements_for(one) == statements_for(many)


def test_the_lookup_columns_are_indexed(app):
    queries = {
        "ix_customer_name_key": "SELECT id FROM customer WHERE name_key = :key",
        "ix_customer_address_key": "SELECT id FROM customer WHERE address_key = :key",
        "ix_phone_number_digits": "SELECT id FROM phone_number WHERE digits = :key",
    }
    postgres = db.engine.dialect.name == "postgresql"
    if postgres:
        db.session.execute(text("SET LOCAL enable_seqscan = off"))
    for index, query in queries.items():
        explain = "EXPLAIN " if postgres else "EXPLAIN QUERY PLAN "
        plan = " ".join(
            str(part)
            for row in db.session.execute(text(explain + query), {"key": "x"})
            for part in row
        )
        assert index in plan, plan
    db.session.rollback()
