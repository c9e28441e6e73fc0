"""The customer record page's extension points: tabs and side-panel blocks.

A tab or a panel block is one small class and one line in its registry (`TABS`,
`PANEL_BLOCKS`); the built-in ones (record_tabs.py, record_panel.py) use the same mechanism.
A tab gives its count as a query (all counts are fetched in one round trip) and loads one page
of rows with explicit eager loading, so the page costs the same whatever the customer holds.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, replace
from typing import Any, ClassVar

from flask import g, request, url_for
from flask_login import current_user
from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from extensions import db
from models import Customer
from models.money.balances import customer_balance

PER_PAGE_CHOICES = (10, 25, 50, 100)


@dataclass(frozen=True)
class Pager:
    """One tab's page, read from `<tab>_page` and `<tab>_per` in the query string."""

    key: str
    page: int
    per_page: int
    total: int = 0

    @classmethod
    def from_request(cls, key: str, total: int = 0) -> Pager:
        per_page = request.args.get(f"{key}_per", type=int) or PER_PAGE_CHOICES[0]
        if per_page not in PER_PAGE_CHOICES:
            per_page = PER_PAGE_CHOICES[0]
        pages = max(1, -(-total // per_page))
        page = min(max(1, request.args.get(f"{key}_page", type=int) or 1), pages)
        return cls(key, page, per_page, total)

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
        """This page's address with another page of this tab, keeping every other argument."""
        args = {
            **request.args.to_dict(),
            f"{self.key}_page": page,
            f"{self.key}_per": per_page or self.per_page,
        }
        args.setdefault("id", (request.view_args or {}).get("customer_id"))  # after a POST
        return url_for(".details_view", **args) + f"#{anchor or self.key}"


class Tab:
    """A tab on the record page. Subclasses set the class attributes and write `rows`."""

    key: ClassVar[str]  # the anchor (#contacts) and the prefix of its query-string arguments
    title: ClassVar[str]
    template: ClassVar[str]

    def count_query(self, record) -> Select:
        """SELECT count(*) … for this tab's badge; run together with every other tab's."""
        raise NotImplementedError

    def rows(self, record, pager: Pager) -> Any:
        """What the template shows: one page of rows, eagerly loaded."""
        raise NotImplementedError


class ListTab(Tab):
    """A tab listing one query's rows a page at a time, with `loads` eager-loaded."""

    loads: ClassVar[tuple] = ()  # relationships to load with the page (no query per row)

    def query(self, record) -> Select:
        raise NotImplementedError

    def count_query(self, record) -> Select:
        return counted(self.query(record))

    def rows(self, record, pager: Pager) -> Any:
        query = pager.apply(self.query(record)).options(*map(selectinload, self.loads))
        return pager, db.session.scalars(query).all()


class PanelBlock:
    """A block of the side panel. `locked` blocks cannot be hidden or moved by users."""

    key: ClassVar[str]
    title: ClassVar[str]
    template: ClassVar[str]
    locked: ClassVar[bool] = False

    def load(self, customer: Customer) -> Any:
        """Data for the template (the customer itself is always there)."""
        return None


TABS: list[Tab] = []
PANEL_BLOCKS: list[PanelBlock] = []


def register_tab(tab_class: type[Tab]) -> type[Tab]:
    TABS.append(tab_class())
    return tab_class


def register_panel_block(block_class: type[PanelBlock]) -> type[PanelBlock]:
    PANEL_BLOCKS.append(block_class())
    return block_class


def tab_context(record) -> dict:
    """What every tab's template may use besides its own rows, on a customer's or a work
    address's record page (the view's own details page is the record's address)."""
    return {
        "record_url": url_for(".details_view", id=record.id),
        "per_page_choices": PER_PAGE_CHOICES,
        "can_write": current_user.can_write,
    }


def page_balance(customer: Customer):
    """The customer's balance, computed once per request: the side panel's blocks and the
    record actions ask for it on the page, the Money tab when it is fetched."""
    if g.get("balance_for") != customer.id:
        g.balance_for, g.balance = customer.id, customer_balance(db.session, customer.id)
    return g.balance


def tab_counts(record, tabs: list[Tab]) -> dict[str, int]:
    """Every tab's count in a single statement (a customer's tabs, or a work address's)."""
    columns = [tab.count_query(record).scalar_subquery().label(tab.key) for tab in tabs]
    return dict(db.session.execute(select(*columns)).one()._mapping)


def counted(query: Select) -> Select:
    """The count(*) of a row query, for `Tab.count_query`."""
    return select(func.count()).select_from(query.order_by(None).subquery())
