"""The forms' bases: ModelForm for the model views, PanelForm for the panel's own pages.

Both refuse a value holding a NUL character beside its field, before any other check runs:
no person types one, those checks may look the value up, and PostgreSQL refuses NUL in text.
`put_on_fields` shows a domain refusal on the fields it is about, on any form.
"""

from collections.abc import Mapping

from flask_admin.form import BaseForm
from flask_wtf import FlaskForm
from wtforms import FieldList, FormField

from models import DomainError, ValidationFailed

NUL_REFUSED = "This holds a NUL character, which cannot be saved: type it again."


class RefusesNul:
    def validate(self, extra_validators=None) -> bool:
        refused = [field for field in _fields(self) if _holds_nul(field)]
        for field in refused:
            field.errors = [NUL_REFUSED]
        return not refused and super().validate(extra_validators)


class ModelForm(RefusesNul, BaseForm):
    """The model views' form base (SecureModelView.form_base_class)."""


class PanelForm(RefusesNul, FlaskForm):
    """The panel's own forms (CSRF from Flask-WTF, as FlaskForm)."""


def refusals(refused: DomainError) -> dict[str, str]:
    """A refusal's messages by the field each is about; one about no field is under ""."""
    return dict(refused.errors) if isinstance(refused, ValidationFailed) else {"": str(refused)}


def put_on_fields(form, refused: DomainError | Mapping[str, str], others=None) -> dict[str, str]:
    """Each message of a refusal (or of messages by field name) beside the field of `form` it
    names (a rule about a relation, as `landlord`, on its chooser `landlord_id`), never the
    CSRF token; the rest on the `others` field when the page gives one. Returns what is
    left, by name ("" for a refusal about no field), for the page to say above the form."""
    errors = refused if isinstance(refused, Mapping) else refusals(refused)
    left = {}
    for name, message in errors.items():
        field = _field_about(form, name)
        field = others if field is None else field
        if field is None:
            left[name] = message
        else:
            field.errors = [*field.errors, message]
    return left


def _field_about(form, name: str):
    if form is None or not name or name == "csrf_token":
        return None
    chosen = next((n for n in (name, f"{name}_id") if n in form), None)
    return form[chosen] if chosen else None


def _fields(fields):
    """Every field of a form, those of its inline and nested forms (phones, lines …) too."""
    for field in fields:
        if isinstance(field, FieldList | FormField):
            yield from _fields(field)
        else:
            yield field


def _holds_nul(field) -> bool:
    return any(isinstance(value, str) and "\x00" in value for value in field.raw_data or ())
