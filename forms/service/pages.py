"""Forms of the service pages: reminder decisions, contracts, service plans and SLAs."""

from __future__ import annotations

from decimal import Decimal

from wtforms import (
    DateField,
    DecimalField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from forms.core.base import PanelForm
from models import AccessMethod, ContractStatus, ReminderDecision

# The seed's wording: authorised, or not authorised for one of four reasons.
DECISIONS = {
    ReminderDecision.authorised: "Authorised and add new job",
    ReminderDecision.cancelled_once: "Cancel service reminder just this time "
    "(due again one service period later)",
    ReminderDecision.cancelled_forever: "Cancel service reminder forever "
    "(kept as cancelled, for the record's history)",
    ReminderDecision.postponed: "Postpone service until a date",
    ReminderDecision.unknown: "Unknown: no reason given (the reminder stays due)",
}


class ReminderDecisionForm(PanelForm):
    """What the customer said, for the ticked reminders (or the one being configured)."""

    decision = RadioField(
        "Customer decision",
        choices=[(decision.value, label) for decision, label in DECISIONS.items()],
        validators=[DataRequired("Choose the customer's decision.")],
    )
    access_method = SelectField(
        "Access method (for all the new jobs)",
        choices=[("", "Choose…")] + [(m.value, m.label) for m in AccessMethod],
        validators=[Optional()],
    )
    postpone_to = DateField("Postpone until", validators=[Optional()])


class ContractForm(PanelForm):
    reference = StringField(
        "Reference",
        validators=[DataRequired("Give the contract a reference."), Length(max=40)],
    )
    description = TextAreaField("Description", validators=[Optional(), Length(max=2000)])
    status = SelectField(
        "Status",
        choices=[(s.value, s.label) for s in ContractStatus],
        default=ContractStatus.active.value,
    )
    start_date = DateField("Start date", validators=[DataRequired("Enter the start date.")])
    end_date = DateField("End date", validators=[Optional()])
    renewal_reminder_on = DateField("Renewal reminder date", validators=[Optional()])
    value = DecimalField(
        "Value",
        places=2,
        validators=[
            Optional(),
            NumberRange(max=Decimal("9999999999.99"), message="That value is too large."),
        ],
        invalid_value_message="Enter the value as a number, such as 1200.00.",
    )


class ServicePlanForm(PanelForm):
    """Assign a plan; `work_addresses` are ids the view and the domain check belong to the
    customer (never a choice list of every property in the database)."""

    service_plan = SelectField(
        "Plan", coerce=int, validators=[DataRequired("Choose the plan.")], validate_choice=False
    )
    expires_on = DateField("Expiry date", validators=[DataRequired("Enter the expiry date.")])
    work_addresses = SelectMultipleField("Properties", coerce=int, validate_choice=False)
    find = StringField("Find a property (address, postcode or occupier)")


class SlaForm(PanelForm):
    sla = SelectField("SLA", coerce=int, validate_choice=False)
