"""Demo data for trying the panel: realistic customers with everything a record can hold.

`seed_demo_data` adds the default lookups and a few demo staff (once each), then `customers`
NEW customers on every call, each with phones, contacts, branches, properties, history, and
what the other seed modules add: appliances and works (`seed.demo_works`), money
(`seed.demo_money`) and service records (`seed.demo_service`). The caller commits; a
`random_seed` repeats a run. Every record passes the rules the panel applies before saving.
Attachments are left out: file uploads come in a later issue. The generators share one `Demo`
(`seed.demo_run`) and write their text from `seed.demo_words`.
"""

from __future__ import annotations

import hashlib
import random
import secrets
from collections import Counter
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import (
    AdvertisingSource,
    Asset,
    Branch,
    BuildingType,
    Communication,
    CommunicationKind,
    Contact,
    Contract,
    CreditNote,
    CreditNoteLine,
    Customer,
    CustomerServicePlan,
    CustomerType,
    CustomField,
    CustomFieldType,
    InventoryItem,
    Invoice,
    InvoiceAddress,
    InvoiceLine,
    Payment,
    PaymentAllocation,
    PhoneKind,
    PhoneNumber,
    PortalAccess,
    PriceBook,
    ServiceReminder,
    Sla,
    Status,
    User,
    VacantProperty,
    Work,
    WorkAddress,
)
from models.core.custom_fields import save_custom_field
from models.customers.entities import CREDITOR_DAYS
from models.customers.rules import (
    apply_customer_defaults,
    check_contact,
    check_customer,
    check_work_address,
)
from seed.demo_money import add_money
from seed.demo_run import LANDLORD_TYPES, LETTING_TYPES, Demo, start
from seed.demo_service import add_service
from seed.demo_words import (
    BUSINESS_AREAS,
    COMPANY_NAMES,
    DO_NOT_WORK_WITH_AGAIN,
    INVOICE_PAYERS,
    MESSAGES,
    POSITIONS,
    RELATIONS,
    SAFE_DOMAINS,
    SITE_NOTES,
    TOWN_BY_NAME,
    TOWNS,
    WORDS,
    communication_preferences,
    coordinates,
    landline,
    mobile,
    person,
    personal_email,
    postal_address,
    slug,
)
from seed.demo_works import add_assets, add_works
from seed.lookups import ensure_lookups

BATCH = 50  # customers per flush: big runs stay quick without holding thousands pending
CUSTOMER_TYPES = {"Landlord": 12, "Housing association": 4, "Private": 50, "Company": 12}
CUSTOMER_TYPES |= {"Estate agent": 10, "Builder": 8}
WORK_ADDRESSES = {"Private": (0, 2), "Company": (0, 3), "Builder": (0, 4), "Landlord": (1, 6)}
WORK_ADDRESSES |= {"Estate agent": (2, 6), "Housing association": (3, 8)}
PRICE_BOOKS = {"Builder": "Trade", "Landlord": "Landlord rates", "Estate agent": "Landlord rates"}
BUSINESS_BUILDINGS = ("Office", "Shop", "Warehouse")
COMMUNICATION_KIND = {CommunicationKind.note: 30, CommunicationKind.call: 30}
COMMUNICATION_KIND |= {CommunicationKind.email: 20, CommunicationKind.sms: 10}
COMMUNICATION_KIND |= {CommunicationKind.comment: 10}
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


def seed_demo_data(
    session: Session, customers: int = 50, random_seed: int | None = None
) -> dict[str, int]:
    """Add `customers` demo customers with full records; return how many of each kind."""
    lookups_added = ensure_lookups(session)
    demo = start(session, random_seed)
    added: Counter = Counter()
    fields = demo_custom_fields(session)
    values = random.Random(random_seed)  # apart from demo.rng: the rest of the data stays as it was
    for index in range(customers):
        customer = add_customer(demo)
        customer.custom_fields = demo_custom_values(values, fields)
        if (index + 1) % BATCH == 0:
            flush(session, added)
    flush(session, added)
    return {**{kind: added[model] for model, kind in KINDS.items()}, "lookups": lookups_added}


# Seed 004's add-customer form has custom fields: two, as an admin would define them.
DEMO_CUSTOM_FIELDS = (
    {
        "key": "gate_code",
        "label": "Gate code",
        "help_text": "For the side gate or the building's door.",
        "position": 10,
    },
    {
        "key": "heating",
        "label": "Heating",
        "field_type": CustomFieldType.choice,
        "choices": ["Gas boiler", "Oil boiler", "Heat pump", "Electric"],
        "position": 20,
    },
)


def demo_custom_fields(session: Session) -> dict[str, CustomField]:
    """The demo's custom fields, defined once (a second seed keeps the first's)."""
    fields = {}
    for definition in DEMO_CUSTOM_FIELDS:
        field = session.scalar(select(CustomField).where(CustomField.key == definition["key"]))
        if field is None:
            field = CustomField(**definition)
            save_custom_field(session, field)
        fields[field.key] = field
    return fields


def demo_custom_values(rng: random.Random, fields: dict[str, CustomField]) -> dict:
    values = {}
    if rng.random() < 0.3:
        values["gate_code"] = f"{rng.randint(0, 9999):04d}"
    if rng.random() < 0.6:
        values["heating"] = rng.choice(fields["heating"].choices)
    return values


def flush(session: Session, added: Counter) -> None:
    added.update(type(obj) for obj in session.new)
    session.flush()


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
        # Customers joined over two years, so the origin report has a history to show.
        created_at=demo.now - timedelta(days=rng.randint(0, 730)),
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
