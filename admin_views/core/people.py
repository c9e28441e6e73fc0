"""Admin menu: staff logins and portal links (the audit log is admin_views/reports/audit_log.py)."""

from flask import flash
from flask_admin.actions import action
from flask_login import current_user
from wtforms import PasswordField
from wtforms.validators import DataRequired, Optional

from admin_views.core.base import ReadOnlyModelView, SecureModelView
from extensions import db
from forms.core.validators import EmailValid, PasswordAcceptable
from models import DomainError, Role, ValidationFailed
from models.core.staff_sessions import end_all_sessions


class UserView(SecureModelView):
    role = Role.admin
    noun = "user"
    column_list = ("email", "name", "role", "active", "two_factor_since", "created_at")
    column_labels = {"two_factor_since": "Two-factor since"}
    column_details_list = (*column_list, "updated_at")
    column_sortable_list = column_list
    column_searchable_list = ("email", "name")
    column_filters = ("role", "active", "two_factor_since")
    form_columns = ("email", "name", "role", "active", "new_password")
    form_extra_fields = {
        "new_password": PasswordField(
            "New password",
            validators=[Optional(), PasswordAcceptable()],
            description="Leave blank to keep the current password.",
        )
    }
    form_args = {
        "email": {"validators": [DataRequired("Enter the email."), EmailValid()]},
        "name": {"validators": [DataRequired("Enter the name.")]},
    }

    def check(self, model, is_created):
        if is_created and not model.password_hash:
            raise ValidationFailed({"new_password": "A new user needs a password."})
        if model.id == current_user.id and (not model.active or not model.is_admin):
            raise ValidationFailed({"role": "You cannot remove your own admin access."})

    def on_model_change(self, form, model, is_created):
        if form.new_password.data:
            model.set_password(form.new_password.data)
        model.email = model.email.strip().lower()
        super().on_model_change(form, model, is_created)

    def on_model_delete(self, model) -> None:
        if model.id == current_user.id:
            raise DomainError("you cannot delete yourself.")

    @action(
        "log_out_everywhere",
        "Log out everywhere",
        "End every session of the selected users, on every browser?",
    )
    def log_out_everywhere(self, ids) -> None:
        chosen = self.scoped(ids).all()
        ended = sum(end_all_sessions(db.session, user, by=current_user) for user in chosen)
        db.session.commit()
        flash(f"{len(chosen)} users logged out everywhere ({ended} sessions ended).", "success")


class PortalAccessView(ReadOnlyModelView):
    """Links are created and revoked from the customer record (record actions)."""

    role = Role.admin
    column_list = (
        "customer",
        "created_at",
        "expires_at",
        "revoked_at",
        "last_used_at",
        "can_see_statement",
        "can_see_works",
        "can_see_documents",
        "can_see_assets",
    )
    column_details_list = (*column_list[:1], "created_by", *column_list[1:])
    column_sortable_list = ("created_at", "expires_at", "revoked_at", "last_used_at")
    column_searchable_list = ()
    column_filters = ("expires_at", "revoked_at")
    column_default_sort = ("created_at", True)
