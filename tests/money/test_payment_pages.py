"""The payment pages of the customer record: cash allocation, account credit, allocating
account credit, and removing an allocation from a payment's details html."""

from __future__ import annotations

from decimal import Decimal

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from extensions import db
from models import InvoiceStatus, Payment, PaymentAllocation, PaymentMethod
from models.money.balances import customer_balance
from tests.browser import ARTIFACTS, log_in
from tests.factories import make_customer, make_invoice
from tests.money.test_payments import cash, issued_invoice, payment
from tests.sql import counting_statements


def post(client, url, data=None):
    return client.post(url, data={**(data or {}), **client.csrf()})


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def cash_url(customer) -> str:
    return f"/admin/customer-payments/{customer.id}/cash-allocation/"


def credit_url(customer) -> str:
    return f"/admin/customer-payments/{customer.id}/account-credit/"


def allocate_url(customer) -> str:
    return f"/admin/customer-payments/{customer.id}/allocate-credit/"


def paid(amount: str, **fields) -> dict[str, str]:
    return {
        "paid_on": "2026-02-01",
        "payment_method": str(cash().id),
        "reference": "BACS 123",
        "nominal_account": "1200 Bank",
        "amount": amount,
        **fields,
    }


@pytest.fixture
def books(app):
    """A customer with two issued invoices (100.00 and 60.00), a draft and a void one, and
    another customer's issued invoice."""
    customer = make_customer()
    first = issued_invoice(customer, "100.00")
    second = issued_invoice(customer, "50.00", "20")
    draft = make_invoice(customer)
    void = make_invoice(customer, status=InvoiceStatus.void, number="INV-V1")
    theirs = issued_invoice(make_customer(surname="Babbage"), "80.00")
    return customer, first, second, draft, void, theirs


def test_payment_actions_are_on_the_record_and_allocating_credit_only_with_credit(client_as, books):
    customer = books[0]
    client = client_as("office")
    record = client.record(customer.id)
    for title in ("Add cash allocation", "Add account credit", "Stored cards"):
        assert title in record
    assert "Allocate account credit" not in record
    payment(customer, "25.00")
    record = client.record(customer.id)
    assert "Allocate account credit" in record
    assert f'href="{allocate_url(customer)}">Allocate</a>' in record  # beside the credit figure


def test_the_cash_allocation_page_lists_only_invoices_with_something_outstanding(client_as, books):
    customer, first, second, draft, void, theirs = books
    payment(customer, "100.00", {first: "100.00"})
    html = client_as("office").get(cash_url(customer)).get_data(as_text=True)
    assert f'name="allocation-{second.id}"' in html and "60.00" in html
    for hidden in (first, draft, void, theirs):
        assert f'name="allocation-{hidden.id}"' not in html
    assert "Pay in full" in html and "Left as account credit" in html
    assert 'name="card_number"' not in html


def test_a_cash_allocation_pays_invoices_and_leaves_the_rest_as_credit(client_as, books):
    customer, first, second = books[:3]
    client = client_as("office")
    response = post(
        client,
        cash_url(customer),
        paid("£180.00", **{f"allocation-{first.id}": "100.00", f"allocation-{second.id}": "30"}),
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/admin/customer/details/?id={customer.id}#money")
    record = client.record_at(response.headers["Location"])
    assert (
        f"Payment of £180.00 recorded. Allocated £100.00 to {first.number}, £30.00 to "
        f"{second.number}. £50.00 left as account credit." in record
    )
    assert 'data-money="account_credit">£50.00<' in record
    assert 'data-money="balance">£30.00<' in record
    balance = customer_balance(db.session, customer.id)
    assert (balance.allocated, balance.account_credit) == (Decimal("130.00"), Decimal("50.00"))
    saved = db.session.scalar(select(Payment))
    assert (saved.reference, saved.nominal_account) == ("BACS 123", "1200 Bank")


def refused(client, url, data, *messages) -> str:
    """Posts a form that must be refused: 400, the messages shown, nothing written."""
    response = post(client, url, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    for message in messages:
        assert str(escape(message)) in html, message
    assert count(Payment) == 0 and count(PaymentAllocation) == 0
    return html


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("-5.00", "The amount must be more than zero."),
        ("0", "The amount must be more than zero."),
        ("ten pounds", "Enter an amount, such as 120.50."),
        ("1e3", "Enter an amount, such as 120.50."),
        ("NaN", "Enter an amount, such as 120.50."),
        ("10.005", "at most two decimal places"),
        ("", "Enter the amount."),
        ("99999999999", "That amount is too large."),
    ],
)
def test_amounts_that_are_not_money_are_refused(client_as, books, amount, message):
    refused(client_as("office"), cash_url(books[0]), paid(amount), message)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-10", "Allocate more than zero"),
        ("abc", "Enter an amount, such as 120.50."),
        ("10.001", "at most two decimal places"),
        ("100.01", "only has £100.00 outstanding"),
    ],
)
def test_a_bad_allocation_is_refused_beside_its_invoice(client_as, books, typed, message):
    customer, first = books[:2]
    html = refused(
        client_as("office"), cash_url(customer), paid("500", **{f"allocation-{first.id}": typed})
    )
    row = html.split(f'data-invoice="{first.id}"')[1].split("</tr>")[0]
    assert "is-invalid" in row and message in row
    assert f'value="{escape(typed)}"' in row  # what was typed stays, to correct it


def test_allocations_above_the_payment_are_refused(client_as, books):
    customer, first, second = books[:3]
    data = paid("120.00", **{f"allocation-{first.id}": "100", f"allocation-{second.id}": "20.01"})
    refused(
        client_as("office"),
        cash_url(customer),
        data,
        "Allocations (£120.01) exceed what is left of the payment (£120.00).",
    )


@pytest.mark.parametrize("which", ["theirs", "draft", "void"])
def test_forged_invoice_ids_are_refused(client_as, books, which):
    customer, _, _, draft, void, theirs = books
    invoice = {"theirs": theirs, "draft": draft, "void": void}[which]
    message = (
        "belongs to another customer" if which == "theirs" else "only issued invoices can be paid"
    )
    refused(
        client_as("office"),
        cash_url(customer),
        paid("50", **{f"allocation-{invoice.id}": "10.00"}),
        message,
    )


def test_an_invoice_id_that_does_not_exist_is_refused(client_as, books):
    refused(
        client_as("office"),
        cash_url(books[0]),
        paid("50", **{"allocation-99999": "10.00", "allocation-99999999999999999999": "1"}),
        "There is no such invoice.",
    )


def test_only_active_payment_methods_are_offered_and_accepted(client_as, books):
    method = db.session.scalar(select(PaymentMethod).where(PaymentMethod.name == "Cheque"))
    method.active = False
    db.session.commit()
    client = client_as("office")
    html = client.get(cash_url(books[0])).get_data(as_text=True)
    assert ">Cash<" in html and ">Cheque<" not in html
    refused(
        client, cash_url(books[0]), paid("5", payment_method=str(method.id)), "Not a valid choice"
    )
    refused(client, cash_url(books[0]), paid("5", payment_method=""), "Choose how it was paid.")


def test_account_credit_is_a_payment_set_against_no_invoice(client_as, books):
    customer = books[0]
    client = client_as("office")
    response = post(client, credit_url(customer), paid("75.50", reference=""))
    record = client.record_at(response.headers["Location"])
    assert "Account credit of £75.50 added." in record
    assert 'data-money="account_credit">£75.50<' in record
    assert count(PaymentAllocation) == 0
    assert db.session.scalar(select(Payment.reference)) is None


def test_account_credit_refuses_a_negative_amount(client_as, books):
    refused(
        client_as("office"),
        credit_url(books[0]),
        paid("-75.50"),
        "The amount must be more than zero.",
    )


def test_the_allocate_credit_page_shows_the_credit_and_the_open_invoices(client_as, books):
    customer, first, second = books[:3]
    payment(customer, "120.00")
    html = client_as("office").get(allocate_url(customer)).get_data(as_text=True)
    assert "Account credit available: <strong>£120.00</strong>" in html
    assert f'name="allocation-{first.id}"' in html and f'name="allocation-{second.id}"' in html


def test_account_credit_is_allocated_to_several_invoices_at_once(client_as, books):
    customer, first, second = books[:3]
    payment(customer, "120.00")
    client = client_as("office")
    response = post(
        client,
        allocate_url(customer),
        {f"allocation-{first.id}": "100.00", f"allocation-{second.id}": "15.00"},
    )
    record = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Allocated £100.00 to {first.number}, £15.00 to {second.number}" in record
    assert "£5.00 account credit left." in record
    balance = customer_balance(db.session, customer.id)
    assert (balance.balance, balance.account_credit) == (Decimal("45.00"), Decimal("5.00"))


def allocate_refused(client, customer, data, *messages):
    allocations = count(PaymentAllocation)
    response = post(client, allocate_url(customer), data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    for message in messages:
        assert message in html, message
    assert count(PaymentAllocation) == allocations
    return html


def test_allocating_more_than_the_account_credit_writes_nothing(client_as, books):
    customer, first, second = books[:3]
    payment(customer, "120.00")
    html = allocate_refused(
        client_as("office"),
        customer,
        {f"allocation-{first.id}": "100.00", f"allocation-{second.id}": "20.01"},
        "The account credit is only £20.00; allocate at most that.",
    )
    row = html.split(f'data-invoice="{second.id}"')[1].split("</tr>")[0]
    assert "The account credit is only £20.00" in row
    assert customer_balance(db.session, customer.id).account_credit == Decimal("120.00")


def test_allocating_credit_above_what_an_invoice_owes_writes_nothing(client_as, books):
    customer, first = books[:2]
    payment(customer, "300.00")
    allocate_refused(
        client_as("office"),
        customer,
        {f"allocation-{first.id}": "100.01"},
        "only has £100.00 outstanding",
    )


def test_allocating_credit_to_another_customers_invoice_is_refused(client_as, books):
    customer, theirs = books[0], books[5]
    payment(customer, "300.00")
    allocate_refused(
        client_as("office"),
        customer,
        {f"allocation-{theirs.id}": "10.00"},
        "belongs to another customer",
    )


def test_allocating_credit_needs_an_amount(client_as, books):
    customer = books[0]
    payment(customer, "30.00")
    allocate_refused(
        client_as("office"), customer, {}, "Enter an amount against at least one invoice."
    )


def test_a_payment_lists_its_allocations_and_one_can_be_removed(client_as, books):
    customer, first, second = books[:3]
    made = payment(customer, "200.00", {first: "100.00", second: "60.00"})
    client = client_as("office")
    details = client.get(f"/admin/payment/details/?id={made.id}").get_data(as_text=True)
    assert first.number in details and second.number in details
    assert details.count("Remove allocation") == 2
    assert 'data-money="unallocated">£40.00<' in details
    allocation = db.session.scalar(
        select(PaymentAllocation).where(PaymentAllocation.invoice_id == first.id)
    )
    response = post(client, f"/admin/customer-payments/allocations/{allocation.id}/remove/")
    assert response.headers["Location"].endswith(f"/admin/payment/details/?id={made.id}")
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Removed the £100.00 allocation to {first.number}" in shown
    assert "back on the customer" in shown
    balance = customer_balance(db.session, customer.id)
    assert (balance.balance, balance.account_credit) == (Decimal("100.00"), Decimal("140.00"))


def edit_payment(client, made: Payment, amount: str):
    form = {
        "customer": str(made.customer_id),
        "paid_on": "2026-02-01",
        "payment_method": str(cash().id),
        "amount": amount,
        "version": "",
    }
    return post(client, f"/admin/payment/edit/?id={made.id}", form)


def test_the_payment_edit_form_has_no_allocations_and_keeps_the_amount_above_them(client_as, books):
    customer, first = books[:2]
    made = payment(customer, "100.00", {first: "80.00"})
    client = client_as("office")
    form = client.get(f"/admin/payment/edit/?id={made.id}").get_data(as_text=True)
    assert "allocations-0" not in form and 'name="nominal_account"' in form
    response = edit_payment(client, made, "50.00")
    assert "Allocations (£80.00) exceed the payment (£50.00)." in response.get_data(as_text=True)
    assert db.session.get(Payment, made.id).amount == Decimal("100.00")


@pytest.mark.parametrize("amount", ["Infinity", "NaN", "12.345", "-5"])
def test_the_payment_edit_form_refuses_amounts_that_are_not_money(client_as, books, amount):
    customer = books[0]
    made = payment(customer, "100.00")
    client = client_as("office")
    response = edit_payment(client, made, amount)
    assert response.status_code == 200 and "Not saved" not in response.get_data(as_text=True)
    assert 'class="invalid-feedback' in response.get_data(as_text=True)
    assert db.session.get(Payment, made.id).amount == Decimal("100.00")


def test_read_only_users_are_refused_every_payment_page(client_as, books):
    customer, first = books[:2]
    made = payment(customer, "100.00", {first: "50.00"})
    allocation = db.session.scalar(select(PaymentAllocation))
    client = client_as("read_only")
    urls = [cash_url(customer), credit_url(customer), allocate_url(customer)]
    for url in urls:
        assert client.get(url).status_code == 403, url
        assert post(client, url, paid("10")).status_code == 403, url
    remove = f"/admin/customer-payments/allocations/{allocation.id}/remove/"
    assert post(client, remove).status_code == 403
    details = client.get(f"/admin/payment/details/?id={made.id}").get_data(as_text=True)
    assert "Remove allocation" not in details
    assert count(Payment) == 1 and count(PaymentAllocation) == 1


def test_a_forged_form_without_the_csrf_token_is_refused(client_as, books):
    customer, first = books[:2]
    client = client_as("office")
    data = paid("100", csrf_token="forged", **{f"allocation-{first.id}": "100"})
    assert client.post(cash_url(customer), data=data).status_code == 400
    assert client.post(credit_url(customer), data=data).status_code == 400
    payment(customer, "100.00", {first: "50.00"})
    allocation = db.session.scalar(select(PaymentAllocation))
    remove = f"/admin/customer-payments/allocations/{allocation.id}/remove/"
    assert client.post(remove, data={"csrf_token": "forged"}).status_code == 400
    assert count(Payment) == 1 and count(PaymentAllocation) == 1


def test_the_allocation_grid_costs_the_same_queries_for_many_invoices(client_as, app):
    customer = make_customer()
    client = client_as("office")

    def statements() -> int:
        with counting_statements() as sent:
            assert client.get(cash_url(customer)).status_code == 200
        return len(sent)

    issued_invoice(customer)
    few = statements()
    for _ in range(10):
        issued_invoice(customer)
    assert statements() == few


@pytest.mark.browser
def test_allocating_in_the_browser_sums_live_and_shows_refusals(page, users, books):  # noqa: F811
    customer, first, second = books[:3]
    log_in(page, users["office"].email)
    page.goto(cash_url(customer))
    page.select_option("#payment_method", label="Bank transfer")
    page.fill("#reference", "BACS 0042")
    page.fill("#amount", "150.00")
    page.click(f'tr[data-invoice="{first.id}"] [data-pay-in-full]')
    assert page.input_value(f"#allocation-{first.id}") == "100.00"
    page.fill(f"#allocation-{second.id}", "70")
    assert page.text_content("[data-sum=allocated]") == "£170.00"
    assert page.text_content("[data-sum=left]") == "-£20.00"
    assert page.is_visible("[data-sum=over]")
    page.click("button:has-text('Add cash allocation')")
    page.wait_for_selector("#refusals")
    assert "only has £60.00 outstanding" in page.text_content(f'tr[data-invoice="{second.id}"]')
    page.screenshot(path=ARTIFACTS / "cash-allocation-refused.png", full_page=True)
    page.fill(f"#allocation-{second.id}", "30")
    page.click("button:has-text('Add cash allocation')")
    page.wait_for_url(f"**/admin/customer/details/?id={customer.id}#money")
    assert "£20.00 left as account credit" in page.text_content(".alert-success")

    page.goto(credit_url(customer))
    page.screenshot(path=ARTIFACTS / "account-credit.png", full_page=True)
    page.goto(allocate_url(customer))
    page.click(f'tr[data-invoice="{second.id}"] [data-pay-in-full]')
    assert page.text_content("[data-sum=left]") == "-£10.00"
    page.fill(f"#allocation-{second.id}", "20")
    assert page.text_content("[data-sum=left]") == "£0.00"
    page.screenshot(path=ARTIFACTS / "allocate-account-credit.png", full_page=True)
    page.click("button:has-text('Allocate credit')")
    page.wait_for_url(f"**/admin/customer/details/?id={customer.id}#money")
    assert customer_balance(db.session, customer.id).account_credit == Decimal("0.00")
    page.screenshot(path=ARTIFACTS / "record-money-after-allocation.png", full_page=True)

    page.goto(f"/admin/payment/details/?id={db.session.scalar(select(Payment.id))}")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button:has-text('Remove allocation') >> nth=0")
    page.wait_for_selector(".alert-success")
    assert "back on the customer's account credit" in page.text_content(".alert-success")
    page.screenshot(path=ARTIFACTS / "payment-details.png", full_page=True)
