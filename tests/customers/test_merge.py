"""Merging customers (seed 004 "Merge Customer"): everything moves, nothing is lost, the absorbed
customer stays as a tombstone, and the merge can be undone for a while."""

from __future__ import annotations

import itertools
import threading
import time
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import Column, ForeignKey, Integer, Table, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from extensions import db
from models import (
    Asset,
    AssetGroup,
    Attachment,
    AuditEntry,
    Base,
    Branch,
    Communication,
    Contact,
    Contract,
    CreditNote,
    CreditNoteLine,
    Customer,
    CustomerServicePlan,
    DomainError,
    Invoice,
    InvoiceAddress,
    InvoiceLine,
    InvoiceStatus,
    OutboxMessage,
    Payment,
    PaymentAllocation,
    PaymentMethod,
    PhoneNumber,
    PortalAccess,
    PriceBook,
    ServicePlan,
    ServiceReminder,
    StoredCard,
    User,
    Work,
    WorkAddress,
)
from models.core.base import utcnow
from models.customers.merge import customer_foreign_keys, merge_customers, merge_preview, unmerge
from models.customers.merge_rows import MOVED, NOT_MOVED, fk_name, moved_columns
from models.money.balances import customer_balance
from tests.factories import make_customer

_serial = itertools.count(1)


# --- building records ------------------------------------------------------------------------


def lookup(model, name: str):
    return db.session.scalar(select(model).where(model.name == name))


def customer(surname: str, **fields) -> Customer:
    return make_customer(surname=surname, first_name=fields.pop("first_name", surname), **fields)


def give_everything(owner: Customer, tenant_owner: Customer) -> None:
    """At least one row of every kind that points at a customer, money included: a primary
    contact, a branch, a work address, one let to `tenant_owner` with `owner` as landlord …"""
    n = next(_serial)
    boiler, card = lookup(AssetGroup, "Boiler"), lookup(PaymentMethod, "Card")
    boiler_care = lookup(ServicePlan, "Boiler care")
    with db.session.no_autoflush:  # nothing half-built is flushed by a lazy load
        branch = Branch(customer=owner, name=f"Branch {n}", address_line_1=f"{n} Branch Road")
        address = WorkAddress(
            customer=owner, branch=branch, address_line_1=f"{n} Owned Street", postcode="M3 3CC"
        )
        let = WorkAddress(customer=tenant_owner, landlord=owner, address_line_1=f"{n} Let Street")
        asset = Asset(
            customer=owner,
            work_address=address,
            asset_group=boiler,
            technical_reference="Boiler, kitchen",
        )
        work = Work(customer=owner, work_address=address, description="Install a boiler")
        invoice = Invoice(
            customer=owner,
            number=f"INV-T{n}",
            status=InvoiceStatus.issued,
            description="Boiler installation",
            invoice_date=date(2026, 1, 1),
            due_on=date(2026, 1, 31),
            lines=[
                InvoiceLine(
                    description="Labour",
                    unit_price=Decimal("200.00"),
                    tax_rate=Decimal("20"),
                    work=work,
                )
            ],
        )
        credit = CreditNote(
            customer=owner,
            invoice=invoice,
            description="Goodwill",
            credit_date=date(2026, 1, 5),
            lines=[CreditNoteLine(description="Goodwill", unit_price=Decimal("10.00"))],
        )
        payment = Payment(
            customer=owner,
            paid_on=date(2026, 1, 10),
            payment_method=card,
            amount=Decimal("150.00"),
            allocations=[
                PaymentAllocation(
                    invoice=invoice, amount=Decimal("100.00"), allocated_on=date.today()
                )
            ],
        )
        owner.invoice_addresses.append(
            InvoiceAddress(name=f"Insurer {n}", address_line_1="1 Claim")
        )
        db.session.add_all(
            [
                Contact(customer=owner, surname=f"Contact {n}", is_primary=True),
                let,
                asset,
                credit,
                payment,
                Communication(customer=owner, work_address=address, body="Called about the boiler"),
                Attachment(
                    customer=owner,
                    original_name="plan.pdf",
                    stored_name=f"{owner.id}/plan-{n}.pdf",
                    content_type="application/pdf",
                    size_bytes=10,
                    description="Floor plan",
                ),
                Contract(customer=owner, reference=f"CT-{n}", start_date=date(2026, 1, 1)),
                CustomerServicePlan(
                    customer=owner,
                    service_plan=boiler_care,
                    expires_on=date(2027, 1, 1),
                    work_addresses=[address],
                ),
                ServiceReminder(
                    customer=owner,
                    work_address=address,
                    asset=asset,
                    description="Annual service",
                    due_on=date(2026, 6, 1),
                ),
                PortalAccess(
                    customer=owner, token_hash=f"hash-{n}", expires_at=utcnow() + timedelta(days=30)
                ),
                StoredCard(
                    customer=owner,
                    cardholder_name="A Owner",
                    last_four="4242",
                    expiry_month=12,
                    expiry_year=2030,
                ),
                OutboxMessage(
                    customer=owner, recipient="owner@example.com", subject="Statement", body="Hi"
                ),
            ]
        )
    db.session.commit()


def merged(keep: Customer, absorb: Customer, user: User):
    done = merge_customers(db.session, keep, absorb, user)
    db.session.commit()
    return done


# --- looking at the database -----------------------------------------------------------------


def pointing_at(customer_id: int) -> dict[str, int]:
    """How many rows each foreign key to customers has pointing at the customer, non-zero only."""
    counts = {
        fk_name(fk): db.session.scalar(
            select(func.count()).select_from(fk.parent.table).where(fk.parent == customer_id)
        )
        for fk in customer_foreign_keys()
    }
    return {name: count for name, count in counts.items() if count}


def table_counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in Base.metadata.sorted_tables
    }


def snapshot(leave_out: set[str] = frozenset(), skip_tables=("audit_entry",)) -> dict:
    """Every row of every table, in key order, without the columns left out (table.column or
    column)."""
    rows = {}
    for table in Base.metadata.sorted_tables:
        if table.name in skip_tables:
            continue
        columns = [
            column
            for column in table.columns
            if column.name not in leave_out and f"{table.name}.{column.name}" not in leave_out
        ]
        query = select(*columns).order_by(*table.primary_key.columns)
        rows[table.name] = [tuple(row) for row in db.session.execute(query)]
    return rows


@pytest.fixture
def office(users) -> User:
    return users["office"]


# --- preview ---------------------------------------------------------------------------------


def test_the_preview_counts_each_kind_and_the_fields_to_fill_and_changes_nothing(app, office):
    keep = customer("Keep", email=None, phones=[PhoneNumber(number="0161 496 0999")])
    absorb = customer("Absorb", email="absorb@example.com")
    give_everything(absorb, customer("Tenant"))
    db.session.add(Contact(customer=absorb, surname="Second"))
    db.session.commit()
    before = snapshot(skip_tables=())

    preview = merge_preview(db.session, keep, absorb)

    assert snapshot(skip_tables=()) == before
    assert preview.moves == {
        "Contacts": 2,
        "Phone numbers": 1,
        "Branches": 1,
        "Work addresses": 1,
        "Work addresses it is the landlord of": 1,
        "Assets": 1,
        "Works": 1,
        "Invoices": 1,
        "Credit notes": 1,
        "Payments": 1,
        "Communications": 1,
        "Files": 1,
        "Contracts": 1,
        "Service plans": 1,
        "Reminders": 1,
        "Invoice addresses": 1,
        "Stored cards": 1,
        "Sent and queued email": 1,
    }
    assert preview.fills == {"email": (None, "absorb@example.com")}
    assert preview.duplicates == {}
    assert preview.portal_links_revoked == 1


# --- moving ----------------------------------------------------------------------------------


def test_every_kind_of_row_moves_and_only_the_tombstone_and_revoked_links_stay(app, office):
    keep, absorb, tenant = customer("Keep"), customer("Absorb"), customer("Tenant")
    give_everything(absorb, tenant)
    give_everything(keep, tenant)
    earlier = customer("Earlier")
    merged(absorb, earlier, office)
    had = pointing_at(absorb.id)
    assert set(had) == set(MOVED) | set(NOT_MOVED), "the record lacks a kind: add it above"
    kept_before = pointing_at(keep.id)
    counts_before = table_counts()

    merged(keep, absorb, office)

    assert pointing_at(absorb.id) == {"portal_access.customer_id": 1}
    assert db.session.scalar(select(PortalAccess.revoked_at).filter_by(customer_id=absorb.id))
    assert db.session.scalar(select(PortalAccess.revoked_at).filter_by(customer_id=keep.id)) is None
    now_on_keep = pointing_at(keep.id)
    for name in MOVED:
        tombstone = name == "customer.merged_into_id"  # the absorbed customer itself
        assert now_on_keep[name] == kept_before.get(name, 0) + had[name] + tombstone, name
    assert db.session.get(Customer, earlier.id).merged_into_id == keep.id  # one hop
    after = table_counts()
    assert after.pop("audit_entry") == counts_before.pop("audit_entry") + 1
    assert after == counts_before  # nothing deleted, nothing created


def test_every_foreign_key_to_customers_is_either_moved_or_explained():
    names = [fk_name(fk) for fk in customer_foreign_keys()]
    assert len(names) == len(set(names))
    assert set(names) == set(MOVED) | set(NOT_MOVED)
    assert not set(MOVED) & set(NOT_MOVED)


def test_a_new_foreign_key_to_customers_that_nobody_classified_stops_the_merge():
    table = Table(
        "loyalty_card",
        Base.metadata,
        Column("id", Integer, primary_key=True),
        Column("customer_id", ForeignKey("customer.id")),
    )
    try:
        assert "loyalty_card.customer_id" in {fk_name(fk) for fk in customer_foreign_keys()}
        with pytest.raises(LookupError, match="loyalty_card.customer_id"):
            moved_columns()
    finally:
        Base.metadata.remove(table)


def test_the_absorbed_customer_stays_as_a_tombstone_pointing_at_the_kept_one(app, office):
    keep, absorb = customer("Keep"), customer("Absorb", status="dormant")

    merged(keep, absorb, office)

    tombstone = db.session.get(Customer, absorb.id)
    assert tombstone.merged_into is db.session.get(Customer, keep.id)
    assert tombstone.merged_at is not None
    assert tombstone.status == "dormant"
    assert tombstone.surname == "Absorb"


def test_a_customer_others_were_merged_into_cannot_be_deleted_from_under_them(app, office):
    keep, absorb = customer("Keep"), customer("Absorb")
    merged(keep, absorb, office)

    db.session.delete(db.session.get(Customer, keep.id))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


# --- filling and de-duplicating --------------------------------------------------------------


def test_empty_fields_of_the_kept_customer_are_filled_and_filled_ones_kept(app, office):
    keep = customer("Keep", email=None, business_area="Heating", custom_fields={"gate": ""})
    absorb = customer(
        "Absorb",
        email="absorb@example.com",
        statement_email="accounts@example.com",
        business_area="Plumbing",
        salesperson=office,
        price_book=lookup(PriceBook, "Trade"),
        postcode="M9 9ZZ",
        custom_fields={"gate": "1234", "dog": "friendly"},
    )

    preview = merged(keep, absorb, office)

    kept = db.session.get(Customer, keep.id)
    assert (kept.email, kept.statement_email) == ("absorb@example.com", "accounts@example.com")
    assert kept.salesperson == office and kept.price_book.name == "Trade"
    assert kept.custom_fields == {"gate": "1234", "dog": "friendly"}
    assert kept.business_area == "Heating"  # not overwritten
    assert (kept.address_line_1, kept.postcode) == ("12 Analytical Row", "M1 1AA")  # not mixed
    assert preview.fills["salesperson"] == (None, office)
    assert "business_area" not in preview.fills and "postcode" not in preview.fills


def test_an_address_is_taken_whole_when_the_kept_customer_has_none(app, office):
    keep = customer("Keep")
    keep.address_line_1, keep.postcode, keep.town = "", None, "Leftover"
    db.session.commit()
    absorb = customer("Absorb", address_line_1="9 Whole Street", postcode="M9 9ZZ", town=None)

    merged(keep, absorb, office)

    kept = db.session.get(Customer, keep.id)
    assert (kept.address_line_1, kept.postcode, kept.town) == ("9 Whole Street", "M9 9ZZ", None)
    assert kept.address_key == "9 whole street|M99ZZ"


def test_the_same_phone_on_both_keeps_both_and_is_reported_as_a_duplicate(app, office):
    keep = customer("Keep", phones=[PhoneNumber(number="07700 900123")])
    absorb = customer("Absorb", phones=[PhoneNumber(number="+44 7700 900123")])

    assert merge_preview(db.session, keep, absorb).duplicates == {
        "Phone numbers already on the kept customer": 1
    }
    merged(keep, absorb, office)

    numbers = db.session.scalars(select(PhoneNumber.number).filter_by(customer_id=keep.id))
    assert sorted(numbers) == ["+44 7700 900123", "07700 900123"]


def test_only_the_kept_customers_primary_contact_stays_primary(app, office):
    keep, absorb = customer("Keep"), customer("Absorb")
    db.session.add_all(
        [
            Contact(customer=keep, surname="Kept primary", is_primary=True),
            Contact(customer=absorb, surname="Absorbed primary", is_primary=True),
        ]
    )
    db.session.commit()

    done = merged(keep, absorb, office)

    primaries = db.session.scalars(
        select(Contact.surname).filter_by(customer_id=keep.id, is_primary=True)
    ).all()
    assert primaries == ["Kept primary"]
    assert db.session.scalar(select(func.count(Contact.id)).filter_by(customer_id=keep.id)) == 2
    assert done.duplicates["Primary contact (the kept customer's stays primary)"] == 1


def test_an_invoice_address_both_use_stays_linked_to_the_tombstone(app, office):
    shared = InvoiceAddress(name="Insurer", address_line_1="1 Claim Street")
    keep = customer("Keep", invoice_addresses=[shared])
    absorb = customer("Absorb", invoice_addresses=[shared])

    done = merged(keep, absorb, office)

    assert done.duplicates["Invoice addresses already on the kept customer"] == 1
    assert [a.name for a in db.session.get(Customer, keep.id).invoice_addresses] == ["Insurer"]
    assert [a.name for a in db.session.get(Customer, absorb.id).invoice_addresses] == ["Insurer"]


# --- refusals --------------------------------------------------------------------------------


def assert_refused(keep: Customer, absorb: Customer, user: User, message: str) -> None:
    before = snapshot(skip_tables=())
    with pytest.raises(DomainError, match=message):
        merge_preview(db.session, keep, absorb)
    with pytest.raises(DomainError, match=message):
        merge_customers(db.session, keep, absorb, user)
    db.session.rollback()
    assert snapshot(skip_tables=()) == before


def test_a_customer_cannot_be_merged_into_itself(app, office):
    ada = customer("Ada")
    give_everything(ada, customer("Tenant"))
    assert_refused(ada, ada, office, "A customer cannot be merged into itself.")


def test_a_merged_customer_cannot_be_merged_again_nor_merged_into(app, office):
    keep, absorb, other = customer("Keep"), customer("Absorb"), customer("Other")
    merged(keep, absorb, office)
    assert_refused(other, absorb, office, "already merged into .*: it cannot be merged again")
    assert_refused(absorb, other, office, "already merged into .*: merge into that one")


def test_a_landlord_cannot_be_merged_with_its_tenant(app, office):
    landlord, tenant = customer("Landlord"), customer("Tenant")
    db.session.add(WorkAddress(customer=tenant, landlord=landlord, address_line_1="3 Let Row"))
    db.session.commit()
    assert_refused(landlord, tenant, office, "Landlord is the landlord of 3 Let Row")
    assert_refused(tenant, landlord, office, "Landlord is the landlord of 3 Let Row")


# --- money and the trail ---------------------------------------------------------------------


def test_the_kept_customers_balance_is_the_sum_of_both_before(app, office):
    keep, absorb, tenant = customer("Keep"), customer("Absorb"), customer("Tenant")
    give_everything(keep, tenant)
    give_everything(absorb, tenant)
    db.session.add(
        Payment(
            customer=absorb,
            paid_on=date(2026, 2, 1),
            payment_method=lookup(PaymentMethod, "Cash"),
            amount=Decimal("35.00"),
        )
    )
    db.session.commit()
    before = [customer_balance(db.session, c.id) for c in (keep, absorb)]

    merged(keep, absorb, office)

    after = customer_balance(db.session, keep.id)
    for figure in ("invoiced", "credited", "allocated", "received", "balance", "account_credit"):
        assert getattr(after, figure) == sum(getattr(b, figure) for b in before), figure
    assert after.account_credit == Decimal("135.00")
    assert customer_balance(db.session, absorb.id).received == Decimal("0.00")


def test_the_audit_entry_names_both_customers_and_counts_what_moved(app, office):
    keep, absorb = customer("Keep"), customer("Absorb")
    give_everything(absorb, customer("Tenant"))
    names = (absorb.display_name, keep.display_name)

    done = merged(keep, absorb, office)

    entry = db.session.scalar(select(AuditEntry).filter_by(action="merge"))
    assert (entry.entity, entry.entity_id, entry.user_id) == ("customer", str(keep.id), office.id)
    assert entry.summary == (f"Merged C{absorb.id:06d} {names[0]} into C{keep.id:06d} {names[1]}")
    assert names[0] == "Mrs Absorb Absorb"
    assert entry.changes["kept_id"] == keep.id
    assert entry.changes["absorbed_id"] == absorb.id
    assert entry.changes["absorbed_name"] == names[0]
    assert entry.changes["counts"] == done.moves
    assert entry.changes["counts"]["Invoices"] == 1


# --- undoing ---------------------------------------------------------------------------------


def test_unmerging_puts_every_row_and_field_back(app, office):
    keep = customer("Keep", email=None, phones=[PhoneNumber(number="07700 900123")])
    absorb = customer("Absorb", email="absorb@example.com", latitude=Decimal("53.480000"))
    tenant = customer("Tenant")
    give_everything(keep, tenant)
    give_everything(absorb, tenant)
    shared = db.session.get(Customer, keep.id).invoice_addresses[0]
    db.session.get(Customer, absorb.id).invoice_addresses.append(shared)  # left on the tombstone
    db.session.commit()
    merged(absorb, customer("Earlier"), office)  # a tombstone pointing at the absorbed one
    # Portal links stay revoked on purpose; versions and update times move on.
    leave_out = {"updated_at", "version", "portal_access.revoked_at"}
    before = snapshot(leave_out)

    merged(keep, absorb, office)
    assert snapshot(leave_out) != before
    unmerge(db.session, db.session.get(Customer, absorb.id), office)
    db.session.commit()

    assert snapshot(leave_out) == before
    assert db.session.scalar(select(PortalAccess.revoked_at).filter_by(customer_id=absorb.id))
    entry = db.session.scalar(select(AuditEntry).filter_by(action="unmerge"))
    assert (entry.changes["kept_id"], entry.changes["absorbed_id"]) == (keep.id, absorb.id)


def test_a_merge_cannot_be_undone_after_30_days(app, office):
    keep, absorb = customer("Keep"), customer("Absorb")
    merged(keep, absorb, office)
    tombstone = db.session.get(Customer, absorb.id)
    tombstone.merged_at = utcnow() - timedelta(days=31)
    db.session.commit()

    with pytest.raises(DomainError, match="Merges can be undone for 30 days; this one was 31 days"):
        unmerge(db.session, tombstone, office)


def test_a_merge_cannot_be_undone_once_a_moved_row_was_deleted(app, office):
    keep, absorb = customer("Keep"), customer("Absorb")
    give_everything(absorb, customer("Tenant"))
    merged(keep, absorb, office)
    db.session.delete(db.session.scalar(select(Communication)))
    db.session.commit()
    before = snapshot(skip_tables=())

    with pytest.raises(DomainError, match=r"deleted or moved elsewhere \(communications\)"):
        unmerge(db.session, db.session.get(Customer, absorb.id), office)

    db.session.rollback()
    assert snapshot(skip_tables=()) == before


def test_a_merge_cannot_be_undone_once_something_new_was_attached(app, office):
    keep, absorb = customer("Keep"), customer("Absorb")
    give_everything(absorb, customer("Tenant"))
    merged(keep, absorb, office)
    db.session.add(Communication(customer_id=keep.id, body="Called after the merge"))
    db.session.commit()

    with pytest.raises(DomainError, match=r"added to .* since the merge \(communications\)"):
        unmerge(db.session, db.session.get(Customer, absorb.id), office)


def test_a_merge_cannot_be_undone_once_records_were_linked_across(app, office):
    keep, absorb = customer("Keep"), customer("Absorb")
    tenant = customer("Tenant")
    give_everything(keep, tenant)
    give_everything(absorb, tenant)
    merged(keep, absorb, office)
    kept_payment = db.session.scalar(select(Payment).order_by(Payment.id))  # keep's own
    absorbed_invoice = db.session.scalar(select(Invoice).order_by(Invoice.id.desc()))
    db.session.add(
        PaymentAllocation(
            payment=kept_payment,
            invoice=absorbed_invoice,
            amount=Decimal("10.00"),
            allocated_on=date.today(),
        )
    )
    db.session.commit()
    before = snapshot(skip_tables=())

    with pytest.raises(DomainError, match=r"linked across the two customers \(payment alloc"):
        unmerge(db.session, db.session.get(Customer, absorb.id), office)

    db.session.rollback()
    assert snapshot(skip_tables=()) == before


# --- racing ----------------------------------------------------------------------------------


@pytest.mark.own_app  # each racer commits on a connection of its own
def test_two_merges_racing_over_the_same_customers_cannot_both_succeed(app, office):
    """A into B and B into A at once: the second waits on the row locks, then is refused."""
    if db.engine.dialect.name == "sqlite":
        pytest.skip("row locks need PostgreSQL")
    a, b, tenant = customer("Alpha"), customer("Beta"), customer("Tenant")
    give_everything(a, tenant)
    give_everything(b, tenant)
    ids, user_id, engine = (a.id, b.id), office.id, db.engine
    on_a, on_b = pointing_at(a.id), pointing_at(b.id)
    counts_before = table_counts()
    db.session.rollback()  # the test's own transaction holds no snapshot meanwhile

    both_loaded = threading.Barrier(2, timeout=10)
    first_holds_locks, release_first = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def merge(name: str, keep_id: int, absorb_id: int, wait_for=None, hold=None) -> None:
        with Session(engine) as session:
            try:
                keep, absorb = session.get(Customer, keep_id), session.get(Customer, absorb_id)
                user = session.get(User, user_id)
                both_loaded.wait()  # both saw two live customers before either merged
                if wait_for is not None:
                    wait_for.wait(10)
                merge_customers(session, keep, absorb, user)
                if hold is not None:
                    first_holds_locks.set()
                    hold.wait(10)
                session.commit()
                outcome[name] = "merged"
            except Exception as error:  # reported below, whatever it is
                session.rollback()
                outcome[name] = error

    first = threading.Thread(target=merge, args=("first", ids[1], ids[0], None, release_first))
    second = threading.Thread(target=merge, args=("second", ids[0], ids[1], first_holds_locks))
    first.start()
    second.start()
    assert first_holds_locks.wait(10)
    time.sleep(0.5)
    assert second.is_alive(), "the second merge should wait for the first one's row locks"
    release_first.set()
    first.join(20)
    second.join(20)

    assert outcome["first"] == "merged"
    assert isinstance(outcome["second"], DomainError), outcome["second"]
    assert "already merged" in str(outcome["second"])
    db.session.expire_all()
    assert db.session.get(Customer, a.id).merged_into_id == b.id
    assert db.session.get(Customer, b.id).merged_into_id is None
    after = table_counts()
    assert after.pop("audit_entry") == counts_before.pop("audit_entry") + 1
    assert after == counts_before
    on_b_now = pointing_at(b.id)
    for name in MOVED:
        expected = on_a.get(name, 0) + on_b.get(name, 0) + (name == "customer.merged_into_id")
        assert on_b_now.get(name, 0) == expected, name
