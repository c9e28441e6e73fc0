"""Default lookup lists: added once, never duplicated, never overwriting an admin's edits."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import (
    AdvertisingSource,
    AssetGroup,
    BuildingType,
    CustomerType,
    FuelType,
    Location,
    Make,
    Model,
    PaymentMethod,
    PriceBook,
    Product,
    ResultCode,
    ServicePlan,
    Sla,
)

CUSTOMER_TYPES = [
    # name, is_company, allows_primary_contact
    ("Private", False, True),
    ("Landlord", False, True),
    ("Company", True, False),
    ("Estate agent", True, False),
    ("Builder", True, False),
    ("Housing association", True, False),
]
NAMED = {
    AdvertisingSource: [
        "Google search",
        "Flyer",
        "Facebook",
        "Friend's reference",
        "Repeat customer",
        "Van signage",
        "Trade show",
    ],
    BuildingType: [
        "Detached house",
        "Semi-detached house",
        "Terraced house",
        "Flat",
        "Bungalow",
        "Office",
        "Shop",
        "Warehouse",
    ],
    PriceBook: ["Standard", "Trade", "Landlord rates"],
    AssetGroup: [
        "Boiler",
        "Fire",
        "Cooker",
        "Water heater",
        "Air conditioning",
        "Heat pump",
        "Smoke alarm",
    ],
    FuelType: ["Natural gas", "LPG", "Oil", "Electric", "Solid fuel"],
    Location: [
        "Kitchen",
        "Utility room",
        "Loft",
        "Garage",
        "Airing cupboard",
        "Living room",
        "Basement",
    ],
    PaymentMethod: ["Cash", "Card", "Bank transfer", "Cheque", "Direct debit"],
}
MAKES = {
    "Worcester Bosch": ["Greenstar 4000", "Greenstar 8000"],
    "Vaillant": ["ecoTEC plus", "ecoTEC pro"],
    "Baxi": ["800 Combi", "600 System"],
    "Daikin": ["Altherma 3", "Perfera"],
}
PRODUCTS = [
    ("Boiler service", "89.00"),
    ("Boiler installation", "2450.00"),
    ("Gas safety certificate", "65.00"),
    ("Powerflush", "420.00"),
    ("Heat pump installation", "8900.00"),
]
RESULT_CODES = [
    ("SOLD", "Sold"),
    ("NS", "No sale"),
    ("BB", "Be back"),
    ("NH", "Not home"),
    ("CXL", "Cancelled"),
]
SLAS = [("Standard", 48, 120), ("Priority", 4, 24), ("Landlord", 24, 72)]
SERVICE_PLANS = [
    ("Boiler care", "Annual service and breakdown cover", "120.00", 1),
    ("Landlord gas safety", "Yearly certificate for every property", "95.00", 1),
    ("Heating plus", "Two visits a year, parts and labour", "240.00", 2),
]


def _existing_names(session: Session, model) -> set[str]:
    return set(session.scalars(select(model.name)))


def _add_missing(session: Session, model, rows: list[dict]) -> int:
    have = _existing_names(session, model)
    new = [model(**row) for row in rows if row["name"] not in have]
    session.add_all(new)
    return len(new)


def ensure_lookups(session: Session) -> int:
    """Add whichever default entries are missing; return how many were added."""
    added = _add_missing(
        session,
        CustomerType,
        [{"name": n, "is_company": c, "allows_primary_contact": p} for n, c, p in CUSTOMER_TYPES],
    )
    for model, names in NAMED.items():
        added += _add_missing(session, model, [{"name": n} for n in names])
    added += _add_missing(
        session, Product, [{"name": n, "unit_price": Decimal(p)} for n, p in PRODUCTS]
    )
    added += _add_missing(session, ResultCode, [{"name": n, "code": c} for c, n in RESULT_CODES])
    added += _add_missing(
        session, Sla, [{"name": n, "response_hours": r, "resolution_hours": s} for n, r, s in SLAS]
    )
    added += _add_missing(
        session,
        ServicePlan,
        [
            {"name": n, "description": d, "price": Decimal(p), "visits_per_year": v}
            for n, d, p, v in SERVICE_PLANS
        ],
    )
    added += _add_missing(session, Make, [{"name": n} for n in MAKES])
    session.flush()
    makes = {make.name: make for make in session.scalars(select(Make))}
    have = {(m.make_id, m.name) for m in session.scalars(select(Model))}
    for make_name, model_names in MAKES.items():
        make = makes[make_name]
        for name in model_names:
            if (make.id, name) not in have:
                session.add(Model(make=make, name=name))
                added += 1
    session.flush()
    return added
