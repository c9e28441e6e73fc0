"""The customer portal (seed 004 "Customer Portal Link"): one customer's own pages, read-only.

A link's token is exchanged once for a short portal session (the link's id and an end time in
Flask's signed session cookie), and the browser is sent on at once so the token leaves the
address bar, the history and any Referer. Every page re-checks the link (revoked, expired and
merged links end the session on the next page), checks the permission the page needs, and
queries only rows of the link's customer: another customer's id is simply not found (404).

The portal session is not a staff login: Flask-Login's keys are never touched, staff pages
stay behind their own login, and a staff login alone opens no portal page.
"""

from __future__ import annotations

import time
from datetime import date, timedelta
from functools import wraps

from flask import (
    Blueprint,
    Flask,
    abort,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from admin_views.core.guesses import links_per_address
from admin_views.core.paging import Pager
from admin_views.files.downloads import send_attachment
from extensions import db
from models import Asset, Attachment, Invoice, InvoiceStatus, Work, act_as
from models.core.base import as_utc
from models.money.balances import BUCKETS, customer_balance, invoice_outstanding
from models.portal.links import PERMISSIONS, find_link, permissions_of, touch, usable_link

portal_bp = Blueprint("portal", __name__, url_prefix="/portal", template_folder="templates")

LINK_KEY = "portal_link_id"
ENDS_KEY = "portal_ends_at"  # epoch seconds
SESSION_LENGTH = timedelta(minutes=30)
# Drafts are the office's work in progress: a customer only ever sees what was issued.
SHOWN_INVOICES = (InvoiceStatus.issued, InvoiceStatus.void)
BUCKET_LABELS = {
    "current": "Not yet due",
    "1-30": "1–30 days overdue",
    "31-60": "31–60 days overdue",
    "61-90": "61–90 days overdue",
    "90+": "Over 90 days overdue",
}
PORTAL_HEADERS = {
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex",
    "X-Content-Type-Options": "nosniff",
    # The pages use only the panel's own stylesheet and a few style attributes: no scripts.
    "Content-Security-Policy": "default-src 'none'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
}
NOT_VALID = "This link is not valid any more. Ask us for a new one."
OPEN_ENDPOINTS = {"portal.open_link", "portal.leave"}


def init_portal(app: Flask) -> None:
    """Register the portal's pages on the app (once: a second call does nothing)."""
    if portal_bp.name not in app.blueprints:
        app.register_blueprint(portal_bp)


def end_portal_session() -> None:
    session.pop(LINK_KEY, None)
    session.pop(ENDS_KEY, None)


def session_ended():
    end_portal_session()
    return render_template(
        "portal/message.html",
        title="Your session has ended",
        message="For your security a portal visit lasts at most 30 minutes, and ends when the "
        "link is withdrawn or expires. Open the link we sent you again, or ask us for a new one.",
    ), 403


@portal_bp.before_request
def load_portal_link():
    # Nothing a portal visitor does is a staff change, even in a browser also logged in as staff.
    act_as(db.session, None)
    if request.endpoint in OPEN_ENDPOINTS:
        return None
    link_id, ends_at = session.get(LINK_KEY), session.get(ENDS_KEY)
    if not isinstance(link_id, int) or not isinstance(ends_at, int) or ends_at <= time.time():
        return session_ended()
    link = usable_link(db.session, link_id)
    if link is None:
        return session_ended()
    g.portal_link = link
    g.portal_customer = link.customer
    return None


@portal_bp.after_request
def portal_headers(response):
    for header, value in PORTAL_HEADERS.items():
        response.headers[header] = value
    return response


@portal_bp.errorhandler(403)
def not_allowed(error):
    return render_template(
        "portal/message.html",
        title="Not part of your access",
        message="This page is not part of what your link lets you see. Ask us if you need it.",
    ), 403


@portal_bp.errorhandler(404)
def not_found(error):
    return render_template(
        "portal/message.html", title="Not found", message="There is nothing at this address."
    ), 404


def requires(permission: str):
    """The page needs this permission on the link (403 without it)."""
    if permission not in PERMISSIONS:
        raise ValueError(permission)

    def decorate(view):
        @wraps(view)
        def checked(*args, **kwargs):
            if not getattr(g.portal_link, f"can_see_{permission}"):
                abort(403)
            return view(*args, **kwargs)

        return checked

    return decorate


def customer_id() -> int:
    return g.portal_link.customer_id


def own(model, row_id: int, *criteria, options=()):
    """One of this customer's rows, or 404: every portal lookup goes through here."""
    row = db.session.scalar(
        select(model)
        .where(model.id == row_id, model.customer_id == customer_id(), *criteria)
        .options(*options)
    )
    if row is None:
        abort(404)
    return row


def render(template: str, **context):
    return render_template(
        template,
        link=g.portal_link,
        customer=g.portal_customer,
        allowed=permissions_of(g.portal_link),
        permission_labels=PERMISSIONS,
        **context,
    )


@portal_bp.get("/open/<token>")
@links_per_address
def open_link(token: str):
    link = find_link(db.session, token)
    if link is None:
        end_portal_session()
        return render_template(
            "portal/message.html", title="Link not valid", message=NOT_VALID
        ), 404
    link_ends = as_utc(link.expires_at).timestamp()
    session[LINK_KEY] = link.id
    session[ENDS_KEY] = int(min(time.time() + SESSION_LENGTH.total_seconds(), link_ends))
    touch(link)
    db.session.commit()
    return redirect(url_for("portal.home"))


@portal_bp.get("/leave")
def leave():
    end_portal_session()
    return render_template(
        "portal/message.html",
        title="You have left the portal",
        message="To come back, open the link we sent you again.",
    )


@portal_bp.get("/")
def home():
    return render("portal/home.html")


@portal_bp.get("/statement")
@requires("statement")
def statement():
    balance = customer_balance(db.session, customer_id())
    invoices = db.session.scalars(
        select(Invoice)
        .where(Invoice.customer_id == customer_id(), Invoice.status == InvoiceStatus.issued)
        .order_by(Invoice.due_on, Invoice.id)
    ).all()
    outstanding = invoice_outstanding(db.session, [invoice.id for invoice in invoices])
    open_invoices = [
        (invoice, outstanding[invoice.id]) for invoice in invoices if outstanding[invoice.id] > 0
    ]
    return render(
        "portal/statement.html",
        balance=balance,
        open_invoices=open_invoices,
        buckets=[(BUCKET_LABELS[name], balance.ageing[name]) for name in BUCKETS],
        debt_age=BUCKET_LABELS.get(balance.debt_age) if balance.debt_age else None,
        today=date.today(),  # the day customer_balance ages against
    )


@portal_bp.get("/invoices")
@requires("statement")
def invoices():
    query = select(Invoice).where(
        Invoice.customer_id == customer_id(), Invoice.status.in_(SHOWN_INVOICES)
    )
    page = Pager.of(query)
    rows = db.session.scalars(
        page.apply(
            query.options(selectinload(Invoice.lines)).order_by(
                Invoice.invoice_date.desc(), Invoice.id.desc()
            )
        )
    ).all()
    outstanding = invoice_outstanding(db.session, [invoice.id for invoice in rows])
    return render("portal/invoices.html", invoices=rows, outstanding=outstanding, page=page)


@portal_bp.get("/invoices/<int:invoice_id>")
@requires("statement")
def invoice(invoice_id: int):
    row = own(
        Invoice,
        invoice_id,
        Invoice.status.in_(SHOWN_INVOICES),
        options=(selectinload(Invoice.lines), joinedload(Invoice.invoice_address)),
    )
    outstanding = invoice_outstanding(db.session, [row.id])[row.id]
    return render("portal/invoice.html", invoice=row, outstanding=outstanding)


@portal_bp.get("/works")
@requires("works")
def works():
    query = select(Work).where(Work.customer_id == customer_id())
    page = Pager.of(query)
    rows = db.session.scalars(
        page.apply(
            query.options(joinedload(Work.work_address)).order_by(
                Work.created_at.desc(), Work.id.desc()
            )
        )
    ).all()
    return render("portal/works.html", works=rows, page=page)


@portal_bp.get("/works/<int:work_id>")
@requires("works")
def work(work_id: int):
    row = own(Work, work_id, options=(joinedload(Work.work_address),))
    return render("portal/work.html", work=row)


@portal_bp.get("/documents")
@requires("documents")
def documents():
    query = select(Attachment).where(Attachment.customer_id == customer_id())
    page = Pager.of(query)
    rows = db.session.scalars(
        page.apply(query.order_by(Attachment.uploaded_at.desc(), Attachment.id.desc()))
    ).all()
    return render("portal/documents.html", documents=rows, page=page)


@portal_bp.get("/documents/<int:attachment_id>")
@requires("documents")
def document(attachment_id: int):
    attachment = own(Attachment, attachment_id)
    return send_attachment(attachment, request.args.get("thumbnail") == "1")


@portal_bp.get("/assets")
@requires("assets")
def assets():
    query = select(Asset).where(Asset.customer_id == customer_id())
    page = Pager.of(query)
    rows = db.session.scalars(
        page.apply(
            query.options(
                joinedload(Asset.asset_group),
                joinedload(Asset.make),
                joinedload(Asset.model),
                joinedload(Asset.location),
                joinedload(Asset.work_address),
            ).order_by(Asset.id)
        )
    ).all()
    return render("portal/assets.html", assets=rows, page=page)
