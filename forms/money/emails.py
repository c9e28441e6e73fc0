"""The form of a document's email: statements, invoices and credit notes share it."""

from __future__ import annotations

from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from forms.core.base import PanelForm
from forms.core.validators import RecipientsValid


class DocumentEmailForm(PanelForm):
    recipient = StringField(
        "To",
        description="One address, or several separated by commas.",
        validators=[
            DataRequired("Enter the email address to send it to."),
            Length(max=254),
            RecipientsValid(),
        ],
    )
    subject = StringField("Subject", validators=[DataRequired("Enter a subject."), Length(max=200)])
    body = TextAreaField("Message", validators=[DataRequired("Write the message.")])
