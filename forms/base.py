"""The forms' bases: ModelForm for the model views, PanelForm for the panel's own pages.

Both refuse a value holding a NUL character beside its field, before any other check runs:
no person types one, those checks may look the value up, and PostgreSQL refuses NUL in text.
"""

from flask_admin.form import BaseForm
from flask_wtf import FlaskForm
from wtforms import FieldList, FormField

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


def _fields(fields):
    """Every field of a form, those of its inline and nested forms (phones, lines …) too."""
    for field in fields:
        if isinstance(field, FieldList | FormField):
            yield from _fields(field)
        else:
            yield field


def _holds_nul(field) -> bool:
    return any(isinstance(value, str) and "\x00" in value for value in field.raw_data or ())
