"""AJAX lookups for relationship fields: no form ever renders a whole table as a dropdown."""

from flask_admin.contrib.sqla.ajax import QueryAjaxModelLoader
from sqlalchemy import func

from admin_views.customers.search import SEARCH_PLACEHOLDER, customer_matches
from extensions import db
from models import Customer, User, WorkAddress
from models.core.base import is_row_id
from models.customers.entities import NAME_ORDER
from models.customers.search import work_address_search


def by_name(page_size: int = 10) -> dict:
    """For lookup lists: a click shows the first entries, typing narrows them."""
    return {
        "fields": ("name",),
        "page_size": page_size,
        "minimum_input_length": 0,
        "placeholder": "Type to search…",
    }


def user_lookup() -> dict:
    return {
        "fields": (User.name, User.email),
        "page_size": 10,
        "minimum_input_length": 0,
        "placeholder": "Name or email…",
    }


class RowLoader(QueryAjaxModelLoader):
    """Every lookup of the panel's: an id that could not be a row's (?customer=abc on a link, a
    forged post) finds nothing, instead of reaching PostgreSQL, which refuses it (a 500)."""

    def get_one(self, pk):
        return super().get_one(int(pk)) if is_row_id(pk) else None


class WorkAddressLoader(RowLoader):
    """Matches the start of line 1, postcode or occupier surname on indexed keys (stock
    loaders CAST every column and match `%term%`, which no index can serve)."""

    def get_list(self, term: str, offset: int = 0, limit: int = 10):
        query = self.get_query().filter(work_address_search(WorkAddress.__table__, term or ""))
        return query.order_by(*self.order_by).offset(offset).limit(limit).all()


class CustomerLoader(RowLoader):
    """Finds customers as the customer list's search box does (indexed keys, phone numbers,
    PID); customers merged away are not offered."""

    def get_list(self, term: str, offset: int = 0, limit: int = 10):
        query = self.get_query().filter(
            customer_matches(term or ""), Customer.merged_into_id.is_(None)
        )
        return query.order_by(*self.order_by).offset(offset).limit(limit).all()


def customer_loader(name: str) -> CustomerLoader:
    return CustomerLoader(
        name,
        db,
        Customer,
        fields=("surname",),  # required by Flask-Admin; get_list decides what matches
        # The list's name order, sorted once found (lower): ordered by the indexed expression
        # itself, the database would walk that index from "a" looking for matches of "smi".
        order_by=(func.lower(NAME_ORDER), Customer.id + 0),
        page_size=10,
        minimum_input_length=1,
        placeholder=SEARCH_PLACEHOLDER,
    )


def work_address_loader(name: str) -> WorkAddressLoader:
    return WorkAddressLoader(
        name,
        db,
        WorkAddress,
        fields=("address_line_1",),  # required by Flask-Admin; get_list decides what matches
        # Sorted once found: no index has this order, so none is walked looking for matches.
        order_by=(WorkAddress.address_line_1, WorkAddress.id + 0),
        page_size=10,
        minimum_input_length=1,
        placeholder="Address line 1, postcode or occupier's surname…",
    )
