"""Bulk upload of work addresses from a CSV file (seed 004 "Bulk upload work addresses").

`read_csv` (csv_files) turns the bytes into rows or refuses the file; `guess_mapping`
proposes which column holds which field; `preview` checks every row and says what is wrong on
which line; `import_rows` writes every row, or none when any row is wrong.

How landlords and branches are found: import_lookups.
"""

from __future__ import annotations

import functools
import gc
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import phonenumbers
from sqlalchemy.orm import Session

from ..core.audit import record
from ..core.base import ADDRESS_FIELDS, counted, utcnow
from ..core.custom_fields import CustomField, definitions_for
from ..core.custom_values import clean_custom_values
from ..core.enums import CustomFieldTarget, PhoneKind, Status, Title, VacantProperty
from ..core.errors import ValidationFailed
from ..customers import phones
from ..customers.duplicates import customers_at
from ..customers.entities import Customer, PhoneNumber, WorkAddress
from ..customers.keys import (
    OCCUPIER,
    address_key,
    address_line_key,
    postcode_key,
    reversed_digits,
    work_address_keys,
)
from ..customers.rules import email_problem
from .address_columns import FIELDS, REQUIRED, check_mapping, guess_mapping, import_fields
from .bulk import allocate_ids, bulk_insert, bulk_writes
from .csv_files import ImportRefused, ParsedCsv, read_csv
from .import_lookups import (
    branches_by_name,
    existing_address_keys,
    find_branch,
    find_landlords,
    landlord_key,
)

__all__ = [
    "FIELDS",
    "ImportPreview",
    "ImportRefused",
    "ParsedCsv",
    "RowResult",
    "check_mapping",
    "custom_fields_of",
    "guess_mapping",
    "import_fields",
    "import_rows",
    "preview",
    "read_csv",
]

TEXT_FIELDS = (
    "occupier_first_name",
    *ADDRESS_FIELDS,
    "email",
    "notes",
)
# Widths come from the model, so a value PostgreSQL would refuse is an error on its line.
MAX_LENGTHS = {
    name: WorkAddress.__table__.c[name].type.length
    for name in (*TEXT_FIELDS, "occupier_surname")
    if getattr(WorkAddress.__table__.c[name].type, "length", None)
}
MAX_PHONE_LENGTH = PhoneNumber.__table__.c.number.type.length
BATCH_SIZE = 1_000

TITLES = {title.value.casefold(): title for title in Title}
STATUSES = {status.value: status for status in Status}
VACANT = {
    **{value.value: value for value in VacantProperty},
    "y": VacantProperty.yes,
    "true": VacantProperty.yes,
    "1": VacantProperty.yes,
    "n": VacantProperty.no,
    "false": VacantProperty.no,
    "0": VacantProperty.no,
}


@dataclass
class RowResult:
    line_number: int
    values: dict[str, str]  # the mapped fields as the file has them
    errors: list[str]
    record: dict = field(default_factory=dict, repr=False)  # work_address columns to insert
    phone: dict | None = field(default=None, repr=False)  # phone_number columns, if any

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class ImportPreview:
    rows: list[RowResult]  # the first `limit` rows
    valid: int
    invalid: int
    problems: list[RowResult]  # every row with errors, wherever it is in the file
    # Rows at the address of another customer (line number, those customers): often that
    # customer's own property, so the user looks before importing (seed 004).
    elsewhere: list[tuple[int, list]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.valid + self.invalid


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector waits while a file is checked and written: its rows
    become half a million objects that all live to the end, and every full collection would
    walk them again (~1 s of a 100,000-row import). It resumes afterwards; when another
    thread had paused it already, that thread resumes it."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@_collector_paused()
def preview(
    session: Session,
    customer: Customer,
    parsed: ParsedCsv,
    mapping: dict[int, str | None],
    limit: int | None = None,
) -> ImportPreview:
    """Every row checked as the import would check it; nothing is written."""
    results = _check_rows(session, customer, parsed, mapping)
    problems = [result for result in results if result.errors]
    shown = results if limit is None else results[:limit]
    keyed = [
        (result.line_number, address_key(result.record[REQUIRED], result.record.get("postcode")))
        for result in results
        if result.ok
    ]
    owners = customers_at(session, (key for _line, key in keyed if key), customer.id)
    elsewhere = [(line, owners[key]) for line, key in keyed if key in owners]
    return ImportPreview(shown, len(results) - len(problems), len(problems), problems, elsewhere)


@_collector_paused()
def import_rows(
    session: Session,
    customer: Customer,
    parsed: ParsedCsv,
    mapping: dict[int, str | None],
    progress: Callable[[int, int], None] | None = None,
    *,
    filename: str = "a CSV file",
) -> int:
    """Adds every row as a work address of the customer, with its phone number, or nothing at
    all when any row is wrong (the caller commits or rolls back the one transaction).

    Rows go in bulk, BATCH_SIZE at a time (bulk): the ORM's unit of work would take a
    hundred times longer on a large file. So what the ORM would do is done here: defaults,
    version, timestamps, search keys, phone digits and the audit entry.
    """
    if getattr(customer, "merged_into_id", None):
        raise ImportRefused(
            "This customer was merged: import into the customer it was merged into."
        )
    results = _check_rows(session, customer, parsed, mapping)
    problems = [result for result in results if result.errors]
    if problems:
        first = problems[0]
        raise ImportRefused(
            f"Nothing was imported: {counted(len(problems), 'row has', 'rows have')} errors, "
            f"the first on line {first.line_number}: {first.errors[0]}",
            problems,
        )
    total = len(results)
    summary = f"Imported {counted(total, 'work address', 'work addresses')} from {filename}"
    # The audit entry first: bulk INSERTs bypass the flush and so the automatic audit, and on
    # SQLite this first write takes the lock that allocate_ids relies on.
    record(session, "import", customer, {"count": total, "file": filename}, summary=summary)
    session.flush()
    now = utcnow()
    same = {**_column_defaults(), "customer_id": customer.id, "version": 1}
    same.update(created_at=now, updated_at=now)
    ids = allocate_ids(session, WorkAddress.__table__, total)
    numbered = list(zip(ids, results, strict=True))
    with bulk_writes(session):
        for start in range(0, total, BATCH_SIZE):
            batch = numbered[start : start + BATCH_SIZE]
            bulk_insert(
                session,
                WorkAddress.__table__,
                [{**result.record, "id": address_id} for address_id, result in batch],
                same,
            )
            bulk_insert(
                session,
                PhoneNumber.__table__,
                [
                    {**result.phone, "work_address_id": address_id}
                    for address_id, result in batch
                    if result.phone
                ],
            )
            if progress is not None:
                progress(min(start + BATCH_SIZE, total), total)
    return total


@functools.cache
def _column_defaults() -> dict:
    """The model's Python-side scalar defaults (status, "Occupier", preferences …): a bulk
    INSERT gets every key in every row, so all rows share one statement."""
    defaults = {}
    for column in WorkAddress.__table__.columns:
        if column.default is not None and column.default.is_scalar:
            defaults[column.key] = column.default.arg
    return defaults


def custom_fields_of(session: Session, customer: Customer) -> list[CustomField]:
    """The custom fields the customer's work addresses take: columns an import may fill."""
    return definitions_for(session, CustomFieldTarget.work_address, customer.customer_type_id)


def _check_rows(
    session: Session, customer: Customer, parsed: ParsedCsv, mapping: dict[int, str | None]
) -> list[RowResult]:
    definitions = custom_fields_of(session, customer)
    columns = check_mapping(mapping, len(parsed.header), import_fields(definitions))
    landlords = branches = None
    if "landlord" in columns:
        landlords = find_landlords(
            session, customer, (row[columns["landlord"]] for row in parsed.rows)
        )
    if "branch" in columns:
        branches = branches_by_name(session, customer)
    existing = existing_address_keys(session, customer)
    width = len(parsed.header)
    seen: dict[tuple[str, str], int] = {}
    results = []
    for line_number, row in zip(parsed.line_numbers, parsed.rows, strict=True):
        values = {name: row[index] for name, index in columns.items()}
        record, phone, errors = _check_values(values, customer, landlords, branches)
        record["custom_fields"] = _custom_values(definitions, values, errors)
        if len(row) > width:
            errors.append(
                f"It has {len(row)} values but the header has {width} columns: a value may "
                f"contain an unquoted “{parsed.delimiter}”."
            )
        line_1 = values[REQUIRED]
        if line_1:
            key = (address_line_key(line_1), postcode_key(values.get("postcode")))
            if key in seen:
                errors.append(f"The same address as line {seen[key]}.")
            else:
                seen[key] = line_number
                if key in existing:
                    errors.append("This customer already has a work address at this address.")
        results.append(RowResult(line_number, values, errors, record, phone))
    return results


def _check_values(values: dict[str, str], customer, landlords, branches):
    """The columns to insert, the phone row and the errors for one row's values."""
    errors: list[str] = []
    record: dict = {}
    for name in TEXT_FIELDS:
        if name in values:
            record[name] = values[name] or None
    if not values[REQUIRED]:
        errors.append(f"{FIELDS[REQUIRED]} is required.")
    surname = values.get("occupier_surname") or OCCUPIER  # as the model defaults it
    record["occupier_surname"] = surname
    record.update(work_address_keys(record[REQUIRED], record.get("postcode"), surname))
    for name, limit in MAX_LENGTHS.items():
        value = record.get(name)
        if value and len(value) > limit:
            errors.append(f"{_label(name)} is longer than {limit} characters.")
    # Every row gets the same keys, so that each batch is one multi-row INSERT.
    if "occupier_title" in values:
        record["occupier_title"] = None
        if values["occupier_title"]:
            record["occupier_title"] = TITLES.get(values["occupier_title"].rstrip(".").casefold())
            if record["occupier_title"] is None:
                errors.append(
                    f"Title “{values['occupier_title']}” is not one of {', '.join(Title)}."
                )
    status = values.get("status", "").casefold()
    record["status"] = STATUSES.get(status) if status else customer.status
    if record["status"] is None:
        errors.append(f"Status “{values['status']}” must be active or dormant.")
    if "vacant_property" in values:
        vacant = values["vacant_property"].casefold()
        record["vacant_property"] = VACANT.get(vacant) if vacant else VacantProperty.unknown
        if record["vacant_property"] is None:
            errors.append(
                f"Vacant property “{values['vacant_property']}” must be yes, no or unknown."
            )
    if record.get("email"):
        problem = _email_problem(record["email"])
        if problem:
            errors.append(problem)
    phone = None
    if values.get("phone"):
        phone, problem = _phone(values["phone"])
        if problem:
            errors.append(problem)
    if landlords is not None:
        record["landlord_id"] = None
        if values["landlord"]:
            record["landlord_id"], problem = landlords[landlord_key(values["landlord"])]
            if problem:
                errors.append(problem)
            elif record["landlord_id"] == customer.id:
                errors.append("A customer cannot be the landlord of its own work address.")
    if branches is not None:
        record["branch_id"] = None
        if values["branch"]:
            record["branch_id"], problem = find_branch(values["branch"], branches, customer)
            if problem:
                errors.append(problem)
    return record, phone, errors


def _custom_values(definitions: list[CustomField], values: dict[str, str], errors: list) -> dict:
    """A row's custom field values, checked as the forms check them; what is wrong is added
    to the row's errors."""
    typed = {d.key: values[d.form_name] for d in definitions if d.form_name in values}
    try:
        return clean_custom_values(definitions, typed)
    except ValidationFailed as refused:
        errors.extend(refused.errors.values())
        return {}


def _label(name: str) -> str:
    return FIELDS.get(name, name.replace("_", " ").capitalize())


# email_validator takes ~40 µs an address, most of it on the domain, which repeats across a
# file: plain ASCII addresses get their domain checked once, everything else the full check.
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_PLAIN_EMAIL = re.compile(rf"(?P<local>{_ATOM}(?:\.{_ATOM})*)@(?P<domain>[A-Za-z0-9.-]+)")


@functools.lru_cache(maxsize=4096)
def _domain_problem(domain: str) -> str | None:
    return email_problem(f"x@{domain}")


def _email_problem(address: str) -> str | None:
    plain = _PLAIN_EMAIL.fullmatch(address)
    if (
        plain
        and len(plain["local"]) <= 64
        and len(address) <= 254
        and _domain_problem(plain["domain"]) is None
    ):
        return None
    return email_problem(address)


def _phone(number: str) -> tuple[dict | None, str | None]:
    """The phone_number row (digits exactly as models.customers.phones.normalise makes them)."""
    national = phones.parse_national(number)
    if national is None:
        parsed = phones.parse(number)
        if parsed is None:
            return None, f"Phone “{number}” is not a valid phone number."
        national = parsed.country_code, phonenumbers.national_significant_number(parsed)
    if len(number) > MAX_PHONE_LENGTH:
        return None, f"Phone is longer than {MAX_PHONE_LENGTH} characters."
    country_code, significant = national
    digits = f"{country_code}{significant}"  # E.164 without its "+"
    kind = PhoneKind.mobile if _is_mobile(country_code, significant) else PhoneKind.home
    row = {"kind": kind, "number": number, "digits": digits}
    return {**row, "digits_reversed": reversed_digits(digits)}, None


def _is_mobile(country_code: int, national: str) -> bool:
    """A mobile number for sure by the patterns of its country code's regions (+44: GB, GG,
    IM, JE): the answer of phonenumbers.number_type, which is 15x slower as it tries every kind
    of number in every region of the code."""
    return any(
        mobile.fullmatch(national) and not (fixed_line and fixed_line.fullmatch(national))
        for mobile, fixed_line in _mobile_patterns(country_code)
    )


@functools.cache
def _mobile_patterns(country_code: int) -> tuple[tuple[re.Pattern, re.Pattern | None], ...]:
    """(mobile, fixed line) patterns of each region of the country code that has mobiles."""
    patterns = []
    for region in phonenumbers.region_codes_for_country_code(country_code):
        metadata = phonenumbers.PhoneMetadata.metadata_for_region_or_calling_code(
            country_code, region
        )
        if metadata is None:
            continue
        mobile = _pattern(metadata.mobile)
        if mobile is not None:
            patterns.append((mobile, _pattern(metadata.fixed_line)))
    return tuple(patterns)


def _pattern(description) -> re.Pattern | None:
    pattern = description.national_number_pattern if description is not None else None
    return re.compile(pattern) if pattern else None
