"""Phone numbers: parsed and normalised with the `phonenumbers` library."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import phonenumbers

DEFAULT_REGION = "GB"
# Digits and the separators people type between them: nothing phonenumbers reads as a "+",
# a letter, an extension or a second number, so only the digits decide what it parses (and
# far shorter than the 250 characters past which it refuses to read).
_PLAIN_SEPARATED_DIGITS = re.compile(r"[0-9 ().-]{3,60}")
_SEPARATORS = str.maketrans("", "", " ().-")


def set_default_region(region: str) -> None:
    """Region used for numbers typed without a country code (configured at start-up)."""
    global DEFAULT_REGION
    DEFAULT_REGION = region.upper()


def parse(number: str, region: str | None = None) -> phonenumbers.PhoneNumber | None:
    """The parsed number, or None when it cannot be a phone number."""
    try:
        parsed = phonenumbers.parse(number, region or DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None
    return parsed if phonenumbers.is_possible_number(parsed) else None


def normalise(number: str, region: str | None = None) -> str:
    """E.164 digits without the plus (`0161 496 0123` -> `441614960123`), used for matching.

    Unparseable input falls back to its bare digits, so matching still works on what was typed.
    """
    parsed = parse(number, region)
    if parsed is None:
        return "".join(ch for ch in number if ch.isdigit())
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164).lstrip("+")


def country_code(region: str | None = None) -> str:
    """The dialling code of the region numbers are typed in by default: "44" for GB."""
    return str(phonenumbers.country_code_for_region(region or DEFAULT_REGION))


def parse_national(number: str, region: str | None = None) -> tuple[int, str] | None:
    """(country code, national significant number) of a possible number written the plain
    national way ("07700 900123", "(0113) 496-0000"), exactly as `parse` reads it; None for
    any other shape, or whenever the shortcut cannot be sure: then ask `parse`.

    An import reads up to 100,000 numbers and phonenumbers.parse spends ~35 µs on each, mostly
    normalising every character through Unicode tables; this takes the few steps of that parse
    that apply to ASCII digits with a national prefix, at a tenth of the cost.
    """
    plan = _national_plan(region or DEFAULT_REGION)
    if plan is None or not _PLAIN_SEPARATED_DIGITS.fullmatch(number):
        return None
    digits = number.translate(_SEPARATORS)
    if len(digits) < 3:  # parse's least, for digits among separators
        return None
    # An international prefix or the country code itself: parse has more to try.
    if plan.international_prefix.match(digits) or digits.startswith(plan.country_code_digits):
        return None
    prefix = plan.national_prefix.match(digits)
    if prefix is None:
        return None
    national = digits[prefix.end() :]
    # parse keeps the prefix when the number fits the plan only with it, or when what is left
    # is not of a possible length; such numbers are parse's to judge.
    if plan.general.fullmatch(digits) and not plan.general.fullmatch(national):
        return None
    if len(national) not in plan.possible_lengths:
        return None
    return plan.country_code, national


@dataclass(frozen=True)
class _NationalPlan:
    """The parts of a region's metadata that parse consults for a national number."""

    country_code: int
    country_code_digits: str
    international_prefix: re.Pattern
    national_prefix: re.Pattern
    general: re.Pattern
    possible_lengths: frozenset[int]  # never those possible for local calls only


@functools.cache
def _national_plan(region: str) -> _NationalPlan | None:
    """None for regions whose national prefix rules the shortcut does not follow (no prefix,
    a carrier code captured with it, a rewrite rule: Argentina, Brazil, Mexico …), and for
    regions that are not their country code's main one (Jersey: is_possible_number judges
    +44 numbers by GB's rules)."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    if metadata is None or not metadata.international_prefix:
        return None
    if phonenumbers.region_code_for_country_code(metadata.country_code) != region:
        return None
    if not metadata.national_prefix_for_parsing or metadata.national_prefix_transform_rule:
        return None
    national_prefix = re.compile(metadata.national_prefix_for_parsing)
    general = metadata.general_desc
    if national_prefix.groups or general is None or not general.national_number_pattern:
        return None
    return _NationalPlan(
        country_code=metadata.country_code,
        country_code_digits=str(metadata.country_code),
        international_prefix=re.compile(metadata.international_prefix),
        national_prefix=national_prefix,
        general=re.compile(general.national_number_pattern),
        possible_lengths=frozenset(general.possible_length),
    )
