"""A work's own page: job info, account notes, pay, dates, services, addresses, inventory and
estimate against final (seed 001 "Job", seed 002 "Lead/Job Pages")."""

from __future__ import annotations

from flask import abort, redirect, request, url_for
from flask_admin import expose
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from admin_views.core.base import requested_id
from admin_views.customers.record import register_tab, served_tabs, tab_context
from admin_views.customers.record_tabs import NotesTab
from extensions import db
from forms.customers.record import CommunicationForm
from models import (
    CustomFieldTarget,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    Payment,
    PaymentAllocation,
    Work,
)
from models.core.custom_values import filled_custom_fields
from models.money.balances import invoice_outstanding, total_outstanding


@register_tab(page="work", weight=100)
class JobNotesTab(NotesTab):
    """Seed 001's Notes and Comments beside the Job tab: the work's own communications."""

    key = "notes"
    title = "Notes and comments"
    about = "work_id"


class JobPageMixin:
    @expose("/details/")
    def details_view(self):
        work = db.session.scalar(
            select(Work)
            .where(Work.id == requested_id())
            .options(
                *(
                    joinedload(getattr(Work, name))
                    for name in (
                        "customer",
                        "work_address",
                        "product",
                        "result_code",
                        "payment_method",
                    )
                ),
                selectinload(Work.inventory_items),
            )
        )
        if work is None:
            if request.args.get("id") is None:
                return redirect(url_for(".index_view"))
            abort(404)
        invoices = db.session.scalars(
            select(Invoice)
            .where(
                Invoice.id.in_(select(InvoiceLine.invoice_id).where(InvoiceLine.work_id == work.id))
            )
            .order_by(Invoice.invoice_date)
            .options(
                selectinload(Invoice.lines),
                selectinload(Invoice.allocations)
                .joinedload(PaymentAllocation.payment)
                .joinedload(Payment.payment_method),
            )
        ).all()
        issued = [invoice.id for invoice in invoices if invoice.status == InvoiceStatus.issued]
        outstanding = invoice_outstanding(db.session, issued)
        return self.render(
            "admin/customers/record/job.html",
            work=work,
            customer=work.customer,
            tabs=served_tabs("work", work),
            note_form=CommunicationForm(
                formdata=None, work_id=work.id, work_address_id=work.work_address_id
            ),
            **tab_context(work),
            invoices=invoices,
            outstanding=outstanding,
            balance_due=total_outstanding(outstanding),
            payments=sorted(
                (allocation for invoice in invoices for allocation in invoice.allocations),
                key=lambda allocation: allocation.payment.paid_on,
            ),
            custom_fields=filled_custom_fields(
                db.session, CustomFieldTarget.work, work, work.customer
            ),
        )
