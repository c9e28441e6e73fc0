"""The record's "Stored cards" html and the read-only list of cards under Money."""

from __future__ import annotations

import json

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from extensions import db
from models import AuditEntry, StoredCard
from models.core.enums import CardBrand
from models.money.cards import FULL_NUMBER_REFUSED
from tests.browser import ARTIFACTS, log_in, open_quick_links
from tests.factories import make_customer

CARD_NUMBER = "4242 4242 4242 4242"
REFUSED = str(escape(FULL_NUMBER_REFUSED))


def post(client, url, data=None):
    return client.post(url, data={**(data or {}), **client.csrf()})


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(StoredCard))


def cards_url(customer) -> str:
    return f"/admin/customer-cards/{customer.id}/"


def card_form(**fields) -> dict[str, str]:
    return {
        "cardholder_name": "Ada Lovelace",
        "brand": "visa",
        "last_four": "4242",
        "expiry_month": "9",
        "expiry_year": "2099",
        "processor_reference": "pm_1PqRstUvWxYz",
        "billing_address": "12 Analytical Row\nManchester M1 1AA",
        **fields,
    }


def stored_card(customer, **fields) -> StoredCard:
    values = {
        "cardholder_name": "Ada Lovelace",
        "brand": CardBrand.mastercard,
        "last_four": "4444",
        "expiry_month": 1,
        "expiry_year": 2021,
        "processor_reference": "pm_old",
        **fields,
    }
    card = StoredCard(customer=customer, **values)
    db.session.add(card)
    db.session.commit()
    return card


def test_the_page_lists_cards_masked_and_says_why_there_is_no_card_number(client_as):
    customer = make_customer()
    stored_card(customer)
    html = client_as("office").get(cards_url(customer)).get_data(as_text=True)
    assert 'Mastercard <span class="text-monospace">•••• 4444</span>' in html
    assert "01/2021" in html and ">expired</span>" in html
    assert "PCI DSS" in html and "stay with the payment processor" in html
    assert 'name="last_four"' in html
    for absent in ("card_number", "cvc", "cvv", "security_code"):
        assert f'name="{absent}"' not in html


def test_a_card_is_added_with_only_what_identifies_it(client_as):
    customer = make_customer()
    client = client_as("office")
    response = post(client, f"{cards_url(customer)}add/", card_form())
    assert response.headers["Location"].endswith(cards_url(customer))
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Added the Visa card ending 4242." in html and "09/2099" in html
    card = db.session.scalar(select(StoredCard))
    assert (card.customer_id, card.brand, card.last_four) == (customer.id, "visa", "4242")
    assert ">expired<" not in html


def test_a_posted_card_number_or_security_code_is_never_stored(client_as):
    customer = make_customer()
    data = card_form(
        card_number="4242424242424242", cvc="123", cvv="987", number="4242424242424242"
    )
    post(client_as("office"), f"{cards_url(customer)}add/", data)
    card = db.session.scalar(select(StoredCard))
    texts = [card.cardholder_name, card.last_four, card.processor_reference, card.billing_address]
    assert not any(
        secret in text for text in texts for secret in ("4242424242424242", "123", "987")
    )
    trail = json.dumps([e.changes for e in db.session.scalars(select(AuditEntry))])
    assert "Ada Lovelace" in trail  # the card's creation is on the trail, without them
    assert "pm_1PqRstUvWxYz" not in trail  # the processor's reference is a secret
    assert "4242424242424242" not in trail
    assert not any(f'"{name}"' in trail for name in ("card_number", "cvc", "cvv", "number"))


@pytest.mark.parametrize(
    "field", ["last_four", "cardholder_name", "processor_reference", "billing_address"]
)
def test_a_full_card_number_in_any_field_is_refused_and_not_sent_back(client_as, field):
    customer = make_customer()
    response = post(
        client_as("office"),
        f"{cards_url(customer)}add/",
        card_form(**{field: f"card {CARD_NUMBER} please"}),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert REFUSED in html
    assert CARD_NUMBER not in html and CARD_NUMBER.replace(" ", "") not in html
    assert count() == 0


def test_the_card_number_is_said_first_even_when_other_fields_are_wrong(client_as):
    customer = make_customer()
    data = card_form(last_four=CARD_NUMBER, expiry_month="x", cardholder_name="a" * 200)
    response = post(client_as("office"), f"{cards_url(customer)}add/", data)
    assert REFUSED in response.get_data(as_text=True)
    assert count() == 0


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"expiry_month": "1", "expiry_year": "2020"}, "This card has expired."),
        ({"expiry_month": "13"}, "A month from 1 to 12."),
        ({"last_four": "42"}, "Exactly the last four digits of the card, nothing else."),
        ({"last_four": ""}, "Enter the last four digits of the card."),
        ({"cardholder_name": ""}, "Enter the name on the card."),
    ],
)
def test_incomplete_or_expired_cards_are_refused(client_as, fields, message):
    customer = make_customer()
    response = post(client_as("office"), f"{cards_url(customer)}add/", card_form(**fields))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert count() == 0


def test_a_card_is_deleted_only_when_delete_is_typed(client_as):
    customer = make_customer()
    card = stored_card(customer)
    client = client_as("office")
    url = f"{cards_url(customer)}{card.id}/delete/"
    response = post(client, url, {"confirm": "yes"})
    assert response.headers["Location"].endswith(cards_url(customer))
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert str(escape('Not deleted: type "delete" to confirm.')) in html
    assert count() == 1
    response = post(client, url, {"confirm": "delete"})
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Deleted the Mastercard card ending 4444." in html
    assert count() == 0


def test_another_customers_card_cannot_be_deleted(client_as):
    customer, other = make_customer(), make_customer(surname="Babbage")
    card = stored_card(other)
    url = f"{cards_url(customer)}{card.id}/delete/"
    assert post(client_as("office"), url, {"confirm": "delete"}).status_code == 404
    assert count() == 1


def test_read_only_users_see_the_cards_but_change_nothing(client_as):
    customer = make_customer()
    card = stored_card(customer)
    client = client_as("read_only")
    html = client.get(cards_url(customer)).get_data(as_text=True)
    assert "•••• 4444" in html and "Add new card" not in html and ">Delete<" not in html
    assert post(client, f"{cards_url(customer)}add/", card_form()).status_code == 403
    delete = f"{cards_url(customer)}{card.id}/delete/"
    assert post(client, delete, {"confirm": "delete"}).status_code == 403
    assert count() == 1


def test_a_forged_card_form_is_refused(client_as):
    customer = make_customer()
    client = client_as("office")
    data = card_form(csrf_token="forged")
    assert client.post(f"{cards_url(customer)}add/", data=data).status_code == 400
    assert count() == 0


def test_the_money_menu_lists_every_card_masked_and_read_only(client_as):
    stored_card(make_customer())
    client = client_as("admin")
    html = client.get("/admin/storedcard/").get_data(as_text=True)
    assert "•••• 4444" in html and "01/2021" in html and "Lovelace" in html
    assert "/admin/storedcard/new/" not in html and "/admin/storedcard/edit/" not in html
    assert post(client, "/admin/storedcard/new/", card_form()).status_code in (302, 403)
    assert count() == 1


@pytest.mark.browser
def test_cards_in_the_browser(page, users):  # noqa: F811
    customer = make_customer()
    stored_card(customer)
    log_in(page, users["office"].email)
    page.goto(f"/admin/customer/details/?id={customer.id}")
    open_quick_links(page)
    page.click("#quick-links [data-heading=Payments] a:has-text('Stored cards')")
    page.wait_for_url(f"**{cards_url(customer)}")
    page.fill("#cardholder_name", "Ada Lovelace")
    page.fill("#last_four", CARD_NUMBER)
    page.fill("#expiry_month", "12")
    page.fill("#expiry_year", "2030")
    page.click("button:has-text('Add card')")
    page.wait_for_selector(".invalid-feedback")
    assert page.input_value("#last_four") == ""
    page.screenshot(path=ARTIFACTS / "stored-cards-refused.png", full_page=True)
    page.fill("#last_four", "1881")
    page.fill("#processor_reference", "pm_1PqRstUvWxYz")
    page.click("button:has-text('Add card')")
    page.wait_for_selector("text=Added the Visa card ending 1881.")
    page.screenshot(path=ARTIFACTS / "stored-cards.png", full_page=True)
    page.click("tr:has-text('4444') >> button:has-text('Delete')")
    page.fill("#confirm-delete input[name=confirm]", "delete")
    page.click("#confirm-delete button[type=submit]")
    page.wait_for_selector("text=Deleted the Mastercard card ending 4444.")
    assert count() == 1
    page.goto("/admin/storedcard/")
    assert page.is_visible("td:has-text('•••• 1881')")
    page.screenshot(path=ARTIFACTS / "stored-cards-list.png", full_page=True)
