"""Forms posted from the customer record page (CSRF-protected, as every form)."""

from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from forms.core.base import PanelForm
from models import CommunicationKind


class CommunicationForm(PanelForm):
    kind = SelectField(
        "Kind",
        choices=[(kind.value, kind.label) for kind in CommunicationKind],
        default=CommunicationKind.note.value,
    )
    subject = StringField("Subject", validators=[Optional(), Length(max=160)])
    body = TextAreaField("Note", validators=[DataRequired("Write the note.")])
    is_important = BooleanField("Important: pin it to the top")
    do_not_work_with_again = BooleanField("Do not work with again")
    scheduled_for = DateField("Activity due on", validators=[Optional()])
    # Set when the note is added from a work address's page: it belongs to that property.
    work_address_id = HiddenField()
    work_id = HiddenField()  # a note on a job, added from the job page


class UploadForm(PanelForm):
    file = FileField("File", validators=[FileRequired("Choose a file to upload.")])
    description = StringField(
        "Description",
        validators=[DataRequired("Describe the file: a description is required."), Length(max=255)],
    )


def typed(word: str) -> StringField:
    """The user types `word` to confirm something that cannot be undone (seed 004)."""
    return StringField(
        f'Type "{word}" to confirm',
        validators=[DataRequired(f'Type "{word}" to confirm.')],
        render_kw={"autocomplete": "off", "data-word": word},
    )


def typed_correctly(field: StringField) -> bool:
    return (field.data or "").strip().lower() == field.render_kw["data-word"]


class ConfirmDeleteForm(PanelForm):
    confirm = typed("delete")


class LogoForm(PanelForm):
    logo = FileField("Logo (a picture)", validators=[FileRequired("Choose a picture.")])
