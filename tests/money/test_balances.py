"""Balances, outstanding amounts and ageing: exact to the cent, on SQLite and PostgreSQL."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from extensions import db
from models import (
    CreditNote,
    CreditNoteLine,
    Customer,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    Payment,
    PaymentAllocation,
    PaymentMethod,
    next_number,
)
from models.money.balances import (
    BUCKETS,
    ageing_totals,
    bucket_for,
    customer_balance,
    debt_and_overdue,
    invoice_outstanding,
    open_invoices,
)
from tests.factories import make_customer
from tests.sql import counting_statements

AS_OF = date(2026, 3, 1)
ZERO = Decimal("0.00")

Line = tuple[str, str, str]  # quantity, unit price, tax rate %


def make_invoice(
    customer: Customer,
    *lines: Line,
    due_on: date = AS_OF,
    status: InvoiceStatus = InvoiceStatus.issued,
) -> Invoice:
    invoice = Invoice(
        customer=customer,
        description="Boiler service",
        invoice_date=due_on - timedelta(days=30),
        due_on=due_on,
        status=status,
        number=None if status == InvoiceStatus.draft else next_number(db.session, "invoice"),
        lines=[_line(InvoiceLine, line) for line in lines or [("1", "100.00", "0")]],
    )
    db.session.add(invoice)
    db.session.commit()
    return invoice


def make_credit_note(
    customer: Customer, *lines: Line, invoice: Invoice | None = None
) -> CreditNote:
    credit_note = CreditNote(
        customer=customer,
        invoice=invoice,
        description="Labour reduction",
        credit_date=AS_OF,
        lines=[_line(CreditNoteLine, line) for line in lines or [("1", "10.00", "0")]],
    )
    db.session.add(credit_note)
    db.session.commit()
    return credit_note


def make_payment(customer: Customer, amount: str, to: dict[Invoice, str] | None = None) -> Payment:
    payment = Payment(
        customer=customer,
        paid_on=AS_OF,
        payment_method=db.session.scalar(select(PaymentMethod).where(PaymentMethod.name == "Cash")),
        amount=Decimal(amount),
        allocations=[
            PaymentAllocation(invoice=invoice, amount=Decimal(share), allocated_on=AS_OF)
            for invoice, share in (to or {}).items()
        ],
    )
    db.session.add(payment)
    db.session.commit()
    return payment


def _line(model, line: Line):
    quantity, unit_price, tax_rate = map(Decimal, line)
    return model(description="Item", quantity=quantity, unit_price=unit_price, tax_rate=tax_rate)


@pytest.fixture
def customer(app) -> Customer:
    return make_customer()


def test_draft_and_void_invoices_do_not_count(customer):
    make_invoice(customer, ("1", "70.00", "0"), status=InvoiceStatus.draft)
    make_invoice(customer, ("1", "80.00", "0"), status=InvoiceStatus.void)
    make_invoice(customer, ("1", "100.00", "0"))

    balance = customer_balance(db.session, customer.id, AS_OF)

    assert balance.invoiced == balance.balance == Decimal("100.00")


def test_lines_with_tax_and_fractional_quantities_total_as_python_does(customer):
    # Each line lands on a rounding tie (…5) that half-to-even and half-up settle differently.
    invoice = make_invoice(
        customer,
        ("1.5", "33.33", "20"),  # net 49.995 → 50.00, tax 10.00
        ("0.5", "0.05", "0"),  # net 0.025 → 0.02
        ("2.5", "0.01", "0"),  # net 0.025 → 0.02
        ("1", "0.25", "10"),  # tax 0.025 → 0.02
        ("1", "0.35", "10"),  # tax 0.035 → 0.04
        ("1", "1.00", "17.5"),  # tax 0.175 → 0.18
        ("0.33", "9999.99", "12.5"),
    )
    db.session.expire_all()  # the property reads the lines back from the database
    assert invoice.total == Decimal("3774.38")

    assert customer_balance(db.session, customer.id, AS_OF).invoiced == invoice.total
    assert invoice_outstanding(db.session, [invoice.id]) == {invoice.id: invoice.total}


def test_part_payment_reduces_balance_and_outstanding(customer):
    invoice = make_invoice(customer, ("1", "100.00", "20"))
    make_payment(customer, "50.00", {invoice: "50.00"})

    balance = customer_balance(db.session, customer.id, AS_OF)

    assert balance.balance == Decimal("70.00")
    assert invoice_outstanding(db.session, [invoice.id]) == {invoice.id: Decimal("70.00")}


def test_unallocated_part_of_a_payment_is_account_credit(customer):
    invoice = make_invoice(customer, ("1", "100.00", "0"))
    make_payment(customer, "130.00", {invoice: "100.00"})

    balance = customer_balance(db.session, customer.id, AS_OF)

    assert (balance.received, balance.allocated) == (Decimal("130.00"), Decimal("100.00"))
    assert balance.account_credit == Decimal("30.00")
    assert balance.balance == ZERO


def test_credit_note_against_an_invoice_reduces_its_outstanding_and_the_balance(customer):
    invoice = make_invoice(customer, ("1", "100.00", "0"))
    make_credit_note(customer, ("1", "25.00", "20"), invoice=invoice)

    balance = customer_balance(db.session, customer.id, AS_OF)

    assert (balance.credited, balance.balance) == (Decimal("30.00"), Decimal("70.00"))
    assert invoice_outstanding(db.session, [invoice.id]) == {invoice.id: Decimal("70.00")}


def test_standalone_credit_note_reduces_the_balance_but_no_invoice(customer):
    invoice = make_invoice(customer, ("1", "100.00", "0"))
    make_credit_note(customer, ("1", "40.00", "0"))

    balance = customer_balance(db.session, customer.id, AS_OF)

    assert balance.balance == Decimal("60.00")
    assert balance.account_credit == ZERO
    assert invoice_outstanding(db.session, [invoice.id]) == {invoice.id: Decimal("100.00")}


def test_draft_and_void_invoices_have_nothing_outstanding(customer):
    draft = make_invoice(customer, status=InvoiceStatus.draft)
    void = make_invoice(customer, status=InvoiceStatus.void)

    assert invoice_outstanding(db.session, [draft.id, void.id]) == {draft.id: ZERO, void.id: ZERO}


@pytest.mark.parametrize(
    ("days_late", "bucket"),
    [(-10, "current"), (0, "current"), (1, "1-30"), (30, "1-30"), (31, "31-60")]
    + [(60, "31-60"), (61, "61-90"), (90, "61-90"), (91, "90+"), (400, "90+")],
)
def test_outstanding_ages_into_the_bucket_of_its_days_past_due(customer, days_late, bucket):
    make_invoice(customer, ("1", "100.00", "0"), due_on=AS_OF - timedelta(days=days_late))

    balance = customer_balance(db.session, customer.id, AS_OF)

    assert bucket_for(days_late) == bucket
    assert balance.ageing == {
        name: Decimal("100.00") if name == bucket else ZERO for name in BUCKETS
    }
    assert balance.overdue == (ZERO if bucket == "current" else Decimal("100.00"))


def test_debt_age_is_the_bucket_of_the_oldest_overdue_invoice(customer):
    make_invoice(customer, due_on=AS_OF - timedelta(days=5))
    make_invoice(customer, due_on=AS_OF - timedelta(days=45))
    make_invoice(customer, due_on=AS_OF + timedelta(days=10))

    assert customer_balance(db.session, customer.id, AS_OF).debt_age == "31-60"


def test_fully_paid_overdue_invoices_do_not_age_the_debt(customer):
    paid = make_invoice(customer, ("1", "100.00", "0"), due_on=AS_OF - timedelta(days=120))
    make_invoice(customer, due_on=AS_OF - timedelta(days=3))
    make_payment(customer, "100.00", {paid: "100.00"})

    balance = customer_balance(db.session, customer.id, AS_OF)

    assert balance.debt_age == "1-30"
    assert balance.ageing["90+"] == ZERO


def test_debt_age_is_none_when_nothing_is_overdue(customer):
    make_invoice(customer, due_on=AS_OF)

    balance = customer_balance(db.session, customer.id, AS_OF)

    assert balance.debt_age is None
    assert balance.overdue == ZERO


def test_another_customers_money_never_leaks_in(customer):
    other = make_customer(first_name="Grace", surname="Hopper", email="grace@example.com")
    other_invoice = make_invoice(other, ("1", "500.00", "20"), due_on=AS_OF - timedelta(days=99))
    make_credit_note(other, ("1", "10.00", "0"), invoice=other_invoice)
    make_credit_note(other, ("1", "20.00", "0"))
    make_payment(other, "900.00", {other_invoice: "100.00"})
    invoice = make_invoice(customer, ("1", "100.00", "0"))

    balance = customer_balance(db.session, customer.id, AS_OF)

    assert (balance.invoiced, balance.credited) == (Decimal("100.00"), ZERO)
    assert (balance.received, balance.allocated, balance.account_credit) == (ZERO, ZERO, ZERO)
    assert balance.debt_age is None
    assert invoice_outstanding(db.session, [invoice.id]) == {invoice.id: Decimal("100.00")}


def _random_money_history(rng: random.Random, customer: Customer) -> None:
    """Invoices in every status, credit notes with and without an invoice, payments allocated
    in part to any of the customer's invoices: the kinds of rows a real account builds up."""
    statuses = list(InvoiceStatus)
    rates = ["0", "5", "12.5", "17.5", "20"]

    def random_lines() -> list[Line]:
        return [
            (
                f"{rng.randint(1, 400) / 100:.2f}",
                f"{rng.randint(0, 50_000) / 100:.2f}",
                rng.choice(rates),
            )
            for _ in range(rng.randint(1, 4))
        ]

    invoices = [
        make_invoice(
            customer,
            *random_lines(),
            due_on=AS_OF + timedelta(days=rng.randint(-150, 40)),
            status=rng.choice(statuses),
        )
        for _ in range(rng.randint(1, 12))
    ]
    for _ in range(rng.randint(0, 4)):
        against = rng.choice([None, *invoices])
        make_credit_note(customer, *random_lines(), invoice=against)
    for _ in range(rng.randint(0, 5)):
        amount = Decimal(rng.randint(1, 100_000)) / 100
        targets = rng.sample(invoices, rng.randint(0, min(3, len(invoices))))
        shares, left = {}, amount
        for invoice in targets:
            share = (left * Decimal(rng.random())).quantize(Decimal("0.01"))
            if share > 0:
                shares[invoice] = str(share)
                left -= share
        make_payment(customer, str(amount), shares)


@pytest.mark.parametrize("seed", range(6))
def test_figures_agree_with_the_python_properties_for_any_history(app, seed):
    rng = random.Random(seed)
    customer = make_customer()
    other = make_customer(first_name="Grace", surname="Hopper", email="grace@example.com")
    _random_money_history(rng, customer)
    _random_money_history(rng, other)
    db.session.expire_all()

    balance = customer_balance(db.session, customer.id, AS_OF)

    issued = [i for i in customer.invoices if i.status == InvoiceStatus.issued]
    allocations = [a for p in customer.payments for a in p.allocations]
    allocated = sum((a.amount for a in allocations if a.invoice in issued), ZERO)
    outstanding = {
        i.id: i.total
        - sum((a.amount for a in i.allocations), ZERO)
        - sum((c.total for c in i.credit_notes), ZERO)
        for i in customer.invoices
    }
    ageing = dict.fromkeys(BUCKETS, ZERO)
    overdue_days = [0]
    for invoice in issued:
        owed = max(outstanding[invoice.id], ZERO)
        days = (AS_OF - invoice.due_on).days
        ageing[bucket_for(days)] += owed
        if owed > 0 and days > 0:
            overdue_days.append(days)
    assert balance.invoiced == sum((i.total for i in issued), ZERO)
    assert balance.credited == sum((c.total for c in customer.credit_notes), ZERO)
    assert balance.allocated == allocated
    assert balance.received == sum((p.amount for p in customer.payments), ZERO)
    assert balance.balance == balance.invoiced - balance.credited - balance.allocated
    assert balance.account_credit == balance.received - balance.allocated
    assert balance.ageing == ageing
    assert balance.debt_age == (bucket_for(max(overdue_days)) if max(overdue_days) else None)
    assert invoice_outstanding(db.session, list(outstanding)) == {
        i.id: outstanding[i.id] if i in issued else ZERO for i in customer.invoices
    }


def _statements_for_balance_with(invoice_count: int) -> int:
    customer = make_customer()
    for n in range(invoice_count):
        invoice = make_invoice(customer, ("1.5", "33.33", "20"), due_on=AS_OF - timedelta(days=n))
        make_credit_note(customer, invoice=invoice)
        make_payment(customer, "20.00", {invoice: "5.00"})
    customer_id = customer.id
    with counting_statements() as statements:
        customer_balance(db.session, customer_id, AS_OF)
    return len(statements)


def test_balance_costs_the_same_statements_for_2_invoices_as_for_60(app):
    assert _statements_for_balance_with(2) == _statements_for_balance_with(60) == 1


def test_outstanding_costs_one_statement_for_any_number_of_invoices(customer):
    ids = [make_invoice(customer).id for _ in range(30)]

    with counting_statements() as statements:
        outstanding = invoice_outstanding(db.session, ids)

    assert len(statements) == 1
    assert set(outstanding) == set(ids)


# --- as of a date ------------------------------------------------------------------------------


def test_as_of_a_date_the_books_leave_out_what_came_later(customer):
    """A statement as of a past date shows the books as they stood at the end of that day."""
    early = make_invoice(customer, ("1", "100.00", "0"), due_on=AS_OF - timedelta(days=40))
    make_invoice(customer, ("1", "55.00", "0"), due_on=AS_OF + timedelta(days=60))  # dated later
    voided_later = make_invoice(customer, ("1", "30.00", "0"), due_on=AS_OF)
    voided_later.status = InvoiceStatus.void
    voided_later.voided_on = AS_OF + timedelta(days=1)
    db.session.commit()
    later = make_payment(customer, "100.00", {early: "100.00"})
    later.paid_on = later.allocations[0].allocated_on = AS_OF + timedelta(days=3)
    db.session.commit()

    then = customer_balance(db.session, customer.id, AS_OF)
    now = customer_balance(db.session, customer.id)

    assert (then.invoiced, then.received, then.balance) == (
        Decimal("130.00"),
        ZERO,
        Decimal("130.00"),
    )
    assert then.ageing["31-60"] == Decimal("100.00") and then.ageing["current"] == Decimal("30.00")
    assert (now.invoiced, now.balance) == (Decimal("155.00"), Decimal("55.00"))


def test_open_invoices_add_up_to_the_ageing_and_the_dashboard_totals_to_every_customer(customer):
    other = make_customer(surname="Babbage")
    owed = make_invoice(customer, ("1", "100.00", "20"), due_on=AS_OF - timedelta(days=45))
    make_payment(customer, "20.00", {owed: "20.00"})
    make_invoice(customer, ("1", "10.00", "0"), due_on=AS_OF)
    make_invoice(other, ("2", "12.50", "0"), due_on=AS_OF - timedelta(days=100))
    paid = make_invoice(other, ("1", "5.00", "0"))
    make_payment(other, "5.00", {paid: "5.00"})

    rows = open_invoices(db.session, customer.id, AS_OF)

    assert [(row.number, row.outstanding, row.bucket) for row in rows] == [
        (owed.number, Decimal("100.00"), "31-60"),
        (next(i for i in customer.invoices if i is not owed).number, Decimal("10.00"), "current"),
    ]
    balances = [customer_balance(db.session, c.id, AS_OF) for c in (customer, other)]
    assert sum(row.outstanding for row in rows) == sum(balances[0].ageing.values())
    assert ageing_totals(db.session, AS_OF) == {
        name: balances[0].ageing[name] + balances[1].ageing[name] for name in BUCKETS
    }


def test_the_dashboard_takes_debt_and_overdue_from_the_ageing_it_is_given():
    ageing = {name: Decimal(str(n)) for n, name in enumerate(BUCKETS, start=1)}
    debt, overdue = debt_and_overdue(ageing)
    assert (debt, overdue) == (Decimal("15"), Decimal("14"))  # all of it; all but "current"


def test_an_invoice_says_its_net_tax_paid_and_credited(app):
    customer = make_customer()
    invoice = make_invoice(customer, ("1", "100.00", "20"), ("2", "12.50", "0"))
    make_credit_note(customer, ("1", "10.00", "0"), invoice=invoice)
    make_payment(customer, "50.00", to={invoice: "50.00"})
    assert (invoice.net, invoice.tax, invoice.total) == (
        Decimal("125.00"),
        Decimal("20.00"),
        Decimal("145.00"),
    )
    assert (invoice.paid, invoice.credited) == (Decimal("50.00"), Decimal("10.00"))
