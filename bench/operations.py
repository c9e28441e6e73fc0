"""The benchmark's domain operations, called as the pages call them, each run inside a
transaction rolled back afterwards: repeated runs and the stock comparison see the same data.

Related records (the record page's Related tab has no URL of its own: its count and its rows),
merging two large customers, importing work addresses from a CSV file, exporting the largest
customer's data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app
from sqlalchemy import select

from admin_views.core.paging import counted
from admin_views.customers.record_tabs import SHOWN_RELATED
from extensions import db
from models import Customer, User, act_as
from models.customers.merge import merge_customers
from models.customers.related import related_customers, related_ids
from models.data.address_import import guess_mapping, import_rows, read_csv
from models.data.export import customer_files, customer_tables, write_export_zip

from .cases import IMPORT, MERGE, RELATED, Target
from .measure import Result, Sample, repeated, timed

IMPORT_HEADER = "Title,First name,Surname,Address 1,Town,Postcode,Phone,Email,Landlord"
LANDLORDS = 500  # distinct landlords referred to by the imported rows
WARM_UP_ROWS = 1_000
MEGABYTE = 1024 * 1024


@dataclass(frozen=True)
class Operation:
    name: str
    result: Result
    target: Target
    rows: int = 0  # rows per run, for a rate


def in_rolled_back_transaction(app: Flask, user_email: str, work: Callable[[User], Sample]):
    """A run of `work(user)` as the user `user_email`, in a transaction then rolled back."""

    def run_once() -> Sample:
        with app.app_context():
            user = db.session.scalar(select(User).where(User.email == user_email))
            act_as(db.session, user)
            try:
                return work(user)
            finally:
                db.session.rollback()

    return run_once


def related(app: Flask, user_email: str, customer_id: int, repeat: int) -> Operation:
    def work(_user: User) -> Sample:
        customer = db.session.get(Customer, customer_id)

        def lookup() -> int:
            db.session.scalar(counted(related_ids(customer)))
            related_customers(db.session, customer, limit=SHOWN_RELATED)
            return 0

        return timed(lookup)

    run_once = in_rolled_back_transaction(app, user_email, work)
    name = f"Related records of customer {customer_id} (Related tab: count and rows)"
    return Operation(name, repeated(run_once, repeat), RELATED)


def merge(app: Flask, user_email: str, pair: tuple[int, int], repeat: int) -> Operation:
    keep_id, absorb_id = pair

    def work(user: User) -> Sample:
        keep, absorb = db.session.get(Customer, keep_id), db.session.get(Customer, absorb_id)

        def merged() -> int:
            merge_customers(db.session, keep, absorb, user)
            return 0

        return timed(merged)

    run_once = in_rolled_back_transaction(app, user_email, work)
    name = f"Merge customer {absorb_id} into {keep_id}"
    return Operation(name, repeated(run_once, repeat), MERGE)


def address_csv(app: Flask, customer_id: int, rows: int) -> bytes:
    """A file of `rows` new work addresses, each with a phone, an email and a landlord taken
    from existing customers by account number: every check of the import has work to do."""
    with app.app_context():
        landlords = db.session.scalars(
            select(Customer.id)
            .where(Customer.merged_into_id.is_(None), Customer.id != customer_id)
            .order_by(Customer.id)
            .limit(LANDLORDS)
        ).all()
    lines = [IMPORT_HEADER]
    for n in range(rows):
        landlord = f"C{landlords[n % len(landlords)]:06d}" if landlords else ""
        lines.append(
            f"Mr,John,Smith,{n + 1} Benchmark Street,Leeds,LS{n % 30} {n % 9}AB,"
            f"07700 9{n % 100_000:05d},john{n}@example{n % 50}.com,{landlord}"
        )
    return ("\n".join(lines) + "\n").encode()


def address_import(
    app: Flask, user_email: str, customer_id: int, rows: int, repeat: int
) -> Operation:
    """The import of `rows` addresses, reading the file included, as the import page runs it
    (warmed up on a smaller file)."""
    data = address_csv(app, customer_id, rows)
    warm_up = address_csv(app, customer_id, min(rows, WARM_UP_ROWS))

    def run_with(file: bytes):
        def work(_user: User) -> Sample:
            customer = db.session.get(Customer, customer_id)

            def load() -> int:
                parsed = read_csv(file, len(file))
                import_rows(db.session, customer, parsed, guess_mapping(parsed.header))
                return 0

            return timed(load)

        return in_rolled_back_transaction(app, user_email, work)

    result = repeated(run_with(data), repeat, warm_up=run_with(warm_up))
    name = (
        f"CSV import of {rows:,} work addresses into customer {customer_id} "
        f"({len(data) / MEGABYTE:.1f} MB file)"
    )
    return Operation(name, result, IMPORT, rows)


class ByteCounter:
    """A write-only sink: the export is produced in full and its size kept, not its bytes."""

    def __init__(self) -> None:
        self.size = 0

    def write(self, data: bytes) -> int:
        self.size += len(data)
        return len(data)

    def flush(self) -> None:
        pass


def export(app: Flask, user_email: str, customer_id: int, repeat: int) -> Operation:
    def work(_user: User) -> Sample:
        def write() -> int:
            sink = ByteCounter()
            folder = current_app.config["UPLOAD_FOLDER"]
            write_export_zip(
                db.session,
                customer_tables(db.session, customer_id),
                sink,
                customer_files(db.session, customer_id, folder),
            )
            return sink.size

        return timed(write)

    run_once = in_rolled_back_transaction(app, user_email, work)
    name = f"Export of all data of customer {customer_id} (ZIP)"
    return Operation(name, repeated(run_once, repeat), Target())
