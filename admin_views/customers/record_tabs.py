"""The record page's built-in tabs (seed 004 "Customer Record Tabs", seed 001 tabs)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from flask import request
from flask_login import current_user
from sqlalchemy import Select, distinct, func, literal, select, union_all
from sqlalchemy.orm import selectinload

from admin_views.core.base import is_row_id
from admin_views.customers.record import ListTab, Pager, Tab, counted, page_balance, register_tab
from extensions import db
from forms.works.asset_columns import ASSET_COLUMNS, asset_columns
from models import (
    Asset,
    Attachment,
    Branch,
    Communication,
    Contact,
    CreditNote,
    Customer,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    Payment,
    Work,
    WorkAddress,
)
from models.core.enums import ONGOING_WORK
from models.core.lookups import AssetGroup, FuelType, Location
from models.customers.related import related_customers, related_ids
from models.money.balances import invoice_outstanding

BRANCH_ADDRESSES_SHOWN = 10
SHOWN_RELATED = 50  # the closest matches; the tab's count says how many there are in all


def _ongoing(customer: Customer) -> Select:
    return (
        select(Work)
        .where(Work.customer_id == customer.id, Work.status.in_(ONGOING_WORK))
        .order_by(Work.appointment_on.desc().nulls_last(), Work.id.desc())
    )


def _history_union(customer: Customer, parent_only: bool) -> Select:
    """Past works, invoices and credit notes as one dated list: (kind, id, on)."""
    works = select(
        literal("work").label("kind"),
        Work.id.label("id"),
        Work.completed_on.label("on"),
    ).where(Work.customer_id == customer.id, Work.status.not_in(ONGOING_WORK))
    if parent_only:
        works = works.where(Work.work_address_id.is_(None))
    invoices = select(literal("invoice"), Invoice.id, Invoice.invoice_date).where(
        Invoice.customer_id == customer.id
    )
    credit_notes = select(literal("credit_note"), CreditNote.id, CreditNote.credit_date).where(
        CreditNote.customer_id == customer.id
    )
    return union_all(works, invoices, credit_notes)


@dataclass
class Works:
    ongoing: list[Work]
    history: list[tuple[str, object]]
    ongoing_pager: Pager
    parent_only: bool
    outstanding: dict[int, object]
    consolidated: set[int]  # the page's invoices billing more than one work


@register_tab(page="customer", weight=100)
class AllWorksTab(Tab):
    key = "works"
    title = "All works"
    template = "admin/customers/record/tabs/works.html"

    def count_query(self, customer):
        return counted(select(Work.id).where(Work.customer_id == customer.id))

    def rows(self, customer, pager):
        parent_only = request.args.get("parent_only") == "1"
        ongoing_pager, ongoing = Pager.fetch(
            "ongoing", _ongoing(customer).options(selectinload(Work.work_address))
        )
        history = _history_union(customer, parent_only).subquery()
        pager, page = Pager.fetch(
            self.key,
            select(history.c.kind, history.c.id).order_by(
                history.c.on.desc().nulls_last(), history.c.id.desc()
            ),
        )
        loaded = _load_history(page)
        invoice_ids = [id_ for kind, id_ in page if kind == "invoice"]
        return pager, Works(
            ongoing=[work for (work,) in ongoing],
            history=[(kind, loaded[kind, id_]) for kind, id_ in page],
            ongoing_pager=ongoing_pager,
            parent_only=parent_only,
            outstanding=invoice_outstanding(db.session, invoice_ids),
            consolidated=_consolidated(invoice_ids),
        )


def _load_history(page) -> dict[tuple[str, int], object]:
    """The page's works, invoices and credit notes: one query per kind."""
    kinds = {
        "work": select(Work).options(selectinload(Work.work_address)),
        "invoice": select(Invoice),  # totals are stored: no lines to load
        "credit_note": select(CreditNote),
    }
    loaded = {}
    for kind, query in kinds.items():
        ids = [id_ for k, id_ in page if k == kind]
        if ids:
            model = query.column_descriptions[0]["entity"]
            for obj in db.session.scalars(query.where(model.id.in_(ids))):
                loaded[kind, obj.id] = obj
    return loaded


def _consolidated(invoice_ids: list[int]) -> set[int]:
    if not invoice_ids:
        return set()
    return set(
        db.session.scalars(
            select(InvoiceLine.invoice_id)
            .where(InvoiceLine.invoice_id.in_(invoice_ids))
            .group_by(InvoiceLine.invoice_id)
            .having(func.count(distinct(InvoiceLine.work_id)) > 1)
        )
    )


class NotesTab(ListTab):
    """The communications of a customer, a property or a job, pinned ones first, each with
    its author, property and job loaded with the page."""

    title = "Communications"
    template = "admin/customers/record/tabs/communications.html"
    loads = (Communication.author, Communication.work_address, Communication.work)
    about: ClassVar[str]  # the Communication column naming the record: work_address_id …

    def query(self, record):
        return notes_pinned_first(getattr(Communication, self.about) == record.id)

    def rows(self, record, pager):
        pager, notes = super().rows(record, pager)
        return pager, {"notes": notes, "scheduled": []}


@register_tab(page="customer", weight=200)
class CommunicationsTab(NotesTab):
    """Every communication of the customer, its properties' and jobs' too, and the
    scheduled activities falling due."""

    key = "communications"
    about = "customer_id"

    def rows(self, customer, pager):
        pager, shown = super().rows(customer, pager)
        shown["scheduled"] = db.session.scalars(
            select(Communication)
            .where(
                Communication.customer_id == customer.id,
                Communication.scheduled_for.is_not(None),
            )
            .order_by(Communication.scheduled_for)
            .limit(10)
        ).all()
        return pager, shown


def notes_pinned_first(condition) -> Select:
    """Pinned important notes first, then newest first (seed 004 "Pinned Notes")."""
    return (
        select(Communication)
        .where(condition)
        .order_by(Communication.is_important.desc(), Communication.created_at.desc())
    )


@register_tab(page="customer", weight=300)
class ContactsTab(ListTab):
    key = "contacts"
    title = "Contacts"
    template = "admin/customers/record/tabs/contacts.html"
    loads = (Contact.phones, Contact.branch)

    def query(self, customer):
        return (
            select(Contact)
            .where(Contact.customer_id == customer.id)
            .order_by(Contact.is_primary.desc(), Contact.surname, Contact.id)
        )


@register_tab(page="customer", weight=400)
class BranchesTab(ListTab):
    key = "branches"
    title = "Branches"
    template = "admin/customers/record/tabs/branches.html"
    loads = (Branch.phones,)

    def query(self, customer):
        return select(Branch).where(Branch.customer_id == customer.id).order_by(Branch.name)

    def rows(self, customer, pager):
        pager, branches = super().rows(customer, pager)
        return pager, {"branches": branches, "addresses": _addresses_by_branch(branches)}


def _addresses_by_branch(branches) -> dict[int, list[WorkAddress]]:
    """Up to BRANCH_ADDRESSES_SHOWN work addresses per branch, in one query."""
    if not branches:
        return {}
    ranked = (
        select(
            WorkAddress.id,
            func.row_number()
            .over(partition_by=WorkAddress.branch_id, order_by=WorkAddress.address_line_1)
            .label("rank"),
        )
        .where(WorkAddress.branch_id.in_([b.id for b in branches]))
        .subquery()
    )
    addresses = db.session.scalars(
        select(WorkAddress)
        .join(ranked, ranked.c.id == WorkAddress.id)
        .where(ranked.c.rank <= BRANCH_ADDRESSES_SHOWN)
        .order_by(WorkAddress.address_line_1)
    )
    grouped: dict[int, list[WorkAddress]] = {}
    for address in addresses:
        grouped.setdefault(address.branch_id, []).append(address)
    return grouped


@register_tab(page="customer", weight=500)
class WorkAddressesTab(ListTab):
    key = "addresses"
    title = "Work addresses"
    template = "admin/customers/record/tabs/work_addresses.html"
    loads = (WorkAddress.landlord, WorkAddress.branch, WorkAddress.phones)

    def query(self, customer):
        return (
            select(WorkAddress)
            .where(WorkAddress.customer_id == customer.id)
            .order_by(WorkAddress.address_line_1, WorkAddress.id)
        )


ASSET_FILTERS = {"group": AssetGroup, "fuel": FuelType, "location": Location}
ASSET_LOADS = (
    Asset.asset_group,
    Asset.make,
    Asset.model,
    Asset.fuel_type,
    Asset.location,
    Asset.work_address,
)


@register_tab(page="customer", weight=600)
class AssetsTab(Tab):
    key = "assets"
    title = "Assets"
    template = "admin/customers/record/tabs/assets.html"

    def query(self, customer, chosen=None):
        query = select(Asset).where(Asset.customer_id == customer.id)
        columns = {
            "group": Asset.asset_group_id,
            "fuel": Asset.fuel_type_id,
            "location": Asset.location_id,
        }
        for name, value in (chosen or {}).items():
            query = query.where(columns[name] == value)
        return query.order_by(Asset.technical_reference, Asset.id)

    def count_query(self, customer):
        return counted(self.query(customer))

    def rows(self, customer, pager):
        typed = {name: request.args.get(f"assets_{name}") for name in ASSET_FILTERS}
        chosen = {name: int(value) for name, value in typed.items() if is_row_id(value)}
        query = self.query(customer, chosen)
        pager, assets = Pager.fetch(self.key, query.options(*map(selectinload, ASSET_LOADS)))
        choices = {
            name: db.session.scalars(select(model).order_by(model.name)).all()
            for name, model in ASSET_FILTERS.items()
        }
        return pager, asset_rows([asset for (asset,) in assets], choices, chosen)


def asset_rows(assets, choices=None, chosen=None) -> dict:
    """What the Assets tab shows: the assets, its filters, and the columns the user chose."""
    return {
        "assets": assets,
        "choices": choices or {},
        "chosen": chosen or {},
        "columns": asset_columns(current_user),
        "labels": ASSET_COLUMNS,
    }


class AttachmentsTab(ListTab):
    pictures: bool
    loads = (Attachment.uploaded_by,)

    def query(self, customer):
        return (
            select(Attachment)
            .where(
                Attachment.customer_id == customer.id,
                Attachment.is_picture.is_(self.pictures),
            )
            .order_by(Attachment.uploaded_at.desc(), Attachment.id.desc())
        )


@register_tab(page="customer", weight=700)
class FilesTab(AttachmentsTab):
    key = "files"
    title = "Files"
    template = "admin/customers/record/tabs/files.html"
    pictures = False


@register_tab(page="customer", weight=800)
class PicturesTab(AttachmentsTab):
    key = "pictures"
    title = "Pictures"
    template = "admin/customers/record/tabs/pictures.html"
    pictures = True


@register_tab(page="customer", weight=900)
class RelatedTab(Tab):
    """Other customers sharing a name, an address or a phone number (seed 001 "Related")."""

    key = "related"
    title = "Related"
    template = "admin/customers/record/tabs/related.html"

    def count_query(self, customer):
        return counted(related_ids(customer))

    def rows(self, customer, pager):
        return pager, related_customers(db.session, customer, limit=SHOWN_RELATED)


@register_tab(page="customer", weight=1000)
class MoneyTab(Tab):
    """Read-only here: invoices paged, the latest credit notes and payments, the balance."""

    key = "money"
    title = "Money"
    template = "admin/customers/record/tabs/money.html"

    # Credit notes and payments shown below the paged invoices; the statement lists them all.
    recent = 10

    def count_query(self, customer):
        return counted(select(Invoice.id).where(Invoice.customer_id == customer.id))

    def rows(self, customer, pager):
        invoices = db.session.scalars(
            pager.apply(
                select(Invoice)
                .where(Invoice.customer_id == customer.id)
                .order_by(Invoice.invoice_date.desc(), Invoice.id.desc())
            )
        ).all()
        credit_notes = db.session.scalars(
            select(CreditNote)
            .where(CreditNote.customer_id == customer.id)
            .order_by(CreditNote.credit_date.desc())
            .limit(self.recent)
        ).all()
        payments = db.session.scalars(
            select(Payment)
            .where(Payment.customer_id == customer.id)
            .order_by(Payment.paid_on.desc())
            .limit(self.recent)
            .options(selectinload(Payment.payment_method), selectinload(Payment.allocations))
        ).all()
        issued = [i.id for i in invoices if i.status == InvoiceStatus.issued]
        return pager, {
            "invoices": invoices,
            "credit_notes": credit_notes,
            "payments": payments,
            "recent": self.recent,
            "balance": page_balance(customer),
            "outstanding": invoice_outstanding(db.session, issued),
        }
