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
    blocks_for,
    register_tab,
    served_tabs,
    tab_context,
)
from admin_views.customers.record_tabs import ASSET_LOADS, NotesTab, asset_rows
from extensions import db
from forms.customers.record import CommunicationForm
from models import Asset, CustomFieldTarget, Work, WorkAddress
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
class AddressCommunicationsTab(NotesTab):
    key = "communications"
    about = "work_address_id"


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
        return self.render(
            "admin/customers/record/work_address.html",
            address=address,
            customer=address.customer,
            tabs=served_tabs("work_address", address),  # a property's history is short
            blocks=[
                (block, block.load(address)) for block in blocks_for("work_address", current_user)
            ],
            note_form=CommunicationForm(formdata=None, work_address_id=address.id),
            custom_fields=filled_custom_fields(
                db.session, CustomFieldTarget.work_address, address, address.customer
            ),
            **tab_context(address),
        )
