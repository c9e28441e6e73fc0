"""Two-factor login: set up on the user's own page with a code from the app, asked for after
the password, replay-proof, ten one-time recovery codes, required for admins by default, and
reset from the command line for a lost phone."""

import html
import re

import pyotp
import pytest
from sqlalchemy import func, select

from extensions import db
from models import AuditEntry, RecoveryCode, StaffSession, User
from models.core.base import utcnow
from models.core.two_factor import turn_on
from models.core.users import MAX_FAILED_LOGINS
from tests.conftest import PASSWORD, TOKEN

SETUP = "/admin/account/two-factor/"


def enrolled(user: User) -> tuple[str, list[str]]:
    """Two-factor on for the user: (their app's secret, their recovery codes)."""
    secret = pyotp.random_base32()
    codes = turn_on(db.session, user, secret, pyotp.TOTP(secret).now())
    db.session.commit()
    return secret, codes


def next_code(secret: str) -> str:
    """The app's code for the coming step: the current one is used up by turning it on."""
    return pyotp.TOTP(secret).at(utcnow(), counter_offset=1)


def password_step(client, email: str):
    response = client.login(email)
    assert response.status_code == 302
    return response


def code_step(client, code: str):
    token = TOKEN.search(client.get("/login/two-factor").get_data(as_text=True)).group(1)
    return client.post("/login/two-factor", data={"code": code, "csrf_token": token})


def is_in(client) -> bool:
    return client.get("/admin/").status_code == 200


def test_setting_it_up_takes_a_right_code_and_shows_recovery_codes_once(client_as, users):
    client = client_as("office")
    page = client.get(SETUP).get_data(as_text=True)
    assert 'src="data:image/svg+xml' in page  # the QR code, drawn here, from no CDN
    secret = "".join(re.search(r'id="setup-key">([^<]+)<', page).group(1).split())
    token = TOKEN.search(page).group(1)
    wrong = client.post(SETUP, data={"code": "000000", "csrf_token": token})
    assert wrong.status_code == 400 and "That code is not right" in wrong.get_data(as_text=True)
    assert not db.session.get(User, users["office"].id).two_factor_on
    done = client.post(SETUP, data={"code": pyotp.TOTP(secret).now(), "csrf_token": token})
    shown = re.findall(r"<li[^>]*>([A-Z0-9]{5}-[A-Z0-9]{5})</li>", done.get_data(as_text=True))
    assert len(shown) == 10
    assert db.session.get(User, users["office"].id).two_factor_on
    stored = db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10 and not set(shown) & set(stored)
    assert "two-factor on" in db.session.scalars(select(AuditEntry.action)).all()


def test_a_login_with_two_factor_asks_for_the_code_after_the_password(anonymous, users):
    secret, _codes = enrolled(users["office"])
    response = password_step(anonymous, users["office"].email)
    assert response.headers["Location"].startswith("/login/two-factor")
    assert not is_in(anonymous)  # the password alone opens nothing
    assert code_step(anonymous, "123456").status_code == 401
    assert code_step(anonymous, next_code(secret)).status_code == 302
    assert is_in(anonymous)


def test_a_code_opens_one_session_only(app, anonymous, users):
    secret, _codes = enrolled(users["office"])
    code = next_code(secret)
    password_step(anonymous, users["office"].email)
    assert code_step(anonymous, code).status_code == 302
    replay = app.test_client()
    password_step(replay, users["office"].email)
    assert code_step(replay, code).status_code == 401
    assert not is_in(replay)


def test_a_recovery_code_logs_in_once(app, anonymous, users):
    _secret, codes = enrolled(users["office"])
    password_step(anonymous, users["office"].email)
    assert code_step(anonymous, codes[0].lower()).status_code == 302  # typed as it comes
    again = app.test_client()
    password_step(again, users["office"].email)
    assert code_step(again, codes[0]).status_code == 401
    assert code_step(again, codes[1]).status_code == 302


def test_wrong_codes_lock_the_login_as_wrong_passwords_do(anonymous, users):
    """The password and its codes are one login: five tries in all, then the lock."""
    enrolled(users["office"])
    password_step(anonymous, users["office"].email)
    for _ in range(MAX_FAILED_LOGINS - 2):
        assert code_step(anonymous, "000000").status_code == 401
    locked = code_step(anonymous, "000000")
    assert locked.status_code == 302 and locked.headers["Location"] == "/login"
    assert db.session.get(User, users["office"].id).locked_until is not None


def test_the_code_must_follow_the_password_within_five_minutes(anonymous, users):
    secret, _codes = enrolled(users["office"])
    password_step(anonymous, users["office"].email)
    with anonymous.session_transaction() as session:
        session["two_factor_pending"] = {**session["two_factor_pending"], "until": 0}
    response = anonymous.get("/login/two-factor")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


@pytest.mark.parametrize(("requirement", "office_sent"), [("admins", False), ("all", True)])
def test_require_2fa_sends_users_to_set_it_up_first(app, client_as, requirement, office_sent):
    app.config["REQUIRE_2FA"] = requirement
    admin, office = client_as("admin"), client_as("office")
    sent = admin.get("/admin/customer/")
    assert sent.status_code == 302 and sent.headers["Location"] == SETUP
    assert admin.get(SETUP).status_code == 200
    assert (office.get("/admin/customer/").status_code == 302) is office_sent
    assert admin.post("/logout", data=admin.csrf(SETUP)).status_code == 302


def test_an_admin_with_two_factor_on_is_let_through(app, anonymous, users):
    app.config["REQUIRE_2FA"] = "admins"
    secret, _codes = enrolled(users["admin"])
    password_step(anonymous, users["admin"].email)
    code_step(anonymous, next_code(secret))
    assert anonymous.get("/admin/customer/").status_code == 200


def account_post(client, path: str, password: str = PASSWORD):
    page = client.get("/admin/account/").get_data(as_text=True)
    token = re.search(r'name="check-csrf_token" value="([^"]+)"', page).group(1)
    return client.post(
        f"/admin/account/{path}", data={"check-csrf_token": token, "check-password": password}
    )


def test_turning_it_off_needs_the_password_and_is_refused_where_required(app, client_as, users):
    client = client_as("office")
    enrolled(users["office"])
    account_post(client, "two-factor/off", "not my password")
    assert db.session.get(User, users["office"].id).two_factor_on
    app.config["REQUIRE_2FA"] = "all"
    account_post(client, "two-factor/off")
    assert db.session.get(User, users["office"].id).two_factor_on
    app.config["REQUIRE_2FA"] = "none"
    account_post(client, "two-factor/off")
    assert not db.session.get(User, users["office"].id).two_factor_on
    assert db.session.scalar(select(func.count()).select_from(RecoveryCode)) == 0


def test_new_recovery_codes_replace_the_old_ones(client_as, users):
    client = client_as("office")
    _secret, old = enrolled(users["office"])
    page = account_post(client, "recovery-codes").get_data(as_text=True)
    new = re.findall(r">([A-Z0-9]{5}-[A-Z0-9]{5})<", page)
    assert len(new) == 10 and not set(new) & set(old)


def test_reset_2fa_turns_it_off_and_ends_the_sessions(app, client_as, users):
    enrolled(users["office"])
    client = client_as("office")
    result = app.test_cli_runner().invoke(args=["reset-2fa", "OFFICE@example.com"])
    assert result.exit_code == 0, result.output
    assert not db.session.get(User, users["office"].id).two_factor_on
    assert not is_in(client)
    missing = app.test_cli_runner().invoke(args=["reset-2fa", "nobody@example.com"])
    assert missing.exit_code == 2 and "No user has the email" in missing.output


def test_log_out_everywhere_on_the_users_own_page(client_as):
    laptop, phone = client_as("office"), client_as("office")
    token = html.unescape(laptop.csrf("/admin/account/")["csrf_token"])
    response = laptop.post("/admin/account/log-out-everywhere", data={"csrf_token": token})
    assert response.headers["Location"] == "/login"
    assert not is_in(laptop) and not is_in(phone)


def test_an_admin_logs_a_user_out_everywhere(client_as, users):
    office = client_as("office")
    admin = client_as("admin")
    admin.post(
        "/admin/user/action/",
        data={"action": "log_out_everywhere", "rowid": users["office"].id, **admin.csrf()},
    )
    assert not is_in(office)
    assert is_in(admin)
    open_sessions = select(StaffSession.user_id).where(StaffSession.ended_at.is_(None))
    open_for = list(db.session.scalars(open_sessions))
    assert users["office"].id not in open_for
    assert open_for.count(users["admin"].id) == 1  # the admin's own


def test_changing_the_password_keeps_this_browser_and_ends_the_others(client_as, users):
    laptop, phone = client_as("office"), client_as("office")
    page = laptop.get("/admin/account/").get_data(as_text=True)
    token = re.search(r'name="password-csrf_token"[^>]*value="([^"]+)"', page).group(1)
    new = "a brand new passphrase 2026"
    response = laptop.post(
        "/admin/account/password",
        data={
            "password-csrf_token": token,
            "password-password": PASSWORD,
            "password-new_password": new,
            "password-confirm": new,
        },
    )
    assert response.status_code == 302
    assert is_in(laptop) and not is_in(phone)
    assert db.session.get(User, users["office"].id).check_password(new)
