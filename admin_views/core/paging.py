"""One pager for every list shown a page at a time: the record's tabs, the reminders due and
the customer portal's lists.

A list that is its page's only one reads `?page=` and shows PER_PAGE rows. Where one page holds
several lists (the record's tabs), each reads `<key>_page` and `<key>_per` (one of
PER_PAGE_CHOICES), so that paging one leaves the others where they are. A page past the last
(an old link) shows the last page, and a link to another page keeps the page's other arguments.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from flask import request, url_for
from sqlalchemy import Select, func, select

from extensions import db

PER_PAGE = 25
PER_PAGE_CHOICES = (10, 25, 50, 100)  # a record tab's sizes; the first is its default


@dataclass(frozen=True)
class Pager:
    """Which page of a list the request asks for, as far as its rows go, and the address of
    any other page."""

    page: int
    per_page: int
    total: int = 0
    key: str = ""  # a list among several on its page: `<key>_page`, `<key>_per`, `#<key>`
    sizes: tuple[int, ...] = (PER_PAGE,)  # the page sizes on offer, the default first
    endpoint: str = ""  # where the list's pages are
    kept: Mapping[str, Any] = field(default_factory=dict)  # what every page's address keeps

    @classmethod
    def from_request(cls, key: str, total: int = 0) -> Pager:
        """One tab of a record page. Its pages are the record page's own (`.details_view`,
        also when the tab is fetched alone or the page comes back from a refused form), at
        the tab's `#<key>`."""
        kept = request.args.to_dict()
        kept.setdefault("id", (request.view_args or {}).get("customer_id"))  # after a POST
        return cls._asked(total, key, PER_PAGE_CHOICES, ".details_view", kept)

    @classmethod
    def fetch(cls, key: str, query: Select) -> tuple[Pager, list[tuple]]:
        """The requested page of `query`'s rows and the pager over them, counted in the same
        statement (a window count): the query runs once, not once to count and again for the
        page. A page past the last one (an old link) is fetched again as the last page."""
        pager = cls.from_request(key, total=sys.maxsize)  # the page asked for, unclamped
        rows = pager.rows_of(query)
        if rows:
            pager = replace(pager, total=rows[0][-1])
        else:
            pager = cls.from_request(key, db.session.scalar(counted(query)))
            rows = pager.rows_of(query) if pager.total else []
        return pager, [tuple(row[:-1]) for row in rows]

    @classmethod
    def of(cls, query: Select, endpoint: str = "", kept: Mapping[str, Any] | None = None) -> Pager:
        """A list that is its page's only one, counted by one statement. Its pages are at
        `endpoint` (this request's by default) with the `kept` arguments (this request's path
        arguments by default), e.g. the list's filters."""
        if kept is None:
            kept = request.view_args or {}
        total = db.session.scalar(counted(query))
        return cls._asked(total, "", (PER_PAGE,), endpoint or request.endpoint, kept)

    @classmethod
    def _asked(cls, total: int, key: str, sizes: tuple[int, ...], endpoint: str, kept) -> Pager:
        per_page = request.args.get(argument(key, "per"), type=int) if len(sizes) > 1 else None
        if per_page not in sizes:
            per_page = sizes[0]
        pages = max(1, -(-total // per_page))
        page = min(max(1, request.args.get(argument(key, "page"), type=int) or 1), pages)
        return cls(page, per_page, total, key, sizes, endpoint, kept)

    def rows_of(self, query: Select) -> list:
        return db.session.execute(self.apply(query.add_columns(func.count().over()))).all()

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    def apply(self, query: Select) -> Select:
        return query.limit(self.per_page).offset(self.offset)

    def url(self, page: int = 1, per_page: int | None = None, anchor: str | None = None) -> str:
        """The address of another page of this list, or of its first page at another size."""
        arguments = {**self.kept, argument(self.key, "page"): page}
        if len(self.sizes) > 1:
            arguments[argument(self.key, "per")] = per_page or self.per_page
        fragment = anchor or self.key
        return url_for(self.endpoint, **arguments) + (f"#{fragment}" if fragment else "")


def argument(key: str, name: str) -> str:
    """A pager's query-string argument: `page`, or `<key>_page` for one of several lists."""
    return f"{key}_{name}" if key else name


def counted(query: Select) -> Select:
    """The count(*) of a row query."""
    return select(func.count()).select_from(query.order_by(None).subquery())
