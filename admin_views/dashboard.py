"""The panel's home page: a few counts people check first thing."""

from flask_admin import expose
from sqlalchemy import func, select

from extensions import db
from models import Communication, Customer, Invoice, InvoiceStatus, Status, Work
from models.enums import ONGOING_WORK

from .base import SecureIndexView


def headline_counts() -> dict[str, int]:
    """One round trip for all the counts on the dashboard."""
    row = db.session.execute(
        select(
            select(func.count())
            .select_from(Customer)
            .where(Customer.status == Status.active)
            .scalar_subquery()
            .label("customers"),
            select(func.count())
            .select_from(Work)
            .where(Work.status.in_(ONGOING_WORK))
            .scalar_subquery()
            .label("ongoing_works"),
            select(func.count())
            .select_from(Invoice)
            .where(Invoice.status == InvoiceStatus.issued)
            .scalar_subquery()
            .label("invoices"),
            select(func.count())
            .select_from(Communication)
            .where(Communication.scheduled_for.is_not(None))
            .scalar_subquery()
            .label("scheduled"),
        )
    ).one()
    return row._asdict()


class DashboardView(SecureIndexView):
    @expose("/")
    def index(self):
        return self.render("admin/dashboard.html", counts=headline_counts())
