"""The Invoice settings page: the address format with a live preview, and the customer's
alternative invoice addresses (shared between customers)."""

from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from extensions import db
from models import (
    AuditEntry,
    Customer,
    DomainError,
    Invoice,
    InvoiceAddress,
    InvoiceLine,
    InvoiceStatus,
)
from models.money.invoice_addresses import delete_invoice_address
from models.money.invoicing import issue_invoice
from tests.browser import ARTIFACTS, log_in
from tests.factories import make_customer, make_work, make_work_address
from tests.money.test_statements import pay

CARE_OF = "[landlord_name] c/o [customer_name]\n[customer_address_line_2]\n[customer_postcode]"


def url(customer, tail: str = "") -> str:
    return f"/admin/invoice-settings/{customer.id}/{tail}"


def post(client, customer, tail, data=None, **kwargs):
    return client.post(
        url(customer, tail), data={**(data or {}), **client.csrf(url(customer))}, **kwargs
    )


def shared_address(*customers, name="Acme Insurance") -> InvoiceAddress:
    address = InvoiceAddress(name=name, address_line_1="1 Claims Way", postcode="LS1 4AB")
    for customer in customers:
        customer.invoice_addresses.append(address)
    db.session.add(address)
    db.session.commit()
    return address


def invoice_to(customer, address, issue=False) -> Invoice:
    invoice = Invoice(
        customer=customer,
        invoice_address=address,
        description="Claim repair",
        invoice_date=date(2026, 3, 1),
        due_on=date(2026, 3, 31),
        status=InvoiceStatus.draft,
        lines=[InvoiceLine(description="Labour", unit_price=Decimal("100"), tax_rate=0)],
    )
    db.session.add(invoice)
    if issue:
        issue_invoice(db.session, invoice)
    db.session.commit()
    return invoice


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# The address format


def test_the_page_offers_tags_and_previews_the_saved_format(client_as):
    customer = make_customer(invoice_address_format=CARE_OF)
    html = client_as("office").get(url(customer)).get_data(as_text=True)
    assert 'data-tag="[landlord_name]"' in html and 'data-tag="[work_address_postcode]"' in html
    assert "[landlord_name] c/o [customer_name]" in html  # the textarea
    assert '<div id="address-preview" class="font-weight-bold" aria-live="polite">' in html
    preview = html.split('aria-live="polite">')[1].split("</div>\n    </div>")[0]
    assert [line.strip() for line in preview.split("</div>") if line.strip()] == [
        "<div>Mrs Ada Lovelace",
        "<div>M1 1AA",
    ]


def test_the_preview_renders_what_is_typed_as_the_pdf_would(client_as):
    customer = make_customer()
    client = client_as("office")
    answer = post(client, customer, "preview", {"format": CARE_OF}).get_json()
    assert answer == {"lines": ["Mrs Ada Lovelace", "M1 1AA"], "error": None}
    typo = post(client, customer, "preview", {"format": "[customer_nmae]\n[customer_town]"})
    assert typo.get_json() == {"lines": ["Manchester"], "error": "Unknown: [customer_nmae]"}


def test_the_preview_posts_with_the_csrf_token_in_a_header(client_as):
    customer = make_customer()
    client = client_as("office")
    token = client.csrf(url(customer))["csrf_token"]
    answer = client.post(
        url(customer, "preview"),
        data={"format": "[customer_postcode]"},
        headers={"X-CSRFToken": token},
    )
    assert answer.get_json()["lines"] == ["M1 1AA"]
    assert client.post(url(customer, "preview"), data={"format": "x"}).status_code == 400


def test_saving_a_format_keeps_it_for_the_pdfs(client_as):
    customer = make_customer()
    client = client_as("office")
    response = post(client, customer, "format", {"invoice_address_format": CARE_OF + "\r\n"})
    assert response.status_code == 302
    assert db.session.get(Customer, customer.id).invoice_address_format == CARE_OF
    assert "Invoice address format saved" in client.get(url(customer)).get_data(as_text=True)


def test_unknown_tags_are_refused_and_nothing_is_saved(client_as):
    customer = make_customer(invoice_address_format="[customer_name]")
    response = post(
        client_as("office"),
        customer,
        "format",
        {"invoice_address_format": "[landlord] c/o [customer_name]"},
    )
    assert response.status_code == 400
    assert "Unknown tag [landlord]" in response.get_data(as_text=True)
    assert db.session.get(Customer, customer.id).invoice_address_format == "[customer_name]"


def test_read_only_users_see_the_settings_but_cannot_save(client_as):
    customer = make_customer(invoice_address_format="[customer_name]")
    client = client_as("read_only")
    html = client.get(url(customer)).get_data(as_text=True)
    assert "Invoice address format" in html and "Save format" not in html
    assert post(client, customer, "format", {"invoice_address_format": ""}).status_code == 403
    assert (
        post(client, customer, "addresses/new", {"name": "X", "address_line_1": "Y"}).status_code
        == 403
    )
    assert db.session.get(Customer, customer.id).invoice_address_format == "[customer_name]"


def test_the_record_actions_lead_to_invoice_settings_and_statements(client_as):
    customer = make_customer()
    html = client_as("office").record(customer.id)
    assert f'href="/admin/invoice-settings/{customer.id}/"' in html
    assert f'href="/admin/statement/{customer.id}/"' in html


# Alternative invoice addresses


def test_adding_an_address_needs_line_1_and_nothing_is_written_without_it(client_as):
    customer = make_customer()
    client = client_as("office")
    response = post(
        client,
        customer,
        "addresses/new",
        {"name": "Acme Insurance", "email": "claims@acme.example.com"},
    )
    assert response.status_code == 400
    assert "Address line 1 is required." in response.get_data(as_text=True)
    assert count(InvoiceAddress) == 0

    response = post(
        client,
        customer,
        "addresses/new",
        {"name": "Acme Insurance", "address_line_1": "1 Claims Way"},
    )
    assert response.status_code == 302
    assert [a.name for a in db.session.get(Customer, customer.id).invoice_addresses] == [
        "Acme Insurance"
    ]


def test_an_existing_address_is_found_by_search_and_attached(client_as):
    customer = make_customer()
    other = make_customer(surname="Babbage")
    address = shared_address(other)
    shared_address(customer, name="Acme Already Mine")
    client = client_as("office")

    found = client.get(url(customer, "addresses/search?q=acme")).get_json()["results"]
    assert found == [
        {"id": address.id, "name": "Acme Insurance", "address": "1 Claims Way, LS1 4AB"}
    ]
    assert (
        client.get(url(customer, "addresses/search?q=ls1")).get_json()["results"][0]["id"]
        == address.id
    )
    assert client.get(url(customer, "addresses/search?q=%25")).get_json()["results"] == []

    post(client, customer, "addresses/attach", {"address_id": address.id})
    names = {a.name for a in db.session.get(Customer, customer.id).invoice_addresses}
    assert names == {"Acme Insurance", "Acme Already Mine"}
    assert db.session.scalar(
        select(AuditEntry.action).where(AuditEntry.action == "attach invoice address")
    )


def test_detaching_leaves_the_address_with_other_customers(client_as):
    customer, other = make_customer(), make_customer(surname="Babbage")
    address = shared_address(customer, other)
    post(client_as("office"), customer, f"addresses/{address.id}/detach")
    assert db.session.get(Customer, customer.id).invoice_addresses == []
    assert db.session.get(Customer, other.id).invoice_addresses == [address]


def test_deleting_needs_the_typed_word_and_warns_it_is_for_everyone(client_as):
    customer, other = make_customer(), make_customer(surname="Babbage")
    address = shared_address(customer, other)
    client = client_as("office")
    html = client.get(url(customer, f"addresses/{address.id}/delete")).get_data(as_text=True)
    assert "ALL customers that use it" in html
    assert "Mrs Ada Lovelace" in html and "Mrs Ada Babbage" in html

    response = post(client, customer, f"addresses/{address.id}/delete", {"confirm": "remove"})
    assert "Type &#34;delete&#34; to confirm." in response.get_data(as_text=True)
    assert count(InvoiceAddress) == 1

    post(client, customer, f"addresses/{address.id}/delete", {"confirm": "delete"})
    assert count(InvoiceAddress) == 0
    assert db.session.get(Customer, other.id).invoice_addresses == []


def test_deleting_is_refused_while_an_open_invoice_is_addressed_to_it(client_as):
    customer = make_customer()
    address = shared_address(customer)
    draft = invoice_to(customer, address)
    client = client_as("office")
    response = post(
        client,
        customer,
        f"addresses/{address.id}/delete",
        {"confirm": "delete"},
        follow_redirects=True,
    )
    assert (
        f"Nothing changed: Acme Insurance, LS1 4AB is the invoice address of open invoices {draft}"
        in (response.get_data(as_text=True))
    )
    assert count(InvoiceAddress) == 1


def test_the_invoice_address_list_refuses_the_same_delete(client_as):
    customer = make_customer()
    address = shared_address(customer)
    draft = invoice_to(customer, address)
    client = client_as("office")
    response = client.post(
        "/admin/invoiceaddress/delete/",
        data={"id": address.id, **client.csrf()},
        follow_redirects=True,
    )
    assert f"is the invoice address of open invoices {draft}" in response.get_data(as_text=True)
    assert count(InvoiceAddress) == 1


def test_issued_invoices_keep_their_address_whether_owed_or_paid(app):
    customer = make_customer()
    address = shared_address(customer)
    owed = invoice_to(customer, address, issue=True)
    with pytest.raises(DomainError, match=f"open invoices {owed.number}"):
        delete_invoice_address(db.session, address)
    pay(customer, "100.00", date(2026, 3, 10), [(owed, "100.00")])
    with pytest.raises(DomainError, match=f"invoices {owed.number} were sent to it"):
        delete_invoice_address(db.session, address)


def test_addresses_of_other_customers_are_not_reachable(client_as):
    customer, other = make_customer(), make_customer(surname="Babbage")
    address = shared_address(other)
    client = client_as("office")
    assert post(client, customer, f"addresses/{address.id}/detach").status_code == 404
    assert client.get(url(customer, f"addresses/{address.id}/delete")).status_code == 404
    assert client.get("/admin/invoice-settings/999/").status_code == 404


@pytest.mark.browser
def test_tag_buttons_and_the_live_preview_in_the_browser(page, users):  # noqa: F811
    agent = make_customer(type_name="Estate agent", company_name="Lets R Us")
    landlord = make_customer(title="Mr", first_name="George", surname="Byron")
    work = make_work(
        agent, number="J-100", work_address=make_work_address(agent, landlord=landlord)
    )
    invoice_to(agent, None).lines[0].work = work
    db.session.commit()
    shared_address(agent)
    shared_address(landlord, name="Acme Claims Ltd")
    log_in(page, users["office"].email)
    page.goto(url(agent))

    page.locator("#address-search").fill("acme")
    found = page.locator("#address-results button")
    expect(found).to_have_count(1)  # the one already on this customer's list is not offered
    found.click()
    expect(page.locator("#addresses tbody tr")).to_have_count(2)
    # Attaching reloads the page: the tag buttons work once its scripts have run.
    page.wait_for_load_state()

    box = page.locator("#invoice_address_format")
    box.fill("Dear ")
    page.click("[data-tag='[landlord_name]']")
    box.press("End")
    box.type(" c/o ")
    page.click("[data-tag='[customer_name]']")
    box.press("End")
    box.type("\n[customer_address_line_2]\n[customer_postcode]")
    expect(page.locator("#address-preview div")).to_have_text(
        ["Dear Mr George Byron c/o Lets R Us", "M1 1AA"]  # the landlord of the invoiced work
    )
    page.screenshot(path=ARTIFACTS / "invoice-settings.png", full_page=True)

    box.type("\n[town]")
    expect(page.locator("#preview-error")).to_have_text("Unknown: [town]")
    page.click("text=Save format")
    assert "Unknown tag [town]" in page.content()
