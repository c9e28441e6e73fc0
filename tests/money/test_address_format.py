"""The invoice address format: tags filled from the record, blanks skipped cleanly."""

from datetime import date
from decimal import Decimal

import pytest

from extensions import db
from models import Contact, Invoice, InvoiceAddress, InvoiceLine, ValidationFailed
from models.money.address_format import address_context, bill_to_lines, render, validate
from tests.factories import make_customer, make_work, make_work_address

SEED_EXAMPLE = (
    "[landlord_name] c/o [customer_name]\n"
    "[customer_address_line_1]\n[customer_address_line_2]\n[customer_address_line_3]\n"
    "[customer_town]\n[customer_county]\n[customer_postcode]"
)
ADA = {
    "customer_name": "Ada Lovelace",
    "customer_address_line_1": "12 Analytical Row",
    "customer_town": "Manchester",
    "customer_postcode": "M1 1AA",
}


def test_the_seed_example_prints_care_of_the_landlord():
    lines = render(SEED_EXAMPLE, {**ADA, "landlord_name": "Lord Byron"})
    assert lines == ["Lord Byron c/o Ada Lovelace", "12 Analytical Row", "Manchester", "M1 1AA"]


def test_with_no_landlord_the_care_of_goes_with_it():
    assert render(SEED_EXAMPLE, ADA) == [
        "Ada Lovelace",
        "12 Analytical Row",
        "Manchester",
        "M1 1AA",
    ]


def test_the_seed_example_on_one_line_leaves_no_double_spaces():
    one_line = SEED_EXAMPLE.replace("\n", " ")
    assert render(one_line, ADA) == ["Ada Lovelace 12 Analytical Row Manchester M1 1AA"]


def test_a_blank_tag_between_two_takes_one_comma_with_it():
    line = "[customer_town], [customer_county], [customer_postcode]"
    assert render(line, ADA) == ["Manchester, M1 1AA"]
    assert render(line, {"customer_county": "Lancashire"}) == ["Lancashire"]
    assert render("[customer_postcode], [customer_county]", ADA) == ["M1 1AA"]


def test_a_line_whose_tags_are_all_blank_is_dropped_with_its_text():
    assert render("Attn: [contact_name]\n[customer_name]", ADA) == ["Ada Lovelace"]


def test_plain_text_lines_are_kept_and_tidied():
    lines = render("Accounts  payable ,\r\n[customer_name]\r\n\r\n", ADA)
    assert lines == ["Accounts payable", "Ada Lovelace"]


def test_unknown_tags_are_refused_by_name():
    with pytest.raises(ValidationFailed) as refused:
        validate("[customer_name]\n[landlord] [Customer_Town] [landlord]")
    message = refused.value.errors["invoice_address_format"]
    assert "[landlord], [Customer_Town]" in message
    validate(SEED_EXAMPLE)  # every tag known: no error


def test_tags_come_from_the_invoice_its_work_and_the_landlord(app):
    customer = make_customer(type_name="Estate agent", company_name="Lets R Us")
    landlord = make_customer(first_name="George", surname="Byron", title="Mr")
    property_ = make_work_address(customer, landlord=landlord, address_line_1="3 Tenant Street")
    work = make_work(customer, number="J-7", work_address=property_)
    contact = Contact(customer=customer, surname="Agent", first_name="Sally")
    invoice = Invoice(
        customer=customer,
        contact=contact,
        description="Repair",
        invoice_date=date(2026, 1, 1),
        due_on=date(2026, 1, 31),
        lines=[InvoiceLine(work=work, description="Labour", unit_price=Decimal("10"))],
    )
    db.session.add(invoice)
    db.session.flush()

    context = address_context(customer, invoice)

    assert context["landlord_name"] == "Mr George Byron"
    assert context["contact_name"] == "Sally Agent"
    assert context["work_address"] == "3 Tenant Street, M2 2BB"
    assert context["work_address_postcode"] == "M2 2BB"
    assert context["customer_name"] == "Lets R Us"
    assert address_context(customer)["landlord_name"] == ""  # no invoice, no landlord


def test_bill_to_is_the_invoice_address_else_the_format_else_name_and_address(app):
    customer = make_customer()
    invoice = Invoice(
        customer=customer, description="x", invoice_date=date(2026, 1, 1), due_on=date(2026, 2, 1)
    )
    db.session.add(invoice)
    assert bill_to_lines(customer, invoice) == [
        "Mrs Ada Lovelace",
        "12 Analytical Row",
        "Manchester",
        "M1 1AA",
    ]

    customer.invoice_address_format = (
        "FAO [customer_first_name] [customer_surname]\n[customer_postcode]"
    )
    assert bill_to_lines(customer, invoice) == ["FAO Ada Lovelace", "M1 1AA"]

    invoice.invoice_address = InvoiceAddress(name="Acme Insurance", address_line_1="1 Claims Way")
    assert bill_to_lines(customer, invoice) == ["Acme Insurance", "1 Claims Way"]
