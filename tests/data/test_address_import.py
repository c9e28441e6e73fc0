"""Bulk upload of work addresses (seed 004): read the file, guess the columns, check every
row, import all of them or none, quickly; and the pages that walk a user through it."""

from __future__ import annotations

import io
import os
import random
import re
import time
from datetime import datetime, timedelta
from decimal import Decimal

import phonenumbers
import pytest
from sqlalchemy import func, select, text

from admin_views.data.address_import import import_store
from extensions import db
from models import (
    AuditEntry,
    Branch,
    CustomFieldTarget,
    CustomFieldType,
    PhoneKind,
    PhoneNumber,
    Status,
    Title,
    WorkAddress,
)
from models.core.base import utcnow
from models.customers import phones
from models.customers.rules import email_problem
from models.data import address_import
from models.data.address_import import (
    ImportRefused,
    _email_problem,
    guess_mapping,
    import_rows,
    preview,
    read_csv,
)
from models.data.bulk import allocate_ids, bulk_insert
from models.data.import_staging import remove_expired_imports
from tests.factories import make_custom_field, make_customer, make_work_address
from tests.sql import counting_statements

LIMIT = 1024 * 1024
HEADER = "Tenant first name,Surname,Address 1,Town,Post code,Tel,Email,Landlord ref"


def csv_bytes(*lines: str, encoding: str = "utf-8") -> bytes:
    return ("\n".join(lines) + "\n").encode(encoding)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def check(customer, data: bytes, limit: int | None = None):
    parsed = read_csv(data, LIMIT)
    return preview(db.session, customer, parsed, guess_mapping(parsed.header), limit)


def errors_by_line(result) -> dict[int, list[str]]:
    return {row.line_number: row.errors for row in result.problems}


@pytest.fixture(autouse=True)
def import_folder(app, tmp_path):
    folder = tmp_path / "imports"
    app.config["IMPORT_FOLDER"] = str(folder)
    return folder


@pytest.fixture
def agent():
    """An estate agent with two branches: the typical importer of many properties."""
    customer = make_customer(type_name="Estate agent", company_name="Northern Lets")
    db.session.add_all(
        [
            Branch(customer=customer, name="Leeds", address_line_1="1 Park Row"),
            Branch(customer=customer, name="York", address_line_1="2 Stonegate"),
        ]
    )
    db.session.commit()
    return customer


# Reading the file


def test_typical_headers_are_guessed():
    header = [
        "Title",
        "First name",
        "Tenant",
        "Street",
        "Address 2",
        "City",
        "Zip",
        "Phone number",
        "E-mail",
        "Landlord",
        "Branch",
        "Status",
        "Vacant",
        "Comments",
        "Internal ref",
    ]
    assert guess_mapping(header) == {
        0: "occupier_title",
        1: "occupier_first_name",
        2: "occupier_surname",
        3: "address_line_1",
        4: "address_line_2",
        5: "town",
        6: "postcode",
        7: "phone",
        8: "email",
        9: "landlord",
        10: "branch",
        11: "status",
        12: "vacant_property",
        13: "notes",
        14: None,
    }


def test_synonyms_and_prefixes_are_guessed_and_each_field_taken_once():
    header = ["Property Address Line 1", "Line 1", "Post code", "Mobile", "Tel", "Occupier name"]
    assert guess_mapping(header) == {
        0: "address_line_1",
        1: None,  # address line 1 is already the first column
        2: "postcode",
        3: "phone",
        4: None,
        5: "occupier_surname",
    }


def test_a_utf8_file_with_a_byte_order_mark_is_read():
    parsed = read_csv(b"\xef\xbb\xbf" + csv_bytes("Address 1,Town", "1 Café Road,Leeds"), LIMIT)
    assert parsed.header == ["Address 1", "Town"]
    assert parsed.rows == [["1 Café Road", "Leeds"]]
    assert parsed.encoding == "utf-8" and parsed.note is None


def test_a_windows_1252_file_is_read_and_says_so():
    parsed = read_csv(csv_bytes("Address 1,Town", "1 Café Road,Leeds", encoding="cp1252"), LIMIT)
    assert parsed.rows == [["1 Café Road", "Leeds"]]
    assert parsed.encoding == "cp1252"
    assert "Windows-1252" in parsed.note


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00",  # a picture
        b"PK\x03\x04\x14\x00\x06\x00",  # an .xlsx spreadsheet
        "Address 1\n1 High St\n".encode("utf-16"),
        bytes(range(0x80, 0xA0)) * 4,  # bytes no text encoding we read defines
        b"Address 1\x07\x1b[31m\n1 High St\n",  # control characters
    ],
)
def test_binary_files_are_refused(data):
    with pytest.raises(ImportRefused, match="not (valid UTF-8 text|a CSV text file)"):
        read_csv(data, LIMIT)


def test_empty_and_oversized_files_are_refused():
    with pytest.raises(ImportRefused, match="empty"):
        read_csv(b"  \n\n", LIMIT)
    with pytest.raises(ImportRefused, match="no rows"):
        read_csv(b"Address 1,Town\n", LIMIT)
    with pytest.raises(ImportRefused, match="larger than the 100 bytes limit"):
        read_csv(csv_bytes("Address 1", *["1 High Street"] * 20), 100)


def test_the_delimiter_is_sniffed_and_whitespace_trimmed():
    parsed = read_csv(csv_bytes("Address 1; Post code", " 1 High St ;LS1 1AA", ""), LIMIT)
    assert parsed.delimiter == ";"
    assert parsed.header == ["Address 1", "Post code"]
    assert parsed.rows == [["1 High St", "LS1 1AA"]]


def test_a_row_far_wider_than_the_header_is_refused():
    data = csv_bytes("Address 1,Town", "1 High St,Leeds", "2 High St" + ",x" * 7)
    with pytest.raises(ImportRefused, match="Line 3 has 8 values but the header has 2"):
        read_csv(data, LIMIT)


# Checking the rows


def test_a_missing_address_line_1_is_an_error_on_its_file_line(agent):
    data = csv_bytes(
        "Address 1,Notes",
        '1 High St,"Key with the',
        'neighbour"',  # a quoted line break: the next row starts on line 4
        ",Nothing here",
    )
    result = check(agent, data)
    assert (result.valid, result.invalid) == (1, 1)
    assert errors_by_line(result) == {4: ["Address line 1 is required."]}


def test_landlords_are_found_by_account_number_or_name(agent):
    company = make_customer(type_name="Company", company_name="Acme Lettings")
    person = make_customer(type_name="Landlord", first_name="Peter", surname="Rachman")
    data = csv_bytes(
        "Address 1,Landlord",
        f"1 High St,{company.account_number}",
        f"2 High St,{person.id}",
        "3 High St,ACME  lettings",
        "4 High St,Mr Peter Rachman",
        "5 High St,Nobody Holdings",
    )
    result = check(agent, data)
    found = [row.record["landlord_id"] for row in result.rows]
    assert found == [company.id, person.id, company.id, person.id, None]
    assert errors_by_line(result) == {
        6: [
            "Unknown landlord “Nobody Holdings”: give the landlord's account number "
            "(C000123) or its exact name as on its record."
        ]
    }


def test_a_landlord_name_shared_by_two_customers_must_be_an_account_number(agent):
    make_customer(type_name="Company", company_name="Twin Lets")
    make_customer(type_name="Company", company_name="Twin Lets")
    result = check(agent, csv_bytes("Address 1,Landlord", "1 High St,Twin Lets"))
    assert "matches 2 customers" in errors_by_line(result)[2][0]


def test_a_customer_is_not_the_landlord_of_its_own_addresses(agent):
    result = check(agent, csv_bytes("Address 1,Landlord", f"1 High St,{agent.account_number}"))
    assert errors_by_line(result) == {
        2: ["A customer cannot be the landlord of its own work address."]
    }


def test_branches_must_be_this_customers(agent):
    other = make_customer(type_name="Company", company_name="Elsewhere Ltd")
    db.session.add(Branch(customer=other, name="Hull", address_line_1="1 Dock St"))
    db.session.commit()
    result = check(agent, csv_bytes("Address 1,Branch", "1 High St,leeds", "2 High St,Hull"))
    leeds = db.session.scalar(select(Branch.id).where(Branch.name == "Leeds"))
    assert result.rows[0].record["branch_id"] == leeds
    assert errors_by_line(result) == {
        3: ["Unknown branch “Hull”: not a branch of Northern Lets (its branches: Leeds, York)."]
    }


def test_invalid_phones_emails_and_choices_are_errors(agent):
    data = csv_bytes(
        "Address 1,Phone,Email,Status,Vacant,Title",
        "1 High St,not a number,ok@example.com,active,yes,Mrs",
        "2 High St,07700 900123,someone@,Dormant,N,dr.",
        "3 High St,,,asleep,perhaps,Sir",
    )
    problems = errors_by_line(check(agent, data))
    assert problems[2] == ["Phone “not a number” is not a valid phone number."]
    assert problems[3][0].startswith("Not a valid email address:")
    assert problems[4] == [
        "Title “Sir” is not one of Mr, Mrs, Ms, Miss, Mx, Dr, Prof.",
        "Status “asleep” must be active or dormant.",
        "Vacant property “perhaps” must be yes, no or unknown.",
    ]


def test_values_too_long_for_the_database_are_errors(agent):
    result = check(agent, csv_bytes("Address 1,Post code", f"1 High St,{'X' * 17}"))
    assert errors_by_line(result) == {2: ["Postcode is longer than 16 characters."]}


def test_a_duplicate_address_is_an_error_on_the_later_line(agent):
    data = csv_bytes(
        "Address 1,Post code",
        "1 High Street,LS1 1AA",
        "2 High Street,LS1 1AA",
        "1 high st.,ls11aa",
    )
    assert errors_by_line(check(agent, data)) == {4: ["The same address as line 2."]}


def test_an_address_the_customer_already_has_is_an_error(agent):
    make_work_address(agent, address_line_1="3 Tenant Street", postcode="M2 2BB")
    result = check(agent, csv_bytes("Address 1,Post code", "3 Tenant St,M2 2BB"))
    assert errors_by_line(result) == {
        2: ["This customer already has a work address at this address."]
    }


def test_a_row_with_more_values_than_the_header_is_an_error(agent):
    result = check(agent, csv_bytes("Address 1,Town", "Flat 1, 2 High St,Leeds"))
    assert "a value may contain an unquoted “,”" in errors_by_line(result)[2][0]


def test_a_mapping_without_address_line_1_or_with_a_field_twice_is_refused(agent):
    parsed = read_csv(csv_bytes("Street,Town", "1 High St,Leeds"), LIMIT)
    with pytest.raises(ImportRefused, match="Choose the column that holds Address line 1"):
        preview(db.session, agent, parsed, {0: None, 1: "town"})
    with pytest.raises(ImportRefused, match="Town is chosen for two columns"):
        preview(db.session, agent, parsed, {0: "town", 1: "town"})


def test_the_whole_file_is_checked_with_a_fixed_number_of_queries(agent):
    company = make_customer(type_name="Company", company_name="Acme Lettings")
    rows = [
        f"{n} High St,{company.account_number if n % 2 else 'Acme Lettings'},York"
        for n in range(500)
    ]
    parsed = read_csv(csv_bytes("Address 1,Landlord,Branch", *rows), LIMIT)
    db.session.refresh(agent)  # loaded, as the page has it
    with counting_statements() as statements:
        result = preview(db.session, agent, parsed, guess_mapping(parsed.header), limit=10)
    assert (result.valid, len(result.rows)) == (500, 10)
    assert len(statements) == 4  # custom fields, landlords, branches, existing addresses


def test_the_email_shortcut_agrees_with_the_full_check():
    addresses = [
        "ada@example.com",
        "first.last+tag@sub.example.co.uk",
        "o'neil@example.ie",
        "a..b@example.com",
        ".a@example.com",
        "a@example",
        "a@-example.com",
        "a@example..com",
        "a@localhost",
        "a@example.invalid",
        "a@123.com",
        "x" * 65 + "@example.com",
        "a@" + "b" * 64 + ".com",
        "josé@example.com",
        "a@exämple.com",
        "a b@example.com",
    ]
    for address in addresses:
        assert (_email_problem(address) is None) == (email_problem(address) is None), address


# Phone numbers: the import's shortcut and phonenumbers must read every number alike

TRICKY_PHONES = [
    "07700 900123",
    "0 7700 900123",
    "(0113) 496-0000",
    "0113.496.0000",
    "020 7946 0000",
    "0800 1111",
    "01632 96012",
    "07700 9001234",
    "0770",
    "00 44 7700 900123",
    "447700900123",
    "7700 900123",
    "+44 7700 900123",
    "07700 900123 ext 4",
    "07700 900123#",
    "07700/900123",
    "0" + " " * 300 + "7700900123",
    "٠٧٧٠٠ ٩٠٠١٢٣",
    "(0)",
    "815245091",  # Belarus: its national prefix 8 also starts numbers
    "11330303063",  # US: 1 is both the country code and the national prefix
]


def generated_phones(rng: random.Random, region: str, count: int):
    """National numbers of every kind the region has, with digits changed, some dropped or
    added, and separators sprinkled in; and strings of digits starting any which way."""
    digit = "0123456789"
    for kind in phonenumbers.PhoneNumberType.values():
        example = phonenumbers.example_number_for_type(region, kind)
        if example is not None:
            national = phonenumbers.national_significant_number(example)
            for _ in range(count):
                changed = [rng.choice(digit) if rng.random() < 0.3 else d for d in national]
                changed = changed[: rng.choice((-1, len(changed), len(changed)))]
                yield from ("0" + "".join(changed), _sprinkled(rng, "0" + "".join(changed)))
    for _ in range(count * 10):
        start = rng.choice(["0", "0", "00", "1", "44", "", phones.country_code(region)])
        digits = start + "".join(rng.choice(digit) for _ in range(rng.randrange(1, 14)))
        yield _sprinkled(rng, digits)


def _sprinkled(rng: random.Random, digits: str) -> str:
    return "".join(rng.choice(" -.()") + d if rng.random() < 0.2 else d for d in digits)


def test_the_phone_shortcut_reads_numbers_as_phonenumbers_does():
    rng = random.Random(4)
    taken = 0
    for region in ("GB", "IE", "FR", "DE", "NZ", "US", "BY", "IT", "JE"):
        for number in [*TRICKY_PHONES, *generated_phones(rng, region, 40)]:
            quick = phones.parse_national(number, region)
            if quick is None:
                continue
            taken += 1
            parsed = phones.parse(number, region)
            assert parsed is not None, (region, number)
            national = phonenumbers.national_significant_number(parsed)
            assert quick == (parsed.country_code, national), (region, number)
            assert "".join(map(str, quick)) == phones.normalise(number, region)
    assert taken > 1_000  # it is no shortcut if it is never taken


def test_the_phone_shortcut_takes_numbers_written_the_usual_way():
    assert phones.parse_national("07700 900123") == (44, "7700900123")
    assert phones.parse_national("(0113) 496-0000") == (44, "1134960000")
    assert phones.parse_national("+44 7700 900123") is None  # phonenumbers reads it


def test_imported_phones_are_normalised_and_typed_as_before(agent):
    numbers = ["07911 123456", "+44 7911 123456", "0113 496 0000", "07624 123456", "07700 900123"]
    numbers.append("+1 202 555 0123")  # could be either: not a mobile for sure
    rows = [f"{n} High St,{number}" for n, number in enumerate(numbers, start=1)]
    parsed = read_csv(csv_bytes("Address 1,Tel", *rows), LIMIT)
    import_rows(db.session, agent, parsed, guess_mapping(parsed.header))
    db.session.commit()
    stored = db.session.execute(
        select(PhoneNumber.number, PhoneNumber.digits, PhoneNumber.kind)
        .where(PhoneNumber.work_address_id.is_not(None))
        .order_by(PhoneNumber.id)
    ).all()
    mobile, home = PhoneKind.mobile, PhoneKind.home
    kinds = [mobile, mobile, home, mobile, home, home]  # 07624: Isle of Man; 07700 900: drama
    assert stored == [
        (number, phones.normalise(number), kind)
        for number, kind in zip(numbers, kinds, strict=True)
    ]


def test_imported_rows_are_stored_as_the_orm_stores_them(agent):
    """The bulk insert converts the values itself: a query must not tell its rows apart."""
    make_work_address(
        agent, address_line_1="1 Orm St", occupier_title=Title.Dr, vacant_property="yes"
    )
    parsed = read_csv(csv_bytes("Title,Address 1,Vacant", "Dr,2 Bulk St,yes"), LIMIT)
    import_rows(db.session, agent, parsed, guess_mapping(parsed.header))
    db.session.commit()
    orm, bulk = db.session.execute(
        text(
            "SELECT status, occupier_title, occupier_surname, vacant_property, "
            "after_sales_communication, is_invoice_address, comm_email, comm_sms, version, "
            "created_at, updated_at FROM work_address WHERE customer_id = :id ORDER BY id"
        ),
        {"id": agent.id},
    ).all()
    assert stored_shape(bulk) == stored_shape(orm)


def stored_shape(row) -> list[tuple]:
    """Each value's type, and the value but for the digits of text and the time of a moment."""
    return [
        (type(value), None if isinstance(value, datetime) else re.sub(r"\d", "0", str(value)))
        for value in row
    ]


def test_bulk_inserted_values_are_converted_as_the_orm_converts_them(agent):
    """Whether a value comes with each row or once for all of them."""
    made = make_work_address(
        agent, occupier_title=Title.Dr, vacant_property="yes", latitude=Decimal("53.8")
    )
    table = WorkAddress.__table__
    values = {column.key: getattr(made, column.key) for column in table.columns}
    first, second = allocate_ids(db.session, table, 2)
    bulk_insert(db.session, table, [{**values, "id": first}])
    bulk_insert(db.session, table, [{"id": second}], same=values)
    rows = db.session.execute(
        text("SELECT * FROM work_address WHERE customer_id = :id ORDER BY id"), {"id": agent.id}
    ).all()
    assert [row[1:] for row in rows] == [rows[0][1:]] * 3


# Importing


def test_any_error_means_nothing_is_imported(agent):
    make_work_address(agent)
    data = csv_bytes("Address 1,Tel", "1 High St,07700 900123", "2 High St,not a number")
    parsed = read_csv(data, LIMIT)
    before = (count(WorkAddress), count(PhoneNumber), count(AuditEntry))
    with pytest.raises(ImportRefused, match="1 row has errors, the first on line 3"):
        import_rows(db.session, agent, parsed, guess_mapping(parsed.header))
    db.session.rollback()
    assert (count(WorkAddress), count(PhoneNumber), count(AuditEntry)) == before


def test_a_good_file_imports_every_row_with_its_phone_and_one_audit_entry(agent, users):
    landlord = make_customer(type_name="Company", company_name="Acme Lettings")
    data = csv_bytes(
        HEADER + ",Branch,Vacant",
        "Jane,Smith,1 High St,Leeds,LS1 1AA,07911 123456,jane@example.com,C"
        f"{landlord.id:06d},York,yes",
        ",,2 High St,Leeds,LS1 1AB,0113 496 0000,,,,",
        ",,3 High St,Leeds,LS1 1AC,,,Acme Lettings,,",
    )
    parsed = read_csv(data, LIMIT)
    db.session.info["audit_actor_id"] = users["office"].id
    reported = []
    imported = import_rows(
        db.session,
        agent,
        parsed,
        guess_mapping(parsed.header),
        progress=lambda done, total: reported.append((done, total)),
        filename="lets.csv",
    )
    db.session.commit()
    assert imported == 3 and reported == [(3, 3)]
    addresses = db.session.scalars(
        select(WorkAddress).where(WorkAddress.customer_id == agent.id).order_by(WorkAddress.id)
    ).all()
    first, second, third = addresses
    assert (first.occupier_first_name, first.occupier_surname) == ("Jane", "Smith")
    assert first.landlord_id == third.landlord_id == landlord.id
    assert first.branch.name == "York" and second.branch is None
    assert first.vacant_property == "yes" and second.vacant_property == "unknown"
    assert second.occupier_surname == "Occupier"  # as the model defaults it
    assert all(a.version == 1 and a.status == Status.active for a in addresses)
    assert all(a.created_at is not None and a.comm_letter for a in addresses)
    assert [(p.number, p.digits, p.kind) for p in first.phones + second.phones] == [
        ("07911 123456", phones.normalise("07911 123456"), PhoneKind.mobile),
        ("0113 496 0000", phones.normalise("0113 496 0000"), PhoneKind.home),
    ]
    assert third.phones == []
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "import"))
    assert (entry.entity, entry.entity_id, entry.user_id) == (
        "customer",
        str(agent.id),
        users["office"].id,
    )
    assert entry.summary == "Imported 3 work addresses from lets.csv"
    assert entry.changes["count"] == 3


def test_the_addresses_of_a_dormant_customer_are_dormant(agent):
    agent.status = Status.dormant
    db.session.commit()
    parsed = read_csv(csv_bytes("Address 1", "1 High St"), LIMIT)
    import_rows(db.session, agent, parsed, guess_mapping(parsed.header))
    db.session.commit()
    assert db.session.scalar(select(WorkAddress.status)) == Status.dormant


def test_twenty_thousand_rows_import_within_five_seconds(agent, is_postgres):
    landlord = make_customer(type_name="Company", company_name="Acme Lettings")
    rows = [
        f"Mr,John,Smith {n},{n} High Street,Leeds,LS{n % 30} {n % 9}AB,"
        f"07700 9{n:05d},john{n}@example{n % 50}.com,{landlord.account_number}"
        for n in range(20_000)
    ]
    data = csv_bytes("Title,First name,Surname,Address 1,Town,Postcode,Phone,Email,Landlord", *rows)
    started = time.perf_counter()
    parsed = read_csv(data, 10 * LIMIT)
    imported = import_rows(db.session, agent, parsed, guess_mapping(parsed.header))
    db.session.commit()
    seconds = time.perf_counter() - started
    print(f"\n{'PostgreSQL' if is_postgres else 'SQLite'}: {imported / seconds:,.0f} rows/s")
    address_phones = select(func.count()).where(PhoneNumber.work_address_id.is_not(None))
    assert imported == count(WorkAddress) == db.session.scalar(address_phones) == 20_000
    assert seconds < 5


# The pages


def upload(client, customer, data: bytes, name="addresses.csv", token=None):
    return client.post(
        f"/admin/customer/{customer.id}/import-addresses/",
        data={"file": (io.BytesIO(data), name), **(client.csrf() if token is None else token)},
        content_type="multipart/form-data",
    )


def staged_token(response) -> str:
    match = re.search(r"/import-addresses/([A-Za-z0-9_-]{20,})/$", response.headers["Location"])
    assert match, response.headers.get("Location")
    return match.group(1)


def shown_after(client, response) -> str:
    return client.get(response.headers["Location"]).get_data(as_text=True)


def mapping_of(header: str) -> dict[str, str]:
    guessed = guess_mapping(header.split(","))
    return {f"column_{index}": name or "" for index, name in guessed.items()}


def test_a_user_uploads_maps_previews_and_imports(client_as, agent, import_folder):
    client = client_as("office")
    record = client.record(agent.id)
    assert f"/admin/customer/{agent.id}/import-addresses/" in record
    data = csv_bytes(
        HEADER,
        "Jane,Smith,1 High St,Leeds,LS1 1AA,07700 900123,jane@example.com,",
        ",Occupant,2 Low Lane,York,YO1 7HH,,,",
    )
    uploaded = upload(client, agent, data)
    assert uploaded.status_code == 302
    token = staged_token(uploaded)
    assert len(list(import_folder.glob(f"{agent.id}-{token}.*"))) == 2

    columns = client.get(uploaded.headers["Location"]).get_data(as_text=True)
    assert "Tenant first name" in columns and "Jane" in columns and "2 Low Lane" in columns
    assert '<option selected value="address_line_1">' in columns  # guessed for "Address 1"

    base = f"/admin/customer/{agent.id}/import-addresses/{token}"
    mapping = mapping_of(HEADER)
    shown = client.post(f"{base}/preview", data={**mapping, **client.csrf()})
    page = shown.get_data(as_text=True)
    assert shown.status_code == 200
    assert "2 rows ready" in page and "0 with errors" in page
    assert "Import 2 work addresses" in page

    done = client.post(f"{base}/import", data={**mapping, **client.csrf()})
    assert done.status_code == 302
    assert done.headers["Location"].endswith(f"/admin/customer/details/?id={agent.id}#addresses")
    assert count(WorkAddress) == 2
    assert list(import_folder.glob(f"{agent.id}-{token}.*")) == []  # the file is gone
    record = client.record(agent.id)
    assert "Imported 2 work addresses." in record
    assert "1 High St" in record and "2 Low Lane" in record


def test_the_preview_lists_each_wrong_line_and_offers_no_import(client_as, agent, import_folder):
    client = client_as("office")
    header = "Address 1,Tel"
    data = csv_bytes(header, "1 High St,12", ",07911 123456", ",")  # the last line is blank
    token = staged_token(upload(client, agent, data))
    base = f"/admin/customer/{agent.id}/import-addresses/{token}"
    shown = client.post(f"{base}/preview", data={**mapping_of(header), **client.csrf()})
    page = shown.get_data(as_text=True)
    assert "0 rows ready" in page and "2 with errors" in page
    assert "<strong>Line 2</strong>: Phone “12” is not a valid phone number." in page
    assert "<strong>Line 3</strong>: Address line 1 is required." in page
    assert "Import 0" not in page and f"{base}/import" not in page

    refused = client.post(f"{base}/import", data={**mapping_of(header), **client.csrf()})
    assert refused.status_code == 400
    assert "Nothing was imported: 2 rows have errors, the first on line 2" in refused.get_data(
        as_text=True
    )
    assert count(WorkAddress) == 0
    assert (import_folder / f"{agent.id}-{token}.csv").exists()  # still there to try again


def test_the_preview_shows_rows_at_another_customers_address(client_as, agent, import_folder):
    neighbour = make_customer(
        surname="Neighbour", address_line_1="1 High Street", postcode="ls11aa"
    )
    client = client_as("office")
    header = "Address 1,Postcode"
    data = csv_bytes(header, "1 High St,LS1 1AA", "2 Low Lane,YO1 7HH")
    token = staged_token(upload(client, agent, data))
    base = f"/admin/customer/{agent.id}/import-addresses/{token}"
    page = client.post(f"{base}/preview", data={**mapping_of(header), **client.csrf()}).get_data(
        as_text=True
    )
    assert "1 row is at the address of another customer" in page
    assert "<strong>Line 2</strong>:" in page and f"Open {neighbour.account_number}" in page
    assert "Line 3</strong>:" not in page.split('id="import-elsewhere"')[1].split("</div>")[0]
    assert "Import 2 work addresses" in page  # looked at, then imported all the same


def test_a_mapping_without_address_line_1_is_sent_back(client_as, agent):
    client = client_as("office")
    token = staged_token(upload(client, agent, csv_bytes("Where,Town", "1 High St,Leeds")))
    shown = client.post(
        f"/admin/customer/{agent.id}/import-addresses/{token}/preview",
        data={"column_0": "", "column_1": "town", **client.csrf()},
    )
    assert shown.status_code == 400
    assert "Choose the column that holds Address line 1" in shown.get_data(as_text=True)


def test_a_refused_upload_says_why_and_stores_nothing(client_as, agent, app, import_folder):
    client = client_as("office")
    garbage = upload(client, agent, b"\x89PNG\r\n\x1a\n\x00\x00", name="photo.csv")
    assert garbage.status_code == 400
    assert "This is not a CSV text file" in garbage.get_data(as_text=True)
    app.config["IMPORT_MAX_BYTES"] = 64
    large = upload(client, agent, csv_bytes("Address 1", *["1 High Street"] * 10))
    assert large.status_code == 400
    assert "larger than the 64 bytes limit" in large.get_data(as_text=True)
    assert not import_folder.exists() or list(import_folder.iterdir()) == []


def test_read_only_users_cannot_import(client_as, agent, import_folder):
    office_token = staged_token(upload(client_as("office"), agent, csv_bytes("Address 1", "1 A")))
    client = client_as("read_only")
    assert client.get(f"/admin/customer/{agent.id}/import-addresses/").status_code == 403
    assert upload(client, agent, csv_bytes("Address 1", "1 High St")).status_code == 403
    base = f"/admin/customer/{agent.id}/import-addresses/{office_token}"
    forged = client.post(f"{base}/import", data={"column_0": "address_line_1", **client.csrf()})
    assert forged.status_code == 403
    assert count(WorkAddress) == 0
    record = client.record(agent.id)
    assert "import-addresses" not in record


def test_a_token_opens_only_its_own_customers_file(client_as, agent):
    other = make_customer(surname="Other")
    client = client_as("office")
    token = staged_token(upload(client, agent, csv_bytes("Address 1", "1 High St")))
    data = {"column_0": "address_line_1", **client.csrf()}
    assert client.get(f"/admin/customer/{other.id}/import-addresses/{token}/").status_code == 404
    wrong = f"/admin/customer/{other.id}/import-addresses/{token}"
    assert client.post(f"{wrong}/preview", data=data).status_code == 404
    assert client.post(f"{wrong}/import", data=data).status_code == 404
    guessed = f"/admin/customer/{agent.id}/import-addresses/{'x' * 32}/import"
    assert client.post(guessed, data=data).status_code == 404
    dotted = f"/admin/customer/{agent.id}/import-addresses/..%2F..%2Fsecret_key/"
    assert client.get(dotted).status_code == 404
    assert count(WorkAddress) == 0


def test_posts_without_the_csrf_token_are_refused(client_as, agent):
    client = client_as("office")
    forged = upload(client, agent, csv_bytes("Address 1", "1 High St"), token={})
    assert forged.status_code == 400
    token = staged_token(upload(client, agent, csv_bytes("Address 1", "1 High St")))
    base = f"/admin/customer/{agent.id}/import-addresses/{token}"
    assert client.post(f"{base}/import", data={"column_0": "address_line_1"}).status_code == 400
    assert count(WorkAddress) == 0


def test_files_of_abandoned_imports_are_removed_when_a_new_one_starts(
    client_as, agent, import_folder
):
    client = client_as("office")
    old_token = staged_token(upload(client, agent, csv_bytes("Address 1", "1 High St")))
    day_and_a_bit = time.time() - 25 * 60 * 60
    for path in import_folder.iterdir():
        os.utime(path, (day_and_a_bit, day_and_a_bit))
    new_token = staged_token(upload(client, agent, csv_bytes("Address 1", "2 High St")))
    names = {path.name for path in import_folder.iterdir()}
    assert names == {f"{agent.id}-{new_token}.csv", f"{agent.id}-{new_token}.json"}
    assert old_token not in "".join(names)


def test_the_progress_of_an_import_can_be_polled(client_as, agent, app):
    client = client_as("office")
    token = staged_token(upload(client, agent, csv_bytes("Address 1", "1 High St")))
    url = f"/admin/customer/{agent.id}/import-addresses/{token}/progress"
    assert client.get(url).get_json() == {"done": 0, "total": None}
    import_store().write_progress(agent.id, token, 1000, 4000)
    assert client.get(url).get_json() == {"done": 1000, "total": 4000}


ADDRESSES = (HEADER, "Jane,Smith,1 High St,Leeds,LS1 1AA,07700 900123,,", ",,2 Low Lane,York,,,,")


class Killed(BaseException):
    """The process dying: no `except Exception` runs, the open files close."""


def kill_mid_way(monkeypatch):
    """The import dies after its first INSERT (its work addresses), before its phones."""
    real = address_import.bulk_insert
    calls = []

    def insert_then_die(*args, **kwargs):
        if calls:
            raise Killed
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(address_import, "bulk_insert", insert_then_die)


def killed_import(client, agent, monkeypatch) -> str:
    """A staged file whose import was killed half-way; its token."""
    token = staged_token(upload(client, agent, csv_bytes(*ADDRESSES)))
    kill_mid_way(monkeypatch)
    with pytest.raises(Killed):
        client.post(
            f"/admin/customer/{agent.id}/import-addresses/{token}/import",
            data={**mapping_of(HEADER), **client.csrf()},
        )
    monkeypatch.undo()
    assert count(WorkAddress) == 0  # one transaction: nothing was written
    return token


def test_an_import_killed_half_way_can_be_run_again_from_its_page(
    client_as, agent, import_folder, monkeypatch
):
    client = client_as("office")
    phones = count(PhoneNumber)
    token = killed_import(client, agent, monkeypatch)
    base = f"/admin/customer/{agent.id}/import-addresses/{token}"

    page = client.get(f"{base}/").get_data(as_text=True)
    assert "An import of this file stopped before it finished" in page
    retry = re.search(r'<form method="post"[^>]*action="([^"]+/import)">(.*?)</form>', page, re.S)
    assert retry, "no button to import again"
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', retry[2]))
    assert fields.keys() == {"csrf_token", *mapping_of(HEADER)}

    done = client.post(retry[1], data=fields)
    assert done.status_code == 302
    assert count(WorkAddress) == 2 and count(PhoneNumber) == phones + 1  # Jane's
    assert list(import_folder.iterdir()) == []
    assert client.get(f"{base}/").status_code == 404  # imported: the file is gone


def test_an_import_killed_half_way_can_be_discarded_from_its_page(
    client_as, agent, import_folder, monkeypatch
):
    client = client_as("office")
    token = killed_import(client, agent, monkeypatch)
    base = f"/admin/customer/{agent.id}/import-addresses/{token}"
    assert f'action="{base}/discard"' in client.get(f"{base}/").get_data(as_text=True)
    assert client.post(f"{base}/discard", data={}).status_code == 400  # no CSRF token
    reader = client_as("read_only")
    assert reader.post(f"{base}/discard", data=reader.csrf()).status_code == 403

    discarded = client.post(f"{base}/discard", data=client.csrf())

    assert discarded.headers["Location"].endswith(f"/admin/customer/{agent.id}/import-addresses/")
    assert "Discarded addresses.csv: nothing was imported from it." in client.get(
        discarded.headers["Location"]
    ).get_data(as_text=True)
    assert list(import_folder.iterdir()) == [] and count(WorkAddress) == 0


def test_a_file_being_imported_is_not_imported_again_nor_discarded_meanwhile(
    client_as, agent, import_folder
):
    client = client_as("office")
    token = staged_token(upload(client, agent, csv_bytes("Address 1", "1 High St")))
    base = f"/admin/customer/{agent.id}/import-addresses/{token}"
    with import_store().importing(agent.id, token, {0: "address_line_1"}):  # the first submit
        page = client.get(f"{base}/").get_data(as_text=True)
        assert "stopped before it finished" not in page  # it runs
        second = client.post(f"{base}/import", data={"column_0": "address_line_1", **client.csrf()})
        assert "This file is being imported" in shown_after(client, second)
        discard = client.post(f"{base}/discard", data=client.csrf())
        assert "Not discarded: This file is being imported" in shown_after(client, discard)
    assert count(WorkAddress) == 0
    assert len(list(import_folder.glob(f"{agent.id}-{token}.*"))) == 2


def test_an_expired_import_says_so_and_offers_a_new_upload(
    client_as, agent, import_folder, monkeypatch
):
    client = client_as("office")
    token = staged_token(upload(client, agent, csv_bytes("Address 1", "1 High St")))
    base = f"/admin/customer/{agent.id}/import-addresses/{token}"
    a_day_later = utcnow() + timedelta(hours=24, minutes=1)
    monkeypatch.setattr("admin_views.data.address_import.utcnow", lambda: a_day_later)
    expected = "This import expired after 24 hours: upload the file again."
    for removed in (False, True):
        if removed:
            assert remove_expired_imports(import_folder, a_day_later, 24)
        page = client.get(f"{base}/")
        assert page.status_code == 410 and expected in page.get_data(as_text=True)
        assert f'href="/admin/customer/{agent.id}/import-addresses/"' in page.get_data(as_text=True)
        run = client.post(f"{base}/import", data={"column_0": "address_line_1", **client.csrf()})
        assert run.status_code == 410
    assert count(WorkAddress) == 0 and list(import_folder.iterdir()) == []


# Custom fields


def access_fields():
    make_custom_field("key_safe", label="Key safe", applies_to=CustomFieldTarget.work_address)
    make_custom_field("floors", label="Floors", applies_to=CustomFieldTarget.work_address,
                      field_type=CustomFieldType.number)  # fmt: skip


def test_custom_fields_are_columns_the_import_fills(client_as, agent, import_folder):
    access_fields()
    client = client_as("office")
    header = "Address 1,Key safe,cf_floors"
    token = staged_token(upload(client, agent, csv_bytes(header, "1 High St,1234,3")))
    base = f"/admin/customer/{agent.id}/import-addresses/{token}"
    columns = client.get(f"{base}/").get_data(as_text=True)
    assert '<option selected value="cf_key_safe">Key safe</option>' in columns
    assert '<option selected value="cf_floors">Floors</option>' in columns
    mapping = {"column_0": "address_line_1", "column_1": "cf_key_safe", "column_2": "cf_floors"}
    assert client.post(f"{base}/import", data={**mapping, **client.csrf()}).status_code == 302
    imported = db.session.scalar(select(WorkAddress).where(WorkAddress.customer_id == agent.id))
    assert imported.custom_fields == {"key_safe": "1234", "floors": "3"}


def test_a_custom_value_of_the_wrong_type_is_an_error_on_its_line(agent):
    access_fields()
    parsed = read_csv(csv_bytes("Address 1,Floors", "1 High St,3", "2 High St,three"), LIMIT)
    result = preview(db.session, agent, parsed, {0: "address_line_1", 1: "cf_floors"})
    assert errors_by_line(result) == {3: ["Floors: enter a number, such as 12 or 3.5."]}
