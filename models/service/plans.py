"""Service plans and SLAs on a customer's record (seed 004 "Service plan", "Associate SLA"):
saved through the same rules as the model views, refused whole."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..core.errors import DomainError, ValidationFailed
from ..core.lookups import ServicePlan, Sla
from ..customers.entities import Customer, WorkAddress
from ..customers.status import refuse_if_merged
from .entities import CustomerServicePlan
from .rules import check_customer_service_plan


def assign_service_plan(
    session: Session,
    customer: Customer,
    assignment: CustomerServicePlan,
    plan: ServicePlan | None,
    expires_on: date | None,
    work_addresses: list[WorkAddress],
) -> None:
    """Assign (or change) a plan until an expiry, covering some of the customer's OWN
    properties. Plans no longer offered cannot be newly chosen. On refusal the caller rolls
    back: the assignment may be half-changed."""
    refuse_if_merged(customer)
    errors: dict[str, str] = {}
    if plan is None:
        errors["service_plan"] = "Choose the plan."
    elif not plan.active and assignment.service_plan is not plan:
        errors["service_plan"] = "That plan is no longer offered: choose an active plan."
    if expires_on is None:
        errors["expires_on"] = "Enter the expiry date."
    if errors:
        raise ValidationFailed(errors)
    with session.no_autoflush:  # judged before anything of it reaches the database
        assignment.service_plan, assignment.expires_on = plan, expires_on
        assignment.work_addresses = list(work_addresses)
        assignment.customer = customer
        check_customer_service_plan(assignment)
    session.add(assignment)


def set_sla(session: Session, customer: Customer, sla: Sla | None) -> None:
    """The SLA the customer's jobs are measured against, or none."""
    refuse_if_merged(customer)
    if sla is not None and not sla.active and customer.sla is not sla:
        raise ValidationFailed({"sla": "That SLA is no longer offered: choose an active one."})
    customer.sla = sla


def sla_targets(sla: Sla) -> str:
    """ "Respond within 4 h · resolve within 24 h", or what of it is set."""
    parts = [
        f"{verb} within {hours} h"
        for verb, hours in (("respond", sla.response_hours), ("resolve", sla.resolution_hours))
        if hours is not None
    ]
    return " · ".join(parts).capitalize() if parts else "No targets set"


def refuse_deleting_lookup_in_use(session: Session, lookup: ServicePlan | Sla) -> None:
    """A plan or SLA still on customers' records cannot be deleted: that would rewrite their
    history. It can be made inactive instead, so it is no longer offered."""
    if isinstance(lookup, ServicePlan):
        used = select(func.count(func.distinct(CustomerServicePlan.customer_id))).where(
            CustomerServicePlan.service_plan_id == lookup.id
        )
    else:
        used = select(func.count()).where(Customer.sla_id == lookup.id)
    customers = session.scalar(used)
    if customers:
        noun = "customer" if customers == 1 else "customers"
        raise DomainError(
            f"{lookup.name} is still assigned to {customers} {noun}. Remove it from their "
            "records first, or untick Active so it is no longer offered."
        )
