"""Field validators shared by the model forms."""

from wtforms.validators import ValidationError

from models import phones
from models.customer_rules import email_problem


class PhoneNumberValid:
    """A number `phonenumbers` accepts as possible in the configured region."""

    def __call__(self, form, field) -> None:
        if field.data and field.data.strip() and phones.parse(field.data) is None:
            raise ValidationError(
                "Not a valid phone number: use digits, with the country code if it is abroad."
            )


class EmailValid:
    def __call__(self, form, field) -> None:
        problem = email_problem(field.data)
        if problem:
            raise ValidationError(problem)
