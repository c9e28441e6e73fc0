"""Statements: open invoices, unallocated credits and ageing as of a date, figures from balances."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from extensions import db
from models import (
    Contact,
    CreditNote,
    CreditNoteLine,
    Customer,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    PaymentMethod,
    ValidationFailed,
)
from models.money.balances import customer_balance
from models.money.credit_notes import add_credit_note
from models.money.invoicing import issue_invoice, void_invoice
from models.money.payments import Allocation, record_payment
from models.money.statements import build_statement, check_as_of, statement_email
from tests.browser import ARTIFACTS, log_in
from tests.factories import make_customer
from tests.sql import counting_statements

AS_OF = date(2026, 3, 31)


def invoice(customer, amount, due_on, *, tax="0", contact=None, issue=True) -> Invoice:
    made = Invoice(
        customer=customer,
        contact=contact,
        description="Boiler repair",
        invoice_date=due_on,
        due_on=due_on,
        status=InvoiceStatus.draft,
        lines=[
            InvoiceLine(
                description="Labour and parts",
                unit_price=Decimal(amount),
                quantity=Decimal("1"),
                tax_rate=Decimal(tax),
            )
        ],
    )
    db.session.add(made)
    if issue:
        issue_invoice(db.session, made)
    db.session.commit()
    return made


def pay(customer, amount, paid_on, to=()) -> None:
    cash = db.session.scalar(select(PaymentMethod).where(PaymentMethod.name == "Cash"))
    record_payment(
        db.session,
        customer,
        paid_on=paid_on,
        method=cash,
        amount=Decimal(amount),
        allocations=[Allocation(target, Decimal(share)) for target, share in to],
    )
    db.session.commit()


def credit(customer, amount, credit_date, against=None) -> CreditNote:
    note = CreditNote(
        customer=customer,
        invoice=against,
        description="Goodwill" if against is None else "Part refund",
        credit_date=credit_date,
        lines=[
            CreditNoteLine(
                description="Credit", unit_price=Decimal(amount), quantity=Decimal("1"), tax_rate=0
            )
        ],
    )
    add_credit_note(db.session, note)
    db.session.commit()
    return note


@dataclass
class Account:
    customer: Customer
    current: Invoice  # 100, 40 paid; Charles Babbage
    recent: Invoice  # 240 with tax, 50 credited, 30 days overdue; Mary Somerville
    older: Invoice  # 50, 44 days overdue
    oldest: Invoice  # 300, 120 days overdue
    paid: Invoice  # 80, paid in full
    void: Invoice
    later: Invoice  # dated after the statement
    goodwill: CreditNote  # standalone, 25


def mixed_account() -> Account:
    """Part paid, credited, overdue in several buckets, account credit, a void invoice, a
    draft, and documents dated after the statement's date."""
    customer = make_customer()
    babbage = Contact(customer=customer, surname="Babbage", first_name="Charles")
    somerville = Contact(customer=customer, surname="Somerville", first_name="Mary")
    db.session.add_all([babbage, somerville])
    account = Account(
        customer=customer,
        current=invoice(customer, "100.00", AS_OF, contact=babbage),
        recent=invoice(customer, "200.00", date(2026, 3, 1), tax="20", contact=somerville),
        older=invoice(customer, "50.00", date(2026, 2, 15)),
        oldest=invoice(customer, "300.00", date(2025, 12, 1)),
        paid=invoice(customer, "80.00", date(2026, 1, 20)),
        void=invoice(customer, "500.00", date(2026, 1, 10)),
        later=invoice(customer, "999.00", date(2026, 4, 5)),
        goodwill=credit(customer, "25.00", date(2026, 3, 10)),
    )
    invoice(customer, "70.00", date(2026, 3, 20), issue=False)  # a draft counts for nothing
    void_invoice(db.session, account.void, "Raised twice", on=date(2026, 2, 1))
    db.session.commit()
    pay(customer, "120.00", date(2026, 3, 5), [(account.current, "40.00"), (account.paid, "80.00")])
    pay(customer, "70.00", date(2026, 3, 15))  # on account
    pay(customer, "33.00", date(2026, 4, 2))  # after the statement
    credit(customer, "50.00", date(2026, 3, 12), against=account.recent)
    credit(customer, "15.00", date(2026, 4, 3))  # after the statement
    return account


def test_the_statement_says_what_the_balance_says(app):
    account = mixed_account()
    statement = build_statement(db.session, account.customer, AS_OF)
    figures = customer_balance(db.session, account.customer.id, AS_OF)

    assert statement.balance == figures.balance == Decimal("575.00")
    assert statement.figures.ageing == figures.ageing
    assert figures.ageing == {
        "current": Decimal("60.00"),
        "1-30": Decimal("190.00"),
        "31-60": Decimal("50.00"),
        "61-90": Decimal("0.00"),
        "90+": Decimal("300.00"),
    }
    assert statement.account_credit == figures.account_credit == Decimal("70.00")
    # The lines add up to the balance: open invoices less unallocated credit notes.
    assert statement.invoices_outstanding - statement.credit_notes_total == statement.balance
    assert statement.to_pay == Decimal("505.00")


def test_the_statement_lists_only_what_was_open_on_the_date(app):
    account = mixed_account()
    statement = build_statement(db.session, account.customer, AS_OF)

    listed = [line.number for line in statement.invoices]
    assert listed == [
        a.number for a in (account.oldest, account.older, account.recent, account.current)
    ]
    assert [line.outstanding for line in statement.invoices] == [
        Decimal("300.00"),
        Decimal("50.00"),
        Decimal("190.00"),
        Decimal("60.00"),
    ]
    assert [(c.reference, c.amount) for c in statement.credit_notes] == [
        (account.goodwill.number, Decimal("25.00"))
    ]


def test_a_statement_as_of_an_earlier_date_shows_the_void_invoice_still_owed(app):
    account = mixed_account()
    statement = build_statement(db.session, account.customer, date(2026, 1, 31))
    assert account.void.number in [line.number for line in statement.invoices]
    assert (
        statement.balance
        == customer_balance(db.session, account.customer.id, date(2026, 1, 31)).balance
    )


def test_grouped_by_contact_names_each_group_and_puts_no_contact_last(app):
    account = mixed_account()
    statement = build_statement(db.session, account.customer, AS_OF, group_by_contact=True)

    assert [(g.title, g.outstanding) for g in statement.groups] == [
        ("Charles Babbage", Decimal("60.00")),
        ("Mary Somerville", Decimal("190.00")),
        ("No contact", Decimal("350.00")),
    ]
    assert statement.balance == Decimal("575.00")


def test_a_statement_cannot_be_dated_in_the_future():
    with pytest.raises(ValidationFailed) as refused:
        check_as_of(date(2026, 4, 1), today=date(2026, 3, 31))
    assert "31 Mar 2026 or an earlier date" in refused.value.errors["as_of"]
    check_as_of(date(2026, 3, 31), today=date(2026, 3, 31))


def test_the_email_offered_states_the_balance_and_what_is_overdue(app):
    account = mixed_account()
    statement = build_statement(db.session, account.customer, AS_OF)
    subject, body = statement_email(statement, "Acme Heating")
    assert subject == "Statement of account as of 31 March 2026"
    assert "The balance is £575.00, of which £540.00 is overdue." in body
    assert body.startswith("Dear Mrs Ada Lovelace,") and body.endswith("Acme Heating")


# The statement page


def test_the_page_summarises_the_statement_and_offers_print_and_download(client_as):
    account = mixed_account()
    customer = account.customer
    client = client_as("office")
    html = client.get(f"/admin/statement/{customer.id}/?as_of={AS_OF}&grouped=1").get_data(
        as_text=True
    )
    assert "Statement as of 31 Mar 2026" in html
    assert '<div class="h4 text-dark" data-figure="balance">£575.00</div>' in html
    assert 'data-bucket="90+">£300.00</td>' in html and 'data-bucket="current">£60.00</td>' in html
    assert account.oldest.number in html and account.paid.number not in html
    assert '<th colspan="8">Mary Somerville</th>' in html
    pdf = f"/admin/documents/statement/{customer.id}.pdf?as_of=2026-03-31&amp;grouped=1"
    assert f'target="_blank" rel="noopener"\n         href="{pdf}"' in html
    assert "download=1" in html
    # The email is prefilled from the template, to the statement email if there is one.
    assert 'value="ada@example.com"' in html
    assert "The balance is £575.00, of which £540.00 is overdue." in html


def test_the_page_defaults_to_today_ungrouped(client_as):
    customer = make_customer(statement_email="accounts@lovelace.example.com")
    html = client_as("office").get(f"/admin/statement/{customer.id}/").get_data(as_text=True)
    assert f'value="{date.today().isoformat()}"' in html
    assert '<option selected value="0">No</option>' in html
    assert "No invoices were open on this date." in html
    assert 'value="accounts@lovelace.example.com"' in html


@pytest.mark.parametrize(
    ("as_of", "message"),
    [
        ("2999-01-01", "or an earlier date"),
        ("31/03/2026", "Not a valid date value"),
        ("", "Enter the date"),
    ],
)
def test_a_future_or_bad_date_is_refused_clearly(client_as, as_of, message):
    customer = make_customer()
    response = client_as("office").get(f"/admin/statement/{customer.id}/?as_of={as_of}")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html and "Email the statement" not in html


def test_merged_or_unknown_customers_have_no_statement_page(client_as):
    customer, kept = make_customer(), make_customer(surname="Kept")
    customer.merged_into = kept
    db.session.commit()
    client = client_as("office")
    assert client.get(f"/admin/statement/{customer.id}/").status_code == 404
    assert client.get("/admin/statement/999/").status_code == 404


@pytest.mark.browser
def test_reviewing_and_emailing_a_statement_in_the_browser(page, users):  # noqa: F811
    account = mixed_account()
    log_in(page, users["office"].email)
    page.goto(f"/admin/statement/{account.customer.id}/")
    page.fill("#as_of", AS_OF.isoformat())
    page.select_option("#grouped", "1")
    page.click("text=Show statement")
    expect(page.locator("[data-figure=balance]")).to_have_text("£575.00")
    expect(page.locator("th:has-text('Mary Somerville')")).to_have_count(1)
    page.screenshot(path=ARTIFACTS / "statement-page.png", full_page=True)

    with page.expect_popup() as printed:
        page.click("text=Print")
    assert printed.value.url.endswith(f"{account.customer.id}.pdf?as_of=2026-03-31&grouped=1")

    page.fill("#recipient", "accounts@lovelace.example.com")
    page.click("button:has-text('Send')")
    expect(page.locator(".alert-dismissable")).to_contain_text("No mail server is set up, so")
    page.context.clear_cookies()  # the Outbox is for admins
    log_in(page, users["admin"].email)
    page.wait_for_load_state()  # the menu opens only once Bootstrap's script has run

    page.click("a.nav-link:has-text('Admin')")
    page.click("a.dropdown-item:has-text('Outbox')")
    expect(page.locator("td:has-text('accounts@lovelace.example.com')")).to_have_count(1)
    page.screenshot(path=ARTIFACTS / "outbox.png", full_page=True)


def test_the_statement_costs_the_same_sql_for_few_or_many_invoices(client_as):
    customer = make_customer()
    client = client_as("office")
    urls = [
        f"/admin/statement/{customer.id}/?as_of={AS_OF}&grouped=1",
        f"/admin/documents/statement/{customer.id}.pdf?as_of={AS_OF}&grouped=1",
    ]

    def statements_per_page() -> list[int]:
        counts = []
        for url in urls:
            with counting_statements() as statements:
                assert client.get(url).status_code == 200
            counts.append(len(statements))
        return counts

    def add_invoices(how_many: int) -> None:
        for number in range(how_many):
            contact = Contact(customer=customer, surname=f"Contact {number}")
            invoice(customer, "10.00", date(2026, 1, 1 + number), contact=contact)
            credit(customer, "1.00", date(2026, 2, 1))

    add_invoices(1)
    few = statements_per_page()
    add_invoices(6)
    assert statements_per_page() == few
