"""models/money/payments.py: what an allocation may take, and the books' two identities

    balance = invoiced − credited − allocated      account credit = received − allocated

checked after each step of random sequences of payments, credit allocations and removals.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from extensions import db
from models import (
    Customer,
    Invoice,
    InvoiceStatus,
    Payment,
    PaymentAllocation,
    PaymentMethod,
    ValidationFailed,
)
from models.money.balances import customer_balance, invoice_outstanding
from models.money.credit_notes import add_credit_note, draft_credit_note_for_invoice
from models.money.invoicing import issue_invoice
from models.money.payments import (
    Allocation,
    allocate,
    allocate_account_credit,
    record_payment,
    remove_allocation,
    unallocated,
)
from tests.factories import make_customer, make_invoice

PAID_ON = date(2026, 2, 1)


def cash() -> PaymentMethod:
    return db.session.scalar(select(PaymentMethod).where(PaymentMethod.name == "Cash"))


def issued_invoice(customer: Customer, amount: str = "100.00", tax_rate: str = "0") -> Invoice:
    invoice = make_invoice(customer, amount, tax_rate)
    issue_invoice(db.session, invoice)
    db.session.commit()
    return invoice


def payment(customer: Customer, amount: str, to: dict[Invoice, str] | None = None) -> Payment:
    made = record_payment(
        db.session,
        customer,
        paid_on=PAID_ON,
        method=cash(),
        amount=Decimal(amount),
        allocations=[Allocation(i, Decimal(a)) for i, a in (to or {}).items()],
    )
    db.session.commit()
    return made


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def refused(operation) -> dict[str, str]:
    """Runs an operation that must be refused; rolls back as the views do; the errors."""
    with pytest.raises(ValidationFailed) as failure:
        operation()
    db.session.rollback()
    return failure.value.errors


def test_a_payment_pays_invoices_and_the_rest_is_account_credit(app):
    customer = make_customer()
    first, second = issued_invoice(customer, "100.00"), issued_invoice(customer, "50.00", "20")
    payment(customer, "200.00", {first: "100.00", second: "60.00"})
    balance = customer_balance(db.session, customer.id)
    assert balance.invoiced == Decimal("160.00")
    assert balance.allocated == Decimal("160.00")
    assert balance.balance == Decimal("0.00")
    assert balance.account_credit == Decimal("40.00")
    assert invoice_outstanding(db.session, [first.id, second.id]) == {
        first.id: Decimal("0.00"),
        second.id: Decimal("0.00"),
    }


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0", "more than zero"),
        ("-5.00", "more than zero"),
        ("10.005", "two decimal places"),
    ],
)
def test_amounts_that_are_not_money_received_are_refused(app, amount, message):
    customer = make_customer()
    errors = refused(lambda: payment(customer, amount))
    assert message in errors["amount"]
    assert count(Payment) == 0


def test_a_payment_needs_a_date_and_a_method(app):
    customer = make_customer()
    errors = refused(
        lambda: record_payment(
            db.session, customer, paid_on=None, method=None, amount=Decimal("5.00")
        )
    )
    assert set(errors) == {"paid_on", "payment_method"}
    assert count(Payment) == 0


def test_an_allocation_above_what_the_invoice_owes_is_refused(app):
    customer = make_customer()
    invoice = issued_invoice(customer, "100.00")
    errors = refused(lambda: payment(customer, "500.00", {invoice: "100.01"}))
    assert "only has £100.00 outstanding" in errors[f"allocation-{invoice.id}"]
    assert count(Payment) == count(PaymentAllocation) == 0


def test_two_allocations_to_one_invoice_together_above_what_it_owes_are_refused(app):
    customer = make_customer()
    invoice = issued_invoice(customer, "100.00")
    paid = payment(customer, "300.00")
    errors = refused(
        lambda: allocate(
            db.session,
            paid,
            [Allocation(invoice, Decimal("60")), Allocation(invoice, Decimal("41"))],
        )
    )
    assert f"allocation-{invoice.id}" in errors
    assert count(PaymentAllocation) == 0


def test_two_allocations_to_one_invoice_in_one_go_make_one_row(app):
    customer = make_customer()
    invoice = issued_invoice(customer, "100.00")
    paid = payment(customer, "100.00")
    allocate(
        db.session, paid, [Allocation(invoice, Decimal("30")), Allocation(invoice, Decimal("20"))]
    )
    db.session.commit()
    assert db.session.scalars(select(PaymentAllocation.amount)).all() == [Decimal("50.00")]


def test_a_credit_note_lowers_what_can_be_allocated(app):
    customer = make_customer()
    invoice = issued_invoice(customer, "100.00")
    credit = draft_credit_note_for_invoice(invoice, PAID_ON)
    credit.lines[0].unit_price = Decimal("30.00")
    add_credit_note(db.session, credit)
    db.session.commit()
    errors = refused(lambda: payment(customer, "100.00", {invoice: "70.01"}))
    assert "only has £70.00 outstanding" in errors[f"allocation-{invoice.id}"]


def test_allocations_above_the_payment_are_refused(app):
    customer = make_customer()
    first, second = issued_invoice(customer, "100.00"), issued_invoice(customer, "100.00")
    errors = refused(lambda: payment(customer, "150.00", {first: "100.00", second: "50.01"}))
    assert "exceed what is left of the payment (£150.00)" in errors["allocations"]
    assert count(Payment) == count(PaymentAllocation) == 0


def test_another_customers_invoice_is_refused(app):
    customer = make_customer()
    theirs = issued_invoice(make_customer(surname="Other"), "100.00")
    errors = refused(lambda: payment(customer, "100.00", {theirs: "10.00"}))
    assert "belongs to another customer" in errors[f"allocation-{theirs.id}"]
    assert count(Payment) == 0


@pytest.mark.parametrize("status", [InvoiceStatus.draft, InvoiceStatus.void])
def test_draft_and_void_invoices_cannot_be_paid(app, status):
    customer = make_customer()
    invoice = make_invoice(customer, status=status, number=None if status == "draft" else "V-1")
    errors = refused(lambda: payment(customer, "100.00", {invoice: "10.00"}))
    assert "only issued invoices can be paid" in errors[f"allocation-{invoice.id}"]
    assert count(Payment) == 0


@pytest.mark.parametrize("amount", ["0", "-1.00", "1.001"])
def test_an_allocation_must_be_pounds_and_pence_above_zero(app, amount):
    customer = make_customer()
    invoice = issued_invoice(customer)
    errors = refused(lambda: payment(customer, "100.00", {invoice: amount}))
    assert f"allocation-{invoice.id}" in errors


def test_allocating_again_to_the_same_invoice_tops_up_its_one_row(app):
    customer = make_customer()
    invoice = issued_invoice(customer, "100.00")
    paid = payment(customer, "100.00", {invoice: "30.00"})
    allocate(db.session, paid, [Allocation(invoice, Decimal("20.00"))])
    db.session.commit()
    assert db.session.scalars(select(PaymentAllocation.amount)).all() == [Decimal("50.00")]
    assert unallocated(paid) == Decimal("50.00")


def test_account_credit_pays_an_invoice_from_the_oldest_payment_first(app):
    customer = make_customer()
    invoice = issued_invoice(customer, "100.00")
    older = payment(customer, "30.00")
    newer = payment(customer, "50.00")
    newer.paid_on = date(2026, 3, 1)
    db.session.commit()
    allocate_account_credit(db.session, customer, invoice, Decimal("40.00"))
    db.session.commit()
    assert unallocated(older) == Decimal("0.00")
    assert unallocated(newer) == Decimal("40.00")
    assert customer_balance(db.session, customer.id).account_credit == Decimal("40.00")


def test_account_credit_cannot_pay_more_than_there_is(app):
    customer = make_customer()
    invoice = issued_invoice(customer, "100.00")
    payment(customer, "30.00")
    errors = refused(
        lambda: allocate_account_credit(db.session, customer, invoice, Decimal("30.01"))
    )
    assert "only £30.00" in errors["amount"]
    assert count(PaymentAllocation) == 0


def test_account_credit_cannot_pay_more_than_an_invoice_owes(app):
    customer = make_customer()
    invoice = issued_invoice(customer, "20.00")
    payment(customer, "10.00")
    payment(customer, "50.00")
    errors = refused(
        lambda: allocate_account_credit(db.session, customer, invoice, Decimal("25.00"))
    )
    assert "only has" in " ".join(errors.values())
    assert count(PaymentAllocation) == 0


def test_account_credit_cannot_pay_another_customers_invoice(app):
    customer = make_customer()
    payment(customer, "50.00")
    theirs = issued_invoice(make_customer(surname="Other"))
    errors = refused(
        lambda: allocate_account_credit(db.session, customer, theirs, Decimal("10.00"))
    )
    assert "another customer" in errors["invoice"]


def test_removing_an_allocation_puts_the_money_back_on_account_credit(app):
    customer = make_customer()
    invoice = issued_invoice(customer, "100.00")
    payment(customer, "100.00", {invoice: "100.00"})
    remove_allocation(db.session, db.session.scalar(select(PaymentAllocation)))
    db.session.commit()
    balance = customer_balance(db.session, customer.id)
    assert (balance.balance, balance.account_credit) == (Decimal("100.00"), Decimal("100.00"))


# ---- random sequences: the identities hold after every step, and only rule-breaking steps
# ---- are refused (the oracle below keeps the books in plain Python).

TOTALS = (Decimal("100.00"), Decimal("250.50"), Decimal("19.99"))
CREDITED = Decimal("10.00")  # a credit note on the second invoice


def pounds(most: int):
    """Amounts to the penny from a little below zero (refused) up to `most` pounds."""
    return st.integers(min_value=-500, max_value=most * 100).map(lambda c: Decimal(c).scaleb(-2))


steps = st.lists(
    st.one_of(
        st.tuples(
            st.just("pay"),
            pounds(400),
            # one share per invoice (two in one go: test_two_allocations_to_one_invoice_…)
            st.lists(
                st.tuples(st.integers(0, 2), pounds(120)), max_size=3, unique_by=lambda s: s[0]
            ),
        ),
        st.tuples(st.just("use credit"), st.integers(0, 2), pounds(120)),
        st.tuples(st.just("remove"), st.integers(0, 20)),
    ),
    min_size=1,
    max_size=8,
)


class Books:
    """What the rules say should happen, in Python: owed per invoice, credit on account."""

    def __init__(self):
        self.allocated = [Decimal("0.00")] * len(TOTALS)
        self.received = Decimal("0.00")

    def owed(self, index: int) -> Decimal:
        return TOTALS[index] - (CREDITED if index == 1 else 0) - self.allocated[index]

    @property
    def credit(self) -> Decimal:
        return self.received - sum(self.allocated)

    def pay_allowed(self, amount: Decimal, shares) -> bool:
        taking = [Decimal("0")] * len(TOTALS)
        for index, share in shares:
            if share <= 0:
                return False
            taking[index] += share
        return (
            amount > 0
            and all(taking[i] <= self.owed(i) for i in range(len(TOTALS)))
            and sum(taking) <= amount
        )


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=steps)
def test_random_sequences_keep_the_books_straight(app, steps):
    customer = make_customer()
    invoices = [issued_invoice(customer, str(total)) for total in TOTALS]
    credit_note = draft_credit_note_for_invoice(invoices[1], PAID_ON)
    credit_note.lines[0].unit_price = CREDITED
    add_credit_note(db.session, credit_note)
    db.session.commit()
    books = Books()
    for step in steps:
        try:
            if step[0] == "pay":
                _, amount, shares = step
                expected = books.pay_allowed(amount, shares)
                record_payment(
                    db.session,
                    customer,
                    paid_on=PAID_ON,
                    method=cash(),
                    amount=amount,
                    allocations=[Allocation(invoices[i], share) for i, share in shares],
                )
                books.received += amount
                for index, share in shares:
                    books.allocated[index] += share
            elif step[0] == "use credit":
                _, index, amount = step
                expected = 0 < amount <= min(books.credit, books.owed(index))
                allocate_account_credit(db.session, customer, invoices[index], amount)
                books.allocated[index] += amount
            else:
                rows = db.session.scalars(
                    select(PaymentAllocation)
                    .join(Payment)
                    .where(Payment.customer_id == customer.id)
                    .order_by(PaymentAllocation.id)
                ).all()
                if not rows:
                    continue
                row = rows[step[1] % len(rows)]
                expected = True
                books.allocated[invoices.index(row.invoice)] -= row.amount
                remove_allocation(db.session, row)
            db.session.commit()
            assert expected, f"{step} was allowed"
        except ValidationFailed:
            db.session.rollback()
            assert not expected, f"{step} was refused"
        event(
            f"{step[0]}: {'allowed' if expected else 'refused'}"
        )  # see --hypothesis-show-statistics
        balance = customer_balance(db.session, customer.id)
        assert balance.balance == balance.invoiced - balance.credited - balance.allocated
        assert balance.account_credit == balance.received - balance.allocated
        assert balance.received == books.received
        assert balance.allocated == sum(books.allocated)
        assert balance.account_credit == books.credit >= 0
        owed = invoice_outstanding(db.session, [i.id for i in invoices])
        assert [owed[i.id] for i in invoices] == [books.owed(n) for n in range(len(TOTALS))]
        assert all(amount >= 0 for amount in owed.values())
