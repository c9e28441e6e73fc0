"""Fixtures: one app and one database per test session, each test inside a transaction that
is rolled back at its end; users and their logins made once; CSRF left on.

TEST_DATABASE_URL chooses the database: unset means SQLite (a file in the session's folder); a
postgresql+psycopg:// URL means PostgreSQL, where the suite creates its own database and drops
it at the end.

A test marked `own_app` gets an app and a fresh database of its own instead: one that needs real
commits another connection sees (two sessions racing, a live server's threads), or that changes
the app itself (adds a route).
"""

from __future__ import annotations

import contextlib
import functools
import html
import os
import re
import secrets

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, delete, event, text, update
from sqlalchemy.engine import make_url
from werkzeug.security import generate_password_hash

from app import create_app
from extensions import db, limiter
from models import AuditEntry, Base, Role, StaffSession, User
from models.core.base import utcnow
from seed.lookups import ensure_lookups

pytest_plugins = ["tests.browser"]  # the browser tests' fixtures

PASSWORD = "correct horse battery"
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
# A record tab left for record.js to load when it is opened: its pane names the address.
LAZY_TAB = re.compile(r'role="tabpanel" data-src="([^"]+)">')


def pytest_collection_modifyitems(items):
    # A browser test talks to a live server whose threads need a database of their own.
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.own_app)
            item.add_marker(pytest.mark.slow)


def _postgres_database(url: str):
    """Create a throwaway database on the server named in `url`; yield its URL; drop it."""
    server = make_url(url)
    name = f"cr_test_{secrets.token_hex(4)}"
    admin_engine = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin_engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin_engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin_engine.dispose()


def _database(tmp_path) -> contextlib.AbstractContextManager[str]:
    """A new, empty database for TEST_DATABASE_URL's kind of server, as a URL."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    if url.startswith("postgresql"):
        return contextlib.contextmanager(_postgres_database)(url)
    return contextlib.nullcontext(f"sqlite:///{tmp_path / 'test.db'}")


@pytest.fixture(scope="session")
def is_postgres() -> bool:
    return os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")


def _test_app(url: str, folder) -> Flask:
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "test-secret",
            "UPLOAD_FOLDER": str(folder / "uploads"),
            "IMPORT_FOLDER": str(folder / "imports"),
            # The role fixtures log in with a password alone; tests/core/test_two_factor.py asks
            # for the default (admins) where it matters.
            "REQUIRE_2FA": "none",
        }
    )
    with app.app_context():
        Base.metadata.create_all(db.engine)
        ensure_lookups(db.session)
        db.session.commit()
    return app


def _sqlite_savepoints(engine) -> None:
    """pysqlite begins a transaction only before a write, so a SAVEPOINT would open (and its
    release commit) the outer one: begin explicitly, as SQLAlchemy's SQLite notes advise.
    Only for the session's app: elsewhere a test's reads would keep one snapshot throughout."""
    engine.dispose()

    @event.listens_for(engine, "connect")
    def _no_implicit_begin(dbapi_connection, _record):
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(connection):
        connection.exec_driver_sql("BEGIN")


@pytest.fixture(scope="session")
def _shared(tmp_path_factory):
    """The session's app, its users (one per role) and a logged-in cookie per role."""
    folder = tmp_path_factory.mktemp("panel")
    with _database(folder) as url:
        app = _test_app(url, folder)
        app.test_client_class = PanelClient
        with app.app_context():
            if db.engine.dialect.name == "sqlite":
                _sqlite_savepoints(db.engine)
            ids = {role.value: make_user(role).id for role in Role}
            cookies = {role: _log_in(app, email=f"{role}@example.com") for role in ids}
            # Each test starts with an empty trail, as if its clients had logged in unseen.
            db.session.execute(delete(AuditEntry))
            db.session.commit()
        yield app, ids, cookies
        with app.app_context():
            db.engine.dispose()


def _log_in(app: Flask, email: str) -> str:
    """The session cookie of a new login."""
    client = app.test_client()
    response = client.login(email)
    assert response.status_code == 302, "login failed"
    return client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value


@contextlib.contextmanager
def _rolled_back(app: Flask):
    """Everything the test and its requests write, commits included, on one connection in a
    transaction rolled back at the end: each session joins it with a SAVEPOINT."""
    with app.app_context():
        engines = db.engines
        engine = engines[None]
        connection = engine.connect()
        transaction = connection.begin()
        engines[None] = connection
        options = db.session.session_factory.kw
        options["join_transaction_mode"] = "create_savepoint"
        try:
            yield
        finally:
            engines[None] = engine
            del options["join_transaction_mode"]
            db.session.remove()
            transaction.rollback()
            connection.close()


@pytest.fixture
def app(request, _shared, tmp_path):
    if _own_app(request):
        with _database(tmp_path) as url:
            own = _test_app(url, tmp_path)
            own.test_client_class = PanelClient
            with own.app_context():
                yield own
                db.session.remove()
                db.engine.dispose()
        return
    shared, _ids, _cookies = _shared
    config = dict(shared.config)
    shared.config.update(UPLOAD_FOLDER=str(tmp_path / "uploads"))
    shared.config.update(IMPORT_FOLDER=str(tmp_path / "imports"))
    limiter.reset()  # each test starts with no guesses counted
    try:
        with _rolled_back(shared):
            yield shared
    finally:
        shared.config.clear()
        shared.config.update(config)


@pytest.fixture
def fresh_app(tmp_path):
    """`fresh_app()` makes an app and a fresh database of its own when the test asks, after it
    has registered an extension (a tab, an action, a view) that the app must be built with."""
    with contextlib.ExitStack() as stack:

        def make() -> Flask:
            own = _test_app(stack.enter_context(_database(tmp_path)), tmp_path)
            own.test_client_class = PanelClient
            stack.enter_context(own.app_context())
            stack.callback(db.engine.dispose)
            stack.callback(db.session.remove)
            return own

        yield make


class PanelClient(FlaskClient):
    """A test client that knows how to get a CSRF token, as a browser would from a page.

    Each request runs in its own app context, as on a real server: otherwise Flask reuses the
    test's context and `g` (the cached login, the CSRF token) and the database session would
    leak from one client, or one request, to the next.
    """

    def open(self, *args, **kwargs):
        # The test's session ends its transaction first: a SAVEPOINT left open would enclose
        # what the request commits, and rolling it back afterwards would undo that too.
        db.session.rollback()
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.rollback()  # the test's own session sees what the request committed
        return response

    def record(self, customer_id: int, query: str = "") -> str:
        """A customer's record page as the browser shows it once every tab has been opened."""
        return self.record_at(f"/admin/customer/details/?id={customer_id}{query}")

    def record_at(self, url: str) -> str:
        """The record page at `url` (a redirect's Location, say) with each tab's content
        fetched with the page's query string, as record.js fetches it when a tab is opened."""
        url = url.partition("#")[0]
        response = self.get(url)
        assert response.status_code == 200, (url, response.status_code)
        search = "?" + url.partition("?")[2]

        def with_content(pane):
            tab = self.get(html.unescape(pane.group(1)) + search)
            assert tab.status_code == 200, (pane.group(1), tab.status_code)
            return pane.group(0) + tab.get_data(as_text=True)

        return LAZY_TAB.sub(with_content, response.get_data(as_text=True))

    def csrf(self, page: str = "/admin/") -> dict[str, str]:
        html = self.get(page).get_data(as_text=True)
        match = TOKEN.search(html)
        assert match, f"no CSRF token on {page}"
        return {"csrf_token": match.group(1)}

    def post_form(self, url: str, data: dict, **kwargs):
        """Posts a form as the browser would, with a CSRF token of this session."""
        return self.post(url, data={**data, **self.csrf()}, **kwargs)

    def login(self, email: str, password: str = PASSWORD):
        token = self.csrf("/login")
        return self.post("/login", data={"email": email, "password": password, **token})


@functools.cache
def password_hash() -> str:
    """scrypt is slow on purpose; the tests hash their one password once."""
    return generate_password_hash(PASSWORD)


def make_user(role: Role, email: str | None = None) -> User:
    user = User(
        email=email or f"{role.value}@example.com",
        name=f"{role.value.title()} User",
        role=role,
        active=True,
        password_hash=password_hash(),
    )
    db.session.add(user)
    db.session.commit()
    return user


def _own_app(request) -> bool:
    return request.node.get_closest_marker("own_app") is not None


@pytest.fixture
def users(request, app, _shared) -> dict[str, User]:
    if _own_app(request):
        return {role.value: make_user(role) for role in Role}
    return {role: db.session.get(User, id) for role, id in _shared[1].items()}


@pytest.fixture
def client_as(request, app, users, _shared):
    """client_as("office") is a client logged in as the office user: the first one of each role
    in a test carries the session's login, a second one logs in anew, as a second browser."""
    given: set[str] = set()
    cookies = {} if _own_app(request) else _shared[2]

    def login_as(role: str) -> PanelClient:
        client = app.test_client()
        if role in cookies and role not in given:
            given.add(role)
            client.set_cookie(app.config["SESSION_COOKIE_NAME"], cookies[role])
            # Seen just now, as a login made in this test: its first request writes no mark.
            db.session.execute(
                update(StaffSession)
                .where(StaffSession.user_id == users[role].id)
                .values(seen_at=utcnow())
            )
            db.session.commit()
            return client
        response = client.login(users[role].email)
        assert response.status_code == 302, "login failed"
        return client

    return login_as


@pytest.fixture
def office(client_as) -> PanelClient:
    return client_as("office")


@pytest.fixture
def anonymous(app) -> PanelClient:
    return app.test_client()


@pytest.fixture
def populated(app):
    """A customer with a work, a work address and an invoice: rows for every main page."""
    from tests.factories import make_customer, make_invoice, make_work, make_work_address

    customer = make_customer()
    make_work(customer)
    make_work_address(customer)
    make_invoice(customer)
    return customer
