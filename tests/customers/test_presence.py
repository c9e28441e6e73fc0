"""Who's viewing and who's editing a record (seed 004): in the page as served, in the
heartbeat's answer, gone when the page leaves or stops beating; in the database or in Redis."""

from __future__ import annotations

import re
import secrets
import subprocess
import sys
from datetime import timedelta

import pytest
import redis
from sqlalchemy import select, update

from admin_views.customers import presence
from app import ROOT, create_app
from extensions import db
from models import StaffSession
from models.core.base import utcnow
from models.customers.presence import EXPIRES, Viewer, viewers
from models.portal.links import create_portal_link
from tests.conftest import PASSWORD
from tests.factories import make_customer, make_work_address
from tests.sql import counting_statements

REDIS_URL = "redis://127.0.0.1:6379/0"
PRESENCE = re.compile(
    r'data-presence data-url="([^"]+)" data-leave="([^"]+)" data-tab="([^"]+)"\s+'
    r'data-signature="([^"]+)" data-editing="(1?)"'
)


@pytest.fixture(params=["database", "redis"])
def kept_in(request, app):
    """Each behaviour twice: in the database (the default) and in Redis (REDIS_URL set), with
    keys of this run only."""
    if request.param == "redis":
        prefix = f"test-{secrets.token_hex(4)}:"
        app.config.update(REDIS_URL=REDIS_URL, REDIS_KEY_PREFIX=prefix)
        yield "redis"
        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(f"{prefix}*"):
            client.delete(key)
    else:
        yield "database"


@pytest.fixture
def clock(monkeypatch):
    """The presence clock, moved on by the test instead of waiting."""
    moments = [utcnow()]
    monkeypatch.setattr(presence, "now", lambda: moments[-1])

    def move_on(seconds: float):
        moments.append(moments[-1] + timedelta(seconds=seconds))

    return move_on


def page_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.get_data(as_text=True)
    return html, dict(
        zip(
            ("url", "leave", "tab", "signature", "editing"),
            PRESENCE.search(html).groups(),
            strict=True,
        )
    )


def block(html) -> str:
    """The Who's viewing block's text."""
    found = re.search(r'id="panel-viewing">(.*?)</section>', html, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1))).strip()


def beat(client, page, **changed):
    data = {"tab": page["tab"], "signature": page["signature"], "editing": page["editing"]}
    return client.post(page["url"], data={**data, **changed, **client.csrf()})


def record_url(customer):
    return f"/admin/customer/details/?id={customer.id}"


def test_the_second_user_sees_the_first_in_the_page_and_the_first_sees_the_second(
    client_as, kept_in, clock
):
    customer = make_customer()
    office, admin = client_as("office"), client_as("admin")
    html, office_page = page_of(office, record_url(customer))
    assert "No one else has this record open." in block(html)
    clock(5)
    html, _ = page_of(admin, record_url(customer))
    assert "Office User since" in block(html)
    assert "Admin User" not in block(html)  # not oneself
    answer = beat(office, office_page)
    assert answer.status_code == 200
    assert [(o["name"], o["editing"]) for o in answer.json["others"]] == [("Admin User", False)]


def test_someone_with_the_edit_form_open_is_editing_and_the_form_warns_the_next(
    client_as, kept_in, clock
):
    customer = make_customer()
    office, admin = client_as("office"), client_as("admin")
    html, _ = page_of(office, f"/admin/customer/edit/?id={customer.id}")
    assert "editing this record too" not in html or "data-presence-warning hidden" in html
    html, _ = page_of(admin, record_url(customer))
    assert re.search(r"Office User editing since", block(html))
    html, admin_form = page_of(admin, f"/admin/customer/edit/?id={customer.id}")
    warning = re.search(r"<div class=\"alert[^>]*data-presence-warning>(.*?)</div>", html, re.S)
    assert warning, "the form warns that someone else is editing"
    assert "Office User" in warning.group(1) and "editing this record too" in warning.group(1)
    assert admin_form["editing"] == "1"


def test_a_page_that_says_goodbye_leaves_the_list_at_once(client_as, kept_in, clock):
    customer = make_customer()
    office, admin = client_as("office"), client_as("admin")
    _, office_page = page_of(office, record_url(customer))
    _, admin_page = page_of(admin, record_url(customer))
    data = {"tab": office_page["tab"], "signature": office_page["signature"], "editing": ""}
    assert office.post(office_page["leave"], data={**data, **office.csrf()}).status_code == 204
    assert beat(admin, admin_page).json["others"] == []


def test_a_closed_page_that_stops_beating_is_gone_once_it_expires(client_as, kept_in, clock):
    customer = make_customer()
    office, admin = client_as("office"), client_as("admin")
    page_of(office, record_url(customer))
    _, admin_page = page_of(admin, record_url(customer))
    clock(EXPIRES.total_seconds() - 1)
    assert [o["name"] for o in beat(admin, admin_page).json["others"]] == ["Office User"]
    clock(2)  # the office user's tab was closed and nothing said goodbye
    assert beat(admin, admin_page).json["others"] == []
    html, _ = page_of(admin, record_url(customer))
    assert "No one else has this record open." in block(html)


def test_the_work_address_page_shows_who_is_viewing_and_editing_it(client_as, kept_in, clock):
    address = make_work_address(make_customer())
    office, admin = client_as("office"), client_as("admin")
    page_of(office, f"/admin/workaddress/edit/?id={address.id}")
    html, admin_page = page_of(admin, f"/admin/workaddress/details/?id={address.id}")
    assert re.search(r"Office User editing since", block(html))
    clock(1)
    page_of(office, f"/admin/workaddress/details/?id={address.id}")
    others = beat(admin, admin_page).json["others"]
    assert [(o["name"], o["editing"]) for o in others] == [("Office User", True)]  # both tabs


def test_a_heartbeat_is_one_statement_its_login_check_included(client_as, kept_in):
    """In the database the login is checked inside the beat's own upsert; with Redis the
    check is the one statement and the beat is Redis's."""
    customer = make_customer()
    office = client_as("office")
    _, office_page = page_of(office, record_url(customer))
    data = {"tab": office_page["tab"], "signature": office_page["signature"], "editing": ""}
    data.update(office.csrf())
    with counting_statements() as sent:
        assert office.post(office_page["url"], data=data).status_code == 200
    assert len(sent) == 1
    assert ("record_presence" in sent[0]) == (kept_in == "database")
    assert "staff_session" in sent[0]


def test_a_heartbeat_after_the_login_ended_is_refused_and_keeps_nothing(
    app, client_as, kept_in, users, clock
):
    customer = make_customer()
    office, admin = client_as("office"), client_as("admin")
    _, office_page = page_of(office, record_url(customer))
    _, admin_page = page_of(admin, record_url(customer))
    office_beat = {**office.csrf(), "tab": office_page["tab"], "editing": ""}
    office_beat["signature"] = office_page["signature"]  # its page, served while logged in
    idle = timedelta(minutes=app.config["SESSION_IDLE_MINUTES"] + 1)
    for values in ({"seen_at": utcnow() - idle}, {"ended_at": utcnow()}):
        db.session.execute(
            update(StaffSession)
            .where(StaffSession.user_id == users["office"].id)
            .values(seen_at=utcnow(), ended_at=None)
            .values(**values)
        )
        db.session.commit()
        clock(EXPIRES.total_seconds() + 1)  # the office page has expired: nothing revives it
        refused = office.post(office_page["url"], data=office_beat)
        assert refused.status_code == 302 and "/login" in refused.headers["Location"]
        assert beat(admin, admin_page).json["others"] == []  # the office user is not there


def test_a_heartbeat_does_not_keep_an_idle_login_alive(client_as, users):
    """An open page beats every ten seconds: were that activity, a record left open on a desk
    would hold its login open for ever."""
    customer = make_customer()
    office = client_as("office")
    _, office_page = page_of(office, record_url(customer))
    data = {**office.csrf(), "tab": office_page["tab"], "signature": office_page["signature"]}
    an_hour_ago = utcnow() - timedelta(hours=1)
    of_office = StaffSession.user_id == users["office"].id
    db.session.execute(update(StaffSession).where(of_office).values(seen_at=an_hour_ago))
    db.session.commit()
    assert office.post(office_page["url"], data=data).status_code == 200
    seen = db.session.scalar(select(StaffSession.seen_at).where(of_office))
    assert seen.replace(tzinfo=None) == an_hour_ago.replace(tzinfo=None)


def test_a_heartbeat_for_another_record_or_a_made_up_tab_is_refused(client_as, clock):
    customer, other = make_customer(), make_customer(surname="Other")
    office = client_as("office")
    _, office_page = page_of(office, record_url(customer))
    elsewhere = {**office_page, "url": office_page["url"].replace(str(customer.id), str(other.id))}
    assert beat(office, elsewhere).status_code == 400
    assert beat(office, office_page, tab="x" * 16).status_code == 400
    assert beat(office, office_page, editing="1").status_code == 400  # not an edit form
    assert beat(office, {**office_page, "url": "/admin/presence/invoice/1/"}).status_code == 404
    assert beat(office, {**office_page, "url": "/admin/presence/customer/abc/"}).status_code == 404
    huge = {**office_page, "url": "/admin/presence/customer/99999999999/"}
    assert beat(office, huge).status_code == 404
    no_token = {"tab": office_page["tab"], "signature": office_page["signature"]}
    assert office.post(office_page["url"], data=no_token).status_code == 400  # CSRF


def test_another_users_page_cannot_be_spoken_for(client_as, clock):
    customer = make_customer()
    office, admin = client_as("office"), client_as("admin")
    _, office_page = page_of(office, record_url(customer))
    assert beat(admin, office_page).status_code == 400  # signed for the office user
    data = {"tab": office_page["tab"], "signature": office_page["signature"], "editing": ""}
    assert admin.post(office_page["leave"], data={**data, **admin.csrf()}).status_code == 400


def test_portal_visitors_neither_see_presence_nor_appear_in_it(app, client_as):
    customer = make_customer()
    everything = {"statement": True, "works": True, "documents": True, "assets": True}
    _, token = create_portal_link(
        db.session, customer, None, everything, utcnow() + timedelta(days=1)
    )
    db.session.commit()
    office = client_as("office")
    _, office_page = page_of(office, record_url(customer))
    visitor = app.test_client()
    assert visitor.get(f"/portal/open/{token}").status_code == 302
    for path in ("/portal/", "/portal/works", "/portal/statement"):
        response = visitor.get(path)
        assert response.status_code == 200, path
        html = response.get_data(as_text=True)
        assert "data-presence" not in html and "viewing" not in html.lower()
    data = {"tab": office_page["tab"], "signature": office_page["signature"], "editing": ""}
    answer = visitor.post(office_page["url"], data={**data, **visitor.csrf("/login")})
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]
    html, _ = page_of(client_as("admin"), record_url(customer))
    assert [n for n in ("Office User",) if n in block(html)] == ["Office User"]
    assert "Lovelace since" not in block(html)  # the customer never appears


def test_one_persons_two_pages_are_one_entry_editing_since_the_first():
    start = utcnow()
    later = start + timedelta(seconds=30)
    found = viewers([(2, "Ann", later, True), (2, "Ann", start, False), (3, "Bob", start, False)])
    assert found == [Viewer(2, "Ann", start, True), Viewer(3, "Bob", start, False)]


@pytest.mark.own_app
@pytest.mark.parametrize("shared", ["database", "redis"])
def test_two_app_instances_on_one_database_or_redis_see_each_others_viewers(
    app, users, shared, clock
):
    """Two gunicorn workers or two machines: two app instances sharing what presence is kept in."""
    prefix = f"test-{secrets.token_hex(4)}:"
    if shared == "redis":
        app.config.update(REDIS_URL=REDIS_URL, REDIS_KEY_PREFIX=prefix)
    second = create_app({**app.config, "TESTING": True})
    second.test_client_class = type(app.test_client())
    customer = make_customer()
    db.session.commit()
    first_client, second_client = app.test_client(), second.test_client()
    assert first_client.login(users["office"].email).status_code == 302
    assert second_client.login(users["admin"].email).status_code == 302
    _, office_page = page_of(first_client, record_url(customer))
    html, _ = page_of(second_client, record_url(customer))
    assert "Office User since" in block(html)
    assert [o["name"] for o in beat(first_client, office_page).json["others"]] == ["Admin User"]
    if shared == "redis":
        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(f"{prefix}*"):
            client.delete(key)


def test_with_redis_out_of_reach_the_record_still_opens_and_says_presence_is_unknown(
    app, client_as
):
    app.config.update(REDIS_URL="redis://127.0.0.1:1/0", REDIS_KEY_PREFIX="unreachable:")
    customer = make_customer()
    office = client_as("office")
    html, office_page = page_of(office, record_url(customer))
    assert "Not known just now" in block(html)
    assert beat(office, office_page).status_code == 503


# A second process of the panel: logs in and opens the record, printing its Who's viewing.
SECOND_PROCESS = """
import re, sys
from app import create_app
url, redis_url, prefix, email, password, path = sys.argv[1:]
app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test-secret",
                  "REQUIRE_2FA": "none", "REDIS_URL": redis_url, "REDIS_KEY_PREFIX": prefix})
client = app.test_client()
login = client.get("/login").get_data(as_text=True)
token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login).group(1)
answer = client.post("/login", data={"email": email, "password": password, "csrf_token": token})
assert answer.status_code == 302, answer.status_code
print(client.get(path).get_data(as_text=True))
"""


@pytest.mark.own_app
@pytest.mark.slow
@pytest.mark.parametrize("shared", ["database", "redis"])
def test_two_processes_of_the_panel_see_each_others_viewers(app, users, shared):
    """As two gunicorn workers or two machines: a real second process, one database or Redis."""
    prefix = f"test-{secrets.token_hex(4)}:" if shared == "redis" else ""
    redis_url = REDIS_URL if shared == "redis" else ""
    app.config.update(REDIS_URL=redis_url, REDIS_KEY_PREFIX=prefix or "customer-record:")
    customer = make_customer()
    db.session.commit()
    office = app.test_client()
    assert office.login(users["office"].email).status_code == 302
    _, office_page = page_of(office, record_url(customer))
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    arguments = [url, redis_url, prefix, users["admin"].email, PASSWORD, record_url(customer)]
    second = subprocess.run(  # noqa: S603 (our own script, our own arguments)
        [sys.executable, "-c", SECOND_PROCESS, *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert second.returncode == 0, second.stderr
    assert "Office User since" in block(second.stdout)
    assert [o["name"] for o in beat(office, office_page).json["others"]] == ["Admin User"]
    if shared == "redis":
        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(f"{prefix}*"):
            client.delete(key)
