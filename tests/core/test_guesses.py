"""Guesses at a secret are slowed: per client address across the login, two-factor and portal
links, and per account a login names. Over the limit: 429, and the secret is not checked."""

import pytest
from sqlalchemy import func, select

from extensions import db
from models import AuditEntry
from tests.conftest import PanelClient

LIMIT = 3


@pytest.fixture
def limited(app):
    app.config["LOGIN_RATE_LIMIT"] = f"{LIMIT} per minute"
    return app


def from_address(app, address: str) -> PanelClient:
    client = PanelClient(app, app.response_class, use_cookies=True)
    client.environ_base["REMOTE_ADDR"] = address
    return client


def checked_passwords() -> int:
    return db.session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "login failed")
    )


def test_logins_from_one_address_are_slowed(limited, anonymous, users):
    for number in range(LIMIT):
        email = f"nobody{number}@example.com"
        assert anonymous.login(email, "wrong guess").status_code == 401
    response = anonymous.login(users["office"].email, "wrong guess")
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)
    assert checked_passwords() == 0  # the office user's password was never tried


def test_guesses_at_one_account_from_many_addresses_are_slowed(limited, users):
    email = users["admin"].email
    for number in range(LIMIT):
        client = from_address(limited, f"198.51.100.{number}")
        assert client.login(email, "wrong guess").status_code == 401
    last = from_address(limited, "198.51.100.99")
    assert last.login(email, "wrong guess").status_code == 429
    assert checked_passwords() == LIMIT


def test_portal_links_are_slowed_too(limited, anonymous):
    for number in range(LIMIT):
        assert anonymous.get(f"/portal/open/not-a-token-{number}").status_code == 404
    assert anonymous.get("/portal/open/another-guess").status_code == 429


def test_opening_the_login_page_is_not_a_guess(limited, anonymous):
    for _ in range(LIMIT + 2):
        assert anonymous.get("/login").status_code == 200
