"""Forms of the record actions: each states what it does and asks for what it needs."""

from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from forms.core.base import PanelForm
from forms.customers.record import typed


class DormantForm(PanelForm):
    reason = TextAreaField(
        "Reason (pinned to the record as an important note)",
        validators=[Optional(), Length(max=2000)],
    )
    do_not_work_with_again = BooleanField("Do not work with again")


class ReactivateForm(PanelForm):
    unpin = BooleanField("Also unpin the important notes and clear “do not work with again”")


class ChangeTypeForm(PanelForm):
    customer_type = SelectField("New customer type", coerce=int)
    company_name = StringField("Company name (company types)", validators=[Length(max=160)])
    contact_surname = StringField(
        "Contact surname (company types without a contact)", validators=[Length(max=80)]
    )
    confirm = typed("change")


class DeleteCustomerForm(PanelForm):
    confirm = typed("delete")


class MergeBranchForm(PanelForm):
    absorb = SelectField("Merge this branch with", coerce=int)
    confirm = typed("merge")


class MergeChooseForm(PanelForm):
    other = StringField(
        "The other customer's account number (C000123)",
        validators=[DataRequired("Give the other customer's account number.")],
    )
    keep = SelectField(
        "Which record stays",
        choices=[
            ("this", "Keep this customer, absorb the other"),
            ("other", "Keep the other customer, absorb this one"),
        ],
    )


class MergeConfirmForm(PanelForm):
    confirm = typed("merge")


class UnmergeForm(PanelForm):
    confirm = typed("unmerge")
