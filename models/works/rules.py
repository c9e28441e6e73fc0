"""Rules for works and assets: they must stay on their own customer's record."""

from __future__ import annotations

from ..core.errors import ValidationFailed
from ..customers.rules import OTHER_CUSTOMERS_ADDRESS
from .entities import Asset, Work


def check_work(work: Work) -> None:
    errors: dict[str, str] = {}
    if work.work_address is not None and work.work_address.customer is not work.customer:
        errors["work_address"] = OTHER_CUSTOMERS_ADDRESS
    if (
        work.units_total is not None
        and work.units_sold is not None
        and work.units_sold > work.units_total
    ):
        errors["units_sold"] = "Units sold cannot exceed the total number of units."
    dates = (("received_on", work.received_on), ("completed_on", work.completed_on))
    if all(value for _, value in dates) and work.completed_on < work.received_on:
        errors["completed_on"] = "Completed date is before the received date."
    if errors:
        raise ValidationFailed(errors)


def check_asset(asset: Asset) -> None:
    errors: dict[str, str] = {}
    if asset.work_address is not None and asset.work_address.customer is not asset.customer:
        errors["work_address"] = OTHER_CUSTOMERS_ADDRESS
    if asset.model is not None and asset.make is not None and asset.model.make is not asset.make:
        errors["model"] = f"That model is not made by {asset.make}."
    if errors:
        raise ValidationFailed(errors)
