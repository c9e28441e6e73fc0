"""Sessions that end: logout, a new password, a deactivation or "log out everywhere" end them
on the server, whatever copy of the cookie is still about; idle and too-old sessions end too."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from extensions import db
from models import AuditEntry, StaffSession, User
from models.core.base import utcnow
from tests.conftest import TOKEN


def copy_of(app, client):
    """Another browser holding a copy of this client's session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    assert thief.get("/admin/").status_code == 200
    return thief


def is_logged_out(client) -> bool:
    response = client.get("/admin/")
    return response.status_code == 302 and "/login" in response.headers["Location"]


def test_logout_ends_the_session_for_every_copy_of_its_cookie(app, client_as):
    client = client_as("office")
    thief = copy_of(app, client)
    client.post("/logout", data=client.csrf())
    assert is_logged_out(client)
    assert is_logged_out(thief)


def test_logout_ends_only_that_session(app, client_as):
    laptop, phone = client_as("office"), client_as("office")
    laptop.post("/logout", data=laptop.csrf())
    assert phone.get("/admin/").status_code == 200


def test_a_new_password_ends_every_session_of_the_user(app, client_as, users):
    office = client_as("office")
    thief = copy_of(app, office)
    admin = client_as("admin")
    user = users["office"]
    response = admin.post(
        f"/admin/user/edit/?id={user.id}",
        data={
            "email": user.email,
            "name": user.name,
            "role": "office",
            "active": "y",
            "new_password": "a brand new passphrase 2026",
            "version": "",
            **admin.csrf(f"/admin/user/edit/?id={user.id}"),
        },
    )
    assert response.status_code == 302
    assert is_logged_out(office) and is_logged_out(thief)
    assert admin.get("/admin/").status_code == 200


def test_a_deactivation_ends_every_session_of_the_user(app, client_as, users):
    office = client_as("office")
    users["office"].active = False
    db.session.commit()
    assert is_logged_out(office)
    users["office"].active = True
    db.session.commit()
    assert is_logged_out(office)  # reactivated, the user logs in again


def test_a_session_unused_for_the_idle_time_ends(app, client_as):
    client = client_as("office")
    idle = app.config["SESSION_IDLE_MINUTES"]
    db.session.execute(update(StaffSession).values(seen_at=utcnow() - timedelta(minutes=idle + 1)))
    db.session.commit()
    assert is_logged_out(client)


def test_a_session_in_use_still_ends_after_its_lifetime(app, client_as):
    client = client_as("office")
    hours = app.config["SESSION_LIFETIME_HOURS"]
    db.session.execute(
        update(StaffSession).values(started_at=utcnow() - timedelta(hours=hours, minutes=1))
    )
    db.session.commit()
    assert is_logged_out(client)


def test_a_session_in_use_is_marked_seen_at_most_once_a_minute(app, client_as, users):
    client = client_as("office")
    an_hour_ago = utcnow() - timedelta(hours=1)
    db.session.execute(update(StaffSession).values(seen_at=an_hour_ago))
    db.session.commit()
    assert client.get("/admin/").status_code == 200
    office = StaffSession.user_id == users["office"].id
    seen = db.session.scalar(select(StaffSession.seen_at).where(office))
    assert seen.replace(tzinfo=None) > an_hour_ago.replace(tzinfo=None) + timedelta(minutes=59)


def test_logging_in_starts_a_new_session(anonymous, users):
    """A session planted before login (fixation) is not the one logged in."""
    before = TOKEN.search(anonymous.get("/login").get_data(as_text=True)).group(1)
    anonymous.login(users["office"].email)
    after = TOKEN.search(anonymous.get("/admin/").get_data(as_text=True)).group(1)
    assert before != after


def test_the_session_token_is_stored_hashed(client_as, users):
    client = client_as("office")
    token = client.get_cookie("session").value
    office = StaffSession.user_id == users["office"].id
    stored = db.session.scalar(select(StaffSession.token_hash).where(office))
    assert stored and stored not in token


@pytest.mark.parametrize("wrong", [0, 1])
def test_logins_failures_and_logouts_are_on_the_trail(anonymous, users, wrong):
    user = users["office"]
    for _ in range(wrong):
        anonymous.login(user.email, "not the password")
    anonymous.login(user.email)
    anonymous.post("/logout", data=anonymous.csrf())
    actions = list(
        db.session.scalars(
            select(AuditEntry.action).where(AuditEntry.entity == "user").order_by(AuditEntry.id)
        )
    )
    assert actions == ["login failed"] * wrong + ["login", "logout"]
    assert db.session.scalar(select(AuditEntry.user_id).limit(1)) == user.id


def test_a_lockout_is_on_the_trail(anonymous, users):
    user = users["office"]
    for _ in range(5):
        anonymous.login(user.email, "not the password")
    assert "locked out" in db.session.scalars(select(AuditEntry.action)).all()
    assert db.session.get(User, user.id).locked_until is not None
