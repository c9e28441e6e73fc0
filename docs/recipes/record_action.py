"""Recipe: a record action. Logs a welcome call, from the record's quick links."""

from flask_login import current_user
from wtforms import TextAreaField

from admin_views.customers.record import ConfirmAction, register_action
from extensions import db
from forms.core.base import PanelForm
from models import CommunicationKind, Role
from models.files.communications import add_communication


class WelcomeCallForm(PanelForm):
    body = TextAreaField("What was said")


@register_action(heading="Admin tools", weight=5)  # first under its heading
class LogWelcomeCall(ConfirmAction):
    title, submit = "Log a welcome call", "Log call"
    intro = "The call goes on the record's Communications tab."
    name, path = "welcome_call", "welcome-call"  # endpoint customer.welcome_call
    form, allowed = WelcomeCallForm, Role.office  # read-only: no quick link, and a 403

    def run(self, customer, form):
        """Committed after; a refusal (ValidationFailed) is shown beside its field."""
        user, said = current_user._get_current_object(), form.body.data
        add_communication(db.session, customer, user, kind=CommunicationKind.call, body=said)
        return f"Welcome call logged for {customer.display_name}."
