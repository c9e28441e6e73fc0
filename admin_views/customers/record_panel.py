"""The record page's side panel blocks (seed 004 "Left Side Panel")."""

from __future__ import annotations

from datetime import date

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from admin_views.customers.presence import open_page
from admin_views.customers.record import (
    PANEL_BLOCKS,
    PanelBlock,
    blocks_for,
    page_balance,
    register_panel_block,
)
from extensions import db
from models import (
    Contract,
    ContractStatus,
    CustomerServicePlan,
    CustomFieldTarget,
    ServiceReminder,
)
from models.core.custom_values import filled_custom_fields
from models.service.contracts import renewal_state
from models.service.entities import service_plan_work_address
from models.service.plans import sla_targets
from models.service.reminders import OPEN_STATUSES

SHOWN = 5  # rows a block lists before pointing at its tab or list


@register_panel_block(weight=10)
class CustomerDetailsBlock(PanelBlock):
    key = "details"
    title = "Customer details"
    template = "admin/customers/record/panel/details.html"
    locked = True


@register_panel_block(weight=20)
class MiniMapBlock(PanelBlock):
    key = "map"
    title = "Map"
    template = "admin/customers/record/panel/map.html"

    def load(self, customer):
        return {"tile_url": current_app.config["MAP_TILE_URL"]}


@register_panel_block(weight=30)
class IconsBlock(PanelBlock):
    """Status, debt and debt age, account credit at a glance."""

    key = "icons"
    title = "Status, debt and credit"
    template = "admin/customers/record/panel/icons.html"

    def load(self, customer):
        return page_balance(customer)


@register_panel_block(weight=40)
class ServiceRemindersBlock(PanelBlock):
    key = "reminders"
    title = "Service reminders"
    template = "admin/customers/record/panel/reminders.html"

    def load(self, customer):
        return db.session.scalars(
            select(ServiceReminder)
            .where(
                ServiceReminder.customer_id == customer.id,
                ServiceReminder.status.in_(OPEN_STATUSES),
            )
            .order_by(ServiceReminder.due_on)
            .limit(SHOWN)
            .options(
                selectinload(ServiceReminder.work_address), selectinload(ServiceReminder.asset)
            )
        ).all()


@register_panel_block(weight=50)
class OtherDetailsBlock(PanelBlock):
    key = "other"
    title = "Other details"
    template = "admin/customers/record/panel/other.html"


@register_panel_block(weight=60)
class TechnicalReferencesBlock(PanelBlock):
    key = "technical"
    title = "Technical references"
    template = "admin/customers/record/panel/technical.html"


@register_panel_block(weight=70)
class ContractsBlock(PanelBlock):
    key = "contracts"
    title = "Contracts"
    template = "admin/customers/record/panel/contracts.html"

    def load(self, customer):
        contracts = db.session.scalars(
            select(Contract)
            .where(
                Contract.customer_id == customer.id,
                Contract.status.in_((ContractStatus.active, ContractStatus.draft)),
            )
            .order_by(Contract.start_date.desc())
            .limit(SHOWN)
        ).all()
        today = date.today()
        return [(contract, renewal_state(contract, today)) for contract in contracts]


@register_panel_block(weight=80)
class ServicePlanBlock(PanelBlock):
    key = "service_plan"
    title = "Service plan"
    template = "admin/customers/record/panel/service_plan.html"

    def load(self, customer):
        plans = db.session.scalars(
            select(CustomerServicePlan)
            .where(CustomerServicePlan.customer_id == customer.id)
            .order_by(CustomerServicePlan.expires_on.desc())
            .limit(SHOWN)
            .options(selectinload(CustomerServicePlan.service_plan))
        ).all()
        covered = (
            dict(
                db.session.execute(
                    select(service_plan_work_address.c.customer_service_plan_id, func.count())
                    .where(
                        service_plan_work_address.c.customer_service_plan_id.in_(
                            [plan.id for plan in plans]
                        )
                    )
                    .group_by(service_plan_work_address.c.customer_service_plan_id)
                ).all()
            )
            if plans
            else {}
        )
        return {"plans": plans, "covered": covered, "today": date.today()}


@register_panel_block(weight=90)
class SlaBlock(PanelBlock):
    """The customer's service level agreement and its targets (seed 004 "Associate SLA")."""

    key = "sla"
    title = "SLA"
    template = "admin/customers/record/panel/sla.html"

    def load(self, customer):
        return sla_targets(customer.sla) if customer.sla else None


@register_panel_block(weight=100)
class What3WordsBlock(PanelBlock):
    key = "what3words"
    title = "what3words"
    template = "admin/customers/record/panel/what3words.html"


@register_panel_block(weight=55)
class CustomFieldsBlock(PanelBlock):
    """The customer's filled custom fields, by their labels, in their order."""

    key = "custom_fields"
    title = "Custom fields"
    template = "admin/customers/record/panel/custom_fields.html"

    def load(self, customer):
        return filled_custom_fields(db.session, CustomFieldTarget.customer, customer, customer)


@register_panel_block(weight=15)
class WhoIsViewingBlock(PanelBlock):
    """Locked under Customer details: the people with this record open, and who is editing."""

    key = "viewing"
    title = "Who's viewing"
    template = "admin/customers/record/panel/viewing.html"
    locked = True
    kind = "customer"

    def load(self, record):
        return open_page(self.kind, record.id)


@register_panel_block(weight=15, page="work_address")
class AddressViewersBlock(WhoIsViewingBlock):
    kind = "work_address"


def arranged_blocks(user) -> list[tuple[PanelBlock, bool]]:
    """The user's order and visibility of the blocks they may see; locked blocks first, then
    the user's order, then blocks they have not placed in weight order."""
    layout = (user.preferences or {}).get("panel", {})
    order = {key: i for i, key in enumerate(layout.get("order", []))}
    hidden = set(layout.get("hidden", []))
    blocks = blocks_for("customer", user)
    blocks.sort(key=lambda b: (not b.locked, order.get(b.key, len(order)), b.weight))
    return [(block, block.locked or block.key not in hidden) for block in blocks]


def panel_layout(order: list[str], hidden: list[str]) -> dict:
    """A layout to store on the user, keeping only blocks that exist and can be hidden."""
    known = {b.key for b in PANEL_BLOCKS["customer"] if not b.locked}
    return {
        "order": [key for key in dict.fromkeys(order) if key in known],
        "hidden": sorted(set(hidden) & known),
    }
