"""A list's query string, checked before any of it reaches the database.

Flask-Admin passes `?page=` on as an OFFSET (a negative one, or one past a 64-bit integer, is
an error on PostgreSQL or SQLite), and a filter's value on to the query once `validate()` let it
through: an enum filter's `clean()` raises KeyError for a value not among its choices, and an
integer filter hands the database numbers no column holds. Here the page is kept within the
pages a list can show, the page size and the sort to what the list offers, and a filter value
to what its filter, its choices and the database take; what is left out is said, by name.
"""

from __future__ import annotations

import math

from flask import flash, request
from flask_admin.contrib.sqla.filters import FilterInList
from flask_admin.model.base import ViewArgs
from sqlalchemy import BigInteger, SmallInteger

from admin_views.core.list_count import COUNT_CAP

SHOWN_VALUE_LENGTH = 40


def checked_arguments(view, arguments: ViewArgs) -> ViewArgs:
    """The page clamped to the pages the list can show (it pages through the first COUNT_CAP
    rows), the page size one of those offered, a sort the list does not offer left out."""
    arguments.page_size = view.get_safe_page_size(arguments.page_size)
    last_page = COUNT_CAP // arguments.page_size if arguments.page_size else 0  # 0: one page
    arguments.page = min(max(arguments.page or 0, 0), last_page)
    typed = request.args.get("sort")
    if typed is not None and not _sortable(view, typed):
        flash(
            f"Sorting by column {_shown(typed)} is not offered: the list is in its usual order.",
            "warning",
        )
        arguments.sort = None
    return arguments


def checked_filters(view) -> list | None:
    """The list's filters from the query string, as Flask-Admin reads them, less those the list
    does not have and the values their filter would not take (each said in a message)."""
    chosen = []
    for arg, value in request.args.items():
        if not arg.startswith("flt"):
            continue
        position, _, key = arg[3:].partition("_")
        found = (view._filter_args or {}).get(key)
        if found is None:
            flash(f"There is no filter {_shown(arg)} on this list: it was left out.", "warning")
            continue
        index, flt = found
        if accepts(view, flt, value):
            chosen.append((position, (index, str(flt.name), value)))
        else:
            flash(
                f"Filter “{flt.name} {flt.operation()}” left out: it does not take "
                f"{_shown(value)}.",
                "error",
            )
    if not view._filters:
        return None
    return [flt for _, flt in sorted(chosen, key=lambda pair: pair[0])]


def accepts(view, flt, value: str) -> bool:
    """The value is one of the filter's choices (when it has some), passes its own validation
    and cleans into values the database can compare."""
    options = flt.get_options(view)
    if options:
        offered = {str(key) for key, _ in options}
        typed = value.split(",") if isinstance(flt, FilterInList) else [value]
        if not all(item.strip() in offered for item in typed):
            return False
    try:
        if not flt.validate(value):
            return False
        cleaned = flt.clean(value)
    except (KeyError, ValueError, TypeError, OverflowError):  # enum filters raise KeyError
        return False
    values = cleaned if isinstance(cleaned, list) else [cleaned]
    return all(_comparable(getattr(flt, "column", None), item) for item in values)


def _comparable(column, value) -> bool:
    """PostgreSQL casts an integer to its column's type (`%(x)s::INTEGER`, out of range past
    2**31) and SQLite binds no integer past 2**63; neither compares an infinite float."""
    if isinstance(value, bool):
        return True
    if isinstance(value, int):
        return abs(value) < 2 ** (_integer_bits(column) - 1)
    if isinstance(value, float):
        return math.isfinite(value)
    return True


def _integer_bits(column) -> int:
    kind = getattr(column, "type", None)
    return 64 if isinstance(kind, BigInteger) else 16 if isinstance(kind, SmallInteger) else 32


def _sortable(view, typed: str) -> bool:
    column = view._get_column_by_idx(int(typed)) if typed.isdecimal() else None
    return column is not None and column[0] in view._sortable_columns


def _shown(value: str) -> str:
    """A typed value as a message quotes it: a 10,000-character one cut short."""
    if len(value) > SHOWN_VALUE_LENGTH:
        value = value[:SHOWN_VALUE_LENGTH] + "…"
    return f"“{value}”"
