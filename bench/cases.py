"""What the benchmark measures: the pages (ours and their stock Flask-Admin counterparts) and
the issue's targets, with search terms and page numbers taken from the database itself."""

from __future__ import annotations

import math
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from flask import Flask
from sqlalchemy import select

from extensions import db
from models import Customer, Invoice, InvoiceStatus, Payment, PhoneNumber, Work

from .generate import LARGEST_CUSTOMER_ID, MERGE_PAIR


@dataclass(frozen=True)
class Target:
    """The issue's goal for a case: server time median / p95, page size, or a rate."""

    median_ms: float | None = None
    p95_ms: float | None = None
    max_kb: float | None = None
    min_rows_per_s: float | None = None

    def describe(self) -> str:
        parts = []
        if self.median_ms is not None:
            times = [self.median_ms, self.p95_ms] if self.p95_ms is not None else [self.median_ms]
            parts.append("≤ " + " / ".join(f"{t:,.0f}" for t in times) + " ms")
        if self.max_kb is not None:
            parts.append(f"< {self.max_kb:,.0f} KB")
        if self.min_rows_per_s is not None:
            parts.append(f"≥ {self.min_rows_per_s:,.0f} rows/s")
        return ", ".join(parts)

    def met(self, median_ms: float, p95_ms: float, kb: float, rows_per_s: float = 0) -> bool:
        return (
            (self.median_ms is None or median_ms <= self.median_ms)
            and (self.p95_ms is None or p95_ms <= self.p95_ms)
            and (self.max_kb is None or kb < self.max_kb)
            and (self.min_rows_per_s is None or rows_per_s >= self.min_rows_per_s)
        )


LIST = Target(25, 40)
SEARCH = Target(30, 50)
RECORD = Target(40, 60)
EDIT_FORM = Target(40, 60, max_kb=200)
WORK_FORM = Target(25, 40)
RELATED = Target(10)
DUPLICATES = Target(20)
MERGE = Target(1000)
IMPORT = Target(min_rows_per_s=10_000)
HEARTBEAT = Target(2)


@dataclass(frozen=True)
class PageCase:
    name: str
    ours: str  # the panel's URL
    stock: str | None = None  # the stock Flask-Admin URL showing the same, if it has one
    target: Target | None = None
    stock_note: str = ""  # why there is no stock figure
    # POSTs the Who's viewing form this page is served with (a heartbeat) instead of a GET
    posts_presence_of: str | None = None


@dataclass(frozen=True)
class Terms:
    """Search terms from one real customer (not the largest one, whose data is unusual)."""

    customer_id: int
    surname_prefix: str
    postcode: str
    email_prefix: str
    phone_fragment: str
    typed: str  # the add-customer form's duplicates lookup, as if this customer were typed in
    work_number: str = ""  # for search from every page: one of this customer's documents
    invoice_number: str = ""
    payment_reference: str = ""


def pick_terms(app: Flask) -> Terms:
    """The first customer past the middle of the table with a surname, postcode, email and
    phone: repeatable, and an ordinary row."""
    with app.app_context():
        highest = db.session.scalar(select(Customer.id).order_by(Customer.id.desc()).limit(1))
        row = db.session.execute(
            select(
                Customer.id,
                Customer.first_name,
                Customer.surname,
                Customer.postcode,
                Customer.email,
                Customer.address_line_1,
            )
            .join(PhoneNumber, PhoneNumber.customer_id == Customer.id)
            .where(
                Customer.id >= (highest or 0) // 2,
                Customer.id.not_in((LARGEST_CUSTOMER_ID, *MERGE_PAIR)),
                Customer.merged_into_id.is_(None),
                Customer.surname.is_not(None),
                Customer.postcode.is_not(None),
                Customer.email.is_not(None),
            )
            .order_by(Customer.id)
            .limit(1)
        ).one_or_none()
        if row is None:
            raise SystemExit("No customer with a surname, postcode, email and phone to search.")
        digits, number = db.session.execute(
            select(PhoneNumber.digits, PhoneNumber.number)
            .where(PhoneNumber.customer_id == row.id)
            .order_by(PhoneNumber.id)
            .limit(1)
        ).one()
        documents = _documents_of(row.id)
    typed = {
        "first_name": row.first_name or "",
        "surname": row.surname,
        "email": row.email.upper(),
        "phone": number,
        "postcode": row.postcode,
        "address_line_1": row.address_line_1 or "",
    }
    return Terms(
        customer_id=row.id,
        surname_prefix=row.surname.strip()[:4],
        postcode=row.postcode.strip(),
        email_prefix=row.email.split("@")[0],
        phone_fragment=digits[-6:],
        typed=urlencode(typed),
        **documents,
    )


def _documents_of(customer_id: int) -> dict[str, str]:
    """A work number, an issued invoice's number and a payment reference of this customer's,
    or of the first customer after it that has one (references are not on every payment)."""

    def first(column, *where) -> str:
        query = select(column).where(*where).order_by(column).limit(1)
        return db.session.scalar(query) or ""

    return {
        "work_number": first(Work.number, Work.customer_id >= customer_id),
        "invoice_number": first(
            Invoice.number,
            Invoice.customer_id == customer_id,
            Invoice.status == InvoiceStatus.issued,
        ),
        "payment_reference": first(
            Payment.reference, Payment.customer_id >= customer_id, Payment.reference.is_not(None)
        ),
    }


def last_page(app: Flask, endpoint: str) -> int:
    """The zero-based number of a list view's last page (Flask-Admin's ?page=), by its own
    count query, so each view's own scoping and page size apply."""
    view = next(
        v for admin in app.extensions["admin"] for v in admin._views if v.endpoint == endpoint
    )
    with app.test_request_context():
        count = view.get_count_query().scalar()
    return max(0, math.ceil(count / view.page_size) - 1)


def page_cases(app: Flask, terms: Terms, stock: bool = True) -> list[PageCase]:
    ours_last = last_page(app, "customer")
    stock_last = last_page(app, "stock_customer") if stock else 0
    searches = [
        ("surname prefix", terms.surname_prefix),
        ("postcode", terms.postcode),
        ("email prefix", terms.email_prefix),
        ("phone, last 6 digits", terms.phone_fragment),
    ]
    largest = LARGEST_CUSTOMER_ID
    no_ajax = "stock forms have no AJAX lookup (every customer is in the dropdown)"
    return [
        PageCase("Customer list, first page", "/admin/customer/", "/stock/customer/", LIST),
        PageCase(
            "Customer list, last page",
            f"/admin/customer/?page={ours_last}",
            f"/stock/customer/?page={stock_last}",
            LIST,
        ),
        *(
            PageCase(
                f"Search: {what} “{term}”",
                f"/admin/customer/?search={quote(term)}",
                f"/stock/customer/?search={quote(term)}",
                SEARCH,
            )
            for what, term in searches
        ),
        PageCase(
            f"Record page, largest customer (id {largest})",
            f"/admin/customer/details/?id={largest}",
            f"/stock/customer/details/?id={largest}",
            RECORD,
        ),
        *(
            PageCase(
                f"Record page, {title} tab opened (id {largest})",
                f"/admin/customer/{largest}/tabs/{key}/?id={largest}",
                target=RECORD,
                stock_note="stock has no tabs: its details page is measured above",
            )
            for key, title in (("money", "Money"), ("communications", "Communications"))
        ),
        PageCase(
            f"Customer edit form (id {largest})",
            f"/admin/customer/edit/?id={largest}",
            f"/stock/customer/edit/?id={largest}",
            EDIT_FORM,
        ),
        PageCase("Work create form", "/admin/work/new/", "/stock/work/new/", WORK_FORM),
        PageCase(
            "Likely duplicates while adding a customer (name, email, phone, address)",
            f"/admin/customer/duplicates/?{terms.typed}",
            target=DUPLICATES,
            stock_note="stock Flask-Admin does not look for duplicates",
        ),
        PageCase(
            f"Customer AJAX lookup “{terms.surname_prefix}”",
            f"/admin/work/ajax/lookup/?name=customer&query={quote(terms.surname_prefix)}",
            stock_note=no_ajax,
        ),
        *search_everywhere_cases(terms),
        PageCase(
            f"Who's viewing heartbeat, largest customer (id {largest})",
            f"/admin/presence/customer/{largest}/",
            target=HEARTBEAT,
            stock_note="stock Flask-Admin does not say who is viewing",
            posts_presence_of=f"/admin/customer/details/?id={largest}",
        ),
        PageCase(
            f"Statement PDF, largest customer (id {largest})",
            f"/admin/documents/statement/{largest}.pdf",
            stock_note="not in stock Flask-Admin",
        ),
    ]


def search_everywhere_cases(terms: Terms) -> list[PageCase]:
    """The navbar's search (issue 16) as one types: its suggestions for each kind of key, and
    the full results page; stock Flask-Admin has no search across kinds."""
    typed = [
        ("surname prefix", terms.surname_prefix),
        ("postcode", terms.postcode),
        ("phone, last 6 digits", terms.phone_fragment),
        ("work number", terms.work_number),
        ("invoice number, lower case", terms.invoice_number.lower()),
        ("payment reference, start", terms.payment_reference[:6]),
    ]
    cases = [
        PageCase(
            f"Search everywhere, as typed: {what} “{term}”",
            f"/admin/search/suggestions/?q={quote(term)}",
            target=SEARCH,
            stock_note="stock Flask-Admin searches one list at a time",
        )
        for what, term in typed
        if term
    ]
    cases.append(
        PageCase(
            f"Search everywhere, results page: surname prefix “{terms.surname_prefix}”",
            f"/admin/search/?q={quote(terms.surname_prefix)}",
            target=SEARCH,
            stock_note="stock Flask-Admin searches one list at a time",
        )
    )
    return cases
