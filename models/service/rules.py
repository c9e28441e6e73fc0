"""Rules for contracts, service plans and reminders: dates in order, one customer's records."""

from __future__ import annotations

from ..core.errors import ValidationFailed
from ..customers.rules import OTHER_CUSTOMERS_ADDRESS
from .entities import Contract, CustomerServicePlan, ServiceReminder


def check_contract(contract: Contract) -> None:
    errors: dict[str, str] = {}
    if contract.start_date and contract.end_date and contract.end_date < contract.start_date:
        errors["end_date"] = "The end date cannot be before the start date."
    if contract.value is not None and contract.value < 0:
        errors["value"] = "The value cannot be negative."
    if errors:
        raise ValidationFailed(errors)


def check_customer_service_plan(plan: CustomerServicePlan) -> None:
    if any(address.customer is not plan.customer for address in plan.work_addresses):
        raise ValidationFailed({"work_addresses": OTHER_CUSTOMERS_ADDRESS})


def check_reminder(reminder: ServiceReminder) -> None:
    errors: dict[str, str] = {}
    address = reminder.work_address
    if address is not None and address.customer is not reminder.customer:
        errors["work_address"] = OTHER_CUSTOMERS_ADDRESS
    if reminder.asset is not None and reminder.asset.customer is not reminder.customer:
        errors["asset"] = "That asset belongs to another customer."
    if errors:
        raise ValidationFailed(errors)
