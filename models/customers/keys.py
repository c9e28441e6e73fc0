"""The normalised keys stored beside a customer's, a contact's and a work address's own
fields, so that matching is an index probe, not a scan: the related-records keys (seed 001
"Related": the same name, the same address) and the search keys (a prefix of what staff type).

The key functions are pure and import no models: the entities keep the keys in step (the
validators on Customer, Contact and WorkAddress) and the bulk generator in bench/ fills them the
same way; `search` and `related` match on them. The migrations that added the keys carry their
own copies of these functions, so a change here changes no migration: a new rule for existing
rows needs a migration of its own.
"""

from __future__ import annotations

import re
import unicodedata

KEY_LENGTH = 255
"""Width of the key columns; longer keys are cut (only absurdly long addresses reach it)."""

NAME_KEY_LENGTH = 80
EMAIL_KEY_LENGTH = 254
OCCUPIER = "Occupier"  # a work address's occupier surname when nobody is named

# Written either way on the same street; whole words only, so "Stanley" stays "Stanley".
STREET_WORDS = {
    "rd": "road",
    "st": "street",
    "ave": "avenue",
    "ln": "lane",
    "dr": "drive",
    "ct": "court",
    "pl": "place",
    "sq": "square",
}

_APOSTROPHES = re.compile(r"['\u2019`]")
_NOT_WORD = re.compile(r"[\W_]+")
_NOT_ALNUM = re.compile(r"[^0-9A-Z]")
_NOT_KEY = re.compile(r"[^0-9a-z]")


def fold(text: str | None) -> str:
    """Lower-case, accents dropped, whitespace collapsed: "  José\tSMITH " -> "jose smith"."""
    plain = text or ""
    if not plain.isascii():  # ASCII has nothing to decompose: most text skips the slow part
        decomposed = unicodedata.normalize("NFKD", plain)
        plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.casefold().split())


def name_key(first_name: str | None, surname: str | None) -> str | None:
    """The key "first|surname" for matching people; None unless both names are given."""
    first, last = fold(first_name), fold(surname)
    if not (first and last):
        return None
    return f"{first}|{last}"[:KEY_LENGTH]


def address_line_key(line: str | None) -> str:
    """Address line 1 without punctuation and with street words spelled out in full."""
    words = _NOT_WORD.sub(" ", _APOSTROPHES.sub("", fold(line))).split()
    return " ".join(STREET_WORDS.get(word, word) for word in words)


def postcode_key(postcode: str | None) -> str:
    """Upper-case letters and digits only: "m1 1aa" -> "M11AA"."""
    return _NOT_ALNUM.sub("", fold(postcode).upper())


def address_key(line_1: str | None, postcode: str | None) -> str | None:
    """The key "line 1|POSTCODE" for matching addresses; None unless both parts are given."""
    line, code = address_line_key(line_1), postcode_key(postcode)
    if not (line and code):
        return None
    return f"{line}|{code}"[:KEY_LENGTH]


def fold_key(text: str | None) -> str:
    """Lower-case letters and digits only, accents dropped: "O'Brien-Smyth" -> "obriensmyth"."""
    return _NOT_KEY.sub("", fold(text))


def name_search_key(text: str | None) -> str | None:
    """A key column's value: folded and cut to the column's width, None when nothing is left."""
    return fold_key(text)[:NAME_KEY_LENGTH] or None


def person_keys(first_name: str | None, surname: str | None) -> dict[str, str | None]:
    """The name key columns of a customer or a contact: surname, and first name with surname."""
    return {
        "surname_key": name_search_key(surname),
        "full_name_key": name_search_key(f"{first_name}{surname or ''}") if first_name else None,
    }


def customer_keys(
    first_name: str | None,
    surname: str | None,
    company_name: str | None,
    postcode: str | None,
    email: str | None,
) -> dict[str, str | None]:
    """The search key columns for a customer with these fields (None where a field is blank)."""
    names = person_keys(first_name, surname)
    email_key = (email or "").strip().lower()
    return {
        "surname_key": names["surname_key"],
        "company_key": name_search_key(company_name),
        "full_name_key": names["full_name_key"],
        "postcode_key": name_search_key(postcode),
        "email_key": email_key[:EMAIL_KEY_LENGTH] or None,
    }


def work_address_keys(
    address_line_1: str | None, postcode: str | None, occupier_surname: str | None
) -> dict[str, str | None]:
    """The search key columns for a work address. The placeholder occupier ("Occupier", most
    addresses) gets no key: "occ" would offer every such address, in no useful order."""
    occupier = name_search_key(occupier_surname)
    return {
        "address_line_1_key": name_search_key(address_line_1),
        "postcode_key": name_search_key(postcode),
        "occupier_key": None if occupier == fold_key(OCCUPIER) else occupier,
    }


CUSTOMER_KEY_SOURCES = ("first_name", "surname", "company_name", "postcode", "email")
CUSTOMER_KEYS = ("surname_key", "company_key", "full_name_key", "postcode_key", "email_key")
CONTACT_KEY_SOURCES = ("first_name", "surname")
CONTACT_KEYS = ("surname_key", "full_name_key")
WORK_ADDRESS_KEY_SOURCES = ("address_line_1", "postcode", "occupier_surname")
WORK_ADDRESS_KEYS = ("address_line_1_key", "postcode_key", "occupier_key")


def reversed_digits(digits: str | None) -> str:
    """The digits back to front: a number's last digits become a prefix an index can find."""
    return (digits or "")[::-1]
