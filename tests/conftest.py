"""Fixtures: a fresh app and database per test, logged-in clients per role, CSRF left on.

TEST_DATABASE_URL chooses the database: unset means SQLite (a new file per test); a
postgresql+psycopg:// URL means PostgreSQL, where the suite creates its own database, empties
it between tests and drops it at the end.
"""

from __future__ import annotations

import functools
import html
import os
import re
import secrets
import shutil

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from werkzeug.security import generate_password_hash

from app import create_app
from extensions import db
from models import Base, Role, User
from seed.lookups import ensure_lookups

PASSWORD = "correct horse battery"
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
# A record tab left for record.js to load when it is opened: its pane names the address.
LAZY_TAB = re.compile(r'role="tabpanel" data-src="([^"]+)">')


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


@pytest.fixture(scope="session")
def database_url():
    url = os.environ.get("TEST_DATABASE_URL", "")
    if url.startswith("postgresql"):
        yield from _postgres_database(url)
    else:
        yield None  # SQLite: one file per test, see `app`


@pytest.fixture(scope="session")
def is_postgres(database_url) -> bool:
    return database_url is not None


@pytest.fixture(scope="session")
def _schema(database_url, tmp_path_factory):
    """The schema is built once: on SQLite into a template file each test copies, on
    PostgreSQL into the suite's database, which each test empties instead."""
    if database_url is None:
        template = tmp_path_factory.mktemp("schema") / "template.db"
        engine = create_engine(f"sqlite:///{template}")
    else:
        template = None
        engine = create_engine(database_url)
    Base.metadata.create_all(engine)
    engine.dispose()
    return template


def _empty_postgres_tables() -> None:
    names = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
    db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    db.session.commit()


@pytest.fixture
def app(database_url, _schema, tmp_path):
    if database_url is None:
        shutil.copyfile(_schema, tmp_path / "test.db")
    uri = database_url or f"sqlite:///{tmp_path / 'test.db'}"
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": uri,
            "SECRET_KEY": "test-secret",
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
            "IMPORT_FOLDER": str(tmp_path / "imports"),
            # The role fixtures log in with a password alone; tests/test_two_factor.py asks
            # for the default (admins) where it matters.
            "REQUIRE_2FA": "none",
        }
    )
    with app.app_context():
        if database_url is not None:
            _empty_postgres_tables()
        ensure_lookups(db.session)
        db.session.commit()
        yield app
        db.session.remove()
        db.engine.dispose()


class PanelClient(FlaskClient):
    """A test client that knows how to get a CSRF token, as a browser would from a page.

    Each request runs in its own app context, as on a real server: otherwise Flask reuses the
    test's context and `g` (the cached login, the CSRF token) and the database session would
    leak from one client, or one request, to the next.
    """

    def open(self, *args, **kwargs):
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


@pytest.fixture
def users(app) -> dict[str, User]:
    return {role.value: make_user(role) for role in Role}


@pytest.fixture
def client_as(app, users):
    """client_as("office") is a client logged in as the office user."""
    app.test_client_class = PanelClient

    def login_as(role: str) -> PanelClient:
        client = app.test_client()
        response = client.login(users[role].email)
        assert response.status_code == 302, "login failed"
        return client

    return login_as


@pytest.fixture
def anonymous(app) -> PanelClient:
    app.test_client_class = PanelClient
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
