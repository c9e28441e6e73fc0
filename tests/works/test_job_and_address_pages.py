"""A work's job page and a work address's own record page."""

from datetime import date, time
from decimal import Decimal

from extensions import db
from models import (
    Communication,
    InventoryItem,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    Payment,
    PaymentAllocation,
    PaymentMethod,
    next_number,
)
from tests.factories import make_customer, make_work, make_work_address


def html(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_job_page_shows_info_pay_dates_services_and_inventory(client_as):
    customer = make_customer()
    address = make_work_address(customer)
    work = make_work(
        customer,
        work_address=address,
        description="House move",
        units_total=3,
        units_sold=2,
        contract_amount=Decimal("1200"),
        commission_total=Decimal("120"),
        commission_paid=Decimal("60"),
        account_notes="Customer pays by card only",
        appointment_on=date(2026, 5, 4),
        appointment_time=time(9, 30),
        received_on=date(2026, 4, 1),
        requested_services="Packing; storage",
        pickup_address="1 Old Road",
        delivery_address="2 New Road",
        estimated_amount=Decimal("1000"),
        final_amount=Decimal("1150"),
        inventory_items=[InventoryItem(name="Piano", quantity=1, room="Lounge")],
    )
    cash = db.session.query(PaymentMethod).filter_by(name="Cash").one()
    invoice = Invoice(
        customer=customer,
        number=next_number(db.session, "invoice"),
        status=InvoiceStatus.issued,
        description="Move",
        invoice_date=date(2026, 5, 5),
        due_on=date(2026, 6, 4),
        lines=[
            InvoiceLine(
                description="Move", unit_price=Decimal("1000"), tax_rate=Decimal("0"), work=work
            )
        ],
    )
    db.session.add_all(
        [
            invoice,
            Payment(
                customer=customer,
                paid_on=date(2026, 5, 10),
                payment_method=cash,
                amount=Decimal("400"),
                allocations=[
                    PaymentAllocation(
                        invoice=invoice, amount=Decimal("400"), allocated_on=date(2026, 5, 10)
                    )
                ],
            ),
        ]
    )
    db.session.commit()
    page = html(client_as("office"), f"/admin/work/details/?id={work.id}")
    assert f"Job {work.number}" in page and "House move" in page
    assert 'alert alert-danger" role="note"' in page and "Customer pays by card only" in page
    for text in (
        "1,200.00",
        "600.00",
        "10 May 2026 · £400.00 · Cash",
        "4 May 2026 at 09:30",
        "1 Apr 2026",
        "Packing; storage",
        "1 Old Road",
        "2 New Road",
        "Piano",
        "+£150.00",
        "120.00",
        "60.00",
    ):
        assert text in page, text
    assert f"/admin/customer/details/?id={customer.id}" in page
    assert f"/admin/workaddress/details/?id={address.id}" in page


def test_a_work_address_page_shows_only_that_propertys_works_and_notes(client_as):
    customer = make_customer()
    here = make_work_address(customer, address_line_1="1 Here Street")
    there = make_work_address(customer, address_line_1="2 There Street")
    make_work(customer, work_address=here, description="Service here")
    make_work(customer, work_address=there, description="Service there")
    db.session.add_all(
        [
            Communication(customer=customer, work_address=here, body="Dog in garden"),
            Communication(customer=customer, body="About the owner"),
        ]
    )
    db.session.commit()
    page = html(client_as("office"), f"/admin/workaddress/details/?id={here.id}")
    assert "1 Here Street" in page and "Lovelace" in page
    assert "Service here" in page and "Service there" not in page
    assert "Dog in garden" in page and "About the owner" not in page
    assert "Total" not in page  # no money on a property: the owner pays


def test_unknown_works_and_addresses_are_not_found(client_as):
    client = client_as("office")
    assert client.get("/admin/work/details/?id=404").status_code == 404
    assert client.get("/admin/workaddress/details/?id=404").status_code == 404
