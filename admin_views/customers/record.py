"""The record pages' extension points: tabs, side-panel blocks and the quick links.

Each is one small class registered with the page it belongs to and a weight:
`@register_tab(page="customer", weight=300)`, `@register_panel_block(weight=50)`,
`@register_action(heading="Admin tools", weight=20)`. The weight, not the import order,
orders them; the lightest tab is the one served with the page. Who may see one is declared on
it (`allowed`) and enforced on its endpoint, so nothing is shown that would be refused. The
built-in ones (record_tabs.py, record_panel.py, record_actions.py) use the same mechanism.

A tab gives its count as a query (all counts are fetched in one round trip) and loads one page
of rows with explicit eager loading, so the page costs the same whatever the customer holds.
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar, TypeVar

from flask import g, url_for
from flask_login import current_user
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from admin_views.core.base import endpoint_role
from admin_views.core.paging import PER_PAGE_CHOICES, Pager, counted
from extensions import db
from models import Customer, Role
from models.core.enums import Choice
from models.core.formats import day, label
from models.money.balances import customer_balance


class Tab:
    """A tab on the record page. Subclasses set the class attributes and write `rows`."""

    key: ClassVar[str]  # the anchor (#contacts) and the prefix of its query-string arguments
    title: ClassVar[str]
    template: ClassVar[str]
    allowed: ClassVar[Role] = Role.read_only  # who sees it (and may fetch it)
    weight: ClassVar[int]  # set by register_tab

    def count_query(self, record) -> Select:
        """SELECT count(*) … for this tab's badge; run together with every other tab's."""
        raise NotImplementedError

    def rows(self, record, pager: Pager) -> Any:
        """What the template shows: one page of rows, eagerly loaded."""
        raise NotImplementedError


class ListTab(Tab):
    """A tab listing one query's rows a page at a time, with `loads` eager-loaded. Without a
    template of its own it shows `columns` ((attribute, heading) pairs) as a table."""

    loads: ClassVar[tuple] = ()  # relationships to load with the page (no query per row)
    columns: ClassVar[tuple[tuple[str, str], ...]] = ()
    template: ClassVar[str] = "admin/customers/record/tabs/columns.html"

    def cell(self, row, name: str) -> str:
        """A column's value in words, as the lists show it: 12 Mar 2026, In progress."""
        value = getattr(row, name)
        if value is None:
            return ""
        if isinstance(value, date):
            return day(value)
        return label(value) if isinstance(value, Choice) else str(value)

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
    allowed: ClassVar[Role] = Role.read_only
    weight: ClassVar[int]  # set by register_panel_block

    def load(self, customer: Customer) -> Any:
        """Data for the template (the customer itself is always there)."""
        return None


# The pages that take tabs and side-panel blocks (a job's page: its notes).
PAGES = ("customer", "work_address", "work")
TABS: dict[str, list[Tab]] = {page: [] for page in PAGES}
PANEL_BLOCKS: dict[str, list[PanelBlock]] = {page: [] for page in PAGES}

Registered = TypeVar("Registered")


def _registrar(registry: dict[str, list], page: str, weight: int):
    """Adds an instance of the decorated class to `registry[page]`, kept in weight order."""
    if page not in registry:
        raise ValueError(f"No such page {page!r}: tabs and blocks go on one of {PAGES}.")

    def register(item_class: type[Registered]) -> type[Registered]:
        entries = registry[page]
        if any(entry.key == item_class.key for entry in entries):
            raise ValueError(f"The {page} page already has a {item_class.key!r}.")
        item_class.weight = weight
        entries.append(item_class())
        entries.sort(key=lambda entry: entry.weight)
        return item_class

    return register


def register_tab(page: str, weight: int):
    return _registrar(TABS, page, weight)


def register_panel_block(weight: int, page: str = "customer"):
    return _registrar(PANEL_BLOCKS, page, weight)


def tabs_for(page: str, user) -> list[Tab]:
    """The page's tabs this user may see, lightest first (the first is served with the page)."""
    return [tab for tab in TABS[page] if user.may(tab.allowed)]


def blocks_for(page: str, user) -> list[PanelBlock]:
    return [block for block in PANEL_BLOCKS[page] if user.may(block.allowed)]


# The quick links' headings, in the order shown: seed 004 "Quick links", the everyday ones
# first. Each entry goes under one of them; those that cannot be undone are shown apart.
QUICK_LINK_HEADINGS = (
    "Work addresses",
    "Invoices",
    "Payments",
    "Statements",
    "Service reminders",
    "Contracts",
    "Associate SLA",
    "Admin tools",
    "Customer portal",
)


class RecordAction:
    """An entry of the record's quick links."""

    title: ClassVar[str]
    heading: ClassVar[str]  # set by register_action
    weight: ClassVar[int]
    destructive: ClassVar[bool] = False  # cannot be undone: shown apart, marked

    def shown(self, customer: Customer) -> bool:
        """Whether this customer's quick links offer it (Reactivate only for dormant ones)."""
        return True

    def allowed_role(self) -> Role:
        raise NotImplementedError

    def url(self, customer: Customer) -> str:
        raise NotImplementedError


class PageLink(RecordAction):
    """Opens a page of its own taking customer_id (payments, statements, …). Who sees it is
    the role that endpoint declares."""

    endpoint: ClassVar[str]

    def allowed_role(self) -> Role:
        return endpoint_role(self.endpoint)

    def url(self, customer: Customer) -> str:
        return url_for(self.endpoint, customer_id=customer.id)


class ConfirmAction(RecordAction):
    """A form and one domain operation. Its endpoint is made from this declaration, on the
    customer view: `customer.<name>` at /admin/customer/<id>/<path>/, refused (403) to anyone
    below `allowed`. A form with a `confirm` field (forms.customers.record.typed) must have its word
    typed."""

    name: ClassVar[str]  # the endpoint's name
    path: ClassVar[str]
    form: ClassVar[type]
    allowed: ClassVar[Role] = Role.office
    intro: ClassVar[str] = ""
    submit: ClassVar[str]
    style: ClassVar[str] = "primary"  # the button's colour: warning, danger …
    refused_as: ClassVar[str] = "Nothing changed"  # the refusal's message begins so
    back_to_record_when_refused: ClassVar[bool] = False  # else the form is shown again

    def allowed_role(self) -> Role:
        return self.allowed

    def url(self, customer: Customer) -> str:
        return url_for(f"customer.{self.name}", customer_id=customer.id)

    def prepare(self, form, customer: Customer) -> None:
        """Fills the form's choices for this customer."""

    def introduce(self, customer: Customer) -> str:
        return self.intro

    def run(self, customer: Customer, form) -> str:
        """Does it (raising DomainError to refuse) and says what was done; committed after."""
        raise NotImplementedError

    def done_url(self, customer: Customer) -> str:
        return url_for("customer.details_view", id=customer.id)


ACTIONS: list[RecordAction] = []


def register_action(heading: str, weight: int):
    if heading not in QUICK_LINK_HEADINGS:
        raise ValueError(f"No quick-links heading {heading!r}: use one of {QUICK_LINK_HEADINGS}.")

    def register(action_class: type[RecordAction]) -> type[RecordAction]:
        action_class.heading, action_class.weight = heading, weight
        ACTIONS.append(action_class())
        ACTIONS.sort(key=lambda a: (QUICK_LINK_HEADINGS.index(a.heading), a.weight))
        return action_class

    return register


def actions_for(customer: Customer, user) -> list[RecordAction]:
    """The customer's quick links for this user: only what its endpoint would let them do."""
    return [a for a in ACTIONS if user.may(a.allowed_role()) and a.shown(customer)]


def quick_links(customer: Customer, user) -> dict:
    """The quick links as the panel shows them: the entries under each heading (headings in
    order, none left empty) and, apart, those that cannot be undone."""
    offered = actions_for(customer, user)
    grouped: dict[str, list[RecordAction]] = {}
    for action in offered:
        if not action.destructive:
            grouped.setdefault(action.heading, []).append(action)
    return {"groups": grouped, "destructive": [a for a in offered if a.destructive]}


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


def served_tabs(page: str, record) -> list[tuple]:
    """Every tab of a page served with it (a work address's, a job's): (tab, count, pager,
    rows) for each tab the user may see, counted in one statement."""
    shown = tabs_for(page, current_user)
    counts = tab_counts(record, shown)
    served = []
    for tab in shown:
        pager, rows = tab.rows(record, Pager.from_request(tab.key, counts[tab.key]))
        served.append((tab, counts[tab.key], pager, rows))
    return served


def tab_counts(record, tabs: list[Tab]) -> dict[str, int]:
    """Every tab's count in a single statement (a customer's tabs, or a work address's)."""
    columns = [tab.count_query(record).scalar_subquery().label(tab.key) for tab in tabs]
    return dict(db.session.execute(select(*columns)).one()._mapping)
