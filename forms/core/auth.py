from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from forms.core.base import PanelForm
from forms.core.validators import PasswordAcceptable
from models.core.users import MAX_PASSWORD


class LoginForm(PanelForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=MAX_PASSWORD)])


class TwoFactorForm(PanelForm):
    code = StringField(
        "Two-factor code",
        validators=[DataRequired("Type the code."), Length(max=20)],
        description="The 6 digits your authenticator app shows, or one of your recovery codes.",
    )


class TwoFactorSetupForm(PanelForm):
    code = StringField(
        "Code from the app",
        validators=[DataRequired("Type the 6 digits the app shows."), Length(max=20)],
    )


class PasswordCheckForm(PanelForm):
    """Asks for the current password before a change to how the user logs in."""

    password = PasswordField(
        "Your password", validators=[DataRequired("Type your password."), Length(max=MAX_PASSWORD)]
    )


class ChangePasswordForm(PasswordCheckForm):
    new_password = PasswordField(
        "New password", validators=[DataRequired("Type the new password."), PasswordAcceptable()]
    )
    confirm = PasswordField(
        "New password again",
        validators=[EqualTo("new_password", "The two new passwords are not the same.")],
    )
