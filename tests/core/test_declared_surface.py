"""Rule 9: a view exposes only what it declares, and secrets are exposed nowhere.

Walks every registered model view's filters, sorts, searches and its list, detail and export
columns, resolved to the table columns they read, as Flask-Admin built them.
"""

from __future__ import annotations

import pytest
from flask_admin.contrib.sqla import ModelView
from sqlalchemy import Column

from admin_views.core.surface import DECLARED, surface
from models import User
from models.core.base import is_secret

# What of a staff login another view may show or match on.
USER_COLUMNS_SHOWN = {"name", "email"}


def model_views(app) -> list[ModelView]:
    (admin,) = app.extensions["admin"]
    return [view for view in admin._views if isinstance(view, ModelView)]


def exposed_wrongly(view: ModelView, column: Column) -> bool:
    if is_secret(column):
        return True
    own_logins = view.model is User
    return column.table.name == "user" and not own_logins and column.key not in USER_COLUMNS_SHOWN


def test_no_view_shows_or_matches_on_a_secret(app):
    views = model_views(app)
    assert len(views) > 30
    leaks = [
        f"{view.endpoint} {place}: {column.table.name}.{column.key}"
        for view in views
        for place, columns in surface(view).items()
        for column in columns
        if exposed_wrongly(view, column)
    ]
    assert leaks == []


def test_every_model_view_names_its_surface(app):
    undeclared = [
        f"{view.endpoint}.{name}"
        for view in model_views(app)
        for name in DECLARED
        if getattr(view, name) is None
    ]
    assert undeclared == []


@pytest.mark.parametrize(
    "model_column",
    ["user.password_hash", "user.failed_logins", "user.locked_until", "portal_access.token_hash"],
)
def test_security_columns_are_marked_secret(model_column):
    from models import Base

    table, column = model_column.split(".")
    assert is_secret(Base.metadata.tables[table].c[column])


def test_the_customer_list_cannot_be_filtered_on_a_staff_password(client_as, users):
    """The old list offered `User / Password Hash contains …`: its count answered guesses."""
    client = client_as("office")
    page = client.get("/admin/customer/").get_data(as_text=True)
    assert "Password" not in page
    assert "Failed Logins" not in page
    assert "Locked Until" not in page
