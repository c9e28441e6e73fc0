"""A work address's own record page: its works history (no money: the owner pays) and the
communications and assets of that property only (seed 004 "Work Address")."""

from __future__ import annotations

from flask import abort, redirect, request, url_for
from flask_admin import expose
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from admin_views.core.base import requested_id
from admin_views.customers.record import (
    ListTab,
    Pager,
    blocks_for,
    register_tab,
    tab_context,
    tab_counts,
    tabs_for,
)
from admin_views.customers.record_tabs import ASSET_LOADS, asset_rows, notes_pinned_first
from extensions import db
from forms.customers.record import CommunicationForm
from models import Asset, Communication, CustomFieldTarget, Work, WorkAddress
from models.core.custom_values import filled_custom_fields


@register_tab(page="work_address", weight=100)
class AddressWorksTab(ListTab):
    key = "works"
    title = "Works history"
    template = "admin/customers/record/address/works.html"

    def query(self, address):
        return (
            select(Work)
            .where(Work.work_address_id == address.id)
            .order_by(Work.received_on.desc().nulls_last(), Work.id.desc())
        )


@register_tab(page="work_address", weight=200)
class AddressCommunicationsTab(ListTab):
    key = "communications"
    title = "Communications"
    template = "admin/customers/record/tabs/communications.html"
    loads = (Communication.author,)

    def query(self, address):
        return notes_pinned_first(Communication.work_address_id == address.id)

    def rows(self, address, pager):
        pager, notes = super().rows(address, pager)
        return pager, {"notes": notes, "scheduled": []}


@register_tab(page="work_address", weight=300)
class AddressAssetsTab(ListTab):
    key = "assets"
    title = "Assets"
    template = "admin/customers/record/tabs/assets.html"
    loads = ASSET_LOADS

    def query(self, address):
        return (
            select(Asset)
            .where(Asset.work_address_id == address.id)
            .order_by(Asset.technical_reference)
        )

    def rows(self, address, pager):
        pager, assets = super().rows(address, pager)
        return pager, asset_rows(assets)  # no filters here


class WorkAddressRecordMixin:
    @expose("/details/")
    def details_view(self):
        address = db.session.scalar(
            select(WorkAddress)
            .where(WorkAddress.id == requested_id())
            .options(
                joinedload(WorkAddress.customer),
                joinedload(WorkAddress.landlord),
                joinedload(WorkAddress.branch),
                joinedload(WorkAddress.building_type),
                selectinload(WorkAddress.phones),
            )
        )
        if address is None:
            if request.args.get("id") is None:
                return redirect(url_for(".index_view"))
            abort(404)
        # A property's history is short: every tab is served with the page.
        shown = tabs_for("work_address", current_user)
        counts = tab_counts(address, shown)
        tabs = []
        for tab in shown:
            pager, rows = tab.rows(address, Pager.from_request(tab.key, counts[tab.key]))
            tabs.append((tab, counts[tab.key], pager, rows))
        return self.render(
            "admin/customers/record/work_address.html",
            address=address,
            customer=address.customer,
            tabs=tabs,
            blocks=[
                (block, block.load(address)) for block in blocks_for("work_address", current_user)
            ],
            note_form=CommunicationForm(formdata=None, work_address_id=address.id),
            custom_fields=filled_custom_fields(
                db.session, CustomFieldTarget.work_address, address, address.customer
            ),
            **tab_context(address),
        )
