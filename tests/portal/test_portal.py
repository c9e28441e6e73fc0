"""The customer portal: a link shown once, a short read-only session for one customer, and
nothing of any other customer whatever ids are typed into the address."""

from __future__ import annotations

import hashlib
import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from admin_views.portal.pages import init_portal
from extensions import db
from models import Asset, AssetGroup, AuditEntry, DomainError, InvoiceStatus, PortalAccess
from models.core.base import utcnow
from models.core.formats import day_time
from models.files.uploads import store_upload
from models.portal.links import create_portal_link, find_link, revoke, revoke_all
from tests.conftest import PanelClient
from tests.factories import make_customer, make_invoice, make_work
from tests.sql import counting_statements

ALL = {"statement": True, "works": True, "documents": True, "assets": True}
NOT_VALID = "This link is not valid any more. Ask us for a new one."
PORTAL_URL = re.compile(r"https?://[^/\"]+/portal/open/([A-Za-z0-9_-]+)")
PDF = b"%PDF-1.4\n% a statement\n%%EOF\n"


@pytest.fixture(autouse=True)
def portal(app):
    init_portal(app)  # create_app registers it already; a second call does nothing
    app.test_client_class = PanelClient


@pytest.fixture
def ada(app):
    return make_customer()


@pytest.fixture
def grace(app):
    return make_customer(first_name="Grace", surname="Hopper", postcode="NY1 1AA")


def new_link(customer, days: int = 30, **permissions) -> tuple[PortalAccess, str]:
    link, token = create_portal_link(
        db.session, customer, None, permissions or ALL, utcnow() + timedelta(days=days)
    )
    db.session.commit()
    return link, token


def visitor(app, token: str | None = None) -> PanelClient:
    """A browser with no staff login that opened the link (when given one)."""
    client = app.test_client()
    if token is not None:
        assert client.get(f"/portal/open/{token}").status_code == 302
    return client


def issued(customer, number: str, amount: str, **fields):
    return make_invoice(customer, amount, status=InvoiceStatus.issued, number=number, **fields)


def document(app, customer, name="statement.pdf"):
    attachment = store_upload(
        db.session, customer, io.BytesIO(PDF), name, "Signed quote", app.config["UPLOAD_FOLDER"]
    )
    db.session.commit()
    return attachment


def asset(customer, reference="Boiler, kitchen"):
    row = Asset(
        customer=customer,
        asset_group=db.session.scalar(select(AssetGroup).limit(1)),
        technical_reference=reference,
    )
    db.session.add(row)
    db.session.commit()
    return row


def links() -> int:
    return db.session.scalar(select(func.count()).select_from(PortalAccess))


# --- the link itself ---------------------------------------------------------------------


def test_creating_a_link_shows_its_address_once_and_stores_only_a_hash(client_as, ada):
    client = client_as("office")
    data = {"statement": "y", "works": "y", "expires_in_days": "30", **client.csrf()}
    response = client.post(f"/admin/customer/{ada.id}/portal/new/", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "it will not be shown again" in html
    assert response.headers["Cache-Control"] == "no-store"
    token = PORTAL_URL.search(html).group(1)
    link = db.session.scalar(select(PortalAccess))
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert (link.can_see_statement, link.can_see_works, link.can_see_documents) == (
        True,
        True,
        False,
    )
    audit = " ".join(str(entry.changes) for entry in db.session.scalars(select(AuditEntry)))
    assert token not in audit
    assert token not in client.get(f"/admin/customer/{ada.id}/portal/").get_data(as_text=True)


def test_opening_a_link_moves_on_to_the_portal_without_the_token(app, ada):
    _, token = new_link(ada)
    client = visitor(app)
    response = client.get(f"/portal/open/{token}")
    assert response.status_code == 302
    assert response.headers["Location"] == "/portal/"
    assert token not in response.headers["Location"]
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"
    home = client.get("/portal/")
    assert home.status_code == 200
    assert "Ada Lovelace" in home.get_data(as_text=True)
    assert home.headers["Referrer-Policy"] == "no-referrer"
    assert home.headers["Cache-Control"] == "no-store"
    assert home.headers["X-Robots-Tag"] == "noindex"


@pytest.mark.parametrize("case", ["unknown", "expired", "revoked"])
def test_an_unusable_link_gets_the_same_plain_404(app, ada, case):
    link, token = new_link(ada)
    if case == "unknown":
        token = token[:-4] + "AAAA"
    elif case == "expired":
        link.expires_at = utcnow() - timedelta(minutes=1)
    else:
        revoke(link)
    db.session.commit()
    client = visitor(app)
    response = client.get(f"/portal/open/{token}")
    assert response.status_code == 404
    assert NOT_VALID in response.get_data(as_text=True)
    assert client.get("/portal/").status_code == 403


def test_an_expiry_in_the_past_or_beyond_a_year_is_refused(ada):
    for when in (utcnow() - timedelta(days=1), utcnow() + timedelta(days=366)):
        with pytest.raises(DomainError):
            create_portal_link(db.session, ada, None, ALL, when)
    assert links() == 0


def test_a_link_that_shows_nothing_is_refused(client_as, ada):
    client = client_as("office")
    data = {"expires_in_days": "30", **client.csrf()}
    response = client.post(f"/admin/customer/{ada.id}/portal/new/", data=data)
    assert response.status_code == 400
    assert "Tick at least one thing" in response.get_data(as_text=True)
    assert links() == 0


def test_revoking_every_link_of_a_customer_leaves_none_usable(ada):
    tokens = [new_link(ada)[1], new_link(ada)[1]]
    assert revoke_all(db.session, ada) == 2
    db.session.commit()
    assert [find_link(db.session, token) for token in tokens] == [None, None]


def test_a_merged_customers_links_stop_working(ada, grace):
    _, token = new_link(ada)
    ada.merged_into_id = grace.id  # set by merging customers; not flushed here
    assert find_link(db.session, token) is None
    with pytest.raises(DomainError):
        create_portal_link(db.session, ada, None, ALL, utcnow() + timedelta(days=7))


# --- what a portal session may see ----------------------------------------------------------


def test_pages_outside_the_links_permissions_are_refused(app, ada):
    _, token = new_link(ada, works=True)
    client = visitor(app, token)
    assert client.get("/portal/works").status_code == 200
    for page in ("/portal/statement", "/portal/invoices", "/portal/documents", "/portal/assets"):
        response = client.get(page)
        assert response.status_code == 403, page
        assert "not part of what your link lets you see" in response.get_data(as_text=True)


def test_a_statement_shows_only_the_customers_own_figures(app, ada, grace):
    issued(ada, "INV000001", "100.00")
    issued(grace, "INV000002", "999.99")
    _, token = new_link(ada)
    html = visitor(app, token).get("/portal/statement").get_data(as_text=True)
    assert "INV000001" in html and "100.00" in html
    assert "INV000002" not in html and "999.99" not in html


def test_another_customers_invoice_is_not_found(app, ada, grace):
    theirs = issued(grace, "INV000002", "999.99")
    _, token = new_link(ada)
    client = visitor(app, token)
    response = client.get(f"/portal/invoices/{theirs.id}")
    assert response.status_code == 404
    assert response.headers["Cache-Control"] == "no-store"
    assert "INV000002" not in response.get_data(as_text=True)
    assert "INV000002" not in client.get("/portal/invoices").get_data(as_text=True)


def test_another_customers_file_is_not_found(app, ada, grace):
    theirs = document(app, grace)
    ours = document(app, ada, "ours.pdf")
    _, token = new_link(ada)
    client = visitor(app, token)
    assert client.get(f"/portal/documents/{theirs.id}").status_code == 404
    download = client.get(f"/portal/documents/{ours.id}")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Cache-Control"] == "no-store"


def test_another_customers_work_and_assets_are_not_shown(app, ada, grace):
    theirs = make_work(grace, description="Rewire the loft")
    asset(grace, "Their boiler")
    ours = make_work(ada, description="Annual service")
    _, token = new_link(ada)
    client = visitor(app, token)
    assert client.get(f"/portal/works/{theirs.id}").status_code == 404
    assert client.get(f"/portal/works/{ours.id}").status_code == 200
    assert "Rewire the loft" not in client.get("/portal/works").get_data(as_text=True)
    assert "Their boiler" not in client.get("/portal/assets").get_data(as_text=True)


def test_draft_invoices_are_never_shown(app, ada):
    draft = make_invoice(ada, "250.00")  # drafts have no number yet
    issued(ada, "INV000001", "100.00")
    _, token = new_link(ada)
    client = visitor(app, token)
    assert client.get(f"/portal/invoices/{draft.id}").status_code == 404
    assert "250.00" not in client.get("/portal/invoices").get_data(as_text=True)
    assert "250.00" not in client.get("/portal/statement").get_data(as_text=True)


def test_an_invoice_shows_its_lines_and_what_is_still_to_pay(app, ada):
    invoice = issued(ada, "INV000001", "80.00", tax_rate="20.00")
    _, token = new_link(ada)
    html = visitor(app, token).get(f"/portal/invoices/{invoice.id}").get_data(as_text=True)
    assert "Labour" in html
    assert 'data-figure="total">£96.00' in html
    assert 'data-figure="outstanding">£96.00' in html


def test_the_invoice_list_costs_the_same_queries_for_any_number_of_invoices(app, ada):
    _, token = new_link(ada)
    client = visitor(app, token)
    counts = []
    for batch in (2, 12):
        for n in range(batch):
            issued(ada, f"INV{batch:03d}{n:03d}", "10.00")
        with counting_statements() as statements:
            assert client.get("/portal/invoices").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1]


def test_a_long_list_shows_25_a_page_and_past_the_end_the_last(app, ada):
    for n in range(30):
        make_work(ada, description=f"Work {n:02d}")
    _, token = new_link(ada)
    client = visitor(app, token)
    first = client.get("/portal/works").get_data(as_text=True)
    assert "Page 1 of 2" in first and "30 in all" in first
    assert first.count('href="/portal/works/') == 25
    assert '<a class="page-link" href="/portal/works?page=2">Older</a>' in first
    assert "Newer" not in first
    for page in ("2", "9"):  # the last page, and past it
        last = client.get(f"/portal/works?page={page}").get_data(as_text=True)
        assert "Page 2 of 2" in last and last.count('href="/portal/works/') == 5
        assert '<a class="page-link" href="/portal/works?page=1">Newer</a>' in last
    assert "Page 1 of 2" in client.get("/portal/works?page=-3").get_data(as_text=True)


def test_works_show_no_internal_notes_or_commission(app, ada):
    work = make_work(
        ada, account_notes="Haggled hard, margin thin", commission_total=Decimal("77.70")
    )
    _, token = new_link(ada)
    client = visitor(app, token)
    for page in ("/portal/works", f"/portal/works/{work.id}"):
        html = client.get(page).get_data(as_text=True)
        assert "Haggled" not in html and "77.70" not in html


# --- portal sessions and staff logins stay apart ---------------------------------------------


def test_a_portal_session_cannot_open_staff_pages(app, ada):
    _, token = new_link(ada)
    client = visitor(app, token)
    for page in (
        "/admin/",
        "/admin/customer/",
        f"/admin/customer/details/?id={ada.id}",
        f"/admin/customer/{ada.id}/tabs/money/",
    ):
        response = client.get(page)
        assert response.status_code == 302, page
        assert response.headers["Location"].startswith("/login")


def test_every_portal_page_refuses_a_visitor_without_a_portal_session(app, anonymous):
    checked = 0
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("portal.") or rule.endpoint in (
            "portal.open_link",
            "portal.leave",
        ):
            continue
        url = re.sub(r"<(?:int:)?(\w+)>", "1", rule.rule)
        response = anonymous.get(url)
        assert response.status_code == 403, rule.endpoint
        assert "Your session has ended" in response.get_data(as_text=True)
        checked += 1
    assert checked >= 9


def test_a_staff_login_alone_opens_no_portal_page(client_as, ada):
    client = client_as("admin")
    for page in ("/portal/", "/portal/statement", "/portal/works"):
        assert client.get(page).status_code == 403, page


def test_opening_a_link_in_a_staff_browser_keeps_the_staff_login_apart(client_as, ada):
    _, token = new_link(ada)
    client = client_as("office")
    entries = db.session.scalar(select(func.count()).select_from(AuditEntry))
    assert client.get(f"/portal/open/{token}").status_code == 302
    assert client.get("/portal/").status_code == 200
    assert client.get("/admin/customer/").status_code == 200
    # Using the portal is not a staff change: nothing is written to the audit trail.
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == entries


def test_revoking_a_link_ends_an_open_portal_session(app, client_as, ada):
    link, token = new_link(ada)
    client = visitor(app, token)
    assert client.get("/portal/statement").status_code == 200
    staff = client_as("office")
    staff.post(f"/admin/customer/{ada.id}/portal/{link.id}/revoke/", data=staff.csrf())
    ended = client.get("/portal/statement")
    assert ended.status_code == 403
    assert "Your session has ended" in ended.get_data(as_text=True)
    assert "Ada Lovelace" not in ended.get_data(as_text=True)


def test_an_expired_link_ends_an_open_portal_session(app, ada):
    link, token = new_link(ada)
    client = visitor(app, token)
    link.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get("/portal/").status_code == 403


def test_narrowing_the_permissions_applies_to_an_open_session(app, client_as, ada):
    link, token = new_link(ada)
    client = visitor(app, token)
    assert client.get("/portal/statement").status_code == 200
    staff = client_as("office")
    data = {f"link-{link.id}-works": "y", **staff.csrf()}
    response = staff.post(f"/admin/customer/{ada.id}/portal/{link.id}/permissions/", data=data)
    assert response.status_code == 302
    assert client.get("/portal/statement").status_code == 403
    assert client.get("/portal/works").status_code == 200


# --- the staff page ------------------------------------------------------------------------


def test_read_only_staff_cannot_create_change_or_revoke_links(client_as, ada):
    link, _ = new_link(ada, statement=True)
    client = client_as("read_only")
    token = client.csrf(f"/admin/customer/{ada.id}/portal/")
    base = f"/admin/customer/{ada.id}/portal"
    data = {"statement": "y", "expires_in_days": "30", **token}
    assert client.post(f"{base}/new/", data=data).status_code == 403
    assert client.post(f"{base}/{link.id}/revoke/", data=token).status_code == 403
    changed = {f"link-{link.id}-assets": "y", **token}
    assert client.post(f"{base}/{link.id}/permissions/", data=changed).status_code == 403
    db.session.refresh(link)
    assert links() == 1 and link.revoked_at is None and not link.can_see_assets


def test_a_forged_post_without_the_csrf_token_changes_nothing(client_as, ada):
    link, _ = new_link(ada)
    client = client_as("office")
    base = f"/admin/customer/{ada.id}/portal"
    assert client.post(f"{base}/new/", data={"statement": "y"}).status_code == 400
    assert client.post(f"{base}/{link.id}/revoke/").status_code == 400
    db.session.refresh(link)
    assert links() == 1 and link.revoked_at is None


def test_another_customers_link_cannot_be_revoked_from_this_record(client_as, ada, grace):
    theirs, _ = new_link(grace)
    client = client_as("office")
    response = client.post(
        f"/admin/customer/{ada.id}/portal/{theirs.id}/revoke/", data=client.csrf()
    )
    assert response.status_code == 404
    db.session.refresh(theirs)
    assert theirs.revoked_at is None


def test_the_manage_page_shows_when_a_link_was_last_used(app, client_as, ada):
    link, token = new_link(ada)
    client = client_as("read_only")
    page = f"/admin/customer/{ada.id}/portal/"
    assert "Never" in client.get(page).get_data(as_text=True)
    visitor(app, token)
    db.session.refresh(link)
    assert link.last_used_at is not None
    html = client.get(page).get_data(as_text=True)
    assert "Never" not in html
    assert day_time(link.last_used_at) in html
