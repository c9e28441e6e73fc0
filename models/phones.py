"""Phone numbers: parsed and normalised with the `phonenumbers` library."""

import phonenumbers

DEFAULT_REGION = "GB"


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
