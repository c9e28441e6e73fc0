"""Exporting from the panel: a customer's ZIP from its record, everything for admins."""

import csv
import io
import zipfile

from sqlalchemy import select

from extensions import db
from models import AuditEntry
from tests.factories import make_customer


def members(response) -> dict[str, str]:
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    return {name: archive.read(name).decode() for name in archive.namelist()}


def test_a_customers_export_holds_its_record_and_no_one_elses(client_as):
    customer = make_customer(surname="=cmd|' /C calc'!A0")
    make_customer(surname="Neighbour", postcode="N1 1AA")
    response = client_as("office").get(f"/admin/customer/{customer.id}/export.zip")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith(
        f'attachment; filename="customer-{customer.account_number}-'
    )
    files = members(response)
    rows = list(csv.DictReader(io.StringIO(files["customer.csv"])))
    assert [row["id"] for row in rows] == [str(customer.id)]
    assert rows[0]["surname"].startswith("'=")  # a spreadsheet will not run it
    assert "Neighbour" not in "".join(files.values())
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.action == "export"))


def test_read_only_users_do_not_take_data_away(client_as):
    customer = make_customer()
    assert (
        client_as("read_only").get(f"/admin/customer/{customer.id}/export.zip").status_code == 403
    )


def test_only_admins_export_every_customer(client_as):
    make_customer()
    assert client_as("office").get("/admin/customer/export-all.zip").status_code == 403
    response = client_as("admin").get("/admin/customer/export-all.zip")
    files = members(response)
    assert "customer.csv" in files and "user.csv" in files
    assert "password_hash" not in files["user.csv"]
    admin_menu = client_as("admin").get("/admin/").get_data(as_text=True)
    assert "Export all customers (ZIP)" in admin_menu
    assert "Export all customers (ZIP)" not in client_as("office").get("/admin/").get_data(
        as_text=True
    )
