"""Money, days and times as people read them, in the house's currency and locale (CURRENCY,
LOCALE: "£1,250.00" and "19 Oct 2026" in en_GB, "$1,250.00" and "Oct 19, 2026" in en_US,
"1 250,00 $" and "19 oct. 2026" in fr_CA), formatted by Babel from the CLDR data.

The house format is set once when the app is made (`use_house_format`), as the phone region
is: pages, messages, PDFs, mails and exports all read it, Flask or not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time, get_datetime_format
from babel.numbers import format_currency, get_currency_symbol, is_currency


@dataclass(frozen=True)
class HouseFormat:
    currency: str = "GBP"
    locale: str = "en_GB"


_house = HouseFormat()


def use_house_format(currency: str, locale: str) -> None:
    """Money in `currency` (ISO 4217: GBP, USD, CAD …), days and numbers as `locale` writes
    them (en_GB, en_US, fr_CA …); refused in words when either is unknown."""
    global _house
    try:
        Locale.parse(locale)
    except (UnknownLocaleError, ValueError):
        raise ValueError(f"LOCALE {locale!r} is not a locale Babel knows, such as en_GB.") from None
    if not is_currency(currency.upper()):
        raise ValueError(f"CURRENCY {currency!r} is not an ISO 4217 code, such as GBP.")
    _house = HouseFormat(currency.upper(), locale)


def house_format() -> HouseFormat:
    return _house


def money(amount: Decimal | int | None) -> str:
    """An amount with its currency ("£1,250.00", "-£20.00"); blank for none."""
    if amount is None:
        return ""
    return format_currency(amount, _house.currency, locale=_house.locale)


def currency_symbol() -> str:
    return get_currency_symbol(_house.currency, locale=_house.locale)


def day(value: date | None) -> str:
    """A day in the house's medium form: "19 Oct 2026"; blank for none."""
    if value is None:
        return ""
    return format_date(value, "medium", locale=_house.locale)


def long_day(value: date) -> str:
    """A day in words, for letters: "31 March 2026", "March 31, 2026"."""
    return format_date(value, "long", locale=_house.locale)


def time_of_day(value: time | None) -> str:
    """A time as the house writes it: "14:05", "2:05 PM"; blank for none."""
    return "" if value is None else format_time(value, "short", locale=_house.locale)


def day_time(value: datetime | None) -> str:
    """A moment to the minute: "19 Oct 2026, 14:05"; blank for none."""
    if value is None:
        return ""
    pattern = get_datetime_format("medium", locale=_house.locale).replace("'", "")
    return pattern.format(
        time_of_day(value),
        format_date(value, "medium", locale=_house.locale),
    )


def label(value) -> str:
    """A stored choice as people read it ("In progress"); blank for none."""
    if value is None or value == "":
        return ""
    return getattr(value, "label", None) or str(value).replace("_", " ").capitalize()
