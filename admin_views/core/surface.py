"""What a model view exposes: the table columns behind its filters, sorts, searches and its
list, detail and export columns, as Flask-Admin built them. The base view refuses to start a
view whose surface is not declared or touches a secret column (rule 9)."""

from __future__ import annotations

from flask_admin.contrib.sqla import tools
from sqlalchemy import Column
from sqlalchemy.orm import RelationshipProperty
from sqlalchemy.sql import ClauseElement, visitors

from models.core.base import is_secret

# Named on every model view, even when empty: nothing is derived from the model.
DECLARED = (
    "column_list",
    "column_details_list",
    "column_sortable_list",
    "column_searchable_list",
    "column_filters",
)


def columns_of(expression) -> list[Column]:
    """The table columns an attribute, column or SQL expression reads."""
    if isinstance(expression, list | tuple):
        return [column for part in expression for column in columns_of(part)]
    if hasattr(expression, "__clause_element__"):
        expression = expression.__clause_element__()
    if not isinstance(expression, ClauseElement):
        return []  # a Python property, shown through a formatter
    return [node for node in visitors.iterate(expression) if isinstance(node, Column)]


def is_relationship(attr) -> bool:
    return isinstance(getattr(attr, "property", None), RelationshipProperty)


def _shown_columns(view, names) -> list[Column]:
    found = []
    for name, _label in names or ():
        try:
            attr, _path = tools.get_field_with_path(view.model, name)
        except AttributeError:
            continue  # a column only its formatter fills
        if attr is not None and not is_relationship(attr):  # a related row shows its __str__
            found.extend(columns_of(attr))
    return found


def surface(view) -> dict[str, list[Column]]:
    """Each place of the view (filter, sort, …) with the columns it reads or shows."""
    return {
        "filter": [c for flt in view._filters or () for c in columns_of(flt.column)],
        "sort": columns_of(list(view._sortable_columns.values())),
        "search": columns_of([column for column, _path in view._search_fields or ()]),
        "list": _shown_columns(view, view._list_columns),
        "details": _shown_columns(view, getattr(view, "_details_columns", ())),
        "export": _shown_columns(view, view._export_columns if view.can_export else ()),
    }


def check_surface(view) -> None:
    """Refuses, at start-up, a view that leaves part of its surface to be derived, or that
    would show or match on a column marked secret."""
    name = type(view).__name__
    undeclared = [attr for attr in DECLARED if getattr(view, attr) is None]
    if view.can_export and view.column_export_list is None:
        undeclared.append("column_export_list")
    if undeclared:
        raise TypeError(f"{name} must name its {', '.join(undeclared)}: nothing is derived.")
    secrets = [
        f"{place} {column.table.name}.{column.key}"
        for place, columns in surface(view).items()
        for column in columns
        if is_secret(column)
    ]
    if secrets:
        raise TypeError(f"{name} exposes secret columns: {', '.join(secrets)}.")
