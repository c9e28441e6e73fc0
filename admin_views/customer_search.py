"""The customer list's search box, on indexed keys (models/search.py) instead of Flask-Admin's
`CAST(column AS TEXT) ILIKE '%term%'` over five columns, which reads every customer."""

from extensions import db
from models import Customer, PhoneNumber
from models.search import customer_search

# Search results come newest first, sorted once found: ordering by the bare primary key would
# let the database walk the whole table in key order looking for the few rows that match.
MATCH_ORDER = "newest_match"
SEARCH_PLACEHOLDER = "Surname, company, name, postcode, email, phone or PID (C000123)"


def customer_matches(term: str):
    """The condition "the customer matches what was typed", for the database in use."""
    dialect = db.session.get_bind().dialect.name
    return customer_search(Customer.__table__, PhoneNumber.__table__, term, dialect)


class CustomerSearchMixin:
    # Declares that the list has a search box; _apply_search decides what it matches.
    column_searchable_list = ("surname",)
    # Not a column of the list, so no header links to it; get_list picks it for searches.
    column_sortable_list = ((MATCH_ORDER, Customer.id + 0),)

    def get_list(self, page, sort_column, sort_desc, search, filters, *args, **kwargs):
        if search and sort_column is None:
            sort_column, sort_desc = MATCH_ORDER, True
        return super().get_list(page, sort_column, sort_desc, search, filters, *args, **kwargs)

    def search_placeholder(self) -> str:
        return SEARCH_PLACEHOLDER

    def _apply_search(self, query, count_query, joins, count_joins, search):
        condition = customer_matches(search)
        if count_query is not None:
            count_query = count_query.filter(condition)
        return query.filter(condition), count_query, joins, count_joins
