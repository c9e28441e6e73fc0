"""The customer list's search box, on indexed keys (models/search.py) instead of Flask-Admin's
`CAST(column AS TEXT) ILIKE '%term%'` over five columns, which reads every customer."""

from sqlalchemy import func

from extensions import db
from models import Contact, Customer, PhoneNumber
from models.customers import NAME_ORDER
from models.search import customer_search

# Search results are sorted once found. Ordered by an indexed column (the primary key, the
# name order) the database may walk that whole index looking for the few rows that match:
# while searching, the list sorts by the same values through an expression no index serves.
FOUND_ORDER = {None: "found_id", "id": "found_id", "display_name": "found_name"}
SEARCH_PLACEHOLDER = "Surname, company, name, contact, postcode, email, phone or PID (C000123)"


def customer_matches(term: str):
    """The condition "the customer matches what was typed", for the database in use."""
    dialect = db.session.get_bind().dialect.name
    tables = (Customer.__table__, Contact.__table__, PhoneNumber.__table__)
    return customer_search(*tables, term, dialect)


class CustomerSearchMixin:
    # Declares that the list has a search box; _apply_search decides what it matches.
    column_searchable_list = ("surname",)
    # Not columns of the list, so no header links to them; get_list picks them for searches.
    column_sortable_list = (("found_id", Customer.id + 0), ("found_name", func.lower(NAME_ORDER)))

    def get_list(self, page, sort_column, sort_desc, search, filters, *args, **kwargs):
        if search and sort_column in FOUND_ORDER:
            sort_desc = sort_desc if sort_column else True  # newest first by default
            sort_column = FOUND_ORDER[sort_column]
        return super().get_list(page, sort_column, sort_desc, search, filters, *args, **kwargs)

    def search_placeholder(self) -> str:
        return SEARCH_PLACEHOLDER

    def _apply_search(self, query, count_query, joins, count_joins, search):
        condition = customer_matches(search)
        if count_query is not None:
            count_query = count_query.filter(condition)
        return query.filter(condition), count_query, joins, count_joins
