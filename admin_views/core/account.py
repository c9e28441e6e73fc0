"""The user's own page (their name in the top bar): password, two-factor login, and "Log out
everywhere". Every role may use it for their own login; each change asks for the password."""

from __future__ import annotations

import segno
from flask import current_app, flash, redirect, session, url_for
from flask_admin import BaseView, expose
from flask_login import current_user, logout_user

from admin_views.core.auth import open_session
from admin_views.core.base import AccessMixin, operation
from extensions import db
from forms.core.auth import ChangePasswordForm, PasswordCheckForm, TwoFactorSetupForm
from models import record
from models.core.staff_sessions import end_all_sessions
from models.core.two_factor import (
    new_recovery_codes,
    new_secret,
    recovery_codes_left,
    required_for,
    setup_uri,
    turn_off,
    turn_on,
)

SETUP_KEY = "two_factor_setup"  # the secret being set up, until its first code is right


class AccountView(AccessMixin, BaseView):
    def is_visible(self) -> bool:
        return False  # reached from the user's name in the top bar

    @property
    def user(self):
        return current_user._get_current_object()

    def page(self, status: int = 200, **forms):
        forms.setdefault("password_form", ChangePasswordForm(prefix="password"))
        forms.setdefault("check_form", PasswordCheckForm(prefix="check"))
        forms["password_form"].account = self.user
        return self.render(
            "admin/core/account/account.html",
            user=self.user,
            codes_left=recovery_codes_left(db.session, self.user),
            required=self.required(),
            **forms,
        ), status

    def required(self) -> bool:
        """Does REQUIRE_2FA keep this user's two-factor login on?"""
        return required_for(self.user.role, current_app.config["REQUIRE_2FA"])

    @expose("/")
    def index(self):
        return self.page()

    @expose("/password", methods=("POST",))
    def change_password(self):
        form = ChangePasswordForm(prefix="password")
        form.account = self.user
        if not form.validate_on_submit():
            return self.page(400, password_form=form)
        if not self.user.check_password(form.password.data):
            form.password.errors = ["That is not your current password."]
            return self.page(400, password_form=form)
        self.user.set_password(form.new_password.data)  # ends every session, this one too
        record(db.session, "password changed", self.user)
        db.session.commit()
        open_session(self.user)  # so this browser stays logged in
        flash("Your password is changed: every other browser is logged out.", "success")
        return redirect(url_for(".index"))

    @expose("/two-factor/", methods=("GET", "POST"))
    def two_factor_setup(self):
        if self.user.two_factor_on:
            return redirect(url_for(".index"))
        secret = session.setdefault(SETUP_KEY, new_secret())
        form = TwoFactorSetupForm()
        if form.validate_on_submit():
            with operation(form, others=form.code) as outcome:
                codes = turn_on(db.session, self.user, secret, form.code.data)
            if outcome.done:
                session.pop(SETUP_KEY, None)
                flash("Two-factor login is on.", "success")
                return self.render("admin/core/account/recovery_codes.html", codes=codes)
        uri = setup_uri(secret, self.user)
        return self.render(
            "admin/core/account/two_factor_setup.html",
            form=form,
            secret=secret,
            qr_code=segno.make(uri, error="m").svg_data_uri(scale=5, border=2),
        ), 400 if form.errors else 200

    def password_confirmed(self) -> bool:
        form = PasswordCheckForm(prefix="check")
        return form.validate_on_submit() and self.user.check_password(form.password.data)

    @expose("/two-factor/off", methods=("POST",))
    def two_factor_off(self):
        if self.required():
            flash("Your role needs two-factor login: it stays on.", "error")
            return redirect(url_for(".index"))
        if not self.password_confirmed():
            flash("Not changed: that is not your password.", "error")
            return redirect(url_for(".index"))
        turn_off(db.session, self.user)
        db.session.commit()
        flash("Two-factor login is off.", "success")
        return redirect(url_for(".index"))

    @expose("/recovery-codes", methods=("POST",))
    def recovery_codes(self):
        if not self.user.two_factor_on or not self.password_confirmed():
            flash("No new codes: that is not your password.", "error")
            return redirect(url_for(".index"))
        codes = new_recovery_codes(db.session, self.user)
        record(db.session, "recovery codes renewed", self.user)
        db.session.commit()
        return self.render("admin/core/account/recovery_codes.html", codes=codes)

    @expose("/log-out-everywhere", methods=("POST",))
    def log_out_everywhere(self):
        ended = end_all_sessions(db.session, self.user, by=self.user)
        db.session.commit()
        logout_user()
        session.clear()
        flash(f"You are logged out everywhere ({ended} sessions ended).", "info")
        return redirect(url_for("auth.login"))
