"""Search from every page: the navbar's box asks /admin/search/suggestions/ as one types (JSON,
a few of each kind) and opens /admin/search/?q= on Enter when nothing is offered yet (every
kind, more of each). Matching is models/customers/search_everywhere.py's; here, only links."""

from __future__ import annotations

from flask import jsonify, request, url_for
from flask_admin import BaseView, expose

from admin_views.core.base import AccessMixin
from extensions import db
from models.customers.search_everywhere import KINDS, Found, Results, search_everywhere

SUGGESTIONS = 5  # of each kind in the navbar's dropdown
PAGE_ROWS = 20  # of each kind on the results page

DETAILS = {
    "customer": "customer.details_view",
    "work_address": "workaddress.details_view",
    "work": "work.details_view",
    "invoice": "invoice.details_view",
    "credit_note": "creditnote.details_view",
    "payment": "payment.details_view",
}


def found_url(found: Found) -> str:
    return url_for(DETAILS[found.kind], id=found.id)


def as_json(results: Results) -> dict:
    return {
        "q": results.term,
        "problem": results.problem,
        "page": url_for("search.index", q=results.term),
        "groups": [
            {
                "kind": kind,
                "title": KINDS[kind],
                "results": [
                    {
                        "title": found.title,
                        "detail": found.detail,
                        "matched": found.matched,
                        "url": found_url(found),
                    }
                    for found in rows
                ],
            }
            for kind, rows in results.groups.items()
        ],
    }


class SearchView(AccessMixin, BaseView):
    """Anyone logged in may search (read_only too); the portal's customers never reach it."""

    @expose("/")
    def index(self):
        results = search_everywhere(db.session, request.args.get("q"), PAGE_ROWS)
        return self.render(
            "admin/customers/search/results.html",
            results=results,
            kinds=KINDS,
            found_url=found_url,
            page_rows=PAGE_ROWS,
        )

    @expose("/suggestions/")
    def suggestions(self):
        return jsonify(as_json(search_everywhere(db.session, request.args.get("q"), SUGGESTIONS)))
