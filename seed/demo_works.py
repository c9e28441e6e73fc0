"""Demo works for a customer, and the appliances (assets) they are done on.

Works run through their life in order (received, visited, sold, completed); a removal job
carries an inventory of what was moved. Each record passes the panel's own rules.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from decimal import Decimal

from models import (
    Asset,
    AssetGroup,
    Customer,
    FuelType,
    InventoryItem,
    Location,
    Make,
    PaymentMethod,
    Product,
    ResultCode,
    Work,
    WorkKind,
    WorkStatus,
)
from models.works.rules import check_asset, check_work
from seed.demo_money import money
from seed.demo_run import Demo
from seed.demo_words import ACCOUNT_NOTES, MOVED_ITEMS, SERVICES, TOWNS, postal_address

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
