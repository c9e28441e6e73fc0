"""Field validators shared by the model forms."""

from wtforms.validators import ValidationError

from models.core.users import password_problem
from models.customers import phones
from models.customers.rules import email_problem
from models.files.mail import recipients_problem


class PhoneNumberValid:
    """A number `phonenumbers` accepts as possible in the configured region."""

    def __call__(self, form, field) -> None:
        if field.data and field.data.strip() and phones.parse(field.data) is None:
            raise ValidationError(
                "Not a valid phone number: use digits, with the country code if it is abroad."
            )


class PasswordAcceptable:
    """The house's password policy (models.core.users.password_problem). The email and name the
    password must not be are the form's own fields, or else those of the form's `account`."""

    def __call__(self, form, field) -> None:
        if not field.data:
            return
        account = getattr(form, "account", None)
        email = form.email.data if "email" in form else account.email
        name = form.name.data if "name" in form else account.name
        problem = password_problem(field.data, email, name)
        if problem:
            raise ValidationError(problem)


class EmailValid:
    def __call__(self, form, field) -> None:
        problem = email_problem(field.data)
        if problem:
            raise ValidationError(problem)


class RecipientsValid:
    """One address or a clean list of them, and nothing that could write a header."""

    def __call__(self, form, field) -> None:
        problem = recipients_problem(field.data)
        if problem:
            raise ValidationError(problem)
