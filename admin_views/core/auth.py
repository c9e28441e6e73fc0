"""The login, two-factor and logout pages. Sessions live on the server
(models/core/staff_sessions.py): the cookie carries a token that logging out, a new password or a
deactivation ends."""

import time
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

from admin_views.core.base import safe_next
from admin_views.core.guesses import (
    PENDING_KEY,
    guesses_per_account,
    guesses_per_address,
    pending_user_id,
)
from extensions import db
from forms.core.auth import LoginForm, TwoFactorForm
from models import User
from models.core.base import utcnow
from models.core.staff_sessions import (
    OpenLogin,
    end_session,
    login_failed,
    open_login,
    reserve_login_attempt,
    session_user,
    start_session,
)
from models.core.two_factor import must_enrol, second_factor_ok

bp = Blueprint("auth", __name__)
SESSION_KEY = "staff_session"  # where the cookie keeps the session token
LOCKED = "Too many failed attempts: this login is locked for 15 minutes."
WRONG = "Email or password is wrong."
WRONG_CODE = "That code is not right: type the code your app shows now, or a recovery code."
TWO_FACTOR_WAIT = 300  # seconds from a right password to its code
# What a user who must set up two-factor login may still open.
SETUP_ENDPOINTS = {"account.two_factor_setup", "auth.logout", "static", "admin.static"}
# Endpoints that check the login inside their own statement rather than loading the user
# first (the heartbeat: one statement in all): nothing before them may touch current_user.
CHECKS_OWN_LOGIN = {"presence.beat"}


def _safe_next(target: str | None) -> str:
    return safe_next(target, url_for("admin.index"))


def _session_limits() -> dict[str, timedelta]:
    config = current_app.config
    return {
        "idle": timedelta(minutes=config["SESSION_IDLE_MINUTES"]),
        "lifetime": timedelta(hours=config["SESSION_LIFETIME_HOURS"]),
    }


def load_user(user_id: str) -> User | None:
    """Flask-Login's user loader: the user of this browser's session, while it lasts."""
    user = session_user(db.session, session.get(SESSION_KEY), **_session_limits())
    if db.session.dirty:  # the session marked seen, before the request's own work begins
        db.session.commit()
    return user if user is not None and user.get_id() == user_id else None


def this_browsers_login() -> tuple[int, OpenLogin] | None:
    """For an endpoint in CHECKS_OWN_LOGIN: the user this browser's cookie names and their
    name while its session is open (open_login), to build into the endpoint's own statement.
    None: the cookie names no login."""
    user_id, token = session.get("_user_id"), session.get(SESSION_KEY)
    if not (token and user_id and user_id.isdigit()):
        return None
    return int(user_id), open_login(token, int(user_id), now=utcnow(), **_session_limits())


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
                if user.two_factor_on:
                    session.clear()
                    session[PENDING_KEY] = {"user": user.id, "until": time.time() + TWO_FACTOR_WAIT}
                    return redirect(url_for("auth.two_factor", next=request.args.get("next")))
                open_session(user)
                return redirect(_safe_next(request.args.get("next")))
            locked = login_failed(db.session, user)
            db.session.commit()
            flash(LOCKED if locked else WRONG, "error")
        return render_template("login.html", form=form), 401
    return render_template("login.html", form=form)


@bp.route("/login/two-factor", methods=["GET", "POST"])
@guesses_per_address
@guesses_per_account
def two_factor():
    """The second step of a login with two-factor on: each code counts as an attempt, as a
    password does, so the lock-out holds here too."""
    user_id = pending_user_id()
    user = db.session.get(User, user_id) if user_id else None
    if user is None or not user.active:
        flash("Log in again: the code was not typed in time.", "error")
        return redirect(url_for("auth.login", next=request.args.get("next")))
    form = TwoFactorForm()
    if form.validate_on_submit():
        if not reserve_login_attempt(db.session, user):
            db.session.commit()
            session.pop(PENDING_KEY, None)
            flash(LOCKED, "error")
            return redirect(url_for("auth.login"))
        db.session.commit()
        if second_factor_ok(db.session, user, form.code.data):
            open_session(user)  # commits the code as used
            return redirect(_safe_next(request.args.get("next")))
        locked = login_failed(db.session, user, "two-factor code wrong")
        db.session.commit()
        if locked:
            session.pop(PENDING_KEY, None)
            flash(LOCKED, "error")
            return redirect(url_for("auth.login"))
        form.code.errors = [WRONG_CODE]
        return render_template("two_factor.html", form=form), 401
    return render_template("two_factor.html", form=form)


@bp.before_app_request
def two_factor_first():
    """REQUIRE_2FA: a user it applies to sets two-factor login up before anything else."""
    if request.endpoint in CHECKS_OWN_LOGIN:
        return None  # it sends nothing back but who else is viewing
    if (
        current_user.is_authenticated
        and request.endpoint not in SETUP_ENDPOINTS
        and not (request.endpoint or "").startswith("portal.")
        and must_enrol(current_user, current_app.config["REQUIRE_2FA"])
    ):
        flash("Set up two-factor login first: your role needs it.", "warning")
        return redirect(url_for("account.two_factor_setup"))
    return None


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    end_session(db.session, session.get(SESSION_KEY), current_user._get_current_object())
    db.session.commit()
    logout_user()
    session.clear()
    flash("You have logged out.", "info")
    return redirect(url_for("auth.login"))
