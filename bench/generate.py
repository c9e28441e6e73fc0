"""Bulk data for benchmarks: `python -m bench.generate --database-url URL --customers N`.

The demo seed (`flask seed`) builds records through the ORM and the panel's rules: right for a
few hundred customers, far too slow for 100,000. This generator recreates the database, builds
the schema with the migrations (so the indexes are production's), adds the default lookups and
the users through the ORM, then writes the bulk rows in chunks with explicit ids, so foreign
keys are known without round trips: Core `insert()` executemany on SQLite, COPY on PostgreSQL.
Secondary indexes are dropped for the load and rebuilt from their own DDL after it. Derived
columns are filled as the models fill them: match and search keys, phone digits, versions,
timestamps, document numbers and their counters. Text comes from small pools drawn once from
Faker, and every pick from one seeded `random.Random`, so a seed repeats a run.

Measured on the 2-core development machine, 100,000 customers (about 3 million rows): SQLite
115 s, PostgreSQL 97 s.

Per ordinary customer, on average: 2 phone numbers, 0.5 work addresses, 5 works, 5 invoices
(mostly issued under gap-free numbers in date order, some drafts, a few void; 1-2 lines each),
3 payments (paying the oldest invoices first, never more than an invoice's total; the rest is
account credit) and 3 notes; companies have a contact. Whatever the scale, customer 1 is the
largest record (LARGEST) and customers 2 and 3, one person entered twice, are the pair a merge
benchmark merges (MERGE_SIDE each).
"""

from __future__ import annotations

import argparse
import json
import random
import time as clock
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from itertools import accumulate
from pathlib import Path
from typing import NamedTuple

import flask_migrate
from faker import Faker
from sqlalchemy import (
    JSON,
    Connection,
    Engine,
    Table,
    bindparam,
    create_engine,
    event,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session

from app import create_app
from extensions import db
from models import (
    AdvertisingSource,
    BuildingType,
    Communication,
    Contact,
    Customer,
    CustomerType,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    NumberSequence,
    Payment,
    PaymentAllocation,
    PaymentMethod,
    PhoneKind,
    PhoneNumber,
    PriceBook,
    Product,
    Role,
    Status,
    Title,
    User,
    VacantProperty,
    Work,
    WorkAddress,
    WorkStatus,
)
from models.customers import phones
from models.customers.entities import CREDITOR_DAYS
from models.customers.keys import (
    OCCUPIER,
    address_key,
    customer_keys,
    name_key,
    name_search_key,
    person_keys,
    reversed_digits,
    work_address_keys,
)
from models.money.numbering import SERIES
from seed.demo import COMMUNICATION_KIND
from seed.demo_money import INVOICE_STATUS, PARTS, REFERENCES
from seed.demo_run import STAFF, ensure_staff
from seed.demo_words import (
    COMPANY_NAMES,
    MESSAGES,
    POSITIONS,
    POSTCODE_UNIT,
    RELATIONS,
    SAFE_DOMAINS,
    STREETS,
    TOWNS,
    Town,
    communication_preferences,
    slug,
)
from seed.demo_works import FINISHED, SOLD, WORK_KIND, WORK_STATUS
from seed.lookups import CUSTOMER_TYPES as DEFAULT_CUSTOMER_TYPES
from seed.lookups import ensure_lookups

LARGEST_CUSTOMER_ID = 1
MERGE_PAIR = (2, 3)
BENCH_EMAIL = "bench@example.com"
BENCH_PASSWORD = "bench-password"  # noqa: S105 - a known login, for benchmark databases only

CHUNK = 10_000  # rows held per table before a write
HISTORY_DAYS = 730  # works, invoices, payments and notes spread over two years
DIGITS_CHECK_EVERY = 500  # every so many phone numbers, the digits are checked against the model
BULK_TABLES: tuple[Table, ...] = tuple(
    model.__table__
    for model in (Customer, Contact, WorkAddress, PhoneNumber, Work, Invoice, InvoiceLine)
    + (Payment, PaymentAllocation, Communication)
)  # parents before children: the order rows are written in


class Shape(NamedTuple):
    """How many rows of each kind one customer has."""

    phones: int
    contacts: int
    work_addresses: int
    works: int
    invoices: int
    payments: int
    notes: int


LARGEST = Shape(
    phones=5, contacts=20, work_addresses=100, works=1000, invoices=1000, payments=600, notes=600
)
MERGE_SIDE = Shape(
    phones=2, contacts=1, work_addresses=2, works=300, invoices=300, payments=200, notes=200
)
CUSTOMER_TYPES = {"Private": 62, "Landlord": 12, "Company": 12, "Estate agent": 5, "Builder": 5}
CUSTOMER_TYPES |= {"Housing association": 4}
COMPANY_TYPES = {name for name, is_company, _ in DEFAULT_CUSTOMER_TYPES if is_company}
PHONE_KINDS = {  # a customer's first, second … number: private customers, then companies
    False: (PhoneKind.mobile, PhoneKind.home, PhoneKind.work),
    True: (PhoneKind.office, PhoneKind.mobile, PhoneKind.fax, PhoneKind.office),
}
# First digit of the local number after these area codes (London 020 7/8…, Cardiff 029 2…).
LOCAL_START = {"020": "78", "029": "2", "028": "9"}
INVOICE_KIND = {InvoiceKind.final: 90, InvoiceKind.interim: 10}
ZERO_RATED = "heat pump"  # energy-saving installations carry no VAT (as seed.demo_money)
TAX_RATES = {0: Decimal("0.00"), 2000: Decimal("20.00")}  # basis points -> the column value
QUANTITIES = {n: Decimal(n).quantize(Decimal("0.01")) for n in (1, 2, 3)}
VACANCIES = tuple(VacantProperty)
DESCRIPTIONS = {"estimate": "Quote: {}", "opportunity": "Lead: {}", "job": "{}"}


class Weighted(NamedTuple):
    options: list
    cumulative: list[int]

    @classmethod
    def of(cls, weights: dict) -> Weighted:
        return cls(list(weights), list(accumulate(weights.values())))

    def pick(self, rng: random.Random):
        return rng.choices(self.options, cum_weights=self.cumulative)[0]


PICK_TYPE = Weighted.of(CUSTOMER_TYPES)
PICK_WOMAN_TITLE = Weighted.of({Title.Mrs: 45, Title.Ms: 30, Title.Miss: 18, Title.Dr: 7})
PICK_WORK_STATUS = Weighted.of(WORK_STATUS)
PICK_WORK_KIND = Weighted.of(WORK_KIND)
PICK_INVOICE_STATUS = Weighted.of(INVOICE_STATUS)
PICK_INVOICE_KIND = Weighted.of(INVOICE_KIND)
PICK_NOTE = Weighted.of(COMMUNICATION_KIND)


@dataclass(frozen=True)
class Pools:
    """Words drawn once from Faker; rows pick from them (Faker per row would be the slow part)."""

    men: list[str]
    women: list[str]
    surnames: list[str]  # drawn by frequency, so common names repeat as they do in life
    streets: list[str]


@dataclass(frozen=True)
class Lookups:
    """The ids bulk rows refer to, read once after the ORM added the defaults and the users."""

    customer_types: dict[str, int]
    building_types: list[int]
    advertising_sources: list[int]
    price_books: list[int]
    products: list[tuple[int, str, int]]  # id, name, unit price in pence
    payment_methods: list[tuple[int, str]]
    salespeople: list[int]
    staff: list[int]


class Loader:
    """Rows held per table and written in chunks, parents first, one transaction a write."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.rows: dict[Table, list[dict]] = {table: [] for table in BULK_TABLES}
        self.counts = dict.fromkeys((table.name for table in BULK_TABLES), 0)

    def add(self, table: Table, row: dict) -> None:
        rows = self.rows[table]
        rows.append(row)
        if len(rows) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        copy = self.engine.dialect.name == "postgresql"
        with self.engine.begin() as connection:
            for table, rows in self.rows.items():
                if rows:
                    _refuse_defaults(table, rows[0])
                    (_copy if copy else _insert)(connection, table, rows)
                    self.counts[table.name] += len(rows)
                    rows.clear()


def _refuse_defaults(table: Table, row: dict) -> None:
    """Every column with a Python-side default is given: COPY would not apply the default, and
    the values are then chosen here, not left to chance."""
    missing = [c.name for c in table.c if c.default is not None and c.name not in row]
    if missing:
        raise ValueError(f"{table.name} rows lack {', '.join(missing)}")


def _insert(connection: Connection, table: Table, rows: list[dict]) -> None:
    connection.execute(insert(table), rows)


def _copy(connection: Connection, table: Table, rows: list[dict]) -> None:
    """PostgreSQL's COPY: many times faster than a statement per row (measured: 100,000 works
    in 2.7 s against 11.6 s). psycopg adapts each value as it would a parameter; JSON columns
    get their text."""
    names = list(rows[0])
    quote = connection.dialect.identifier_preparer.quote
    json_names = {column.name for column in table.c if isinstance(column.type, JSON)}
    statement = f"COPY {quote(table.name)} ({', '.join(map(quote, names))}) FROM STDIN"
    with connection.connection.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            if json_names:
                row = {**row, **{name: json.dumps(row[name]) for name in json_names}}
            copy.write_row(tuple(row.values()))


@dataclass
class Run:
    """One generation: the random stream, what each customer gets, and where rows go."""

    rng: random.Random
    pools: Pools
    lookups: Lookups
    plan: list[tuple[str, Shape]]  # per customer id; index 0 unused
    out: Loader
    now: datetime
    today: date
    creditor_days: list[int] = field(default_factory=lambda: [0])
    statuses: list[Status] = field(default_factory=lambda: [Status.active])

    def first_ids(self, kind: str) -> list[int]:
        """Each customer's first id of a kind: those rows are written customer by customer."""
        firsts, next_id = [0], 1
        for _, shape in self.plan[1:]:
            firsts.append(next_id)
            next_id += getattr(shape, kind)
        return firsts

    def moment(self) -> datetime:
        return self.now - timedelta(seconds=self.rng.randrange(HISTORY_DAYS * 86_400))


def generate(database_url: str, customers: int, seed: int = 1) -> dict:
    """Recreate the database at `database_url` and fill it; return rows per table and seconds."""
    if customers < max(LARGEST_CUSTOMER_ID, *MERGE_PAIR):
        raise ValueError("Generate at least 3 customers: ids 1 to 3 have benchmark roles.")
    started = clock.perf_counter()
    url = _absolute(make_url(database_url))
    recreate_database(url)
    create_schema(url.render_as_string(hide_password=False))
    engine = _load_engine(url)
    try:
        rng = random.Random(seed)
        now = datetime.now(UTC).replace(microsecond=0)
        run = Run(
            rng=rng,
            pools=build_pools(rng),
            lookups=add_lookups_and_users(engine),
            plan=make_plan(rng, customers),
            out=Loader(engine),
            now=now,
            today=now.date(),
        )
        indexes = drop_indexes(engine)
        add_customers(run)
        works = add_works(run)
        issued, numbered = add_invoices(run)
        add_payments(run, issued)
        add_notes(run)
        run.out.flush()
        rebuild_indexes(engine, indexes)
        finish(engine, {"work": works, "invoice": numbered})
    finally:
        engine.dispose()
    return {**run.out.counts, "seconds": round(clock.perf_counter() - started, 1)}


def _absolute(url: URL) -> URL:
    """SQLite paths made absolute: Flask-SQLAlchemy would read a relative one from instance/."""
    if url.get_backend_name() != "sqlite":
        return url
    if not url.database or url.database == ":memory:":
        raise ValueError("Give SQLite a file: sqlite:////path/to/bench.db")
    return url.set(database=str(Path(url.database).resolve()))


def recreate_database(url: URL) -> None:
    """Start from nothing: the SQLite file deleted, or the PostgreSQL database dropped."""
    backend = url.get_backend_name()
    if backend == "sqlite":
        path = Path(url.database)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
    elif backend == "postgresql":
        if url.database in (None, "postgres", "template0", "template1"):
            raise ValueError("Name a database of its own for the benchmark data.")
        server = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with server.connect() as connection:
            name = connection.dialect.identifier_preparer.quote(url.database)
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            connection.exec_driver_sql(f"CREATE DATABASE {name}")
        server.dispose()
    else:
        raise ValueError(f"Only SQLite and PostgreSQL are supported, not {backend}.")


def create_schema(database_url: str) -> None:
    """The schema as production gets it: every migration, every index."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        flask_migrate.upgrade()
        db.engine.dispose()


def _load_engine(url: URL) -> Engine:
    """An engine tuned for a bulk load that can be redone from scratch if it fails."""
    if url.get_backend_name() == "postgresql":
        return create_engine(url, connect_args={"options": "-c synchronous_commit=off"})
    engine = create_engine(url)

    @event.listens_for(engine, "connect")
    def _fast_writes(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA cache_size=-262144")  # 256 MB: index builds sort in memory
        cursor.close()

    return engine


def drop_indexes(engine: Engine) -> list[str]:
    """Drop the bulk tables' secondary indexes for the load, returning their DDL as the database
    holds it: one sorted build per index afterwards beats keeping them up row by row, and the
    rebuilt indexes are exactly the migrations' (constraints' own indexes stay throughout)."""
    if engine.dialect.name == "postgresql":
        query = text(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()"
            " AND tablename IN :tables AND indexname NOT IN (SELECT conname FROM pg_constraint)"
        )
    else:
        query = text(
            "SELECT name, sql FROM sqlite_master"
            " WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN :tables"
        )
    query = query.bindparams(bindparam("tables", [t.name for t in BULK_TABLES], expanding=True))
    with engine.begin() as connection:
        indexes = connection.execute(query).all()
        quote = connection.dialect.identifier_preparer.quote
        for name, _ in indexes:
            connection.exec_driver_sql(f"DROP INDEX {quote(name)}")
    return [ddl for _, ddl in indexes]


def rebuild_indexes(engine: Engine, indexes: list[str]) -> None:
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql("SET LOCAL maintenance_work_mem = '512MB'")
        for ddl in indexes:
            connection.exec_driver_sql(ddl)


def build_pools(rng: random.Random) -> Pools:
    fake = Faker("en_GB")
    fake.seed_instance(rng.getrandbits(64))
    return Pools(
        men=[fake.first_name_male() for _ in range(400)],
        women=[fake.first_name_female() for _ in range(400)],
        surnames=[fake.last_name() for _ in range(4000)],
        streets=[f"{fake.last_name()} {rng.choice(STREETS)}" for _ in range(1000)],
    )


def add_lookups_and_users(engine: Engine) -> Lookups:
    """The demo's default lookups and staff, and the bench admin, through the ORM."""
    with Session(engine) as session:
        ensure_lookups(session)
        bench = User(email=BENCH_EMAIL, name="Bench Admin", role=Role.admin, active=True)
        bench.set_password(BENCH_PASSWORD)
        session.add(bench)
        staff = ensure_staff(session)
        session.flush()

        def active(model) -> list:
            return list(session.execute(select(model).where(model.active).order_by(model.id)))

        lookups = Lookups(
            customer_types={row.name: row.id for (row,) in active(CustomerType)},
            building_types=[row.id for (row,) in active(BuildingType)],
            advertising_sources=[row.id for (row,) in active(AdvertisingSource)],
            price_books=[row.id for (row,) in active(PriceBook)],
            products=[(p.id, p.name, int(p.unit_price * 100)) for (p,) in active(Product)],
            payment_methods=[(row.id, row.name) for (row,) in active(PaymentMethod)],
            salespeople=[user.id for user, (*_, sells) in zip(staff, STAFF, strict=True) if sells],
            staff=[bench.id, *(user.id for user in staff)],
        )
        session.commit()
    return lookups


def make_plan(rng: random.Random, customers: int) -> list[tuple[str, Shape]]:
    plan = [("", Shape(0, 0, 0, 0, 0, 0, 0))]
    for customer_id in range(1, customers + 1):
        if customer_id == LARGEST_CUSTOMER_ID:
            plan.append(("Housing association", LARGEST))
        elif customer_id in MERGE_PAIR:
            plan.append(("Private", MERGE_SIDE))
        else:
            type_name = PICK_TYPE.pick(rng)
            company = type_name in COMPANY_TYPES
            shape = Shape(
                phones=rng.randint(1, 3),
                contacts=1 if company else int(rng.random() < 0.1),
                work_addresses=rng.choices((0, 1, 2), cum_weights=(65, 85, 100))[0],
                works=rng.randint(0, 10),
                invoices=rng.randint(0, 10),
                payments=rng.randint(0, 6),
                notes=rng.randint(0, 6),
            )
            plan.append((type_name, shape))
    return plan


def add_customers(run: Run) -> None:
    """Customers with their phones, contacts and work addresses."""
    rng, out = run.rng, run.out
    phone_id = contact_id = address_id = 0
    twin: dict = {}
    for customer_id, (type_name, shape) in enumerate(run.plan[1:], start=1):
        if customer_id == MERGE_PAIR[1]:  # the same person entered twice, a week later
            later = twin["created_at"] + timedelta(days=7)
            row = dict(twin, id=customer_id, created_at=later, updated_at=later)
        else:
            town = rng.choice(TOWNS)
            row = customer_row(run, customer_id, type_name, town)
        if customer_id == MERGE_PAIR[0]:
            twin = row
        out.add(Customer.__table__, row)
        run.creditor_days.append(row["creditor_days"])
        run.statuses.append(row["status"])
        kinds = PHONE_KINDS[type_name in COMPANY_TYPES]
        for index in range(shape.phones):
            phone_id += 1
            kind = kinds[min(index, len(kinds) - 1)]
            number = mobile(rng) if kind is PhoneKind.mobile else landline(rng, town)
            out.add(PhoneNumber.__table__, phone_row(phone_id, kind, number, customer_id, None))
        for _ in range(shape.contacts):
            contact_id += 1
            out.add(Contact.__table__, contact_row(run, contact_id, customer_id, type_name, row))
            phone_id += 1
            number = mobile(rng)
            out.add(
                PhoneNumber.__table__,
                phone_row(phone_id, PhoneKind.mobile, number, None, contact_id),
            )
        for _ in range(shape.work_addresses):
            address_id += 1
            out.add(WorkAddress.__table__, work_address_row(run, address_id, customer_id))


def customer_row(run: Run, customer_id: int, type_name: str, town: Town) -> dict:
    rng, lookups = run.rng, run.lookups
    company = type_name in COMPANY_TYPES
    title = first_name = surname = company_name = None
    if company:
        template = rng.choice(COMPANY_NAMES[type_name])
        other = rng.choice(run.pools.surnames)
        company_name = template.format(
            last=rng.choice(run.pools.surnames), other=other, town=town.name, county=town.county
        )
        email = f"info@{slug(company_name)}.{rng.choice(SAFE_DOMAINS)}"
    else:
        title, first_name, surname = person(run)
        number = rng.randrange(100) if rng.random() < 0.4 else ""
        email = f"{slug(first_name)}.{slug(surname)}{number}@{rng.choice(SAFE_DOMAINS)}"
    address = postal_address(run, town)
    created = run.moment()
    salesperson = rng.choice(lookups.salespeople) if rng.random() < 0.85 else None
    return {
        "id": customer_id,
        "customer_type_id": lookups.customer_types[type_name],
        "status": Status.dormant if rng.random() < 0.05 else Status.active,
        "title": title,
        "first_name": first_name,
        "surname": surname,
        "company_name": company_name,
        **address,
        "region": town.region,
        "latitude": Decimal(town.latitude) + Decimal(rng.randint(-40000, 40000)).scaleb(-6),
        "longitude": Decimal(town.longitude) + Decimal(rng.randint(-40000, 40000)).scaleb(-6),
        "email": email,
        "salesperson_id": salesperson,
        "representative_id": salesperson,  # as apply_customer_defaults does
        "advertising_source_id": rng.choice(lookups.advertising_sources),
        "building_type_id": rng.choice(lookups.building_types),
        "price_book_id": rng.choice(lookups.price_books),
        "creditor_days": rng.choice([days for days in CREDITOR_DAYS if (days >= 14) == company]),
        "vacant_property": VacantProperty.unknown,
        "after_sales_communication": rng.random() < 0.85,
        "invalid_email": rng.random() < 0.02,
        "custom_fields": {},
        **communication_preferences(rng),
        "name_key": name_key(first_name, surname),
        "address_key": address_key(address["address_line_1"], address["postcode"]),
        **customer_keys(first_name, surname, company_name, address["postcode"], email),
        "version": 1,
        "created_at": created,
        "updated_at": created,
    }


def person(run: Run) -> tuple[Title, str, str]:
    rng, pools = run.rng, run.pools
    if rng.random() < 0.5:
        title = Title.Dr if rng.random() < 0.05 else Title.Mr
        return title, rng.choice(pools.men), rng.choice(pools.surnames)
    return PICK_WOMAN_TITLE.pick(rng), rng.choice(pools.women), rng.choice(pools.surnames)


def postal_address(run: Run, town: Town) -> dict[str, str]:
    rng = run.rng
    unit = rng.choice(POSTCODE_UNIT) + rng.choice(POSTCODE_UNIT)
    district = f"{rng.choice(town.postcode_areas)}{rng.randint(1, 20)}"
    return {
        "address_line_1": f"{rng.randint(1, 240)} {rng.choice(run.pools.streets)}",
        "town": town.name,
        "county": town.county,
        "postcode": f"{district} {rng.randint(1, 9)}{unit}",
        "country": "United Kingdom",
    }


def mobile(rng: random.Random) -> tuple[str, str]:
    """A UK mobile number as typed, and the digits `phones.normalise` makes of it."""
    national = f"07{rng.choice('45789')}{rng.randrange(10**8):08d}"
    return f"{national[:5]} {national[5:]}", f"44{national[1:]}"


def landline(rng: random.Random, town: Town) -> tuple[str, str]:
    """A number in the town's area code (11 digits in all), as typed, and its digits."""
    area = town.landline.split()[0]  # "0161", "020"
    rest = 10 - len(area)
    local = f"{rng.choice(LOCAL_START.get(area, '2345678'))}{rng.randrange(10**rest):0{rest}d}"
    split = 3 if len(area) == 4 else 4
    return f"{area} {local[:split]} {local[split:]}", f"44{area[1:]}{local}"


def phone_row(
    phone_id: int,
    kind: PhoneKind,
    number: tuple[str, str],
    customer_id: int | None,
    contact_id: int | None,
) -> dict:
    typed, digits = number
    if phone_id % DIGITS_CHECK_EVERY == 1:
        assert phones.normalise(typed) == digits, f"{typed} normalises to other digits"
    return {
        "id": phone_id,
        "customer_id": customer_id,
        "contact_id": contact_id,
        "kind": kind,
        "number": typed,
        "digits": digits,
        "digits_reversed": reversed_digits(digits),
    }


def contact_row(run: Run, contact_id: int, customer_id: int, type_name: str, owner: dict) -> dict:
    rng = run.rng
    title, first_name, surname = person(run)
    company = type_name in COMPANY_TYPES
    if company:
        email = f"{slug(first_name)}.{slug(surname)}@{owner['email'].split('@')[1]}"
    else:
        email = None
    return {
        "id": contact_id,
        "customer_id": customer_id,
        "title": title,
        "first_name": first_name,
        "surname": surname,
        "position": rng.choice(POSITIONS if company else RELATIONS),
        "email": email,
        "is_primary": not company,  # private customers have one contact at most: the primary
        **communication_preferences(rng),
        **person_keys(first_name, surname),
        "version": 1,
        "created_at": owner["created_at"],
        "updated_at": owner["created_at"],
    }


def work_address_row(run: Run, address_id: int, customer_id: int) -> dict:
    rng = run.rng
    named = rng.random() < 0.4  # otherwise the occupier stays "Occupier"
    title, first_name, surname = person(run) if named else (None, None, OCCUPIER)
    created = run.moment()
    address = postal_address(run, rng.choice(TOWNS))
    return {
        "id": address_id,
        "customer_id": customer_id,
        **address,
        "status": run.statuses[customer_id],  # a dormant customer's properties are dormant too
        "building_type_id": rng.choice(run.lookups.building_types),
        "occupier_title": title,
        "occupier_first_name": first_name,
        "occupier_surname": surname,
        "vacant_property": rng.choice(VACANCIES),
        "after_sales_communication": rng.random() < 0.8,
        "is_invoice_address": False,
        "custom_fields": {},
        **communication_preferences(rng),
        **work_address_keys(address["address_line_1"], address["postcode"], surname),
        "version": 1,
        "created_at": created,
        "updated_at": created,
    }


def add_works(run: Run) -> int:
    """Each customer's works, numbered in id order; returns how many."""
    rng, today = run.rng, run.today
    address_first = run.first_ids("work_addresses")
    work_id = 0
    for customer_id, (_, shape) in enumerate(run.plan[1:], start=1):
        for _ in range(shape.works):
            work_id += 1
            status, kind = PICK_WORK_STATUS.pick(rng), PICK_WORK_KIND.pick(rng)
            product_id, name, price = rng.choice(run.lookups.products)
            units = rng.randint(1, 3)
            units_sold = rng.randint(1, units) if status in SOLD else 0
            sale = _pounds(price * units_sold) if status in SOLD else None
            finished = status in FINISHED  # and so visited: received a month ago or more
            received = today - timedelta(days=rng.randrange(30 if finished else 0, HISTORY_DAYS))
            appointment = received + timedelta(days=rng.randint(0, 21))
            address = None
            if shape.work_addresses and rng.random() < 0.7:
                address = address_first[customer_id] + rng.randrange(shape.work_addresses)
            created = datetime.combine(received, time(8), tzinfo=UTC)
            row = {
                "id": work_id,
                "number": f"{SERIES['work']}{work_id:06d}",  # as models.money.numbering.next_number
                "kind": kind,
                "status": status,
                "customer_id": customer_id,
                "work_address_id": address,
                "description": DESCRIPTIONS[kind].format(name),
                "product_id": product_id,
                "units_total": units,
                "units_sold": units_sold,
                "sale_amount": sale,
                "estimated_amount": _pounds(price * units),
                "final_amount": (
                    (Decimal("0.00") if status is WorkStatus.free_of_charge else sale)
                    if finished
                    else None
                ),
                "received_on": received,
                "appointment_on": appointment,
                "appointment_time": time(rng.choice((8, 9, 10, 11, 13, 14, 15)), 0),
                "completed_on": min(appointment + timedelta(days=2), today) if finished else None,
                "custom_fields": {},
                "version": 1,
                "created_at": created,
                "updated_at": created,
            }
            run.out.add(Work.__table__, row)
    return work_id


def add_invoices(run: Run) -> tuple[list[list[tuple[int, date, int]]], int]:
    """Invoices in date order across all customers, so numbers, ids and dates rise together.

    Returns each customer's issued invoices (id, date, total in pence), oldest first, and how
    many numbers were taken."""
    rng, today = run.rng, run.today
    work_first = run.first_ids("works")
    owners = [cid for cid, (_, shape) in enumerate(run.plan) for _ in range(shape.invoices)]
    rng.shuffle(owners)
    first_day = today - timedelta(days=HISTORY_DAYS)
    issued: list[list[tuple[int, date, int]]] = [[] for _ in run.plan]
    numbered = line_id = 0
    for index, customer_id in enumerate(owners):
        invoice_id = index + 1
        status, kind = PICK_INVOICE_STATUS.pick(rng), PICK_INVOICE_KIND.pick(rng)
        number = None
        if status is InvoiceStatus.draft:  # drafts are recent and have no number yet
            invoice_date = today - timedelta(days=rng.randrange(21))
        else:
            invoice_date = first_day + timedelta(days=index * HISTORY_DAYS // len(owners))
            numbered += 1
            number = f"{SERIES['invoice']}{numbered:06d}"
        product_id, name, price = rng.choice(run.lookups.products)
        works = run.plan[customer_id][1].works
        work_id = work_first[customer_id] + rng.randrange(works) if works else None
        rate = 0 if ZERO_RATED in name.lower() else 2000
        items = [(name, "labour", 1, price if kind is InvoiceKind.final else price // 2)]
        if rng.random() < 0.5:
            part, low, high = rng.choice(PARTS)
            items.append((part, "parts", rng.randint(1, 3), rng.randint(low * 100, high * 100)))
        # As LineMixin.gross rounds: net in pence, then tax half to even.
        total = sum(q * p + _half_even(q * p * rate, 10_000) for _, _, q, p in items)
        run.out.add(
            Invoice.__table__,
            {
                "id": invoice_id,
                "number": number,
                "customer_id": customer_id,
                "description": name if kind is InvoiceKind.final else f"Interim (50%): {name}",
                "invoice_date": invoice_date,
                "due_on": invoice_date + timedelta(days=run.creditor_days[customer_id]),
                "kind": kind,
                "status": status,
                "issued_at": (
                    None if number is None else datetime.combine(invoice_date, time(9), tzinfo=UTC)
                ),
                "voided_on": (
                    min(invoice_date + timedelta(days=rng.randint(1, 20)), today)
                    if status is InvoiceStatus.void
                    else None
                ),
                "void_reason": "Raised in error" if status is InvoiceStatus.void else None,
                "total_cents": total,
                "version": 1,
                "created_at": datetime.combine(invoice_date, time(8), tzinfo=UTC),
                "updated_at": datetime.combine(invoice_date, time(9), tzinfo=UTC),
            },
        )
        for description, category, quantity, pence in items:
            line_id += 1
            run.out.add(
                InvoiceLine.__table__,
                {
                    "id": line_id,
                    "invoice_id": invoice_id,
                    "work_id": work_id,
                    "description": description,
                    "category": category,
                    "quantity": QUANTITIES[quantity],
                    "unit_price": _pounds(pence),
                    "tax_rate": TAX_RATES[rate],
                },
            )
        if status is InvoiceStatus.issued:
            issued[customer_id].append((invoice_id, invoice_date, total))
    return issued, numbered


def add_payments(run: Run, issued: list[list[tuple[int, date, int]]]) -> None:
    """Payments pay a customer's oldest issued invoices first: most in full, some in part,
    a few with money over; payments beyond the issued invoices are account credit."""
    rng, today = run.rng, run.today
    payment_id = allocation_id = 0
    for customer_id, (_, shape) in enumerate(run.plan[1:], start=1):
        invoices = issued[customer_id]
        for index in range(shape.payments):
            payment_id += 1
            method_id, method = rng.choice(run.lookups.payment_methods)
            reference = REFERENCES.get(method, "").format(n=rng.randint(10_000, 999_999)) or None
            if index < len(invoices):
                invoice_id, invoice_date, total = invoices[index]
                roll = rng.random()
                amount = total if roll < 0.85 else total // 2 or 1
                if roll > 0.95:
                    amount = total + rng.randint(100, 5_000)
                paid_on = min(invoice_date + timedelta(days=rng.randrange(45)), today)
            else:
                invoice_id, amount = None, rng.randint(2_000, 50_000)
                paid_on = today - timedelta(days=rng.randrange(HISTORY_DAYS))
            created = datetime.combine(paid_on, time(12), tzinfo=UTC)
            run.out.add(
                Payment.__table__,
                {
                    "id": payment_id,
                    "customer_id": customer_id,
                    "paid_on": paid_on,
                    "payment_method_id": method_id,
                    "reference": reference,
                    "reference_key": name_search_key(reference),
                    "amount": _pounds(amount),
                    "created_at": created,
                    "updated_at": created,
                },
            )
            if invoice_id is not None:
                allocation_id += 1
                run.out.add(
                    PaymentAllocation.__table__,
                    {
                        "id": allocation_id,
                        "payment_id": payment_id,
                        "invoice_id": invoice_id,
                        "amount": _pounds(min(amount, total)),
                        "allocated_on": paid_on,
                    },
                )


def add_notes(run: Run) -> None:
    rng = run.rng
    address_first = run.first_ids("work_addresses")
    note_id = 0
    for customer_id, (_, shape) in enumerate(run.plan[1:], start=1):
        for _ in range(shape.notes):
            note_id += 1
            kind = PICK_NOTE.pick(rng)
            subject, body = rng.choice(MESSAGES[kind])
            created = run.moment()
            address = None
            if shape.work_addresses and rng.random() < 0.3:
                address = address_first[customer_id] + rng.randrange(shape.work_addresses)
            follow_up = rng.random() < 0.15  # a scheduled activity, some ahead, some overdue
            run.out.add(
                Communication.__table__,
                {
                    "id": note_id,
                    "customer_id": customer_id,
                    "work_address_id": address,
                    "author_id": rng.choice(run.lookups.staff),
                    "kind": kind,
                    "created_at": created,
                    "subject": subject,
                    "body": body,
                    "is_important": rng.random() < 0.03,
                    "do_not_work_with_again": False,
                    "scheduled_for": (
                        created.date() + timedelta(days=rng.randint(1, 30)) if follow_up else None
                    ),
                },
            )


def finish(engine: Engine, last_numbers: dict[str, int]) -> None:
    """Number counters at the last number taken, PostgreSQL sequences past the explicit ids,
    and fresh planner statistics (and, on PostgreSQL, a vacuum, so autovacuum does not start
    in the middle of a benchmark)."""
    with engine.begin() as connection:
        connection.execute(
            insert(NumberSequence.__table__),
            [
                {"name": series, "prefix": SERIES[series], "last_value": last}
                for series, last in last_numbers.items()
            ],
        )
        if engine.dialect.name == "postgresql":
            for table in BULK_TABLES:
                sequence = func.pg_get_serial_sequence(table.name, "id")
                connection.execute(select(func.setval(sequence, func.max(table.c.id))))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql("VACUUM ANALYZE")
        else:
            connection.exec_driver_sql("ANALYZE")
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")  # one file to copy


def _pounds(pence: int) -> Decimal:
    return Decimal(pence).scaleb(-2)


def _half_even(value: int, divisor: int) -> int:
    """value / divisor rounded half to even, as Decimal.quantize and models/money/balances.py do."""
    quotient, remainder = divmod(value, divisor)
    if remainder * 2 > divisor or (remainder * 2 == divisor and quotient % 2):
        quotient += 1
    return quotient


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.generate",
        description="Recreate a database and fill it with benchmark data (see bench/generate.py).",
    )
    parser.add_argument(
        "--database-url", required=True, help="SQLite file or PostgreSQL database: REPLACED"
    )
    parser.add_argument("--customers", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1, help="the same seed repeats a run")
    args = parser.parse_args(argv)
    result = generate(args.database_url, args.customers, args.seed)
    for name, value in result.items():
        print(f"{name:>20} {value:>12,}")


if __name__ == "__main__":
    main()
