"""Demo data for trying the panel: realistic customers with everything a record can hold.

`seed_demo_data` adds the default lookups and a few demo staff (once each), then `customers`
NEW customers on every call, each with phones, contacts, branches, properties, appliances,
works, money (see `seed.demo_money`), history and service records. The caller commits; a
`random_seed` repeats a run. Every record passes the rules the panel applies before saving.
Attachments are left out: file uploads come in a later issue.
"""

from __future__ import annotations

import hashlib
import random
import re
import secrets
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import NamedTuple

from faker import Faker
from faker.providers.lorem.en_US import Provider as EnglishWords
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models import (
    AdvertisingSource,
    Asset,
    AssetGroup,
    Branch,
    BuildingType,
    Communication,
    CommunicationKind,
    Contact,
    Contract,
    ContractStatus,
    CreditNote,
    CreditNoteLine,
    Customer,
    CustomerServicePlan,
    CustomerType,
    FuelType,
    InventoryItem,
    Invoice,
    InvoiceAddress,
    InvoiceLine,
    Location,
    Make,
    Payment,
    PaymentAllocation,
    PaymentMethod,
    PhoneKind,
    PhoneNumber,
    PortalAccess,
    PriceBook,
    Product,
    ReminderStatus,
    ResultCode,
    Role,
    ServicePlan,
    ServiceReminder,
    Sla,
    Status,
    Title,
    User,
    VacantProperty,
    Work,
    WorkAddress,
    WorkKind,
    WorkStatus,
)
from models.customer_rules import (
    apply_customer_defaults,
    check_contact,
    check_customer,
    check_work_address,
)
from models.customers import CREDITOR_DAYS
from models.service_rules import check_contract, check_customer_service_plan, check_reminder
from models.work_rules import check_asset, check_work
from seed.demo_money import add_money, money
from seed.lookups import ensure_lookups


class Town(NamedTuple):
    name: str
    county: str
    region: str
    postcode_areas: tuple[str, ...]
    latitude: str
    longitude: str
    # An Ofcom drama range for the area: numbers that never ring a real line.
    landline: str


# town | county | region | postcode areas | latitude longitude | landline prefix
TOWN_TABLE = """\
Manchester | Greater Manchester | North West | M | 53.4808 -2.2426 | 0161 496 0
Liverpool | Merseyside | North West | L | 53.4084 -2.9916 | 0151 496 0
Leeds | West Yorkshire | Yorkshire and the Humber | LS | 53.8008 -1.5491 | 0113 496 0
Sheffield | South Yorkshire | Yorkshire and the Humber | S | 53.3811 -1.4701 | 0114 496 0
Newcastle upon Tyne | Tyne and Wear | North East | NE | 54.9783 -1.6178 | 0191 498 0
Birmingham | West Midlands | West Midlands | B | 52.4862 -1.8904 | 0121 496 0
Leicester | Leicestershire | East Midlands | LE | 52.6369 -1.1398 | 0116 496 0
London | Greater London | London | SW SE N E W | 51.5072 -0.1276 | 020 7946 0
Reading | Berkshire | South East | RG | 51.4543 -0.9781 | 0118 496 0
Bristol | City of Bristol | South West | BS | 51.4545 -2.5879 | 0117 496 0
Cardiff | South Glamorgan | Wales | CF | 51.4816 -3.1791 | 029 2018 0
Edinburgh | City of Edinburgh | Scotland | EH | 55.9533 -3.1883 | 0131 496 0
Glasgow | Glasgow City | Scotland | G | 55.8642 -4.2518 | 0141 496 0
Belfast | County Antrim | Northern Ireland | BT | 54.5973 -5.9301 | 028 9649 6
"""
TOWNS = [
    Town(name, county, region, tuple(areas.split()), *position.split(), landline)
    for name, county, region, areas, position, landline in (
        row.split(" | ") for row in TOWN_TABLE.splitlines()
    )
]
TOWN_BY_NAME = {town.name: town for town in TOWNS}
STREETS = ("Road", "Street", "Avenue", "Lane", "Close", "Drive", "Crescent", "Grove", "Gardens")
STREETS += ("Terrace", "Way", "Mews", "Place")
POSTCODE_UNIT = "ABDEFGHJLNPQRSTUWXYZ"
SAFE_DOMAINS = ("example.com", "example.org", "example.net")  # demo mail must reach nobody
WORDS = [word for word in EnglishWords.word_list if word.isalpha() and 4 <= len(word) <= 9]
BATCH = 50  # customers per flush: big runs stay quick without holding thousands pending
STAFF = [  # email, name, sells? — office users whose password nobody knows
    ("sales1@example.com", "Sam Carter", True),
    ("sales2@example.com", "Priya Shah", True),
    ("office1@example.com", "Jo Walsh", False),
]
CUSTOMER_TYPES = {"Landlord": 12, "Housing association": 4, "Private": 50, "Company": 12}
CUSTOMER_TYPES |= {"Estate agent": 10, "Builder": 8}
LANDLORD_TYPES = ("Landlord", "Housing association")
LETTING_TYPES = (*LANDLORD_TYPES, "Estate agent")
WORK_ADDRESSES = {"Private": (0, 2), "Company": (0, 3), "Builder": (0, 4), "Landlord": (1, 6)}
WORK_ADDRESSES |= {"Estate agent": (2, 6), "Housing association": (3, 8)}
PRICE_BOOKS = {"Builder": "Trade", "Landlord": "Landlord rates", "Estate agent": "Landlord rates"}
COMPANY_NAMES = {
    "Company": ("{last} Ltd", "{last} & {other} Ltd", "{last} Group Ltd", "{last} Holdings PLC"),
    "Estate agent": ("{last} & {other} Estate Agents", "{last} Lettings", "{town} Homes"),
    "Builder": ("{last} Builders Ltd", "{last} & Sons Construction", "{last} Renovations"),
    "Housing association": ("{town} Housing Association", "{county} Homes Trust"),
}
BUSINESS_AREAS = {
    "Company": ("Hospitality", "Retail", "Offices", "Care homes", "Schools", "Healthcare"),
    "Estate agent": ("Residential lettings", "Property management", "Student lets"),
    "Builder": ("New-build housing", "Extensions and refurbishments", "Commercial fit-out"),
    "Housing association": ("Social housing", "Sheltered housing"),
}
POSITIONS = ("Office manager", "Accounts payable", "Property manager", "Facilities manager")
POSITIONS += ("Director", "Site manager", "Lettings negotiator")
RELATIONS = ("Spouse", "Son", "Daughter", "Neighbour (holds keys)", "Carer")
SITE_NOTES = (
    "Gas meter under the stairs.",
    "Stopcock in the kitchen, under the sink.",
    "Key safe by the back door: ask the office for the code.",
    "Loft hatch on the landing; ladder on site.",
    "Parking permit needed: ask the occupier.",
    "Dog on site, friendly.",
)
BUSINESS_BUILDINGS = ("Office", "Shop", "Warehouse")
GROUP_MAKES = {
    "Boiler": ("Worcester Bosch", "Vaillant", "Baxi"),
    "Heat pump": ("Daikin",),
    "Air conditioning": ("Daikin",),
}
GROUP_FUELS = {"Boiler": ("Natural gas", "LPG", "Oil"), "Fire": ("Natural gas", "Solid fuel")}
GROUP_FUELS |= {"Cooker": ("Natural gas", "Electric"), "Water heater": ("Natural gas", "Electric")}
GROUP_FUELS |= {"Heat pump": ("Electric",), "Air conditioning": ("Electric",)}
WORK_STATUS = {WorkStatus.open: 18, WorkStatus.in_progress: 14, WorkStatus.completed: 45}
WORK_STATUS |= {WorkStatus.aborted: 5, WorkStatus.free_of_charge: 5, WorkStatus.cancelled: 13}
FINISHED = (WorkStatus.completed, WorkStatus.free_of_charge)
SOLD = (WorkStatus.completed, WorkStatus.in_progress)
WORK_KIND = {WorkKind.job: 60, WorkKind.estimate: 25, WorkKind.opportunity: 15}
RESULT_CODES = {  # result code names a work in each status plausibly has
    WorkStatus.completed: ("Sold",),
    WorkStatus.in_progress: ("Sold",),
    WorkStatus.open: ("Be back", "Not home"),
    WorkStatus.aborted: ("Not home", "No sale"),
    WorkStatus.cancelled: ("Cancelled", "No sale"),
}
SERVICES = ("Annual service", "Gas safety certificate", "Carbon monoxide alarm check")
SERVICES += ("Powerflush", "Thermostat upgrade", "Magnetic filter fit")
MOVED_ITEMS = (("Sofa", "Living room", "2.50"), ("Double wardrobe", "Bedroom", "1.80"))
MOVED_ITEMS += (("Washing machine", "Kitchen", "0.60"), ("Boxes of books", "Study", "0.10"))
ACCOUNT_NOTES = ("Pays by bank transfer on receipt.", "Invoice by email only.")
ACCOUNT_NOTES += ("Purchase order needed before work starts.",)
COMMUNICATION_KIND = {CommunicationKind.note: 30, CommunicationKind.call: 30}
COMMUNICATION_KIND |= {CommunicationKind.email: 20, CommunicationKind.sms: 10}
COMMUNICATION_KIND |= {CommunicationKind.comment: 10}
MESSAGES = {  # subject, body
    CommunicationKind.note: (
        ("Access", "Side gate is locked; the neighbour at number 4 has a key."),
        ("Preferences", "Prefers morning appointments and a call 30 minutes before."),
    ),
    CommunicationKind.call: (
        ("Booking", "Called to book the annual service; will confirm a date by email."),
        ("Payment chase", "Rang about the overdue invoice; promised payment by Friday."),
        ("Follow-up", "Asked for a call back about the boiler replacement quote."),
    ),
    CommunicationKind.email: (
        ("Quote sent", "Emailed the quote with two boiler options and finance terms."),
        ("Certificate", "Sent the gas safety certificate as a PDF."),
    ),
    CommunicationKind.sms: ((None, "Reminder: our engineer is due tomorrow between 8 and 12."),),
    CommunicationKind.comment: (
        (None, "Very happy with the installation; left a five-star review."),
        (None, "Engineer noted the flue needs replacing within a year."),
    ),
}
DO_NOT_WORK_WITH_AGAIN = "Refused the engineer entry and was abusive on the phone. Do not book."
CONTRACT_STATUS = {ContractStatus.active: 70, ContractStatus.draft: 10}
CONTRACT_STATUS |= {ContractStatus.cancelled: 10, ContractStatus.expired: 10}
REMINDER_STATUS = {ReminderStatus.due: 60, ReminderStatus.booked: 25}
REMINDER_STATUS |= {ReminderStatus.postponed: 10, ReminderStatus.cancelled: 5}
INVOICE_PAYERS = ("{last} Insurance claims", "{last} Property Management", "{last} & Co Accounts")
KINDS = {  # what seed_demo_data reports, in this order
    Customer: "customers",
    PhoneNumber: "phone_numbers",
    Contact: "contacts",
    Branch: "branches",
    WorkAddress: "work_addresses",
    Asset: "assets",
    Work: "works",
    InventoryItem: "inventory_items",
    Invoice: "invoices",
    InvoiceLine: "invoice_lines",
    Payment: "payments",
    PaymentAllocation: "payment_allocations",
    CreditNote: "credit_notes",
    CreditNoteLine: "credit_note_lines",
    InvoiceAddress: "invoice_addresses",
    Communication: "communications",
    Contract: "contracts",
    CustomerServicePlan: "customer_service_plans",
    ServiceReminder: "service_reminders",
    PortalAccess: "portal_links",
    User: "staff_users",
}


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


def seed_demo_data(
    session: Session, customers: int = 50, random_seed: int | None = None
) -> dict[str, int]:
    """Add `customers` demo customers with full records; return how many of each kind."""
    lookups_added = ensure_lookups(session)
    demo = start(session, random_seed)
    added: Counter = Counter()
    for index in range(customers):
        add_customer(demo)
        if (index + 1) % BATCH == 0:
            flush(session, added)
    flush(session, added)
    return {**{kind: added[model] for model, kind in KINDS.items()}, "lookups": lookups_added}


def flush(session: Session, added: Counter) -> None:
    added.update(type(obj) for obj in session.new)
    session.flush()


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


def add_customer(demo: Demo) -> Customer:
    customer_type = demo.customer_types[demo.pick(CUSTOMER_TYPES)]
    customer = make_customer(demo, customer_type)
    if customer.is_company:
        add_branches(demo, customer)
    add_contacts(demo, customer)
    apply_customer_defaults(customer)
    check_customer(customer)
    add_work_addresses(demo, customer)
    add_assets(demo, customer)
    add_works(demo, customer)
    add_invoice_addresses(demo, customer)
    add_money(demo, customer)
    add_communications(demo, customer)
    add_service(demo, customer)
    demo.session.add(customer)  # everything above cascades from the customer
    if demo.chance("portal link", 0.03):
        demo.session.add(portal_access(demo, customer))
    if customer_type.name in LANDLORD_TYPES:
        demo.landlords.append(customer)
    return customer


def make_customer(demo: Demo, customer_type: CustomerType) -> Customer:
    rng, fake = demo.rng, demo.fake
    town = rng.choice(TOWNS)
    is_company = customer_type.is_company
    customer = Customer(
        customer_type=customer_type,
        status=Status.dormant if demo.chance("dormant customer", 0.1) else Status.active,
        **postal_address(demo, town, business=is_company),
        **coordinates(demo, town),
        region=town.region,
        what3words="///" + ".".join(rng.sample(WORDS, 3)),
        kilometres=Decimal(rng.randint(50, 8000)) / 100,  # from the depot, to 10 m
        salesperson=rng.choice(demo.salespeople) if rng.random() < 0.85 else None,
        advertising_source=demo.one(AdvertisingSource) if rng.random() < 0.85 else None,
        building_type=demo.one(BuildingType, BUSINESS_BUILDINGS if is_company else ()),
        price_book=demo.one(PriceBook, (PRICE_BOOKS.get(customer_type.name, "Standard"),)),
        creditor_days=rng.choice([days for days in CREDITOR_DAYS if (days >= 14) == is_company]),
        vacant_property=rng.choices(list(VacantProperty), weights=(50, 10, 40))[0],
        after_sales_communication=rng.random() < 0.85,
        technical_reference=rng.choice(SITE_NOTES) if rng.random() < 0.2 else None,
        sla=demo.one(Sla) if rng.random() < (0.4 if is_company else 0.05) else None,
        **communication_preferences(rng),
    )
    if rng.random() < 0.15:
        customer.third_party_reference = (
            f"{rng.choice(('HA', 'INS', 'REF'))}-{rng.randint(1, 99999):05d}"
        )
    if rng.random() < 0.2:  # someone other than the salesperson looks after the account
        customer.representative = rng.choice(
            [u for u in demo.staff if u is not customer.salesperson]
        )
    if is_company:
        template = rng.choice(COMPANY_NAMES[customer_type.name])
        customer.company_name = template.format(
            last=fake.last_name(), other=fake.last_name(), town=town.name, county=town.county
        )
        domain = f"{slug(customer.company_name)}.{rng.choice(SAFE_DOMAINS)}"
        customer.email = f"info@{domain}"
        customer.statement_email = f"accounts@{domain}" if rng.random() < 0.5 else None
        customer.home_page = f"https://www.{domain}/" if rng.random() < 0.7 else None
        customer.business_area = rng.choice(BUSINESS_AREAS[customer_type.name])
        if rng.random() < 0.5:
            customer.phones.append(PhoneNumber(kind=PhoneKind.office, number=landline(demo, town)))
    else:
        customer.title, customer.first_name, customer.surname = person(demo)
        customer.email = personal_email(demo, customer.first_name, customer.surname)
        kinds = rng.sample([PhoneKind.mobile, PhoneKind.home, PhoneKind.work], rng.randint(1, 2))
        for kind in kinds:
            number = mobile(demo) if kind is PhoneKind.mobile else landline(demo, town)
            customer.phones.append(PhoneNumber(kind=kind, number=number))
    # A bounced address stays on file, flagged, so nobody keeps emailing it.
    customer.invalid_email = demo.chance("invalid email", 0.05)
    return customer


def add_branches(demo: Demo, customer: Customer) -> None:
    rng = demo.rng
    for _ in range(rng.choices((0, 1, 2, 3), weights=(50, 25, 15, 10))[0]):
        town = rng.choice(TOWNS)
        branch = Branch(
            name=f"{town.name} office",
            **postal_address(demo, town, business=True),
            email=f"{slug(town.name)}@{customer.email.split('@')[1]}",
            phones=[PhoneNumber(kind=PhoneKind.office, number=landline(demo, town))],
        )
        customer.branches.append(branch)


def add_contacts(demo: Demo, customer: Customer) -> None:
    """Companies are reached through contacts; some private customers have a primary one."""
    rng = demo.rng
    if customer.is_company:
        domain = customer.email.split("@")[1]
        for index in range(rng.choices((1, 2, 3), weights=(55, 30, 15))[0]):
            title, first_name, surname = person(demo)
            contact = Contact(
                title=title,
                first_name=first_name,
                surname=surname,
                position=rng.choice(POSITIONS),
                email=f"{slug(first_name)}.{slug(surname)}@{domain}",
                **communication_preferences(rng),
            )
            if customer.branches and rng.random() < 0.4:
                contact.branch = rng.choice(customer.branches)
            if rng.random() < 0.3:
                contact.linkedin_url = f"https://www.linkedin.com/in/{slug(first_name + surname)}"
            if index == 0 or rng.random() < 0.7:  # the first contact always has a phone
                contact.phones.append(PhoneNumber(kind=PhoneKind.mobile, number=mobile(demo)))
            customer.contacts.append(contact)
    elif demo.chance("private contact", 0.2):
        title, first_name, surname = person(demo)
        contact = Contact(
            title=title,
            first_name=first_name,
            surname=surname if rng.random() < 0.5 else customer.surname,
            position=rng.choice(RELATIONS),
            # One primary contact at most, and only where the customer type allows one.
            is_primary=customer.customer_type.allows_primary_contact and rng.random() < 0.8,
            phones=[PhoneNumber(kind=PhoneKind.mobile, number=mobile(demo))],
        )
        customer.contacts.append(contact)
    for contact in customer.contacts:
        check_contact(contact)


def add_work_addresses(demo: Demo, customer: Customer) -> None:
    rng = demo.rng
    fewest, most = WORK_ADDRESSES[customer.customer_type.name]
    letting = customer.customer_type.name in LETTING_TYPES
    for _ in range(rng.randint(fewest, most)):
        town = TOWN_BY_NAME[customer.town] if rng.random() < 0.7 else rng.choice(TOWNS)
        address = WorkAddress(
            **postal_address(demo, town),
            **coordinates(demo, town),
            status=customer.status,  # a dormant customer's properties are dormant too
            building_type=demo.one(BuildingType),
            vacant_property=rng.choices(
                list(VacantProperty), weights=(40, 15 if letting else 3, 45)
            )[0],
            after_sales_communication=rng.random() < 0.8,
            is_invoice_address=rng.random() < 0.05,
            notes=rng.choice(SITE_NOTES) if rng.random() < 0.15 else None,
            **communication_preferences(rng),
        )
        if rng.random() < (0.7 if letting else 0.3):  # otherwise the occupier stays "Occupier"
            title, first_name, surname = person(demo)
            address.occupier_title, address.occupier_first_name = title, first_name
            address.occupier_surname = surname
            if rng.random() < 0.4:
                address.phones.append(PhoneNumber(kind=PhoneKind.mobile, number=mobile(demo)))
            if rng.random() < 0.3:
                address.email = personal_email(demo, first_name, surname)
        if customer.branches and rng.random() < 0.6:
            address.branch = rng.choice(customer.branches)
        # Agents and builders work on other customers' lets; a landlord owns its own.
        if customer.customer_type.name not in LANDLORD_TYPES and rng.random() < 0.4:
            address.landlord = demo.links.choice(demo.landlords) if demo.landlords else None
        customer.work_addresses.append(address)
        check_work_address(address)


def add_assets(demo: Demo, customer: Customer) -> None:
    rng = demo.rng
    for _ in range(rng.choices((0, 1, 2, 3), weights=(30, 40, 20, 10))[0]):
        group = demo.one(AssetGroup, ("Boiler",) if rng.random() < 0.5 else ())
        makers, fuels = GROUP_MAKES.get(group.name), GROUP_FUELS.get(group.name)
        make = demo.one(Make, makers) if makers else None  # no make on file for a smoke alarm
        models = sorted((m for m in make.models if m.active), key=lambda m: m.id) if make else []
        location = demo.one(Location)
        installed_on = demo.days_ago(200, 15 * 365)
        last_serviced_on = max(installed_on, demo.days_ago(0, 420))
        asset = Asset(
            asset_group=group,
            make=make,
            model=rng.choice(models) if models else None,  # always a model of that make
            fuel_type=demo.one(FuelType, fuels) if fuels else None,
            location=location,
            technical_reference=" - ".join(str(part) for part in (group, location) if part),
            serial_number=demo.fake.bothify("??#######").upper(),
            installed_on=installed_on,
            last_serviced_on=last_serviced_on,
            next_service_due_on=last_serviced_on + timedelta(days=365),
        )
        if customer.work_addresses and rng.random() < 0.7:
            asset.work_address = rng.choice(customer.work_addresses)
        customer.assets.append(asset)
        check_asset(asset)


def add_works(demo: Demo, customer: Customer) -> None:
    rng = demo.rng
    for _ in range(rng.randint(1, 6)):
        status, kind, product = demo.pick(WORK_STATUS), demo.pick(WORK_KIND), demo.one(Product)
        name = product.name if product else "Boiler repair"
        description = {WorkKind.estimate: f"Quote: {name}", WorkKind.opportunity: f"Lead: {name}"}
        price = (product.unit_price if product else None) or money(rng, 80, 400)
        units_total = rng.randint(1, 3)
        sold, results = status in SOLD, RESULT_CODES.get(status)
        work = Work(
            kind=kind,
            status=status,
            description=description.get(kind, name),
            product=product,
            result_code=demo.one(ResultCode, results) if results else None,
            units_total=units_total,
            units_sold=rng.randint(1, units_total) if sold else 0,
            estimated_amount=price * units_total,
            **work_dates(demo, status),
        )
        if customer.work_addresses and rng.random() < 0.7:
            work.work_address = rng.choice(customer.work_addresses)
        if sold:
            work.sale_amount = price * work.units_sold
            work.contract_amount = work.sale_amount if rng.random() < 0.3 else None
            work.commission_total = (work.sale_amount / 10).quantize(Decimal("0.01"))
            work.commission_paid = work.commission_total if status in FINISHED else Decimal("0.00")
            work.payment_method = demo.one(PaymentMethod)
        if status in FINISHED:
            work.final_amount = (
                Decimal("0.00") if status is WorkStatus.free_of_charge else work.sale_amount
            )
        if rng.random() < 0.3:
            work.requested_services = "; ".join(rng.sample(SERVICES, rng.randint(1, 3)))
        if rng.random() < 0.15:
            work.account_notes = rng.choice(ACCOUNT_NOTES)
        if demo.chance("removal job", 0.08):  # collected at one address, delivered to another
            work.pickup_address = ", ".join(customer.address_lines())
            town = rng.choice(TOWNS)
            work.delivery_address = ", ".join(filter(None, postal_address(demo, town).values()))
            for item, room, volume in rng.sample(MOVED_ITEMS, rng.randint(1, len(MOVED_ITEMS))):
                quantity = rng.randint(1, 4)
                work.inventory_items.append(
                    InventoryItem(
                        name=item, room=room, quantity=quantity, volume_m3=Decimal(volume)
                    )
                )
        customer.works.append(work)
        check_work(work)


def work_dates(demo: Demo, status: WorkStatus) -> dict[str, date | time | None]:
    """Dates in the order a job lives them: received, visited, sold and ordered, completed."""
    rng, today = demo.rng, demo.today
    if status is WorkStatus.open:
        received = demo.days_ago(0, 45)
        appointment = received + timedelta(days=rng.randint(1, 30)) if rng.random() < 0.7 else None
        return {"received_on": received, "appointment_on": appointment, "scheduled_on": appointment}
    # ~15 months back, so invoices and debts for finished work age across every bucket.
    received = demo.days_ago(7, 120) if status is WorkStatus.in_progress else demo.days_ago(14, 460)
    appointment = min(received + timedelta(days=rng.randint(0, 21)), today)
    dates = {
        "received_on": received,
        "appointment_on": appointment,
        "appointment_time": time(rng.choice((8, 9, 10, 11, 13, 14, 15)), rng.choice((0, 30))),
        "scheduled_on": appointment,
    }
    done = min(appointment + timedelta(days=rng.randint(0, 6)), today)
    if status in SOLD:  # sold at the visit, then ready to order and ordered
        rto_on = min(appointment + timedelta(days=rng.randint(0, 2)), done)
        ordered_on = min(rto_on + timedelta(days=rng.randint(0, 2)), done)
        dates |= {"sold_on": appointment, "rto_on": rto_on, "ordered_on": ordered_on}
    if status in FINISHED:
        dates["completed_on"] = done
    return dates


def add_invoice_addresses(demo: Demo, customer: Customer) -> None:
    """A bill-to address (an insurer, a managing agent) that a couple of customers share."""
    rng = demo.rng
    if demo.shared_invoice_address is not None and rng.random() < 0.5:
        customer.invoice_addresses.append(demo.shared_invoice_address)
        demo.shared_uses_left -= 1
        if demo.shared_uses_left == 0:
            demo.shared_invoice_address = None
    elif demo.chance("invoice address", 0.05):
        name = rng.choice(INVOICE_PAYERS).format(last=demo.fake.last_name())
        address = InvoiceAddress(
            name=name,
            email=f"invoices@{slug(name)}.{rng.choice(SAFE_DOMAINS)}",
            **postal_address(demo, rng.choice(TOWNS), business=True),
        )
        customer.invoice_addresses.append(address)
        demo.shared_invoice_address, demo.shared_uses_left = address, rng.randint(1, 2)


def add_communications(demo: Demo, customer: Customer) -> None:
    rng = demo.rng
    for _ in range(rng.randint(0, 6)):
        kind = demo.pick(COMMUNICATION_KIND)
        subject, body = rng.choice(MESSAGES[kind])
        created_at = demo.now - timedelta(minutes=rng.randint(0, 365 * 24 * 60))
        communication = Communication(
            kind=kind,
            author=rng.choice(demo.staff),
            created_at=created_at,
            subject=subject,
            body=body,
            is_important=demo.chance("pinned communication", 0.06),
        )
        if demo.chance("do not work with again", 0.01):
            communication.body, communication.is_important = DO_NOT_WORK_WITH_AGAIN, True
            communication.do_not_work_with_again = True
        if rng.random() < 0.15:  # a follow-up falls due, some still ahead, some overdue
            communication.scheduled_for = created_at.date() + timedelta(days=rng.randint(1, 30))
        if customer.work_addresses and rng.random() < 0.3:
            communication.work_address = rng.choice(customer.work_addresses)
        customer.communications.append(communication)


def add_service(demo: Demo, customer: Customer) -> None:
    """Contracts, a service plan covering some properties, and services falling due."""
    rng = demo.rng
    if demo.chance("contract", 0.3 if customer.is_company else 0.08):
        status = demo.pick(CONTRACT_STATUS)
        start_date = {  # a year long: drafts start soon, expired ones ended, active ones run
            ContractStatus.draft: demo.today + timedelta(days=rng.randint(7, 60)),
            ContractStatus.expired: demo.days_ago(400, 700),
        }.get(status, demo.days_ago(0, 360))
        end_date = start_date + timedelta(days=364)
        contract = Contract(
            reference=f"CON-{start_date.year}-{rng.randint(1, 9999):04d}",
            description=rng.choice(("Planned maintenance", "Landlord gas safety programme")),
            status=status,
            start_date=start_date,
            end_date=end_date,
            renewal_reminder_on=end_date - timedelta(days=30),
            value=money(rng, 300, 12000),
        )
        customer.contracts.append(contract)
        check_contract(contract)
    if demo.chance("service plan", 0.12):
        plan = CustomerServicePlan(
            service_plan=demo.one(ServicePlan),
            expires_on=demo.today + timedelta(days=rng.randint(-60, 365)),
        )
        covered = rng.randint(0, len(customer.work_addresses))
        plan.work_addresses = rng.sample(customer.work_addresses, covered)
        customer.service_plans.append(plan)
        check_customer_service_plan(plan)
    for asset in customer.assets:
        if rng.random() < 0.6:
            add_reminder(demo, customer, f"{asset} service", asset.next_service_due_on, asset)
    if customer.customer_type.name in LETTING_TYPES:  # landlords need a yearly gas check
        for address in customer.work_addresses:
            if rng.random() < 0.3:
                due_on = demo.today + timedelta(days=rng.randint(-30, 330))
                add_reminder(demo, customer, "Gas safety certificate", due_on, address=address)


def add_reminder(
    demo: Demo,
    customer: Customer,
    description: str,
    due_on: date,
    asset: Asset | None = None,
    address: WorkAddress | None = None,
) -> None:
    reminder = ServiceReminder(
        description=description[:160],
        due_on=due_on,
        asset=asset,
        work_address=asset.work_address if asset else address,
        status=demo.pick(REMINDER_STATUS),
    )
    customer.service_reminders.append(reminder)
    check_reminder(reminder)


def portal_access(demo: Demo, customer: Customer) -> PortalAccess:
    """The token is shown once and kept only as a hash; it comes from `secrets`, never the
    seeded stream, so repeated runs with one seed cannot collide on it."""
    token = secrets.token_urlsafe(32)
    rng = demo.rng
    return PortalAccess(
        customer=customer,
        token_hash=hashlib.sha256(token.encode()).hexdigest(),
        can_see_documents=rng.random() < 0.5,
        can_see_assets=rng.random() < 0.5,
        created_by=rng.choice(demo.staff),
        created_at=demo.now - timedelta(days=rng.randint(0, 30)),
        expires_at=demo.now + timedelta(days=rng.randint(7, 90)),
    )


def person(demo: Demo) -> tuple[Title, str, str]:
    rng, fake = demo.rng, demo.fake
    roll = rng.random()
    if roll < 0.47:
        title, first_name = rng.choices((Title.Mr, Title.Dr), (92, 8))[0], fake.first_name_male()
    elif roll < 0.97:
        title = rng.choices((Title.Mrs, Title.Ms, Title.Miss, Title.Dr), (45, 30, 18, 7))[0]
        first_name = fake.first_name_female()
    else:
        title, first_name = Title.Mx, fake.first_name_nonbinary()
    return title, first_name, fake.last_name()


def postal_address(demo: Demo, town: Town, business: bool = False) -> dict[str, str | None]:
    rng, fake = demo.rng, demo.fake
    street = f"{fake.last_name()} {rng.choice(STREETS)}"
    line_1, line_2 = f"{rng.randint(1, 240)} {street}", None
    if business and rng.random() < 0.5:
        line_1, line_2 = f"Unit {rng.randint(1, 30)}", f"{fake.last_name()} Business Park"
    elif not business and rng.random() < 0.15:
        line_1, line_2 = f"Flat {rng.randint(1, 40)}", f"{rng.randint(1, 120)} {street}"
    area = rng.choice(town.postcode_areas)
    unit = "".join(rng.choices(POSTCODE_UNIT, k=2))
    return {
        "address_line_1": line_1,
        "address_line_2": line_2,
        "town": town.name,
        "county": town.county,
        "postcode": f"{area}{rng.randint(1, 20)} {rng.randint(1, 9)}{unit}",
        "country": "United Kingdom",
    }


def coordinates(demo: Demo, town: Town) -> dict[str, Decimal]:
    """Within a few kilometres of the town centre, to the micro-degree."""
    jitter = lambda: Decimal(demo.rng.randint(-40000, 40000)) / 1_000_000  # noqa: E731
    return {
        "latitude": Decimal(town.latitude) + jitter(),
        "longitude": Decimal(town.longitude) + jitter(),
    }


def communication_preferences(rng: random.Random) -> dict[str, bool]:
    return {
        "comm_email": rng.random() < 0.85,
        "comm_sms": rng.random() < 0.4,
        "comm_letter": rng.random() < 0.6,
        "comm_phone": rng.random() < 0.9,
    }


def mobile(demo: Demo) -> str:
    return f"07700 900{demo.rng.randint(0, 999):03d}"  # Ofcom drama range: reaches no one


def landline(demo: Demo, town: Town) -> str:
    return f"{town.landline}{demo.rng.randint(0, 999):03d}"


def personal_email(demo: Demo, first_name: str, surname: str) -> str:
    number = demo.rng.randint(1, 99) if demo.rng.random() < 0.4 else ""
    local = ".".join(part for part in (slug(first_name), slug(surname)) if part)
    return f"{local}{number}@{demo.rng.choice(SAFE_DOMAINS)}"


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
