"""Demo service records for a customer: contracts, a service plan, services falling due.

Runs after the works, so reminders can follow the customer's appliances and properties.
"""

from __future__ import annotations

from datetime import date, timedelta

from models import (
    Asset,
    Contract,
    ContractStatus,
    Customer,
    CustomerServicePlan,
    ReminderStatus,
    ServicePlan,
    ServiceReminder,
    WorkAddress,
)
from models.service.rules import check_contract, check_customer_service_plan, check_reminder
from seed.demo_money import money
from seed.demo_run import LETTING_TYPES, Demo

CONTRACT_STATUS = {ContractStatus.active: 70, ContractStatus.draft: 10}
CONTRACT_STATUS |= {ContractStatus.cancelled: 10, ContractStatus.expired: 10}
REMINDER_STATUS = {ReminderStatus.due: 60, ReminderStatus.booked: 25}
REMINDER_STATUS |= {ReminderStatus.postponed: 10, ReminderStatus.cancelled: 5}


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
