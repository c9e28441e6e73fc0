"""Stock Flask-Admin over the same models, for comparison: what a developer following the
Flask-Admin documentation gets, mounted beside the panel at /stock/ in the benchmark's app.

Plain `flask_admin.contrib.sqla.ModelView`s: the customer view searches the same columns as
ours (the phone numbers through the `phones.digits` relationship path, which Flask-Admin
joins), forms are left as scaffolded (every relationship a dropdown of its whole table), and
the only change is the login check. Nothing here is registered outside the benchmark.
"""

from __future__ import annotations

from flask import Flask
from flask_admin import Admin
from flask_admin.contrib.sqla import ModelView
from flask_admin.theme import Bootstrap4Theme
from flask_login import current_user

from extensions import db
from models import Customer, Work

STOCK_URL = "/stock"


class LoginRequiredView(ModelView):
    can_view_details = True  # the record page to compare with ours

    def is_accessible(self) -> bool:
        return current_user.is_authenticated


class StockCustomerView(LoginRequiredView):
    column_searchable_list = (
        "surname",
        "first_name",
        "company_name",
        "postcode",
        "email",
        "phones.digits",
    )


def add_stock_admin(app: Flask) -> Admin:
    """A second Admin at /stock/: /stock/customer/ and /stock/work/ with their usual pages."""
    admin = Admin(app, name="Stock", url=STOCK_URL, endpoint="stock", theme=Bootstrap4Theme())
    # Endpoints must differ from the panel's ("customer", "work"); URLs read as usual.
    admin.add_view(StockCustomerView(Customer, db, endpoint="stock_customer", url="customer"))
    admin.add_view(LoginRequiredView(Work, db, endpoint="stock_work", url="work"))
    return admin
