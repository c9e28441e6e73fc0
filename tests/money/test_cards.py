"""models/money/cards.py: a stored card holds what identifies it, never a usable card number."""

from __future__ import annotations

from datetime import date

import pytest

from models import StoredCard, ValidationFailed
from models.core.enums import CardBrand
from models.money.cards import FULL_NUMBER_REFUSED, check_card, contains_card_number, luhn_valid

TODAY = date(2026, 5, 15)
VISA_TEST_NUMBER = "4242424242424242"  # passes Luhn, as every real card number does


def card(**fields) -> StoredCard:
    values = {
        "cardholder_name": "Ada Lovelace",
        "brand": CardBrand.visa,
        "last_four": "4242",
        "expiry_month": 9,
        "expiry_year": 2028,
        "processor_reference": "pm_1PqRstUvWxYz",
        "billing_address": "12 Analytical Row, Manchester M1 1AA",
        **fields,
    }
    return StoredCard(**values)


def refusals(**fields) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as failure:
        check_card(card(**fields), today=TODAY)
    return failure.value.errors


def test_a_card_with_only_identifying_details_is_accepted():
    check_card(card(), today=TODAY)


@pytest.mark.parametrize(
    ("digits", "valid"),
    [
        ("4242424242424242", True),
        ("4000056655665556", True),
        ("378282246310005", True),  # American Express, 15 digits
        ("4242424242424241", False),
        ("1234567812345678", False),
    ],
)
def test_luhn_tells_card_numbers_from_other_digits(digits, valid):
    assert luhn_valid(digits) is valid


@pytest.mark.parametrize(
    "text",
    [
        "4242424242424242",
        "4242 4242 4242 4242",
        "4242-4242-4242-4242",
        "card 3782 822463 10005 from phone",
        "ref:4242424242424242.",
    ],
)
def test_card_numbers_are_found_however_they_are_grouped(text):
    assert contains_card_number(text)


@pytest.mark.parametrize(
    "text",
    [
        "07700 900123",  # a mobile number
        "+44 161 496 0000",  # a landline with country code
        "0161-496-0000 ext 1234",
        "4242 4242 4242 4241",  # 16 digits that fail Luhn: not a card
        "Order 2026-05-15 / PO 123456",
        "pm_1PqRstUvWxYz",
        "",
        None,
    ],
)
def test_phone_numbers_dates_and_references_are_not_card_numbers(text):
    assert not contains_card_number(text)


@pytest.mark.parametrize(
    "field", ["cardholder_name", "last_four", "processor_reference", "billing_address"]
)
def test_a_full_card_number_in_any_field_is_refused(field):
    errors = refusals(**{field: f"x {VISA_TEST_NUMBER[:8]} {VISA_TEST_NUMBER[8:]} x"})
    assert errors[field] == FULL_NUMBER_REFUSED


@pytest.mark.parametrize("last_four", ["424", "42424", "42a2", "", None])
def test_last_four_is_exactly_four_digits(last_four):
    assert "last_four" in refusals(last_four=last_four)


def test_the_name_on_the_card_is_required():
    assert refusals(cardholder_name="  ") == {"cardholder_name": "Enter the name on the card."}


@pytest.mark.parametrize(("month", "year"), [(0, 2028), (13, 2028), (None, 2028)])
def test_the_expiry_month_is_one_to_twelve(month, year):
    assert "expiry_month" in refusals(expiry_month=month, expiry_year=year)


@pytest.mark.parametrize("year", [28, 1999, 2200, None])
def test_the_expiry_year_has_four_digits(year):
    assert "expiry_year" in refusals(expiry_year=year)


def test_an_expired_card_is_refused_and_this_month_is_still_valid():
    assert refusals(expiry_month=4, expiry_year=2026) == {"expiry_year": "This card has expired."}
    check_card(card(expiry_month=5, expiry_year=2026), today=TODAY)
