"""Export all customer data: safe in a spreadsheet, complete, one customer's only, streamed."""

from __future__ import annotations

import csv
import io
import secrets
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pyotp
import pytest
from sqlalchemy import literal_column, select, table
from sqlalchemy.exc import DBAPIError

from extensions import db
from models import (
    Asset,
    AssetGroup,
    Attachment,
    Base,
    Branch,
    Communication,
    Contact,
    Contract,
    CreditNote,
    CreditNoteLine,
    CustomerServicePlan,
    CustomFieldTarget,
    CustomFieldType,
    DomainError,
    InventoryItem,
    InvoiceAddress,
    Payment,
    PaymentAllocation,
    PaymentMethod,
    PhoneNumber,
    PortalAccess,
    ServicePlan,
    ServiceReminder,
    Work,
    WorkAddress,
    act_as,
)
from models.core.base import utcnow
from models.core.staff_sessions import start_session
from models.core.two_factor import turn_on
from models.data.export import (
    CHUNK_BYTES,
    all_tables,
    customer_files,
    customer_tables,
    neutralise,
    restore,
    safe_file_name,
    stream_export,
    write_export_zip,
)
from models.files.uploads import attachment_path
from tests.factories import make_custom_field, make_customer, make_invoice, make_work

# Rows `full_record` gives a customer made by `make_customer` (which brings one phone).
EXPECTED_ROWS = {
    "customer": 1,
    "phone_number": 4,  # the customer's, its contact's, branch's and work address's
    "contact": 1,
    "branch": 1,
    "work_address": 1,
    "asset": 1,
    "work": 1,
    "inventory_item": 1,
    "invoice": 1,
    "invoice_line": 1,
    "credit_note": 1,
    "credit_note_line": 1,
    "payment": 1,
    "payment_allocation": 1,
    "communication": 1,
    "attachment": 1,
    "contract": 1,
    "customer_service_plan": 1,
    "service_plan_work_address": 1,
    "service_reminder": 1,
    "invoice_address": 1,
    "customer_invoice_address": 1,
    "portal_access": 1,
}


def first(model):
    return db.session.scalars(select(model).order_by(model.id).limit(1)).one()


def full_record(customer, tag: str) -> None:
    """One row of every kind on the customer's record."""
    group, plan, method = first(AssetGroup), first(ServicePlan), first(PaymentMethod)
    branch = Branch(
        customer=customer,
        name=f"{tag} branch",
        address_line_1="1 High Street",
        phones=[PhoneNumber(number="0161 496 0001")],
    )
    address = WorkAddress(
        customer=customer,
        branch=branch,
        address_line_1=f"{tag} 3 Tenant Street",
        phones=[PhoneNumber(number="0161 496 0002")],
    )
    asset = Asset(
        customer=customer,
        work_address=address,
        asset_group=group,
        technical_reference="Boiler, kitchen",
        installed_on=date(2020, 5, 1),
    )
    work = Work(
        customer=customer,
        work_address=address,
        description="Install",
        sale_amount=Decimal("1234.50"),
        inventory_items=[InventoryItem(name="Sofa", quantity=2)],
    )
    bill_to = InvoiceAddress(
        name=f"{tag} insurer", address_line_1="9 Claims Road", customers=[customer]
    )
    db.session.add_all(
        [
            bill_to,
            Contact(
                customer=customer,
                surname=f"{tag} contact",
                branch=branch,
                phones=[PhoneNumber(number="07700 900001")],
            ),
            asset,
            work,
            ServiceReminder(
                customer=customer,
                work_address=address,
                asset=asset,
                description="Annual service",
                due_on=date(2026, 6, 1),
            ),
            Communication(customer=customer, body=f"{tag} note"),
            Contract(customer=customer, reference=f"{tag}-C1", start_date=date(2026, 1, 1)),
            CustomerServicePlan(
                customer=customer,
                service_plan=plan,
                expires_on=date(2027, 1, 1),
                work_addresses=[address],
            ),
            Attachment(
                customer=customer,
                original_name="plan.pdf",
                stored_name=f"{tag}/{secrets.token_hex(8)}.pdf",
                content_type="application/pdf",
                size_bytes=3,
                description="Floor plan",
            ),
            PortalAccess(
                customer=customer,
                token_hash=secrets.token_hex(32),
                expires_at=datetime(2027, 1, 1, tzinfo=UTC),
            ),
        ]
    )
    db.session.commit()
    invoice = make_invoice(customer, invoice_address=bill_to)
    invoice.lines[0].work = work
    db.session.add_all(
        [
            CreditNote(
                customer=customer,
                invoice=invoice,
                description="Goodwill",
                credit_date=date(2026, 2, 1),
                lines=[CreditNoteLine(description="Goodwill", unit_price=Decimal("12.50"))],
            ),
            Payment(
                customer=customer,
                paid_on=date(2026, 2, 2),
                payment_method=method,
                amount=Decimal("50.00"),
                allocations=[
                    PaymentAllocation(
                        invoice=invoice, amount=Decimal("50.00"), allocated_on=date(2026, 2, 2)
                    )
                ],
            ),
        ]
    )
    db.session.commit()


def export(tables, files=()) -> bytes:
    out = io.BytesIO()
    write_export_zip(db.session, tables, out, files)
    return out.getvalue()


def export_customer(app, customer) -> bytes:
    folder = app.config["UPLOAD_FOLDER"]
    tables = customer_tables(db.session, customer.id)
    return export(tables, customer_files(db.session, customer.id, folder))


def read_tables(data: bytes) -> dict[str, list[dict[str, str]]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {
            name.removesuffix(".csv"): list(
                csv.DictReader(io.TextIOWrapper(archive.open(name), "utf-8", newline=""))
            )
            for name in archive.namelist()
            if name.endswith(".csv")
        }


def all_bytes(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return b"".join(archive.read(name) for name in archive.namelist())


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+SUM(A1)", "'+SUM(A1)"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("'t Hooft", "''t Hooft"),
        ("Smith = Jones", "Smith = Jones"),
        (Decimal("-12.50"), "-12.50"),
        (-3, "-3"),
        (None, ""),
        (True, "true"),
        (date(2026, 1, 31), "2026-01-31"),
        ({"gate": "=1+1"}, '{"gate": "=1+1"}'),
    ],
)
def test_cells_are_neutralised_but_numbers_stay_numbers(value, cell):
    assert neutralise(value) == cell


def test_neutralised_text_is_restored_by_dropping_one_apostrophe():
    for text in ("=1+1", "'quoted", "''", "plain", "-", ""):
        assert restore(neutralise(text)) == text


def test_formula_text_on_the_record_starts_with_an_apostrophe_in_the_export(app):
    customer = make_customer(surname='=HYPERLINK("http://evil")', first_name="+SUM(A1)")
    customer.email = "@evil.example"  # an import could bring what the form refuses
    customer.address_line_2 = "\t=1+1"
    customer.town = "\rcmd"
    db.session.add(Communication(customer=customer, body="-2+3"))
    db.session.commit()

    tables = read_tables(export_customer(app, customer))

    row = tables["customer"][0]
    assert row["surname"] == '\'=HYPERLINK("http://evil")'
    assert row["first_name"] == "'+SUM(A1)"
    assert row["email"] == "'@evil.example"
    assert row["address_line_2"] == "'\t=1+1"
    assert row["town"] == "'\rcmd"
    assert tables["communication"][0]["body"] == "'-2+3"


def test_a_customer_export_round_trips_with_ids_kept(app):
    customer = make_customer(kilometres=Decimal("12.50"), custom_fields={"gate": "=1234"})
    full_record(customer, "A")
    customer.contacts[0].surname = "'t Hooft"
    db.session.commit()
    db.session.expire_all()  # compare with what the database holds

    tables = read_tables(export_customer(app, customer))

    for name, rows in tables.items():
        assert len(rows) == EXPECTED_ROWS.get(name, 0), name
    row = tables["customer"][0]
    assert int(row["id"]) == customer.id
    assert row["surname"] == customer.surname
    assert row["email"] == customer.email
    assert row["kilometres"] == "12.50"
    assert row["status"] == "active"
    assert row["comm_sms"] == "false"
    assert row["custom_fields"] == '{"gate": "=1234"}'
    assert row["created_at"] == customer.created_at.isoformat()
    assert restore(tables["contact"][0]["surname"]) == "'t Hooft"
    invoice = customer.invoices[0]
    assert tables["invoice"][0]["invoice_date"] == "2026-01-01"
    assert tables["invoice_line"][0]["unit_price"] == "100.00"
    assert tables["invoice_line"][0]["invoice_id"] == str(invoice.id)
    assert tables["invoice_line"][0]["work_id"] == str(customer.works[0].id)
    assert tables["work"][0]["sale_amount"] == "1234.50"
    assert tables["asset"][0]["installed_on"] == "2020-05-01"
    phone_ids = {int(phone["id"]) for phone in tables["phone_number"]}
    assert phone_ids == set(db.session.scalars(select(PhoneNumber.id)))
    link = tables["customer_invoice_address"][0]
    assert link == {
        "customer_id": str(customer.id),
        "invoice_address_id": str(customer.invoice_addresses[0].id),
    }


def test_another_customers_rows_never_appear(app):
    ours = make_customer(surname="Ours")
    full_record(ours, "ours")
    theirs = make_customer(surname="Theirs", email="theirs@example.com")
    full_record(theirs, "theirs")
    # A property of theirs that we are only the landlord of stays on their record.
    db.session.add(WorkAddress(customer=theirs, landlord=ours, address_line_1="7 Let Street"))
    make_work(theirs, description="Their job")
    db.session.commit()

    our_tables = read_tables(export_customer(app, ours))
    their_tables = read_tables(export_customer(app, theirs))

    for name, rows in our_tables.items():
        ours_rows = {tuple(row.items()) for row in rows}
        assert not ours_rows & {tuple(row.items()) for row in their_tables.get(name, [])}, name
    assert b"theirs" not in all_bytes(export_customer(app, ours)).lower()
    assert len(their_tables["work_address"]) == 2


def test_files_are_included_under_safe_names_and_missing_ones_skipped(app):
    customer = make_customer()
    other = make_customer(surname="Other")
    folder = Path(app.config["UPLOAD_FOLDER"])

    def attach(owner, original_name: str, content: bytes | None) -> Attachment:
        attachment = Attachment(
            customer=owner,
            original_name=original_name,
            stored_name=f"{owner.id}/{secrets.token_hex(8)}.txt",
            content_type="text/plain",
            size_bytes=len(content or b""),
            description="A file",
        )
        db.session.add(attachment)
        db.session.commit()
        if content is not None:
            path = attachment_path(attachment, folder)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        return attachment

    passwd = attach(customer, "../../etc/passwd", b"root:x:0:0")
    evil = attach(customer, "..\\evil.exe", b"MZ")
    attach(customer, "gone.pdf", None)
    attach(other, "theirs.txt", b"not yours")
    outside = attach(customer, "escape.txt", None)
    outside.stored_name = "../escape.txt"  # a tampered row must not reach outside the folder
    db.session.commit()
    (folder.parent / "escape.txt").write_bytes(b"outside")

    with zipfile.ZipFile(io.BytesIO(export_customer(app, customer))) as archive:
        files = {name: archive.read(name) for name in archive.namelist() if "files/" in name}

    assert files == {f"files/{passwd.id}-passwd": b"root:x:0:0", f"files/{evil.id}-evil.exe": b"MZ"}


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\evil.exe", "evil.exe"),
        ("/abs/path.txt", "path.txt"),
        ("..", "file"),
        (".hidden", "hidden"),
        ("bad\x00na\x1bme\n.txt", "badname.txt"),
        ("a..b:c?.txt", "a.b_c_.txt"),
        ("", "file"),
    ],
)
def test_member_names_cannot_leave_the_folder(name, safe):
    assert safe_file_name(name) == safe


def test_long_member_names_keep_their_extension():
    safe = safe_file_name("x" * 300 + ".docx")
    assert len(safe) == 100
    assert safe.endswith(".docx")


def test_password_and_token_hashes_are_never_exported(app, users):
    """Nor any column marked secret: two-factor secrets, failed-login counts, lock times."""
    admin = users["admin"]
    secret = pyotp.random_base32()
    turn_on(db.session, admin, secret, pyotp.TOTP(secret).now())
    admin.failed_logins, admin.locked_until = 3, datetime(2027, 1, 1, tzinfo=UTC)
    start_session(db.session, admin)
    db.session.commit()
    customer = make_customer()
    act_as(db.session, admin)  # the audit trail records the new link's columns
    access = PortalAccess(
        customer=customer,
        token_hash=secrets.token_hex(32),
        expires_at=datetime(2027, 1, 1, tzinfo=UTC),
    )
    db.session.add(access)
    db.session.commit()
    act_as(db.session, None)

    for data in (export_customer(app, customer), export(all_tables(db.session))):
        everything = all_bytes(data)
        assert access.token_hash.encode() not in everything
        assert admin.password_hash.encode() not in everything
        assert b"token_hash" not in everything
        assert b"password_hash" not in everything
        assert secret.encode() not in everything
        for name in (b"totp_secret", b"totp_last_step", b"failed_logins", b"locked_until"):
            assert name not in everything, name
    assert read_tables(export(all_tables(db.session)))["audit_entry"], "audit trail exported"


def test_every_table_with_a_customer_id_is_in_the_customer_export(app):
    customer = make_customer()
    exported = {name for name, _ in customer_tables(db.session, customer.id)}
    with_customer_id = {t.name for t in Base.metadata.sorted_tables if "customer_id" in t.c}
    assert with_customer_id <= exported
    assert set(EXPECTED_ROWS) <= exported
    assert not {"user", "audit_entry", "customer_type", "number_sequence"} & exported


def test_the_all_customers_export_has_every_table(app):
    make_customer()
    names = read_tables(export(all_tables(db.session))).keys()
    assert set(names) == {table.name for table in Base.metadata.sorted_tables}


def many_notes(customer, count: int = 300) -> None:
    db.session.add_all(
        Communication(customer=customer, body=secrets.token_hex(512)) for _ in range(count)
    )
    db.session.commit()


def test_a_big_export_streams_in_bounded_chunks(app):
    customer = make_customer()
    many_notes(customer)

    chunks = list(stream_export(db.session, customer_tables(db.session, customer.id)))

    assert len(chunks) > 2
    assert max(len(chunk) for chunk in chunks) < 2 * CHUNK_BYTES
    with zipfile.ZipFile(io.BytesIO(b"".join(chunks))) as archive:
        assert archive.testzip() is None
        assert "README.txt" in archive.namelist()
    assert len(read_tables(b"".join(chunks))["communication"]) == 300


def test_an_export_writes_to_a_sink_that_cannot_seek(app):
    customer = make_customer()
    many_notes(customer)

    class Sink:  # write() and flush() only, like a socket or a pipe
        def __init__(self) -> None:
            self.data = bytearray()

        def write(self, data) -> int:
            self.data += data
            return len(data)

        def flush(self) -> None:
            pass

    sink = Sink()
    write_export_zip(db.session, customer_tables(db.session, customer.id), sink)

    with zipfile.ZipFile(io.BytesIO(bytes(sink.data))) as archive:
        assert archive.testzip() is None
    assert len(read_tables(bytes(sink.data))["communication"]) == 300


def test_a_failed_export_is_not_a_valid_zip(app):
    customer = make_customer()
    broken = select(literal_column("1")).select_from(table("no_such_table"))
    tables = [*customer_tables(db.session, customer.id), ("broken", broken)]
    out = io.BytesIO()

    with pytest.raises(DBAPIError):
        write_export_zip(db.session, tables, out)
    db.session.rollback()

    assert out.getvalue()  # the first tables were written out as they were read...
    assert not zipfile.is_zipfile(io.BytesIO(out.getvalue()))  # ...but it never opens as whole


def test_an_unknown_customer_cannot_be_exported(app):
    with pytest.raises(DomainError):
        customer_tables(db.session, 999_999)


def test_custom_fields_are_columns_of_their_records_tables(app):
    make_custom_field("gate_code", label="Gate code")
    make_custom_field("heating", field_type=CustomFieldType.several_choices,
                      choices=["Gas", "Solar"])  # fmt: skip
    make_custom_field("has_dog", field_type=CustomFieldType.yes_no)
    make_custom_field("hidden", removed_at=utcnow())
    make_custom_field("floors", applies_to=CustomFieldTarget.work)
    customer = make_customer(
        custom_fields={"gate_code": "=1234", "heating": ["Gas", "Solar"], "has_dog": True}
    )
    make_work(customer, custom_fields={"floors": "3"})

    tables = read_tables(export_customer(app, customer))

    row = tables["customer"][0]
    assert (row["cf_gate_code"], row["cf_heating"], row["cf_has_dog"]) == (
        "'=1234",
        "Gas, Solar",
        "true",
    )
    assert "cf_hidden" not in row and "cf_floors" not in row
    assert tables["work"][0]["cf_floors"] == "3"
