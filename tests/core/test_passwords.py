"""Staff passwords: at least 12 characters, not common, not the owner's email or name; the
Users page and `flask create-user` refuse the same passwords and emails."""

import pytest
from sqlalchemy import func, select

from extensions import db
from models import User
from models.core.users import password_problem
from tests.conftest import TOKEN

EMAIL, NAME = "ada@example.com", "Ada Lovelace"


@pytest.mark.parametrize(
    ("password", "refusal"),
    [
        ("short", "at least 12 characters"),
        ("x" * 201, "at most 200 characters"),
        ("ada@example.com", "your email or name"),
        ("Ada Lovelace", "your email or name"),
        ("password1234", "common"),
        ("qwertyuiop123", "common"),
        ("Password1234!", "commonly used"),
        ("trustno1trustno1", "Repeats"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(password, refusal):
    assert refusal.casefold() in (password_problem(password, EMAIL, NAME) or "").casefold()


@pytest.mark.parametrize("password", ["correct horse battery", "a brand new passphrase 2026"])
def test_long_uncommon_passphrases_are_taken(password):
    assert password_problem(password, EMAIL, NAME) is None


def user_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def test_the_users_page_refuses_a_common_password(client_as):
    client = client_as("admin")
    page = client.get("/admin/user/new/").get_data(as_text=True)
    response = client.post(
        "/admin/user/new/",
        data={
            "email": "new@example.com",
            "name": "New Starter",
            "role": "office",
            "active": "y",
            "new_password": "password1234",
            "csrf_token": TOKEN.search(page).group(1),
        },
    )
    assert "This is a very common password" in response.get_data(as_text=True)
    assert user_count() == 3


def create_user(app, *arguments):
    return app.test_cli_runner().invoke(args=["create-user", *arguments])


@pytest.mark.parametrize("email", ["not-an-email", "ada@", "a b@example.com", "ada@@example.com"])
def test_create_user_refuses_emails_the_users_page_refuses(app, users, email):
    result = create_user(app, email, "--password", "correct horse battery")
    assert result.exit_code == 2
    assert "Not a valid email address" in result.output
    assert user_count() == 3


@pytest.mark.parametrize("password", ["short", "password1234", "ada@example.com"])
def test_create_user_refuses_weak_passwords(app, users, password):
    result = create_user(app, "ada@example.com", "--password", password, "--name", "Ada")
    assert result.exit_code == 2
    assert "--password" in result.output
    assert user_count() == 3


def test_create_user_makes_a_login_that_works(app, anonymous):
    result = create_user(app, "Ada@Example.com", "--password", "correct horse battery")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "ada@example.com"))
    assert (user.name, user.role.value) == ("ada", "office")
    assert anonymous.login("ada@example.com").status_code == 302
