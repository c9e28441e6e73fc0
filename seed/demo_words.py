"""The fixed words of the demo: towns, streets, names, site notes and messages, and the small
helpers that turn them into people, postal addresses, phone numbers and email addresses.

Text lives here; how often each thing happens lives with the generator that picks it.
"""

from __future__ import annotations

import random
import re
from decimal import Decimal
from typing import NamedTuple

from faker.providers.lorem.en_US import Provider as EnglishWords

from models import CommunicationKind, Title
from seed.demo_run import Demo


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
SERVICES = ("Annual service", "Gas safety certificate", "Carbon monoxide alarm check")
SERVICES += ("Powerflush", "Thermostat upgrade", "Magnetic filter fit")
MOVED_ITEMS = (("Sofa", "Living room", "2.50"), ("Double wardrobe", "Bedroom", "1.80"))
MOVED_ITEMS += (("Washing machine", "Kitchen", "0.60"), ("Boxes of books", "Study", "0.10"))
ACCOUNT_NOTES = ("Pays by bank transfer on receipt.", "Invoice by email only.")
ACCOUNT_NOTES += ("Purchase order needed before work starts.",)
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
INVOICE_PAYERS = ("{last} Insurance claims", "{last} Property Management", "{last} & Co Accounts")


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
