"""Export all data (seed 004 "Admin Tools"): one customer's record, or everything (admins),
as a ZIP of CSV files plus the files, streamed while it is written."""

from __future__ import annotations

from datetime import date

from flask import Response, current_app, stream_with_context
from flask_admin import expose
from flask_admin.menu import MenuLink
from flask_login import current_user

from admin_views.core.base import CustomerPagesView, allowed, changes_data, endpoint_role
from extensions import db
from models import Role, record
from models.data.export import all_tables, customer_files, customer_tables, stream_export


def zip_response(chunks, filename: str) -> Response:
    response = Response(stream_with_context(chunks), mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


class ExportPages(CustomerPagesView):
    """Mounted on the customer view: one customer's export, and everyone's for admins."""

    @expose("/<int:customer_id>/export.zip")
    @changes_data  # office and admin users: read_only users see, but do not take data away
    def export_customer(self, customer_id: int):
        customer = self.load_customer(customer_id)
        record(db.session, "export", customer)
        db.session.commit()  # who took the data away is on record before it leaves
        folder = current_app.config["UPLOAD_FOLDER"]
        chunks = stream_export(
            db.session,
            customer_tables(db.session, customer.id),
            customer_files(db.session, customer.id, folder),
            title=f"Customer Record export of {customer.account_number} {customer.display_name}",
        )
        return zip_response(chunks, f"customer-{customer.account_number}-{date.today()}.zip")

    @expose("/export-all.zip")
    @allowed(Role.admin)
    def export_everything(self):
        record(db.session, "export all customers", current_user._get_current_object())
        db.session.commit()
        chunks = stream_export(
            db.session,
            all_tables(db.session),
            customer_files(db.session, None, current_app.config["UPLOAD_FOLDER"]),
            title="Customer Record export of all customers",
        )
        return zip_response(chunks, f"customer-record-all-{date.today()}.zip")


class AdminLink(MenuLink):
    """A menu link shown to those its endpoint's declared role lets in."""

    def is_accessible(self) -> bool:
        return current_user.is_authenticated and current_user.may(endpoint_role(self.endpoint))
