"""Valid records built the way the app builds them, for tests to change one thing at a time."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from extensions import db
from models import (
    Contact,
    Customer,
    CustomerType,
    CustomField,
    CustomFieldTarget,
    CustomFieldType,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    LineCategory,
    PhoneNumber,
    Work,
    WorkAddress,
)
from models.core.custom_fields import save_custom_field
from models.customers.rules import check_customer
from models.money.invoicing import issue_invoice


def customer_type(name: str = "Private") -> CustomerType:
    return db.session.scalar(select(CustomerType).where(CustomerType.name == name))


def make_customer(**fields) -> Customer:
    values = {
        "customer_type": customer_type(fields.pop("type_name", "Private")),
        "title": "Mrs",
        "first_name": "Ada",
        "surname": "Lovelace",
        "address_line_1": "12 Analytical Row",
        "town": "Manchester",
        "postcode": "M1 1AA",
        "email": "ada@example.com",
        "phones": [PhoneNumber(kind="mobile", number="07700 900123")],
        **fields,
    }
    customer = Customer(**values)
    if customer.is_company and not customer.contacts:
        customer.contacts = [
            Contact(
                surname="Babbage",
                first_name="Charles",
                phones=[PhoneNumber(number="0161 496 0000")],
            )
        ]
    check_customer(customer)
    db.session.add(customer)
    db.session.commit()
    return customer


def make_work(customer: Customer, **fields) -> Work:
    work = Work(
        customer=customer, description=fields.pop("description", "Annual service"), **fields
    )
    db.session.add(work)
    db.session.commit()
    return work


def make_work_address(customer: Customer, **fields) -> WorkAddress:
    address = WorkAddress(
        customer=customer,
        address_line_1=fields.pop("address_line_1", "3 Tenant Street"),
        postcode=fields.pop("postcode", "M2 2BB"),
        **fields,
    )
    db.session.add(address)
    db.session.commit()
    return address


def make_invoice(
    customer: Customer, amount: str = "100.00", tax_rate: str = "0", **fields
) -> Invoice:
    invoice = Invoice(
        customer=customer,
        description="Service",
        invoice_date=date(2026, 1, 1),
        due_on=date(2026, 1, 31),
        status=fields.pop("status", InvoiceStatus.draft),
        lines=[
            InvoiceLine(
                description="Labour",
                unit_price=Decimal(amount),
                quantity=Decimal("1"),
                tax_rate=Decimal(tax_rate),
            )
        ],
        **fields,
    )
    db.session.add(invoice)
    db.session.commit()
    return invoice


def make_issued_labour_and_parts_invoice(customer: Customer) -> Invoice:
    """Issued: labour 100 + a valve 2 × 25, all at 20% tax: 180.00 in all."""
    invoice = make_invoice(customer, "100.00", tax_rate="20")
    invoice.lines.append(
        InvoiceLine(
            category=LineCategory.parts,
            description="Valve",
            quantity=Decimal("2"),
            unit_price=Decimal("25.00"),
            tax_rate=Decimal("20"),
        )
    )
    issue_invoice(db.session, invoice)
    db.session.commit()
    return invoice


def new_customer(type_name: str = "Private") -> str:
    """The address of the add-customer form for a type."""
    return f"/admin/customer/new/?type={customer_type(type_name).id}"


def customer_form(**overrides) -> dict[str, str]:
    """What the customer form posts for a valid private customer with one phone (the edit
    form takes it too, with the status and the version)."""
    return {
        "status": "active",
        "title": "Mr",
        "first_name": "Alan",
        "surname": "Turing",
        "address_line_1": "1 Bletchley Lane",
        "town": "Milton Keynes",
        "postcode": "MK3 6EB",
        "email": "alan@example.com",
        "creditor_days": "30",
        "vacant_property": "unknown",
        "phones-0-kind": "mobile",
        "phones-0-number": "07700 900456",
        # Ticked by default on the form, so a browser posts them.
        "after_sales_communication": "y",
        "comm_email": "y",
        "comm_letter": "y",
        "comm_phone": "y",
        **overrides,
    }


def make_custom_field(key: str = "gate_code", **fields) -> CustomField:
    """A live custom field, saved as the admin page saves one (its index included)."""
    field = CustomField(
        key=key,
        label=fields.pop("label", key.replace("_", " ").capitalize()),
        field_type=fields.pop("field_type", CustomFieldType.text),
        applies_to=fields.pop("applies_to", CustomFieldTarget.customer),
        **fields,
    )
    save_custom_field(db.session, field)
    db.session.commit()
    return field
