"""The customer list's search box, on indexed keys (models/customers/search.py) instead of
Flask-Admin's `CAST(column AS TEXT) ILIKE '%term%'` over five columns, which reads every customer;
and the list's pages, searched or not, found as ids from indexes before their rows are loaded."""

from sqlalchemy import func
from sqlalchemy.orm import joinedload

from admin_views.core.list_count import capped
from extensions import db
from models import Customer
from models.customers.entities import NAME_ORDER
from models.customers.search_everywhere import customer_matches as matches_in

# Search results are sorted once found. Ordered by an indexed column (the primary key, the
# name order) the database may walk that whole index looking for the few rows that match:
# while searching, the list sorts by the same values through an expression no index serves.
FOUND_ORDER = {None: "found_id", "id": "found_id", "display_name": "found_name"}
SEARCH_PLACEHOLDER = "Surname, company, name, contact, postcode, email, phone or PID (C000123)"


def customer_matches(term: str):
    """The condition "the customer matches what was typed", for the database in use."""
    return matches_in(db.session, term)


class CustomerSearchMixin:
    # Declares that the list has a search box; _apply_search decides what it matches.
    column_searchable_list = ("surname",)
    # Not columns of the list, so no header links to them; get_list picks them for searches.
    column_sortable_list = (("found_id", Customer.id + 0), ("found_name", func.lower(NAME_ORDER)))

    def get_list(self, page, sort_column, sort_desc, search, filters, execute=True, page_size=None):
        if search and sort_column in FOUND_ORDER:
            sort_desc = sort_desc if sort_column else True  # newest first by default
            sort_column = FOUND_ORDER[sort_column]
        # While searching there is no count query (_apply_search): the page's own query counts.
        count, query = super().get_list(
            page, sort_column, sort_desc, search, filters, False, page_size
        )
        if not execute:  # as Flask-Admin's: the count, and the page's query to run later
            return (capped(self._count_all(query)) if search else count), query
        if not search:
            return count, self._customers([id_ for (id_,) in query.with_entities(Customer.id)])
        found = query.with_entities(Customer.id, func.count().over()).all()
        if not found:  # nothing at all, or a page past the last one: counted without the page
            return capped(self._count_all(query) if page else 0), []
        return capped(found[0][1]), self._customers([customer_id for customer_id, _ in found])

    def _customers(self, ids: list[int]) -> list[Customer]:
        """The page's customers, in the order of their ids.

        The database sorts and skips ids only (a search's matches counted in the same pass, a
        window count), then the page's rows are loaded. Sorting a common surname's thousands of
        matches with their whole rows, or skipping 10,000 whole rows to the last page, took
        twice as long; so did counting a search's matches in a query of its own."""
        rows = self.get_query().filter(Customer.id.in_(ids))
        for relation in self._auto_joins:
            rows = rows.options(joinedload(relation))
        by_id = {customer.id: customer for customer in rows}
        return [by_id[customer_id] for customer_id in ids]

    @staticmethod
    def _count_all(page_query) -> int:
        unpaged = page_query.limit(None).offset(None).order_by(None)
        return unpaged.with_entities(func.count()).scalar()

    def search_placeholder(self) -> str:
        return SEARCH_PLACEHOLDER

    def _apply_search(self, query, count_query, joins, count_joins, search):
        return query.filter(customer_matches(search)), None, joins, count_joins
