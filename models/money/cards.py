"""Stored cards: only what identifies a card to people and to the payment processor.

A full card number (PAN) or a security code (CVC) must never be stored: holding either brings
the whole system into PCI DSS scope, and a leak of this database would be a leak of usable
cards. The processor keeps the card; we keep its reference and what a person needs to tell
cards apart (holder, brand, last four digits, expiry). `check_card` refuses anything that could
be a full card number, in any field, and any last-four that is not exactly four digits.
"""

from __future__ import annotations

import re
from datetime import date

from ..core.errors import ValidationFailed
from .entities import StoredCard

# 12 to 19 digits, possibly grouped by spaces or dashes: the lengths card numbers come in.
DIGIT_RUN = re.compile(r"(?:\d[ -]?){11,18}\d")
FULL_NUMBER_REFUSED = (
    "That looks like a full card number. Card numbers are never stored here: keep only the "
    "last four digits and the payment processor's reference."
)
TEXT_FIELDS = ("cardholder_name", "last_four", "processor_reference", "billing_address")


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def contains_card_number(text: str | None) -> bool:
    """True when the text holds a digit run that passes the Luhn check: a card number."""
    for match in DIGIT_RUN.finditer(text or ""):
        if luhn_valid(re.sub(r"\D", "", match.group())):
            return True
    return False


def check_card(card: StoredCard, today: date | None = None) -> None:
    errors: dict[str, str] = {}
    for name in TEXT_FIELDS:
        if contains_card_number(getattr(card, name)):
            errors[name] = FULL_NUMBER_REFUSED
    last_four = card.last_four or ""
    if "last_four" not in errors and not re.fullmatch(r"\d{4}", last_four):
        errors["last_four"] = (
            "Exactly the last four digits of the card, nothing else."
            if re.sub(r"\D", "", last_four)
            else "Enter the last four digits of the card."
        )
    if not (card.cardholder_name or "").strip():
        errors["cardholder_name"] = "Enter the name on the card."
    if card.expiry_month is None or not 1 <= card.expiry_month <= 12:
        errors["expiry_month"] = "A month from 1 to 12."
    today = today or date.today()
    if card.expiry_year is None or not 2000 <= card.expiry_year <= 2199:
        errors["expiry_year"] = "A four-digit year, e.g. 2029."
    elif "expiry_month" not in errors and (card.expiry_year, card.expiry_month) < (
        today.year,
        today.month,
    ):
        errors["expiry_year"] = "This card has expired."
    if errors:
        raise ValidationFailed(errors)
