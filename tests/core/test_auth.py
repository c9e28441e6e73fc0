"""Logging in and out, lock-out after repeated failures, cookies and security headers."""

from extensions import db
from models import User
from models.core.users import MAX_FAILED_LOGINS
from tests.conftest import PASSWORD


def test_panel_sends_anonymous_visitors_to_the_login_page(anonymous):
    response = anonymous.get("/admin/customer/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_login_with_the_right_password_opens_the_panel(anonymous, users):
    response = anonymous.login(users["office"].email)
    assert response.status_code == 302
    assert anonymous.get("/admin/").status_code == 200


def test_login_with_a_wrong_password_says_so(anonymous, users):
    response = anonymous.login(users["office"].email, "not the password")
    assert response.status_code == 401
    assert "Email or password is wrong." in response.get_data(as_text=True)
    assert anonymous.get("/admin/").status_code == 302


def test_login_after_next_stays_on_this_site(anonymous, users):
    token = anonymous.csrf("/login")
    response = anonymous.post(
        "/login?next=https://evil.example/phish",
        data={"email": users["office"].email, "password": PASSWORD, **token},
    )
    assert response.headers["Location"] == "/admin/"


def test_repeated_failures_lock_the_login_even_for_the_right_password(anonymous, users):
    email = users["office"].email
    for _ in range(MAX_FAILED_LOGINS):
        anonymous.login(email, "wrong guess")
    response = anonymous.login(email)
    assert response.status_code == 401
    assert "locked for 15 minutes" in response.get_data(as_text=True)
    assert db.session.get(User, users["office"].id).locked_until is not None


def test_inactive_users_cannot_log_in(anonymous, users):
    users["office"].active = False
    db.session.commit()
    assert anonymous.login(users["office"].email).status_code == 401


def test_logout_is_a_post_with_a_token(client_as):
    client = client_as("office")
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400  # no CSRF token: refused
    assert client.get("/admin/").status_code == 200
    response = client.post("/logout", data=client.csrf())
    assert response.headers["Location"] == "/login"
    assert client.get("/admin/").status_code == 302


def test_login_form_needs_its_csrf_token(anonymous, users):
    response = anonymous.post("/login", data={"email": users["office"].email, "password": PASSWORD})
    assert response.status_code == 400
    assert anonymous.get("/admin/").status_code == 302


def test_session_cookie_is_http_only_and_same_site(anonymous, users):
    response = anonymous.login(users["office"].email)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_every_response_forbids_framing_and_sniffing(anonymous, client_as):
    for response in (anonymous.get("/login"), client_as("office").get("/admin/customer/")):
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_passwords_are_stored_hashed(users):
    stored = db.session.get(User, users["admin"].id).password_hash
    assert PASSWORD not in stored
    assert stored.startswith("scrypt:")
