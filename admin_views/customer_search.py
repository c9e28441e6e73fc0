"""The customer list's search box, on indexed keys (models/search.py) instead of Flask-Admin's
`CAST(column AS TEXT) ILIKE '%term%'` over five columns, which reads every customer."""

from extensions import db
from models import Customer, PhoneNumber
from models.search import customer_search

SEARCH_PLACEHOLDER = "Surname, company, name, postcode, email, phone or PID (C000123)"


def customer_matches(term: str):
    """The condition "the customer matches what was typed", for the database in use."""
    dialect = db.session.get_bind().dialect.name
    return customer_search(Customer.__table__, PhoneNumber.__table__, term, dialect)


class CustomerSearchMixin:
    # Declares that the list has a search box; _apply_search decides what it matches.
    column_searchable_list = ("surname",)

    def search_placeholder(self) -> str:
        return SEARCH_PLACEHOLDER

    def _apply_search(self, query, count_query, joins, count_joins, search):
        condition = customer_matches(search)
        if count_query is not None:
            count_query = count_query.filter(condition)
        return query.filter(condition), count_query, joins, count_joins
