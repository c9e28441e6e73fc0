"""The login and logout pages. Sessions live on the server (models/staff_sessions.py): the
cookie carries a token that logging out, a new password or a deactivation ends."""

from datetime import timedelta

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import func, select

from extensions import db
from forms.auth import LoginForm
from models import User
from models.staff_sessions import (
    end_session,
    login_failed,
    reserve_login_attempt,
    session_user,
    start_session,
)

from .base import safe_next
from .guesses import guesses_per_account, guesses_per_address

bp = Blueprint("auth", __name__)
SESSION_KEY = "staff_session"  # where the cookie keeps the session token
LOCKED = "Too many failed attempts: this login is locked for 15 minutes."
WRONG = "Email or password is wrong."


def _safe_next(target: str | None) -> str:
    return safe_next(target, url_for("admin.index"))


def load_user(user_id: str) -> User | None:
    """Flask-Login's user loader: the user of this browser's session, while it lasts."""
    config = current_app.config
    user = session_user(
        db.session,
        session.get(SESSION_KEY),
        idle=timedelta(minutes=config["SESSION_IDLE_MINUTES"]),
        lifetime=timedelta(hours=config["SESSION_LIFETIME_HOURS"]),
    )
    return user if user is not None and user.get_id() == user_id else None


def open_session(user: User) -> None:
    """A new session for a new login: nothing of the one before it is kept (rotated)."""
    token = start_session(db.session, user)
    db.session.commit()
    session.clear()
    login_user(user)
    session[SESSION_KEY] = token


@bp.route("/login", methods=["GET", "POST"])
@guesses_per_address
@guesses_per_account
def login():
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        user = db.session.scalar(select(User).where(func.lower(User.email) == email))
        if user is None or not user.active:
            flash(WRONG, "error")
        elif not reserve_login_attempt(db.session, user):
            db.session.commit()
            flash(LOCKED, "error")
        else:
            db.session.commit()  # the attempt is counted before its password is checked
            if user.check_password(form.password.data):
                open_session(user)
                return redirect(_safe_next(request.args.get("next")))
            locked = login_failed(db.session, user)
            db.session.commit()
            flash(LOCKED if locked else WRONG, "error")
        return render_template("login.html", form=form), 401
    return render_template("login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    end_session(db.session, session.get(SESSION_KEY), current_user._get_current_object())
    db.session.commit()
    logout_user()
    session.clear()
    flash("You have logged out.", "info")
    return redirect(url_for("auth.login"))
