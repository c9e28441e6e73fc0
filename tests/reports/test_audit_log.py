"""Admin → Audit log: every kind of entry opens and reads in words, on every page."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta
from typing import Any

import pyotp
import pytest
from sqlalchemy import func, select, update

from admin_views.reports.audit_log import AuditLogView
from extensions import db
from models import AuditEntry, Branch, Customer, InvoiceAddress, PhoneNumber, act_as, record
from models.core.base import utcnow
from models.core.staff_sessions import end_all_sessions, end_session, login_failed, start_session
from models.core.two_factor import turn_off, turn_on
from models.core.users import MAX_FAILED_LOGINS
from models.customers.contacts import merge_branches
from models.customers.lifecycle import change_customer_type, delete_customer
from models.customers.merge import merge_customers, unmerge
from models.customers.status import reactivate, set_dormant
from models.data.address_import import guess_mapping, import_rows
from models.data.csv_files import read_csv
from models.money.invoice_addresses import attach_invoice_address, detach_invoice_address
from models.portal.links import create_portal_link, revoke
from models.reports.audit_log import is_hidden, label_of
from tests.factories import customer_type, make_customer, make_invoice, make_work
from tests.sql import counting_statements

PAGE_SIZE = 10
TAGS = re.compile(r"<[^>]+>")
DETAILS_LINK = re.compile(r"/admin/auditentry/details/\?id=(\d+)")


def strip(page: str) -> str:
    """A page as a person reads it: no tags, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(TAGS.sub(" ", page)).split())


def text_of(response) -> str:
    assert response.status_code == 200
    return strip(response.get_data(as_text=True))


def person(first_name: str, surname: str, phone: str, **fields) -> Customer:
    return make_customer(
        title=None,
        first_name=first_name,
        surname=surname,
        phones=[PhoneNumber(kind="home", number=phone)],
        email=f"{first_name.lower()}@example.com",
        **fields,
    )


def one_of_every_kind(users, folder, name: str = "Smith") -> dict[str, Any]:
    """One entry of every kind, made by the domain operations as a request of the office user
    makes them (the app acts as the logged-in user for the whole request)."""
    office = users["office"]
    act_as(db.session, office)
    john = person("John", name, "0161 496 0001")  # create
    jane = person("Jane", name, "0161 496 0002", town=None)
    for number in range(3):
        make_work(jane, description=f"Boiler service {number}")
    for _ in range(2):
        make_invoice(jane)
    john.salesperson = users["admin"]  # update: a user, a flag, an enum and a date
    john.invalid_email = True
    john.vacant_property = "yes"
    make_work(john, received_on=date(2026, 3, 14), status="in_progress")
    db.session.commit()

    merge_customers(db.session, john, jane, office)  # merge, then undo and merge again
    db.session.commit()
    unmerge(db.session, db.session.get(Customer, jane.id), office)
    db.session.commit()
    merge_customers(db.session, john, db.session.get(Customer, jane.id), office)
    db.session.commit()

    grace = make_customer(first_name="Grace", surname="Hopper")
    set_dormant(db.session, grace, "Moved abroad", do_not_work_with_again=True)
    db.session.commit()
    reactivate(db.session, grace, unpin=True)
    db.session.commit()
    company = customer_type("Company")
    change_customer_type(
        db.session, grace, company, company_name="Hopper Ltd", contact_surname="Hop"
    )
    db.session.commit()

    leeds = Branch(customer=grace, name="Leeds office", address_line_1="1 Park Row")
    york = Branch(customer=grace, name="York office", address_line_1="2 Stonegate")
    db.session.add_all([leeds, york])
    db.session.commit()
    merge_branches(db.session, leeds, york)
    db.session.commit()

    address = InvoiceAddress(name="Acme Insurance", address_line_1="1 Claims Way")
    db.session.add(address)
    attach_invoice_address(db.session, grace, address)
    db.session.commit()
    detach_invoice_address(db.session, grace, address)
    db.session.commit()

    parsed = read_csv(b"Address 1,Post code\n1 High Street,LS1 1AA\n2 High Street,LS1 1AB\n", 10**6)
    import_rows(db.session, grace, parsed, guess_mapping(parsed.header), filename="tenants.csv")
    db.session.commit()

    link, _token = create_portal_link(
        db.session, grace, office, {"statement": True}, utcnow() + timedelta(days=30)
    )
    db.session.commit()
    revoke(link)
    db.session.commit()
    record(db.session, "export", grace)
    db.session.commit()

    ada = make_customer()
    ada_id = ada.id
    delete_customer(db.session, ada, folder)
    db.session.commit()

    token = start_session(db.session, office)  # logins, lock-outs and two-factor changes
    login_failed(db.session, office, "two-factor code wrong")
    office.failed_logins = MAX_FAILED_LOGINS
    login_failed(db.session, office)
    secret = pyotp.random_base32()
    turn_on(db.session, office, secret, pyotp.TOTP(secret).now())
    turn_off(db.session, office, by=users["admin"], action="two-factor reset")
    end_all_sessions(db.session, office, by=users["admin"])
    end_session(db.session, token, office)
    db.session.commit()
    act_as(db.session, None)
    return {"john": john, "jane": jane, "grace": grace, "ada_id": ada_id}


@pytest.fixture
def every_kind(app, users, tmp_path) -> dict[str, Any]:
    return one_of_every_kind(users, tmp_path)


def entry_ids() -> list[int]:
    return list(db.session.scalars(select(AuditEntry.id).order_by(AuditEntry.id)))


def log_pages(client, query: str = "") -> list[str]:
    """Every page of the log, PAGE_SIZE entries a page, as its HTML."""
    total = db.session.scalar(select(func.count(AuditEntry.id)))
    pages = []
    for page in range(-(-total // PAGE_SIZE)):
        response = client.get(f"/admin/auditentry/?page_size={PAGE_SIZE}&page={page}{query}")
        text_of(response)
        pages.append(response.get_data(as_text=True))
    return pages


def every_entry_page(client) -> dict[int, str]:
    return {
        entry_id: text_of(client.get(f"/admin/auditentry/details/?id={entry_id}"))
        for entry_id in entry_ids()
    }


def test_every_page_of_the_log_opens_and_shows_each_entry_once(client_as, every_kind):
    """Entries one flush writes share their time: the order must still be the same on every
    page, or PostgreSQL shows an entry on two pages and another on none."""
    db.session.execute(update(AuditEntry).values(at=utcnow()))
    db.session.commit()
    pages = log_pages(client_as("admin"))
    assert len(pages) > 3
    shown = [int(found) for page in pages for found in set(DETAILS_LINK.findall(page))]
    assert sorted(shown) == entry_ids()


def test_every_sort_of_the_log_opens(client_as, every_kind):
    client = client_as("admin")
    for column in range(len(AuditLogView.column_list)):
        for order in ("", "&desc=1"):
            log_pages(client, f"&sort={column}{order}")


def test_every_entry_opens_on_its_own_page_in_words(client_as, every_kind):
    john, jane, grace = every_kind["john"], every_kind["jane"], every_kind["grace"]
    shown = " ".join(every_entry_page(client_as("admin")).values())
    merged = f"Merged Jane Smith ({jane.account_number}) into John Smith ({john.account_number})"
    hopper = f"Customer: Hopper Ltd ({grace.account_number})"
    for words in (
        "Customer type: (none) → Private",  # a create
        f"Customer: (none) → John Smith ({john.account_number})",  # a foreign key, named
        "Salesperson: (none) → Admin User",  # an edit
        "Status: (none) → In progress",  # an enum
        "Received on: (none) → 14 Mar 2026",  # a date
        f"{merged}: 2 invoices, 1 phone number, 3 works moved",
        f"Undid the merge of Jane Smith ({jane.account_number}) into John Smith",
        f"Set dormant Record {hopper} Summary Mrs Grace Hopper, M1 1AA",  # named then and now
        "Reason: Moved abroad Do not work with again: Yes",  # a flag
        "Notes unpinned: 1",
        f"Changed type Record {hopper} Summary Hopper Ltd, M1 1AA Record id {grace.id} What "
        "changed Customer type: Private → Company",
        "Merged branch York office into Leeds office: nothing moved",
        f"Invoice address added Record {hopper} Summary Hopper Ltd, M1 1AA: Acme Insurance",
        "Rows imported: 2 File: tenants.csv",
        f"Customer: (none) → Hopper Ltd ({grace.account_number}) Can see statement: (none) → Yes",
        f"Exported Record {hopper}",
        "Deleted Record Customer: Mrs Ada Lovelace, M1 1AA",  # gone: named as it was
        f"Customer: Customer #{every_kind['ada_id']} (deleted) → (none)",  # a row gone since
        "Invoice line: Labour",
        "Logged in Record User: Office User",
        "Wrong two-factor code",
        "Login locked",
        "Two-factor login on",
        "Two-factor login reset",
        "Logged out everywhere",
        "Logged out Record User: Office User",
    ):
        assert words in shown
    for raw in ("customer_type_id", "None →", "→ None", "Token hash", "object at 0x", "Totp"):
        assert raw not in shown


def test_the_list_shows_each_entry_in_short(client_as, every_kind):
    jane, grace = every_kind["jane"], every_kind["grace"]
    shown = " ".join(map(strip, log_pages(client_as("admin"))))
    assert f"Merged Jane Smith ({jane.account_number}) into John Smith" in shown
    hopper = f"Customer: Hopper Ltd ({grace.account_number})"  # as the customer is named now
    assert f"Created {hopper} Customer type: (none) → Private" in shown
    assert re.search(r"Postcode: \(none\) → M1 1AA", shown) is None  # a create's lines …
    assert re.search(r"First name: \(none\) → Grace and \d+ more", shown)  # … on its page


def test_a_page_costs_the_same_statements_for_one_set_of_entries_as_for_two(
    client_as, users, tmp_path, every_kind
):
    """The rows a page's entries name are looked up once per model, not once per entry."""
    client = client_as("admin")
    assert len(entry_ids()) <= 100  # one page holds them all …

    def statements() -> int:
        with counting_statements() as sent:
            text_of(client.get("/admin/auditentry/?page_size=100"))
        return len(sent)

    once = statements()
    one_of_every_kind(users, tmp_path / "again", name="Jones")
    assert len(entry_ids()) > 100  # … and then a full page of the same kinds
    assert statements() == once


def test_entries_of_any_shape_open_and_never_show_a_secret(client_as, users):
    """Older entries may hold what the trail no longer keeps, or a shape of their own."""
    secret = "scrypt:32768:8:1$salt$0123456789abcdef"
    db.session.add_all(
        AuditEntry(action=action, entity=entity, entity_id="1", summary=summary, changes=changes)
        for action, entity, summary, changes in (
            ("update", "user", "Office User", {"password_hash": [secret, "x"], "name": ["A", "B"]}),
            ("update", "portal_access", "Portal link #1", {"token_hash": [None, secret]}),
            ("create", "invoice_line", "<models.money.InvoiceLine object at 0x7f1c>", {}),
            ("import", "customer", None, None),
            ("note", "customer", "Ada", ["a list", 2]),
            ("note", "customer", "Ada", "a sentence"),
            ("merge", "customer", "Merged", {"absorbed_name": "Jane"}),
            ("update", "gone_table", "Gone", {"colour_id": [1, 2]}),
        )
    )
    db.session.commit()
    client = client_as("admin")
    shown = " ".join([*map(strip, log_pages(client)), *every_entry_page(client).values()])
    assert secret not in shown
    assert "Password hash" not in shown and "Token hash" not in shown
    assert "Name: A → B" in shown
    assert "Invoice line #1" in shown
    assert "a list, 2" in shown and "a sentence" in shown
    assert "Colour: 1 → 2" in shown


def test_the_log_filters_on_its_own_columns_and_the_users_name_only():
    """A filter on the user relationship would offer one on every User column (the hash)."""
    view = AuditLogView(AuditEntry, db)
    columns = {f"{flt.column.table.name}.{flt.column.name}" for flt in view._filters}
    assert columns == {
        "audit_entry.at",
        "audit_entry.action",
        "audit_entry.entity",
        "audit_entry.entity_id",
        "user.name",
    }


def test_labels_are_said_as_a_person_names_the_field():
    assert label_of("customer_type_id") == "Customer type"
    assert label_of("comm_sms") == "SMS communications"
    assert is_hidden("password_hash") and is_hidden("token_hash") and is_hidden("locked_until")
