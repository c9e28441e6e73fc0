"""Which CSV column holds which work-address field: the fields an import knows, the header
names people give them, and the rules a choice of columns must keep."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..core.custom_fields import CustomField
from .csv_files import ImportRefused

FIELDS: dict[str, str] = {
    "occupier_title": "Occupier title",
    "occupier_first_name": "Occupier first name",
    "occupier_surname": "Occupier surname",
    "address_line_1": "Address line 1",
    "address_line_2": "Address line 2",
    "address_line_3": "Address line 3",
    "town": "Town",
    "county": "County",
    "postcode": "Postcode",
    "country": "Country",
    "email": "Email",
    "phone": "Phone",
    "landlord": "Landlord",
    "branch": "Branch",
    "status": "Status",
    "vacant_property": "Vacant property",
    "notes": "Notes",
}
REQUIRED = "address_line_1"
# Header names people use, normalised to lower-case letters and digits.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "occupier_title": ("title", "salutation", "occupiertitle", "tenanttitle"),
    "occupier_first_name": ("firstname", "forename", "forenames", "givenname", "first"),
    "occupier_surname": (
        "surname",
        "lastname",
        "familyname",
        "tenant",
        "occupier",
        "occupiername",
        "tenantname",
        "occupiersurname",
        "tenantsurname",
    ),
    "address_line_1": (
        "addressline1",
        "address1",
        "addr1",
        "line1",
        "street",
        "streetaddress",
        "address",
        "houseandstreet",
    ),
    "address_line_2": ("addressline2", "address2", "addr2", "line2", "locality"),
    "address_line_3": ("addressline3", "address3", "addr3", "line3", "district"),
    "town": ("town", "city", "towncity", "posttown"),
    "county": ("county", "state", "province"),
    "postcode": ("postcode", "postalcode", "zip", "zipcode", "zippostcode"),
    "country": ("country",),
    "email": ("email", "emailaddress", "mail"),
    "phone": (
        "phone",
        "phonenumber",
        "phoneno",
        "tel",
        "telno",
        "telephone",
        "telephonenumber",
        "mobile",
        "mobilenumber",
        "mob",
        "landline",
        "contactnumber",
    ),
    "landlord": (
        "landlord",
        "landlordref",
        "landlordreference",
        "landlordaccount",
        "landlordaccountnumber",
        "landlordid",
        "landlordname",
    ),
    "branch": ("branch", "branchname"),
    "status": ("status",),
    "vacant_property": ("vacant", "vacantproperty", "isvacant", "vacancy"),
    "notes": ("notes", "note", "comments", "comment", "remarks"),
}
_SYNONYM_FIELD = {name: key for key, names in SYNONYMS.items() for name in names}
# "Tenant first name", "Property address line 1": the prefix says whose, not what.
_PREFIXES = ("occupier", "tenant", "workaddress", "property", "site")


def _normal(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.casefold())


def _field_for(header_name: str) -> str | None:
    name = _normal(header_name)
    if name in _SYNONYM_FIELD:
        return _SYNONYM_FIELD[name]
    for prefix in _PREFIXES:
        if name.startswith(prefix) and name[len(prefix) :] in _SYNONYM_FIELD:
            return _SYNONYM_FIELD[name[len(prefix) :]]
    return None


def import_fields(definitions: Iterable[CustomField] = ()) -> dict[str, str]:
    """Every field a column may be imported into, by name: the work address's own, then its
    custom fields (cf_<key>), each with its label."""
    return {**FIELDS, **{definition.form_name: definition.label for definition in definitions}}


def guess_mapping(
    header: list[str], definitions: Iterable[CustomField] = ()
) -> dict[int, str | None]:
    """Which field each column probably holds, by its name; each field goes to one column. A
    custom field is known by its key, its label or its export column's name (cf_<key>)."""
    custom = {
        _normal(name): definition.form_name
        for definition in definitions
        for name in (definition.key, definition.label, definition.form_name)
    }
    mapping: dict[int, str | None] = {}
    taken: set[str] = set()
    for index, name in enumerate(header):
        guess = custom.get(_normal(name)) or _field_for(name)
        mapping[index] = guess if guess not in taken else None
        if guess:
            taken.add(guess)
    return mapping


def check_mapping(
    mapping: dict[int, str | None], width: int, fields: dict[str, str] = FIELDS
) -> dict[str, int]:
    """The column of each chosen field (one of `fields`), or ImportRefused when the choice
    cannot work."""
    columns: dict[str, int] = {}
    for index, name in sorted(mapping.items()):
        if not name:
            continue
        if name not in fields:
            raise ImportRefused(f"“{name}” is not a work-address field.")
        if not 0 <= index < width:
            raise ImportRefused(f"The file has no column {index + 1}.")
        if name in columns:
            raise ImportRefused(
                f"{fields[name]} is chosen for two columns ({columns[name] + 1} and "
                f"{index + 1}): choose it for one only."
            )
        columns[name] = index
    if REQUIRED not in columns:
        raise ImportRefused(f"Choose the column that holds {FIELDS[REQUIRED]}: it is required.")
    return columns
