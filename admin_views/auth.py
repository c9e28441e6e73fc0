"""The login and logout pages."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import func, select

from extensions import db
from forms.auth import LoginForm
from models import User

from .base import safe_next

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    return safe_next(target, url_for("admin.index"))


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        user = db.session.scalar(select(User).where(func.lower(User.email) == email))
        if user is not None and user.is_locked():
            flash("Too many failed attempts: this login is locked for 15 minutes.", "error")
        elif user is not None and user.active and user.check_password(form.password.data):
            user.record_login(succeeded=True)
            db.session.commit()
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        else:
            if user is not None:
                user.record_login(succeeded=False)
                db.session.commit()
            flash("Email or password is wrong.", "error")
        return render_template("login.html", form=form), 401
    return render_template("login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    logout_user()
    flash("You have logged out.", "info")
    return redirect(url_for("auth.login"))
