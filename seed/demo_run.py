"""One run of the demo seed: what its generators share, and how a run starts.

Every generator draws from the one `Demo`, so the same `random_seed` makes the same picks in
the same order. `start` reads the lookup lists once and adds the demo staff if missing.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from faker import Faker
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models import (
    AdvertisingSource,
    AssetGroup,
    BuildingType,
    Customer,
    CustomerType,
    FuelType,
    InvoiceAddress,
    Location,
    Make,
    PaymentMethod,
    PriceBook,
    Product,
    ResultCode,
    Role,
    ServicePlan,
    Sla,
    User,
)

STAFF = [  # email, name, sells? — office users whose password nobody knows
    ("sales1@example.com", "Sam Carter", True),
    ("sales2@example.com", "Priya Shah", True),
    ("office1@example.com", "Jo Walsh", False),
]
LANDLORD_TYPES = ("Landlord", "Housing association")
LETTING_TYPES = (*LANDLORD_TYPES, "Estate agent")


@dataclass
class Demo:
    """What the generators share: random streams, today, the lookup lists and the staff."""

    session: Session
    rng: random.Random
    fake: Faker
    # Picks among rows already in the database draw from their own stream, so a random seed
    # gives the same customers however much data the database holds.
    links: random.Random
    today: date
    now: datetime
    lookups: dict[type, list]
    customer_types: dict[str, CustomerType]
    salespeople: list[User]
    staff: list[User]
    landlords: list[Customer]
    shared_invoice_address: InvoiceAddress | None = None
    shared_uses_left: int = 0
    unseen: dict[tuple, list] = field(default_factory=dict)
    shown: set[str] = field(default_factory=set)

    def one(self, model: type, names: tuple[str, ...] = ()):
        """An active entry of a lookup list, preferring the named ones when they exist."""
        entries = self.lookups[model]
        preferred = [entry for entry in entries if entry.name in names]
        return self.rng.choice(preferred or entries) if entries else None

    def pick(self, weights: dict):
        """A weighted pick; the first picks of a run show every option once, however small."""
        unseen = self.unseen.setdefault(tuple(weights), list(weights))
        if unseen:
            return unseen.pop(0)
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def chance(self, case: str, probability: float) -> bool:
        """True now and then, and the first time: a rare case still shows up in a small run."""
        if case not in self.shown:
            self.shown.add(case)
            return True
        return self.rng.random() < probability

    def days_ago(self, fewest: int, most: int) -> date:
        return self.today - timedelta(days=self.rng.randint(fewest, most))


def start(session: Session, random_seed: int | None) -> Demo:
    rng = random.Random(random_seed)
    fake = Faker("en_GB")
    fake.seed_instance(rng.getrandbits(64))
    lookups = {
        model: list(session.scalars(select(model).where(model.active).order_by(model.id)))
        for model in (AdvertisingSource, AssetGroup, BuildingType, FuelType, Location)
        + (PaymentMethod, PriceBook, Product, ResultCode, ServicePlan, Sla)
    }
    makes = select(Make).where(Make.active).options(selectinload(Make.models)).order_by(Make.id)
    lookups[Make] = list(session.scalars(makes))
    landlords = (
        select(Customer)
        .join(Customer.customer_type)
        .where(CustomerType.name.in_(LANDLORD_TYPES))
        .order_by(Customer.id.desc())
        .limit(200)
    )
    customer_types = {t.name: t for t in session.scalars(select(CustomerType))}
    existing_landlords = list(session.scalars(landlords))
    staff = ensure_staff(session)  # after the queries: they would flush the new staff uncounted
    return Demo(
        session=session,
        rng=rng,
        fake=fake,
        links=random.Random(rng.getrandbits(64)),
        today=date.today(),
        now=datetime.now(UTC),
        lookups=lookups,
        customer_types=customer_types,
        salespeople=[user for user, (_, _, sells) in zip(staff, STAFF, strict=True) if sells],
        staff=staff,
        landlords=existing_landlords,
    )


def ensure_staff(session: Session) -> list[User]:
    """Demo salespeople and an office user, added once (matched by email)."""
    emails = [email for email, _, _ in STAFF]
    existing = {u.email: u for u in session.scalars(select(User).where(User.email.in_(emails)))}
    staff = []
    for email, name, _ in STAFF:
        user = existing.get(email)
        if user is None:
            user = User(email=email, name=name, role=Role.office, active=True)
            user.set_password(secrets.token_urlsafe(24))  # known to no one: not a login
            session.add(user)
        staff.append(user)
    return staff
